"""CSL variables as citeproc reads them (its Citeproc.Types): which take names, dates, or text; the value
it would refuse; the limits on a value; and an item as pandoc reads it from a .json bibliography.

A variable's name is read in any case (`URL`, `url`). Text variables (citeproc's number, string and
standard ones, id and type) take text or a whole number; name variables a list of names, each text
("Doe || John") or an object of name parts; date variables text ("2016-03-14") or an object with
"date-parts", "raw" or "literal". A variable citeproc does not know keeps text and numbers and is
otherwise passed over.
"""

from __future__ import annotations

import re

from builder.errors import Problem, error, warning
from builder.text import strip_tags

VALUE_LIMIT = 100_000          # as builder.bib.values.VALUE_LIMIT: the most characters one value may hold
DEPTH_LIMIT = 100              # the deepest values may nest (a real item nests five levels)

NAME_VARIABLES = frozenset(
    "author chair collection-editor composer compiler container-author contributor curator director editor "
    "editor-translator editorial-director executive-producer guest host illustrator interviewer narrator "
    "original-author organizer performer producer recipient reviewed-author script-writer series-creator "
    "translator".split())
_DATE_VARIABLES = frozenset("accessed available-date container event-date issued original-date submitted".split())
# Citeproc's number, string and standard variables, and id and type: text or a whole number.
_TEXT_VARIABLES = frozenset(
    "chapter-number citation-number collection-number edition first-reference-note-number issue locator number "
    "number-of-pages number-of-volumes page page-first part-number printing-number section supplement-number "
    "version volume abstract annote archive archive_collection archive_location archive-place authority "
    "call-number citation-key citation-label collection-title container-title container-title-short dimensions "
    "division doi event event-place event-title genre isbn issn jurisdiction keyword language license medium "
    "original-publisher original-publisher-place original-title part-title pmid pmcid publisher "
    "publisher-place references reviewed-genre reviewed-title scale source status title title-short url "
    "volume-title year-suffix type journalabbreviation shorttitle".split())
_NAME_PARTS = ("family", "given", "dropping-particle", "non-dropping-particle", "suffix", "literal")
_WHOLE = re.compile(r"-?\d+")


def depth_message() -> str:
    return f"values nested more than {DEPTH_LIMIT} levels deep (the most a bibliography file may nest)"


def read_item(values: dict, path: str, at: tuple[int, int],
              positions: dict[str, tuple[int, int]]) -> tuple[dict | None, list[Problem]]:
    """The item the formatter is given (its id as text), or None; the problems with its values."""
    problems = []
    key = None
    for name, value in values.items():
        where = positions.get(name, at)
        if name.casefold() == "id":
            if _is_whole(value) or isinstance(value, str):
                key = key if key is not None else str(int(value)) if not isinstance(value, str) else value
                continue
            problems.append(error(path, *where, "id must be text or a whole number"))
            return None, problems
        reason = _value_problem(name.casefold(), value)
        if reason:
            problems.append(error(path, *where, f"{name}: {reason}"))
    if key is None:
        problems.append(warning(path, *at, "this item has no id, so nothing can cite it"))
        return None, problems
    item = {name: value for name, value in values.items() if name.casefold() != "id"}
    return {"id": key, **item}, problems


def _value_problem(variable: str, value) -> str | None:
    """Why citeproc would refuse value for variable (lower case), or None."""
    if not _within_limits(value, 0):
        return _limit_reason(value)
    if variable == "note":
        return None if isinstance(value, str) else "must be text"
    if variable in _TEXT_VARIABLES:
        return None if isinstance(value, str) or _is_whole(value) else "must be text or a whole number"
    if variable in NAME_VARIABLES:
        if isinstance(value, list) and all(_is_name(name) for name in value):
            return None
        return 'must be a list of names, each {"family": ..., "given": ...} or {"literal": ...}'
    if variable in _DATE_VARIABLES:
        return None if _is_date(value) else 'must be a date: "2016-03-14", or {"date-parts": [[2016, 3, 14]]}'
    return None             # a variable citeproc does not know: it keeps text and numbers, and passes over the rest


def _is_whole(value) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, float) and value.is_integer())


def _is_name(name) -> bool:
    if isinstance(name, str):
        return True
    if not isinstance(name, dict):
        return False
    return (all(isinstance(name.get(part), (str, type(None))) for part in _NAME_PARTS)
            and all(not isinstance(name.get(flag), (list, dict)) for flag in ("comma-suffix", "static-ordering")))


def _is_date(value) -> bool:
    if isinstance(value, str):
        return True
    if not isinstance(value, dict):
        return False
    if isinstance(value.get("raw"), str):
        return True
    if not isinstance(value.get("literal"), (str, type(None))):
        return False
    parts = value.get("date-parts")
    if parts is None:
        return True
    return isinstance(parts, list) and all(isinstance(date, list) and all(_is_date_part(part) for part in date)
                                           for date in parts)


def _is_date_part(part) -> bool:
    if isinstance(part, str):
        return part == "" or _WHOLE.fullmatch(part) is not None
    return _is_whole(part)


def _within_limits(value, depth: int) -> bool:
    if isinstance(value, str):
        return len(value) <= VALUE_LIMIT
    if isinstance(value, (list, dict)):
        if depth >= DEPTH_LIMIT:
            return False
        parts = value.values() if isinstance(value, dict) else value
        return all(_within_limits(part, depth + 1) for part in parts)
    return True


def _limit_reason(value) -> str:
    longest = _longest(value, 0)
    if longest > VALUE_LIMIT:
        return f"the value is {longest:,} characters long; the most a value may hold is {VALUE_LIMIT:,}"
    return depth_message()


def _longest(value, depth: int) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, (list, dict)) and depth < DEPTH_LIMIT:
        parts = value.values() if isinstance(value, dict) else value
        return max((_longest(part, depth + 1) for part in parts), default=0)
    return 0


def as_given(item: dict, from_json: bool) -> dict:
    """An item as pandoc's CSL-JSON reader is asked to read it: one from CSL-YAML without its note
    (pandoc reads a YAML note as text, not as "name: value" lines)."""
    return item if from_json else {name: value for name, value in item.items() if name != "note"}


def as_pandoc_reads(written: dict, read: dict, from_json: bool) -> dict:
    """An item as pandoc reads its bibliography file, from what its CSL-JSON reader made of it (read):
    dates and names structured, numbers as text, a JSON note's leading "name: value" lines as variables;
    each text kept as written where only markup differs (pandoc's CSL-JSON writer drops
    <span class="nocase">, which its reader keeps); a YAML note as written."""
    merged = dict(read)
    for name, value in written.items():
        same = next((key for key in read if key.casefold() == name.casefold()), None)
        if (isinstance(value, str) and same not in (None, "note") and isinstance(read[same], str)
                and value != read[same] and strip_tags(value) == strip_tags(read[same])):
            merged[same] = value
    if not from_json and "note" in written:
        merged["note"] = written["note"]
    return merged
