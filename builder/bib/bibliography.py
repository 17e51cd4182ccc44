"""The build's bibliography: citations/*.bib read by the one .bib reader, and the BibLaTeX pandoc is given.

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

from builder.bib.inherit import CROSS_REFERENCES, split_keys
from builder.bib.source import BibFile, SourceBlock, bib_files, read_bib, split_value
from builder.bib.values import StringTable
from builder.errors import Problem, error

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
        """A field's value as pandoc reads it: without its delimiters, @strings expanded."""
        name = name.lower()
        for key, value in self.fields:
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
    entries: dict[str, BibEntry] = field(default_factory=dict)
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


def load_bibliography(root: Path) -> tuple[Bibliography, list[Problem]]:
    """Every citations/*.bib, merged; the problems that keep them from being read."""
    return load_bib_files(bib_files(root), root)


def load_bib_files(files: list[Path], root: Path) -> tuple[Bibliography, list[Problem]]:
    """The given .bib files, merged in order; paths in messages are relative to root."""
    from builder.bib.check import catalogue, reading_problems

    bibs: list[BibFile] = []
    problems: list[Problem] = []
    for path in files:
        bib, problem = read_bib(path, _relative(path, root))
        bibs += [bib] if bib is not None else []
        problems += [problem] if problem is not None else []
    cat = catalogue(bibs)
    found, withheld = reading_problems(cat)
    problems += found
    entries: dict[str, BibEntry] = {}
    for key, sources in cat.entries.items():
        for source in sources:
            entry = _entry(source.bib, source.block, cat.strings)
            if not key:
                problems.append(error(entry.path, entry.line, entry.col, f"@{entry.entry_type} entry has no citation "
                                                                         f"key: write @{entry.entry_type}{{key, ...}}"))
            elif key in entries:
                first = entries[key]
                problems.append(error(entry.path, entry.line, entry.col,
                                      f"citation key '{key}' is defined twice: first at {first.path}:{first.line}"))
            else:
                entries[key] = entry
    strings = tuple(_placed(bib, block, f"@string {block.block.key}") for bib, block, _ in cat.definitions)
    return Bibliography(entries, strings, tuple(bib.path for bib in bibs), cat.strings, withheld), problems


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


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
