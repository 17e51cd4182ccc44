"""BibTeX files as written: every block with its exact place in the text, values split into pieces;
and the publication's list of bibliography files, each read by its kind (read_bibliographies).

`dossier cite` needs what the build's bibliography throws away: where each block and
field sits in the file, and each value exactly as typed (`{...}`, `"..."`, a number, an
@string name, or a `#` concatenation of those). bibtexparser splits the text; this module
finds each block's span in the text so that nothing between blocks is ever lost.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from builder.bib.keys import mask_keys, unmask_key
from builder.errors import Problem, line_col
from builder.run.confinement import inside
from builder.text import decode_utf8

if TYPE_CHECKING:
    from builder.bib.csljson import CslFile

CITATIONS = "citations"
CSL_SUFFIXES = (".json", ".yaml", ".yml")
BIBLIOGRAPHY_SUFFIXES = (".bib", *CSL_SUFFIXES)

# Pandoc reads a field or @string name of letters, digits and - _ : + only.
_VALID_FIELD_NAME = re.compile(r"[A-Za-z_][\w\-+:]*")
_VALID_TYPE = re.compile(r"[a-z_][\w\-]*")
_ENTRY_HEAD = re.compile(r"@\s*([A-Za-z_][\w\-]*)\s*[{(]\s*([^,\s{}()]*)")
_BLOCK_OPEN = re.compile(r"@\w*[ \t]*[{(]")
_BARE_WORD = re.compile(r"[^\s#{}\"]+")
UNESCAPED_BRACE = re.compile(r"(?<!\\)[{}]")
_ANY_BRACE = re.compile(r"[{}]")
_STRUCTURE = re.compile(r'\\.|[%"{}]', re.DOTALL)   # what decides where pandoc ends a block


@dataclass(frozen=True, slots=True)
class SourceBlock:
    """One top-level block and the text it spans: [start, end) in the file's text."""

    kind: str          # "entry", "string", "preamble", "comment" or "failed"
    start: int
    end: int
    line: int          # 1-based line of the block's first character
    col: int           # 1-based column of the block's first character
    block: object      # the bibtexparser block (for a duplicate key, the entry itself)


@dataclass(frozen=True)
class BibFile:
    """One .bib file: its text and its blocks in order; failed blocks keep the text up to the next block."""

    path: str                        # relative to the publication root, for messages
    text: str
    blocks: tuple[SourceBlock, ...]
    line_starts: tuple[int, ...] = field(default=(), repr=False, compare=False)

    def source(self, block: SourceBlock) -> str:
        return self.text[block.start:block.end]

    def entries(self) -> list[SourceBlock]:
        return [b for b in self.blocks if b.kind == "entry"]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column of an offset in the text."""
        if not self.line_starts:
            return line_col(self.text, offset)
        line = bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1


@dataclass(frozen=True, slots=True)
class Piece:
    """One part of a value: `{text}`, `"text"`, a number, or an @string name."""

    kind: str          # "braced", "quoted", "number" or "macro"
    text: str          # without the delimiters
    offset: int        # offset of text within the raw value


@dataclass(frozen=True, slots=True)
class FieldSpan:
    """A field of an entry with the offsets of its name and raw value in the file's text."""

    name: str
    raw: str           # the value as written, e.g. '{A {B} c}', 'apr', '"a" # yon'
    name_offset: int
    value_offset: int


def bibliography_files(root: Path) -> list[Path]:
    """Every bibliography of the publication: citations/*.bib, and the CSL-JSON (*.json) and CSL-YAML
    (*.yaml, *.yml) that Zotero, Quarto and Better BibTeX export, sorted by name: the order the build
    merges them in, as pandoc given them in that order (a key defined twice: the last wins)."""
    # A link leading out of the publication is neither read nor rewritten (links_outside reports it).
    folder = root / CITATIONS
    return sorted(path for suffix in BIBLIOGRAPHY_SUFFIXES for path in folder.glob(f"*{suffix}")
                  if inside(root, path) and path.is_file())


def bib_files(root: Path) -> list[Path]:
    """Every citations/*.bib of the publication, sorted: the files `dossier cite fmt` and `add` write."""
    return [path for path in bibliography_files(root) if path.suffix == ".bib"]


def decode_bib(raw: bytes, relpath: str) -> tuple[str | None, Problem | None]:
    """The text of a .bib file (BOM dropped, CRLF as LF), or an error at the first bad byte."""
    text, problem = decode_utf8(raw, relpath)
    return (text.replace("\r\n", "\n") if text is not None else None), problem


def read_bib(path: Path, relpath: str) -> tuple[BibFile | None, Problem | None]:
    """Read and split one .bib file; None and an error when it is not UTF-8."""
    text, problem = decode_bib(path.read_bytes(), relpath)
    if text is None:
        return None, problem
    return parse_bib(text, relpath), None


def read_bibliography(path: Path, relpath: str) -> tuple[BibFile | CslFile | None, Problem | None]:
    """Read one bibliography file by its kind: a .bib split into blocks, CSL-JSON or CSL-YAML into items;
    None and an error when it is not UTF-8."""
    if path.suffix == ".bib":
        return read_bib(path, relpath)
    from builder.bib.csljson import read_csl

    return read_csl(path, relpath)


def read_bibliographies(paths: list[Path], root: Path) -> tuple[list[BibFile | CslFile], list[Problem]]:
    """The given bibliography files read in order, their paths relative to root; an error for each
    that is not UTF-8. Every reader of citations/ (the build, `dossier cite`) reads through this."""
    files, problems = [], []
    for path in paths:
        read, problem = read_bibliography(path, relative_path(path, root))
        files += [read] if read is not None else []
        problems += [problem] if problem is not None else []
    return files, problems


def relative_path(path: Path, root: Path) -> str:
    """path relative to root, for messages (as given when it is not under root)."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def parse_bib(text: str, path: str = "<string>") -> BibFile:
    """Split text into blocks with their spans; values stay exactly as written."""
    import bibtexparser

    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    library = bibtexparser.parse_string(text, parse_stack=[])
    located = _locate(text, library.blocks)
    masked, mask = mask_keys(text, [start for kind, start, _, _ in located if kind == "failed"])
    if mask:        # a key holding '=' (a URL): read again with the '=' masked
        library = bibtexparser.parse_string(masked, parse_stack=[])
        for block in library.blocks:
            unmask_key(block, mask)
        located = _locate(masked, library.blocks)
    line_starts = (0, *(match.end() for match in re.finditer("\n", text)))
    blocks: list[SourceBlock] = []
    index = 0
    while index < len(located):
        kind, start, end, block = located[index]
        index += 1
        if kind == "failed":
            # Keep everything up to the next block bibtexparser could read, as written:
            # the parser may have skipped characters or turned the rest into a comment.
            while index < len(located) and _is_implicit(located[index]):
                index += 1
            end = located[index][1] if index < len(located) else len(text)
            end = start + len(text[start:end].rstrip())
        line = bisect_right(line_starts, start)
        blocks.append(SourceBlock(kind, start, end, line, start - line_starts[line - 1] + 1, block))
    return BibFile(path, text, tuple(blocks), line_starts)


def _locate(text: str, parsed) -> list[tuple[str, int, int, object]]:
    """(kind, start, end, block) for each block; each raw text is found after the previous one."""
    located = []
    cursor = 0
    for block in parsed:
        kind, inner = _kind(block)
        raw = block.raw or ""
        start = text.find(raw, cursor) if raw else -1
        if start == -1:   # not expected from bibtexparser; never lose text if it happens
            continue
        _keep_gap(text, cursor, start, located)
        located.append((kind, start, start + len(raw), inner))
        cursor = start + len(raw)
    _keep_gap(text, cursor, len(text), located)
    return located


def _keep_gap(text: str, start: int, end: int, located: list) -> None:
    """Text between blocks that no block holds is kept as a comment, so that nothing is lost."""
    gap = text[start:end]
    if gap.strip():
        first = start + len(gap) - len(gap.lstrip())
        located.append(("comment", first, start + len(gap.rstrip()), None))


def _kind(block) -> tuple[str, object]:
    from bibtexparser.model import (DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, Entry, ExplicitComment,
                                    ImplicitComment, Preamble, String)

    if isinstance(block, (DuplicateBlockKeyBlock, DuplicateFieldKeyBlock)):
        # A complete entry whose key is used before, or that sets a field twice: pandoc reads
        # both (the last entry and the last value win), and so do the build and `cite check`.
        block = block.ignore_error_block
    if isinstance(block, Entry):
        return "entry", block
    if isinstance(block, String):
        return "string", block
    if isinstance(block, Preamble):
        return "preamble", block
    if isinstance(block, (ExplicitComment, ImplicitComment)):
        return "comment", block
    return "failed", block


def _is_implicit(item: tuple[str, int, int, object]) -> bool:
    """Whether a located block is text between blocks (not an @comment)."""
    from bibtexparser.model import ImplicitComment

    return item[0] == "comment" and (item[3] is None or isinstance(item[3], ImplicitComment))


def effective_field_name(name: str) -> str | None:
    """The field name without '%' comment lines (biber and pandoc skip them); None if it is all comment."""
    lines = [line for line in name.splitlines() if not line.lstrip().startswith("%")]
    return " ".join(lines).strip() or None


def string_value_offset(bib: BibFile, block: SourceBlock) -> int:
    """The offset in the file's text of a @string's value (of the block when it has none)."""
    found = bib.text.find(block.block.value, block.start, block.end) if block.block.value else -1
    return block.start if found == -1 else found


def field_spans(bib: BibFile, block: SourceBlock) -> list[FieldSpan]:
    """Every field of an entry block, with the offsets of its name and value in the text."""
    raw = bib.source(block)
    head = _BLOCK_OPEN.match(raw)
    cursor = head.end() if head else 0
    key = block.block.key
    if key and raw.find(key, cursor) != -1:
        cursor = raw.find(key, cursor) + len(key)
    spans = []
    for item in block.block.fields:
        name_at = raw.find(item.key, cursor)
        name_at = cursor if name_at == -1 else name_at
        equals = raw.find("=", name_at + len(item.key))
        value = item.value
        value_at = raw.find(value, equals + 1) if value else -1
        value_at = equals + 1 if value_at == -1 else value_at
        spans.append(FieldSpan(item.key, value, block.start + name_at, block.start + value_at))
        cursor = value_at + len(value)
    return spans


def split_value(raw: str) -> list[Piece] | None:
    """The pieces of a value joined by `#`; None when it is not a well-formed BibTeX value."""
    pieces: list[Piece] = []
    position = _skip_space(raw, 0)
    if position == len(raw):
        return []
    while True:
        piece, position = _read_piece(raw, position)
        if piece is None:
            return None
        pieces.append(piece)
        position = _skip_space(raw, position)
        if position == len(raw):
            return pieces
        if raw[position] != "#":
            return None
        position = _skip_space(raw, position + 1)
        if position == len(raw):
            return None


def _skip_space(raw: str, position: int) -> int:
    while position < len(raw) and raw[position].isspace():
        position += 1
    return position


def _read_piece(raw: str, start: int) -> tuple[Piece | None, int]:
    opener = raw[start]
    if opener == "{":
        end = matching_brace(raw, start)
        if end == -1:
            return None, start
        return Piece("braced", raw[start + 1:end], start + 1), end + 1
    if opener == '"':
        depth, position = 0, start + 1
        while position < len(raw):
            char = raw[position]
            if char == "\\":
                position += 2
                continue
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
            elif char == '"' and depth == 0:
                return Piece("quoted", raw[start + 1:position], start + 1), position + 1
            position += 1
        return None, start
    match = _BARE_WORD.match(raw, start)
    if match is None:
        return None, start
    word = match.group(0)
    return Piece("number" if word.isdigit() else "macro", word, start), match.end()


def matching_brace(text: str, start: int) -> int:
    """Index of the '}' closing the '{' at start, or -1; like bibtexparser, a brace after '\\' does not count."""
    depth = 0
    for match in UNESCAPED_BRACE.finditer(text, start):
        depth += 1 if match.group() == "{" else -1
        if depth == 0:
            return match.start()
    return -1


def braces_balanced(text: str, count_escaped: bool = False) -> bool:
    """Whether every '{' in text is closed in order; BibTeX itself also counts braces after '\\'."""
    depth = 0
    for match in (_ANY_BRACE if count_escaped else UNESCAPED_BRACE).finditer(text):
        depth += 1 if match.group() == "{" else -1
        if depth < 0:
            return False
    return depth == 0


def comment_hiding_the_end(block: str) -> int | None:
    """The offset of a '%' in a block (an entry or @string, as written) that would make pandoc end
    it elsewhere than BibTeX does, or None. Between fields pandoc reads '%' as a comment to the end
    of the line, braces and quotes included; BibTeX and bibtexparser count those braces."""
    start = _BLOCK_OPEN.match(block)
    if start is None or "%" not in block:
        return None
    end = len(block) - 1                  # the closing brace or parenthesis
    depth, position, quoted, hiding = 1, start.end(), False, None
    while (found := _STRUCTURE.search(block, position, end)) is not None:
        mark, position = found.group(), found.end()
        if mark == "%" and depth == 1 and not quoted:
            newline = block.find("\n", position, end)
            if newline == -1:
                return found.start()      # the closing brace itself is in the comment
            if hiding is None and any(char in block[position:newline] for char in '{}"'):
                hiding = found.start()
            position = newline + 1
        elif mark == '"' and depth == 1:
            quoted = not quoted
        elif mark == "{":
            depth += 1
        elif mark == "}":
            depth -= 1
            if depth == 0:
                return hiding             # pandoc ends the block here, before its end
    return None if depth == 1 and not quoted else hiding


def is_valid_field_name(name: str) -> bool:
    return _VALID_FIELD_NAME.fullmatch(name) is not None


def is_valid_type(entry_type: str) -> bool:
    return _VALID_TYPE.fullmatch(entry_type) is not None


def head_key(raw: str) -> str:
    """The citation key at the head of a block that could not be read, or ''."""
    head = _ENTRY_HEAD.match(raw.lstrip())
    return head.group(2) if head else ""
