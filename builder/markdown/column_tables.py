r"""Pandoc's simple tables and multiline tables: columns marked by lines of dashes.

```
  Right     Left     Center     Default       ----------------------------------
-------     ------ ----------   -------        Centered  Left
     12     12        12            12           Header   Aligned
    123     123       123          123        ----------- ----------------------
                                                 First    a cell of two lines,
Table: a simple table, its caption after it                joined as one
                                              ----------------------------------
```

Read as pandoc 3.9 reads them (its Markdown reader's `simpleTable`, `multilineTable`, `tableWith`).
A dashed line (up to three spaces, then groups of dashes) gives the columns: each runs from its
first dash to the next group's, the last to the end of the line, in display widths (a wide
character takes two, tabs stop every four); text left of the first column is dropped (reported).
Pandoc tries a multiline table with a header (dashed line, header lines, the columns' dashed line,
rows apart by blank lines, a dashed line), a simple table without one (dashed line, rows, dashed
line), one with one (header line, dashed line, rows to a blank or dashed line), a multiline table
without one. A cell is its column's trimmed text, inline Markdown; a multiline cell's lines are a
paragraph's (a row's last `\` a line break) to an empty line, pandoc dropping the rest (reported).
A column is aligned by where the header text (headerless: the first row's) stands under its
dashes: flush left left, flush right right, neither center, both default; a header with no text
is none. A table needs a blank line before it, and is none where pandoc reads a heading, list,
fence, div, caption, raw HTML or YAML metadata block first. The tokens are markdown-it's pipe-table
tokens, so captions and citations work as in pipe tables; pandoc's relative widths are not written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block.html_block import html_block

from builder.markdown.report import report

_DASHED = re.compile(r"-+(?:[ \t]+-+)*[ \t]*")
_UNDERLINE = re.compile(r"[-=]+[ \t]*")                  # a setext heading's, which pandoc tries first
_FENCE = re.compile(r"`{3,}|~{3,}|:{3,}")
_BULLET = re.compile(r"[-+*](?:[ \t]|$)")
_RULE = re.compile(r"(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}")
_ATX = re.compile(r"#+(?:[ \t]|$)")
_ENDS_ON_ITS_LINE = ("fence", "code_block", "hr", "heading_open", "table_open")
_CHAIN = 32        # blocks looked back at, a bound for a document of nothing but rules

Char = tuple[str, int, int]     # a character as pandoc counts it: itself, its display width, its index in the source
Span = tuple[int, int] | None   # where a piece of a line's text is in the source, trimmed; None if blank


@dataclass(frozen=True, slots=True)
class _Shape:
    """A table's columns (first dash, a display column, and number of dashes), lines of its header
    (if any) and of each row, whether rows run over several lines, and the line after it."""

    columns: tuple[tuple[int, int], ...]
    head: tuple[int, int] | None
    rows: tuple[tuple[int, int], ...]
    multiline: bool
    end: int


@dataclass(frozen=True, slots=True)
class _Cell:
    """A cell's inline text, its lines, and the source column its text starts at or after."""

    content: str
    lines: tuple[int, int]
    source_column: int | None


def column_tables_plugin(md: MarkdownIt) -> None:
    """Add the `column_table` block rule: simple and multiline tables, as pipe-table tokens."""
    md.block.ruler.before("table", "column_table", _column_table)


def _column_table(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if state.tokens and state.tokens[-1].type == "list_item_open" and _lazy_table(state, start, end):
        if not silent:
            report(state.env, start + 1, _column(state, start + 1), "pandoc reads these lines as a table in the "
                   "list item above, its dashed line under the item's text: indent the table to the item's text, "
                   "or put a blank line before it to end the list")
        return False
    if (_dashes(state, start, end) is None and _dashes(state, start + 1, end) is None) or _claimed(state, start, end) \
            or not _after_break(state, start):
        return False
    shape = _read(state, start, end)
    if shape is None:
        return False
    top = _text(state, start).rstrip() == "---" and state.sCount[start] == state.blkIndent
    if top and _metadata(state, start, shape.end):
        if not silent:
            report(state.env, start, _column(state, start), "pandoc reads '---' and the lines after it up to "
                   "'---' or '...' as a YAML metadata block, not a table, and fails on one that is no YAML; Dossier "
                   "reads metadata only at the top of a document: put a blank line after '---' for a rule, or "
                   "write a table's dashed lines with four dashes or more")
        return False
    if not silent:
        _push(state, start, shape)
    return True


def _text(state: StateBlock, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]]


def _line_start(state: StateBlock, line: int) -> int:
    return state.src.rfind("\n", 0, state.bMarks[line]) + 1


def _column(state: StateBlock, line: int) -> int:
    return state.bMarks[line] + state.tShift[line] - _line_start(state, line)


def _chars(state: StateBlock, line: int) -> list[Char]:
    """The line as pandoc splits it, from the start of its physical line: tabs as spaces to the
    next fourth column, and what comes before the line's text (indentation, `>`) as spaces."""
    begin, chars, column = state.bMarks[line] + state.tShift[line], [], 0
    for index in range(_line_start(state, line), state.eMarks[line]):
        char = state.src[index]
        if char == "\t" or index < begin:
            width = 4 - column % 4 if char == "\t" else 1
            chars.extend((" ", 1, index) for _ in range(width))
        else:
            width = 0 if unicodedata.combining(char) else 2 if unicodedata.east_asian_width(char) in "WF" else 1
            chars.append((char, width, index))
        column += width
    return chars


def _dashes(state: StateBlock, line: int, end: int) -> tuple[tuple[int, int], ...] | None:
    """Each dash group's first display column and length, when line is a dashed line."""
    if line >= end or not 0 <= state.sCount[line] - state.blkIndent <= 3 or not _DASHED.fullmatch(_text(state, line)):
        return None
    groups: list[tuple[int, int]] = []
    column, previous = 0, " "
    for char, width, _ in _chars(state, line):
        if char == "-":
            groups[-1:] = [(groups[-1][0], groups[-1][1] + 1)] if previous == "-" else [*groups[-1:], (column, 1)]
        column, previous = column + width, char
    return tuple(groups)


def _inside(state: StateBlock, line: int, end: int) -> bool:
    return line < end and (state.isEmpty(line) or state.sCount[line] >= state.blkIndent)


def _is_row(state: StateBlock, line: int, end: int) -> bool:
    """A line of a row, or of a header: not blank, and no dashed line (which would close the table)."""
    return _inside(state, line, end) and not state.isEmpty(line) and _dashes(state, line, end) is None


def _claimed(state: StateBlock, start: int, end: int) -> bool:
    """Whether a block pandoc tries before tables begins at start: a code fence or a div, a bullet
    list, a caption, an ATX or setext heading, raw HTML."""
    text, indent = _text(state, start), state.sCount[start] - state.blkIndent
    if indent <= 3 and (_FENCE.match(text) or (_BULLET.match(text) and not _RULE.fullmatch(text))):
        return True
    if indent <= 3 and (text.startswith("Table:") or text[:1] == ":" and not unicodedata.category(
            (text + " ")[1]).startswith("P")):
        return True     # pandoc's caption before a table, which runs to a blank line: no header line
    if indent == 0 and _ATX.match(text):
        return True
    below = start + 1
    if below < end and state.sCount[below] == state.blkIndent and _UNDERLINE.fullmatch(_text(state, below)):
        return True
    return _underline(state, start, len(state.tokens) - 1, 0) or (
        text.startswith("<") and html_block(state, start, end, True))


def _underline(state: StateBlock, line: int, index: int, depth: int) -> bool:
    """Whether line is the underline of pandoc's setext heading, whose text line markdown-it read as
    a block of its own (a rule, an indented line of code), itself no underline."""
    if depth == _CHAIN or line == 0 or index < 0 or state.sCount[line] != state.blkIndent or \
            not _UNDERLINE.fullmatch(_text(state, line)):
        return False
    opener = _opener(state.tokens, index)
    return state.tokens[opener].map == [line - 1, line] and not _underline(state, line - 1, opener - 1, depth + 1)


def _after_break(state: StateBlock, start: int) -> bool:
    """Whether a table may begin at start: after a blank line, first in its list item, quote or
    div, or right after blocks pandoc ends at their own last line (a code block, a heading of one
    line, a rule, a table) that began so. A table never interrupts a paragraph."""
    tokens, index, line = state.tokens, len(state.tokens) - 1, start
    for _ in range(_CHAIN):
        if line == 0 or index < 0 or tokens[index].nesting == 1 or state.isEmpty(line - 1):
            return True
        index = _opener(tokens, index)
        opener = tokens[index]
        setext = opener.type == "heading_open" and opener.markup[:1] in ("=", "-")
        if opener.type not in _ENDS_ON_ITS_LINE or not opener.map or (setext and not (
                opener.map[1] - opener.map[0] == 2 and state.sCount[opener.map[0] + 1] == state.blkIndent)):
            return False        # a setext heading of one line, its underline at the margin, is pandoc's
        line, index = opener.map[0], index - 1
    return False


def _opener(tokens, index: int) -> int:
    """The index of the token that opens the block whose last token is at index."""
    if tokens[index].nesting == -1:
        level = tokens[index].level
        while index > 0 and not (tokens[index].nesting == 1 and tokens[index].level == level):
            index -= 1
    return index


def _lazy_table(state: StateBlock, start: int, end: int) -> bool:
    """Whether a list item's first line has under it, not indented, a table's dashed line, which
    pandoc reads in the item (where lines need no indent) and markdown-it ends the item at."""
    below = start + 1
    if below + 1 >= end or state.isEmpty(below) or state.sCount[below] >= state.blkIndent or state.isEmpty(below + 1):
        return False
    return re.fullmatch(r"-+(?:[ \t]+-+)+[ \t]*", _text(state, below)) is not None      # two columns or more


def _read(state: StateBlock, start: int, end: int) -> _Shape | None:
    """The table at start, trying its kinds in pandoc's order."""
    top = _dashes(state, start, end)
    if top is not None:
        shape = _multiline(state, start, end, top, headed=True) or _simple(state, start, end, top, headed=False)
        if shape is not None:
            return shape
    below = _dashes(state, start + 1, end)
    shape = _simple(state, start, end, below, headed=True) if below is not None else None
    return shape or (_multiline(state, start, end, top, headed=False) if top is not None else None)


def _simple(state: StateBlock, start: int, end: int, columns, headed: bool) -> _Shape | None:
    first = start + 2 if headed else start + 1
    last = first
    while _is_row(state, last, end):
        last += 1
    closed = _dashes(state, last, end) is not None
    if last == first or not (headed or closed):
        return None
    rows = tuple((line, line + 1) for line in range(first, last))
    return _Shape(columns, (start, start + 1) if headed else None, rows, False, last + 1 if closed else last)


def _multiline(state: StateBlock, start: int, end: int, top, headed: bool) -> _Shape | None:
    columns, head, line = top, None, start + 1
    if headed:
        if not _is_row(state, line, end):
            return None
        while _inside(state, line, end) and _dashes(state, line, end) is None:
            line += 1       # header lines run to the next dashed line, blank lines and all
        columns = _dashes(state, line, end)
        if columns is None:
            return None
        head, line = (start + 1, line), line + 1
    rows: list[tuple[int, int]] = []
    while _is_row(state, line, end):
        row_start = line
        while _is_row(state, line, end):
            line += 1
        rows.append((row_start, line))
        while line < end and state.isEmpty(line):
            line += 1
    if not rows or _dashes(state, line, end) is None:
        return None
    return _Shape(columns, head, tuple(rows), True, line + 1)


def _metadata(state: StateBlock, start: int, stop: int) -> bool:
    """Whether pandoc, trying a YAML metadata block before a table, takes the lines after `---` at start
    to a `---` or `...` line as one (a mapping, or nothing) or fails on them (no YAML)."""
    import yaml

    for line in range(start + 1, stop):
        if state.sCount[line] == state.blkIndent and _text(state, line).rstrip() in ("---", "..."):
            try:
                documents = list(yaml.load_all(state.getLines(start + 1, line, state.blkIndent, False),
                                               Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
            except (yaml.YAMLError, RecursionError, ValueError):
                return True
            return not documents or (len(documents) == 1 and isinstance(documents[0], (dict, type(None))))
    return False


def _split(chars: list[Char], starts: list[int]) -> list[list[Char]]:
    """pandoc's splitTextByIndices: the text left of the first column, then each column's, each taking
    characters while its width lasts (a wide character may overrun it, moving the next ones right)."""
    pieces, index, previous = [], 0, 0
    for start in starts:
        budget, previous, piece = start - previous, start, []
        while index < len(chars) and budget > 0:
            piece.append(chars[index])
            budget -= chars[index][1]
            index += 1
        pieces.append(piece)
    return pieces + [chars[index:]]


def _trimmed(piece: list[Char]) -> Span:
    text = [index for char, _, index in piece if not char.isspace()]
    return (text[0], text[-1] + 1) if text else None


def _alignment(pieces: list[list[Char]], dashes: int) -> str:
    """pandoc's alignType: by its shortest nonblank piece of header, whether it starts with a
    space and whether it ends before the column's dashes end."""
    ends = [max((number + 1 for number, (char, _, _) in enumerate(piece) if not char.isspace()), default=0)
            for piece in pieces]
    texts = [piece[:stop] for piece, stop in zip(pieces, ends) if stop]
    if not texts:
        return ""
    shortest = min(texts, key=len)          # the fewest characters, then its width against the dashes
    indented, short = shortest[0][0] == " ", sum(width for _, width, _ in shortest) < dashes
    return {(True, False): "right", (False, True): "left", (True, True): "center"}.get((indented, short), "")


def _push(state: StateBlock, start: int, shape: _Shape) -> None:
    starts = [column for column, _ in shape.columns]
    by_column: list[list[list[Char]]] = [[] for _ in starts]
    for line in range(*shape.head) if shape.head else range(shape.rows[0][0], shape.rows[0][0] + 1):
        for column, piece in enumerate(_split(_chars(state, line), starts)[1:]):
            by_column[column].append(piece)
    aligns = [_alignment(pieces, dashes) for pieces, (_, dashes) in zip(by_column, shape.columns)]
    table = _open(state, "table", [start, shape.end])
    head = _cells(state, shape, shape.head, True) if shape.head is not None else []
    if any(cell.content for cell in head):          # pandoc's header row: one with some text
        thead = _open(state, "thead", list(shape.head))
        _push_row(state, shape.head, "th", head, aligns)
        _close(state, thead)
    tbody = _open(state, "tbody", [shape.rows[0][0], shape.rows[-1][1]])
    for row in shape.rows:
        _push_row(state, row, "td", _cells(state, shape, row, False), aligns)
    _close(state, tbody)
    _close(state, table)
    state.line = shape.end


def _open(state: StateBlock, tag: str, lines: list[int]):
    token = state.push(f"{tag}_open", tag, 1)
    token.map = lines
    return token


def _close(state: StateBlock, opening) -> None:
    state.push(f"{opening.tag}_close", opening.tag, -1).map = list(opening.map)


def _cells(state: StateBlock, shape: _Shape, lines: tuple[int, int], head: bool) -> list[_Cell]:
    """The cells of a row or header over lines, reporting the text pandoc drops."""
    spans_by_line = []
    for line in range(*lines):
        pieces = _split(_chars(state, line), [column for column, _ in shape.columns])
        left = _trimmed(pieces[0])
        if left is not None:
            report(state.env, line, left[0] - _line_start(state, line), "text left of the table's first column is "
                   f"dropped, as pandoc drops it: '{state.src[left[0]:left[1]]}'; start it under the column's dashes")
        spans_by_line.append([_trimmed(piece) for piece in pieces[1:]])
    cells = []
    for column in range(len(shape.columns)):
        spans = [spans[column] for spans in spans_by_line]
        first, stop = _kept(spans, head)
        dropped = next((number for number in range(stop, len(spans)) if spans[number] is not None), None)
        if dropped is not None:
            line, span = lines[0] + dropped, spans[dropped]
            report(state.env, line, span[0] - _line_start(state, line), "an empty line in a cell of a multiline "
                   f"table ends its text, and pandoc drops the rest: '{state.src[span[0]:span[1]]}'; write the "
                   "cell without empty lines, or as a grid table for a cell of paragraphs")
        content = "\n".join(state.src[span[0]:span[1]] for span in spans[first:stop])
        if shape.multiline and not head and re.search(r"(?<!\\)(?:\\\\)*\\$", content):
            content += "\n"           # pandoc: the line end after a row's last `\` is a line break
        kept = [(lines[0] + number, spans[number][0]) for number in range(first, stop)]
        column_start = min((at - _line_start(state, line) for line, at in kept), default=None)
        cells.append(_Cell(content, (kept[0][0], kept[-1][0] + 1) if kept else lines, column_start))
    return cells


def _kept(spans: list[Span], head: bool) -> tuple[int, int]:
    """Which of a cell's lines pandoc keeps: from the first (a header's first nonblank, a row's
    second if only its first is blank) up to the first blank one."""
    if head:
        first = next((number for number, span in enumerate(spans) if span is not None), len(spans))
    else:
        first = int(len(spans) > 1 and spans[0] is None and spans[1] is not None)
    return first, next((number for number in range(first, len(spans)) if spans[number] is None), len(spans))


def _push_row(state: StateBlock, lines: tuple[int, int], tag: str, cells: list[_Cell], aligns: list[str]) -> None:
    row = _open(state, "tr", list(lines))
    for cell, align in zip(cells, aligns):
        opening = _open(state, tag, list(cell.lines))
        if align:
            opening.attrSet("style", f"text-align:{align}")
        inline = state.push("inline", "", 0)
        inline.map, inline.content, inline.children = list(cell.lines), cell.content, []
        if cell.source_column is not None:
            inline.meta = {"source_column": cell.source_column}
        _close(state, opening)
    _close(state, row)
