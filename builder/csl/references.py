"""Entries as CSL-JSON, read by pandoc as it reads them for a document: the items every
formatting request carries. What pandoc cannot read is an error at the entry; characters no text
may hold are left out, with a warning."""

from __future__ import annotations

import json
import re

from builder.bib.bibliography import Bibliography, Placed
from builder.bib.csljson import CslItem
from builder.csl.pandoc import Citeproc, CiteprocError
from builder.errors import Problem, error, warning
from builder.text import UNPRINTABLE

# Pandoc compares every crossref and xdata with every entry it is given: entries go to it
# this many at a time (with their parents), which keeps that quadratic cost small.
_CONVERT_BATCH = 500
# Each block pandoc refuses costs a request; past this many in a batch the build has enough to report.
_REFUSALS_REPORTED = 20


def convert_references(engine: Citeproc, bibliography: Bibliography, keys: list[str],
                       language: str = "en-US") -> tuple[dict[str, dict], list[Problem]]:
    """CSL-JSON for the given keys, read as for a document in language (English titles get
    sentence case); what pandoc cannot read is an error where it is written. Items of CSL-JSON
    and CSL-YAML files are given as pandoc's CSL-JSON reader reads them (as_pandoc_reads)."""
    converted: dict[str, dict] = {}
    problems: list[Problem] = []
    csl = bibliography.csl_items(keys)
    keys = [key for key in keys if not isinstance(bibliography.entries.get(key), CslItem)]
    for start in range(0, len(keys), _CONVERT_BATCH):
        _convert_batch(engine, bibliography, keys[start:start + _CONVERT_BATCH], language, converted, problems)
    _accept_items(engine, csl, converted, problems)       # no crossref to resolve: one request for all
    return converted, problems


def _accept_items(engine: Citeproc, entries: list[CslItem], converted: dict[str, dict], problems: list[Problem]):
    """Each item as pandoc reads it (builder.bib.variables.as_pandoc_reads). One pandoc's CSL-JSON reader refuses is
    an error at the item: pandoc names it, and the rest are read again (each alone when pandoc names none)."""
    from builder.bib.variables import as_given, as_pandoc_reads

    remaining = list(entries)
    while remaining:
        try:
            read = engine.convert(json.dumps([as_given(e.item, e.from_json) for e in remaining], ensure_ascii=False))
        except CiteprocError as exc:
            found = re.search(r"Error in \$\[(\d+)\]:?\s*", str(exc))
            index = int(found.group(1)) if found else 0 if len(remaining) == 1 else len(remaining)
            if index >= len(remaining):
                for entry in remaining:
                    _accept_items(engine, [entry], converted, problems)
                return
            entry = remaining.pop(index)
            reason = " ".join(str(exc)[found.end():].split()) if found else _pandoc_reason(str(exc))
            problems.append(error(entry.path, entry.line, entry.col, f"pandoc cannot read entry '{entry.key}': "
                                                                     f"{reason[:300]}"))
            if len(entries) - len(remaining) == _REFUSALS_REPORTED:
                return       # the build fails on these; more would cost a request each
            continue
        by_key = {item.get("id"): item for item in read}
        for entry in remaining:
            read_item = by_key.get(entry.key, entry.item)
            converted.setdefault(entry.key, as_pandoc_reads(entry.item, read_item, entry.from_json))
        return


def _convert_batch(engine: Citeproc, bibliography: Bibliography, keys: list[str], language: str,
                   converted: dict[str, dict], problems: list[Problem]) -> None:
    """Convert keys. A block pandoc refuses is an error where it is written, and the rest is
    converted without it; an error pandoc gives no position for is looked for one entry at a time."""
    refused: set[Placed] = set()
    while True:
        request = bibliography.biblatex(keys, without=refused)
        try:
            items = engine.convert(request.text, language)
        except CiteprocError as exc:
            placed = request.place(str(exc))
            if placed is None:
                break
            block, line, col, ran_on = placed
            reason = "it does not end where BibTeX ends it" if ran_on else _pandoc_reason(str(exc))
            problems.append(error(block.path, line, col, f"pandoc cannot read {block.what}: {reason}"))
            refused.add(block)
            if len(refused) == _REFUSALS_REPORTED:
                return       # the build fails on these; more would cost a request each
            continue
        for item in items:
            converted.setdefault(item["id"], item)
        return
    for key in keys:
        try:
            for item in engine.convert(bibliography.biblatex([key], without=refused).text, language):
                converted.setdefault(item["id"], item)
        except CiteprocError as exc:
            entry = bibliography.entries[key]
            problems.append(error(entry.path, entry.line, entry.col,
                                  f"pandoc cannot read entry '{key}': {_pandoc_reason(str(exc))}"))


def printable_items(items: dict[str, dict], bibliography: Bibliography) -> tuple[dict[str, dict], list[Problem]]:
    """items with unprintable characters removed from every value; a warning at each entry that had any."""
    from builder.config.yamlfile import describe_character

    cleaned, problems = {}, []
    for key, item in items.items():
        found: set[str] = set()
        cleaned[key] = _printable(item, found)
        if found and key in bibliography.entries:
            entry = bibliography.entries[key]
            names = ", ".join(describe_character(char) for char in sorted(found))
            problems.append(warning(entry.path, entry.line, entry.col,
                                    f"unprintable characters removed from entry '{key}': {names}"))
    return cleaned, problems


def _printable(value, found: set[str]):
    if isinstance(value, str):
        if UNPRINTABLE.search(value):
            found.update(UNPRINTABLE.findall(value))
            return UNPRINTABLE.sub("", value)
        return value
    if isinstance(value, list):
        return [_printable(item, found) for item in value]
    if isinstance(value, dict):
        return {name: _printable(item, found) for name, item in value.items()}
    return value


def _pandoc_reason(message: str) -> str:
    """What pandoc says went wrong, without its position and its copy of the line."""
    lines = [line.strip() for line in message.splitlines()[1:] if line.startswith(("unexpected", "expecting"))]
    reason = "; ".join(lines) or " ".join(message.split())
    return reason[:300]
