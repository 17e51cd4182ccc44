"""The build's bibliography: citations/*.bib read by the one .bib reader, and the BibLaTeX pandoc is given;
beside them the items of CSL-JSON and CSL-YAML files (builder.bib.csljson), which the formatter is given as they are.

The build reads the files as `dossier cite check` does (builder.bib.source, builder.bib.check)
and stops on the same reading problems, before pandoc reads anything. What pandoc is given
is made safe by construction: only the entries asked for, their parents and the @strings
they use; entries in parentheses written in braces (BibTeX allows both, pandoc reads only
braces); never an entry in a crossref or xdata loop, with a value past the limits, or
naming an @string longer than the limit. Each block keeps where it is written, so that
anything pandoc still refuses is reported at its path:line:col.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

from builder.bib.catalogue import Source, catalogue
from builder.bib.csljson import CslItem
from builder.bib.inherit import CROSS_REFERENCES, split_keys
from builder.bib.source import BibFile, SourceBlock, bibliography_files, read_bibliographies, split_value
from builder.bib.values import StringTable
from builder.errors import Problem, error, warning

# '@type(' opening an entry or @string written in parentheses.
_PARENTHESIS_OPENING = re.compile(r"@\s*[A-Za-z_][\w\-]*\s*\(")
_PANDOC_ERROR = re.compile(r"Error at \(line (\d+), column (\d+)\)")
_TAB_STOP = 4       # pandoc counts a tab as reaching the next multiple of 4 columns


@dataclass(frozen=True, slots=True, eq=False)
class Placed:
    """A block of the text pandoc is given, and where it is written."""

    what: str          # "entry 'kim2016'" or "@string yon"
    path: str          # relative to the publication root
    line: int          # 1-based line and column of its first character
    col: int
    text: str          # as pandoc is given it: each character where it is written (but a comma added after a lone key)


@dataclass(frozen=True, slots=True)
class BibEntry:
    """One entry as written; names keep the file's spelling, the type is lower-cased."""

    key: str
    entry_type: str
    fields: tuple[tuple[str, str], ...]     # (name, value as written: {...}, "...", a number, a @string name, a # b)
    path: str                  # relative to the publication root
    line: int                  # 1-based line of '@type{key'
    raw: str                   # the entry as written
    col: int = 1
    block: Placed | None = field(default=None, compare=False, repr=False)   # what pandoc is given
    strings: StringTable | None = field(default=None, compare=False, repr=False)

    def field(self, name: str) -> str | None:
        """A field's value as pandoc reads it: without its delimiters, @strings expanded (set twice: the last)."""
        name = name.lower()
        for key, value in reversed(self.fields):
            if key.lower() == name:
                pieces = split_value(value)
                if pieces is None or self.strings is None:
                    return value
                return self.strings.text(self.strings.expansion(pieces))
        return None

    def links(self) -> list[str]:
        """The keys its crossref and xdata fields name."""
        keys: list[str] = []
        for name in CROSS_REFERENCES:
            keys += split_keys(self.field(name) or "")
        return keys

    def macros(self) -> set[str]:
        """The @string names its values use (lower case)."""
        return {piece.text.lower() for _, value in self.fields for piece in split_value(value) or ()
                if piece.kind == "macro"}


@dataclass(frozen=True)
class BibLaTeX:
    """Text for pandoc, made of blocks each written somewhere in citations/*.bib."""

    text: str
    blocks: tuple[Placed, ...]
    starts: tuple[int, ...]       # offset of each block in text

    def place(self, message: str) -> tuple[Placed, int, int, bool] | None:
        """The block a pandoc error message points into, the line and column there, and whether
        pandoc read on past the block's end (the error is at the start of the next); or None."""
        found = _PANDOC_ERROR.search(message)
        if found is None or not self.blocks:
            return None
        offset = _offset(self.text, int(found.group(1)), int(found.group(2)))
        index = max(bisect_right(self.starts, offset) - 1, 0)
        if index and offset == self.starts[index]:     # blocks start with '@': the one before never ended
            block = self.blocks[index - 1]
            return block, block.line, block.col, True
        block = self.blocks[index]
        inside = offset - self.starts[index]
        if inside >= len(block.text):                   # past its end: pandoc read on to the end of the text
            return block, block.line, block.col, True
        newlines = block.text.count("\n", 0, inside)
        if newlines == 0:
            return block, block.line, block.col + inside, False
        return block, block.line + newlines, inside - block.text.rfind("\n", 0, inside), False


def _offset(text: str, line: int, column: int) -> int:
    """The offset in text of pandoc's 1-based line and column (tabs reach the next tab stop)."""
    start = 0
    for _ in range(line - 1):
        found = text.find("\n", start)
        if found == -1:
            return len(text)
        start = found + 1
    position, col = start, 1
    while col < column and position < len(text) and text[position] != "\n":
        col = col + _TAB_STOP - (col - 1) % _TAB_STOP if text[position] == "\t" else col + 1
        position += 1
    return position


@dataclass(frozen=True)
class Bibliography:
    # Each key's entry: a .bib entry, or a CSL-JSON/CSL-YAML item (given to the formatter as it is).
    entries: dict[str, BibEntry | CslItem] = field(default_factory=dict)
    strings: tuple[Placed, ...] = ()       # every @string, in order, as pandoc is given them
    files: tuple[str, ...] = ()
    table: StringTable = field(default_factory=StringTable, compare=False, repr=False)
    withheld: frozenset[str] = frozenset()  # keys pandoc is never given (a loop, a value past the limits)

    def __contains__(self, key: str) -> bool:
        return key in self.entries

    def biblatex(self, keys: list[str], without: set[Placed] | frozenset[Placed] = frozenset()) -> BibLaTeX:
        """The entries for keys, their crossref and xdata parents and the @strings they use;
        never a withheld entry, nor the blocks in without (pandoc refused them)."""
        wanted: dict[str, BibEntry] = {}
        pending = list(reversed(keys))
        while pending:
            key = pending.pop()
            if key in wanted or key not in self.entries or key in self.withheld:
                continue
            wanted[key] = entry = self.entries[key]
            pending += reversed(entry.links())
        names = set().union(*(entry.macros() for entry in wanted.values()))
        blocks = [self.strings[index] for index in self.table.needed(names)]
        blocks += [entry.block for entry in wanted.values() if entry.block is not None]
        blocks = [block for block in blocks if block not in without]
        starts, offset = [], 0
        for block in blocks:
            starts.append(offset)
            offset += len(block.text) + 1
        return BibLaTeX("\n".join(block.text for block in blocks) + "\n", tuple(blocks), tuple(starts))

    def biblatex_for(self, keys: list[str]) -> str:
        """BibLaTeX text holding the entries for keys, their crossref/xdata parents and the @strings they use."""
        return self.biblatex(keys).text

    def csl_items(self, keys: list[str]) -> list[CslItem]:
        """The entries for keys that are CSL-JSON or CSL-YAML items, in the order of keys."""
        return [entry for key in keys if isinstance(entry := self.entries.get(key), CslItem)]


def load_bibliography(root: Path) -> tuple[Bibliography, list[Problem]]:
    """Every bibliography file of citations/ (.bib, CSL-JSON, CSL-YAML), merged; the problems that keep
    them from being read."""
    return load_bib_files(bibliography_files(root), root)


def load_bib_files(files: list[Path], root: Path) -> tuple[Bibliography, list[Problem]]:
    """The given bibliography files, merged in order; paths in messages are relative to root.

    What pandoc reads, the build reads the same way: of a key defined more than once (in one file
    or several) the last definition, and of a field an entry sets twice the last value (the first in
    CSL-JSON); each is a warning naming both places (`dossier cite check` reports them as errors)."""
    from builder.bib.check import reading_problems

    read, problems = read_bibliographies(files, root)
    cat = catalogue(read)
    found, withheld = reading_problems(cat)
    problems += found + [problem for csl in cat.csl_files for problem in csl.problems]
    entries: dict[str, BibEntry | CslItem] = {}
    for key in cat.keys():
        places = cat.defined(key)
        defined = [_entry(place.bib, place.block, cat.strings) if isinstance(place, Source) else place
                   for place in places]
        if not key:
            problems += [error(entry.path, entry.line, entry.col, f"@{entry.entry_type} entry has no citation "
                                                                  f"key: write @{entry.entry_type}{{key, ...}}")
                         for entry in defined if isinstance(entry, BibEntry)]
            continue
        entries[key] = used = defined[-1]
        problems += [_ignored_definition(key, entry, used) for entry in defined[:-1]]
        problems += _ignored_values(places[-1])
    strings = tuple(_placed(bib, block, f"@string {block.block.key}") for bib, block, _ in cat.definitions)
    return Bibliography(entries, strings, tuple(file.path for file in read), cat.strings, withheld), problems


def _ignored_definition(key: str, entry: BibEntry | CslItem, used: BibEntry | CslItem) -> Problem:
    """A warning at a definition of key that pandoc passes over for a later one."""
    if _same(entry, used):
        return warning(entry.path, entry.line, entry.col, f"citation key '{key}' is defined again, identically, "
                                                          f"at {used.path}:{used.line}: this copy is ignored")
    return warning(entry.path, entry.line, entry.col, f"citation key '{key}' is defined again at "
                                                      f"{used.path}:{used.line}: pandoc uses the last definition, "
                                                      "so this one is ignored")


def _same(entry: BibEntry | CslItem, other: BibEntry | CslItem) -> bool:
    """Whether two definitions say the same (field names in any case, values as written)."""
    if isinstance(entry, CslItem) or isinstance(other, CslItem):
        return isinstance(entry, CslItem) and isinstance(other, CslItem) and entry.item == other.item
    def said(bib: BibEntry) -> tuple:
        return bib.entry_type, tuple((name.lower(), value) for name, value in bib.fields)
    return said(entry) == said(other)


def _ignored_values(place: Source | CslItem) -> list[Problem]:
    """A warning at each value an entry sets again that pandoc passes over, naming the one it uses."""
    if isinstance(place, CslItem):
        return [warning(place.path, ignored.line, ignored.col,
                        f"entry '{place.key}' sets {ignored.name} twice: pandoc uses the "
                        f"{'first' if place.from_json else 'last'} value, on line {used.line}, and ignores this one")
                for ignored, used in place.repeated()]
    names = [item.key.lower() for item in place.block.block.fields]
    if len(set(names)) == len(names) and not any("%" in name for name in names):
        return []           # the usual case: no field set twice, and no need to find where each is
    by_name: dict[str, list] = {}
    for name, span in place.fields():
        by_name.setdefault(name, []).append(span)
    problems = []
    for name, spans in by_name.items():
        used_line = place.bib.position(spans[-1].name_offset)[0]
        problems += [warning(place.path, *place.bib.position(span.name_offset),
                             f"entry '{place.key}' sets {name} twice: pandoc uses the last value, on line "
                             f"{used_line}, and ignores this one") for span in spans[:-1]]
    return problems


def _entry(bib: BibFile, block: SourceBlock, strings: StringTable) -> BibEntry:
    entry, written = block.block, bib.source(block)
    return BibEntry(entry.key, entry.entry_type.lower(), tuple((f.key, f.value) for f in entry.fields),
                    bib.path, block.line, written, block.col, _placed(bib, block, f"entry '{entry.key}'", written),
                    strings)


def _placed(bib: BibFile, block: SourceBlock, what: str, written: str | None = None) -> Placed:
    """A block as pandoc reads it: in braces, and an entry without fields given the comma pandoc expects."""
    text = bib.source(block) if written is None else written
    opening = _PARENTHESIS_OPENING.match(text)
    if opening and text.endswith(")"):
        text = f"{text[:opening.end() - 1]}{{{text[opening.end():-1]}}}"
    if block.kind == "entry" and not block.block.fields and block.block.key:
        at = text.find(block.block.key, text.find("{")) + len(block.block.key)
        text = f"{text[:at]},{text[at:]}"
    return Placed(what, bib.path, block.line, block.col, text)
