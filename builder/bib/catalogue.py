"""Every bibliography file's entries by key, in reading order: what `dossier cite` and the build look keys up in.

.bib entries (Source: a block of a file) and CSL-JSON/CSL-YAML items (builder.bib.csljson.CslItem) are kept
apart, each with its file's place in the reading order: of a key defined more than once, pandoc uses the last.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from builder.bib.csljson import CslFile, CslItem
from builder.bib.latex import defined_commands
from builder.bib.source import (BibFile, FieldSpan, SourceBlock, comment_hiding_the_end, effective_field_name,
                                field_spans, split_value)
from builder.bib.values import Definition, StringTable, over_limit


@dataclass(frozen=True, eq=False)
class Source:
    """One entry where it is written."""

    bib: BibFile
    block: SourceBlock

    @property
    def key(self) -> str:
        return self.block.block.key

    @property
    def where(self) -> str:
        return f"{self.bib.path}:{self.block.line}"

    @property
    def path(self) -> str:
        return self.bib.path

    @property
    def line(self) -> int:
        return self.block.line

    @property
    def col(self) -> int:
        return self.block.col

    def fields(self) -> list[tuple[str, FieldSpan]]:
        """(lower-case name, span) of each field, without fields commented out with '%'."""
        return self._fields

    @cached_property
    def _fields(self) -> list[tuple[str, FieldSpan]]:
        named = []
        for span in field_spans(self.bib, self.block):
            name = effective_field_name(span.name)
            if name is not None:
                named.append((name.lower(), span))
        return named


@dataclass(frozen=True)
class Catalogue:
    """Every file's entries by key (in reading order), @string values and LaTeX commands defined;
    and the items of the CSL-JSON and CSL-YAML files, by key."""

    files: tuple[BibFile, ...]
    entries: dict[str, list[Source]]
    strings: StringTable
    commands: frozenset[str]
    definitions: tuple[tuple[BibFile, SourceBlock, Definition], ...] = ()   # each @string where it is written
    csl_files: tuple[CslFile, ...] = ()
    items: dict[str, list[CslItem]] = field(default_factory=dict)
    order: dict[str, int] = field(default_factory=dict)     # each file's place in reading order

    def first(self, key: str) -> Source | None:
        sources = self.entries.get(key)
        return sources[0] if sources else None

    def used(self, key: str) -> Source | None:
        """The .bib entry pandoc reads for key when several define it: the last."""
        sources = self.entries.get(key)
        return sources[-1] if sources else None

    def keys(self) -> list[str]:
        """Every key defined in any file ('' for entries without one), .bib entries' first."""
        return list(dict.fromkeys([*self.entries, *self.items]))

    def defines(self, key: str) -> bool:
        return key in self.entries or key in self.items

    def defined(self, key: str) -> list[Source | CslItem]:
        """Every definition of key, .bib entry or CSL item, in reading order: pandoc uses the last."""
        found = [*self.entries.get(key, ()), *self.items.get(key, ())]
        if len(found) > 1 and key in self.items and key in self.entries:
            found.sort(key=lambda place: (self.order.get(place.path, 0), place.line, place.col))
        return found


def catalogue(files: list[BibFile | CslFile]) -> Catalogue:
    """Merge the files in order, as the build does: each @string is read with those defined
    before it, and entries with the last definition of each name."""
    entries: dict[str, list[Source]] = {}
    items: dict[str, list[CslItem]] = {}
    strings = StringTable()
    definitions = []
    commands: set[str] = set()
    bibs = [bib for bib in files if isinstance(bib, BibFile)]
    csl_files = [csl for csl in files if isinstance(csl, CslFile)]
    for csl in csl_files:
        for item in csl.items:
            items.setdefault(item.key, []).append(item)
    for bib in bibs:
        for block in bib.blocks:
            if block.kind == "entry":
                entries.setdefault(block.block.key, []).append(Source(bib, block))
            elif block.kind == "string":
                raw = block.block.value
                refused = over_limit(raw) is not None or comment_hiding_the_end(bib.source(block)) is not None
                definition = strings.define(block.block.key, split_value(raw) or [], refused)
                definitions.append((bib, block, definition))
            elif block.kind == "preamble":
                commands.update(defined_commands(block.block.value))
    return Catalogue(tuple(bibs), entries, strings, frozenset(commands), tuple(definitions), tuple(csl_files),
                     items, {read.path: index for index, read in enumerate(files)})
