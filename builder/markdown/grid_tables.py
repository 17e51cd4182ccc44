r"""Pandoc's grid tables: cells drawn with `+---+` and `|`, each cell holding blocks.

```
+-----------+-----------------+
| Fruit     | Price           |
+:==========+================:+
| Bananas \ | 1.34            |
| ripe      |                 |
+-----------+-----------------+
| - a list  | cells may span  |
| - of two  | rows or columns |
+===========+=================+
| Foot      | in a `=` frame  |
+===========+=================+
```

Read as pandoc 3 reads them: the table starts at the margin; the first `=` line ends the head (a
table without one has no head, one that ends with its only `=` line is all head); a table whose
last line is `=` ends with a foot, the rows after the `=` line before it; colons on the head's
`=` line (or on the top line of a table without a head) align columns; cells span rows and
columns; a cell's lines lose their right end and, where every line has one, one leading space,
and are read as Markdown blocks (a cell of one paragraph is shown as its text, as pandoc's
compact cells); widths are display widths, so Korean text takes two columns per syllable.

The drawing itself is traced by docutils' grid table parser (the reStructuredText reader's,
which handles spans and double-width text and is kept by a project that has read grid tables
for twenty years); a drawing it cannot trace is an error at the table, where pandoc would
guess. Pandoc's relative column widths are not written (pipe tables carry none either).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

from builder.markdown.report import report

_BORDER = re.compile(r"\+(?:[-=:]+\+)+[ \t]*$")
_PAD = "\x00"                 # what docutils pads a double-width character with (GridTableParser.double_width_pad_char)


@functools.cache
def _docutils():
    """docutils' grid table parser, loaded for the first grid table (most publications have none)."""
    from docutils.parsers.rst.tableparser import GridTableParser, TableMarkupError
    from docutils.statemachine import StringList

    return GridTableParser, TableMarkupError, StringList


def grid_tables_plugin(md: MarkdownIt) -> None:
    """Add the `grid_table` block rule: `+---+` drawings become tables of block cells."""
    md.block.ruler.before("table", "grid_table", _grid_table)


def _grid_table(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if state.sCount[start] != state.blkIndent or not _BORDER.match(_text(state, start)):
        return False
    last = start + 1
    while last < end and state.sCount[last] == state.blkIndent and _text(state, last)[:1] in ("|", "+"):
        last += 1
    lines = [_text(state, line).rstrip() for line in range(start, last)]
    if len(lines) < 3 or not _BORDER.match(lines[-1]):
        if not silent:
            report(state.env, start, state.sCount[start], "grid table is not closed: its last line must be "
                   "a +---+ border like its first")
        return False
    if silent:
        return True
    try:
        table = _trace(lines)
    except (_docutils()[1], AssertionError) as exc:     # docutils asserts on some drawings
        line = start + min(getattr(exc, "offset", 0), len(lines) - 1)
        report(state.env, line, state.sCount[start], f"grid table cannot be read: {_reason(exc)}every "
               "row and column must be drawn with '|' and '+' in line with the borders")
        return False
    _push_table(state, start, last, lines, table)
    state.line = last
    return True


def _text(state: StateBlock, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]]


def _reason(exc: Exception) -> str:
    reason = str(exc).rstrip(".").replace("Malformed table; parse incomplete", "a cell is not closed")
    return f"{reason}; " if reason else ""


@dataclass(frozen=True)
class _Table:
    """A traced drawing: its cells by row (top line, left column, bottom line, right column, in
    padded columns), the lines and columns between them, the rows of head and foot, each column's
    alignment, and the lines with double-width characters padded."""

    rows: list[list[tuple[int, int, int, int]]]
    rowseps: list[int]
    colseps: list[int]
    head_rows: int
    foot_from: int
    aligns: list[str]
    padded: list[str]


def _trace(lines: list[str]) -> _Table:
    GridTableParser, TableMarkupError, StringList = _docutils()
    equals = [index for index, line in enumerate(lines) if index and _BORDER.match(line) and "=" in line]
    block = StringList([re.sub(r"[=:]", "-", line) if _BORDER.match(line) else line for line in lines])
    block.pad_double_width(_PAD)
    for offset, line in enumerate(block):
        if len(line) != len(block[0]):
            raise TableMarkupError("its right border is not in line with the first line's", offset=offset)
    parser = GridTableParser()
    parser.setup(block)
    parser.parse_table()
    rowseps = sorted(parser.rowseps)
    colseps = sorted(parser.colseps)
    head_end = equals[0] if equals else 0
    foot_start = equals[-2] if len(equals) >= 2 and equals[-1] == len(lines) - 1 else len(lines)
    rows: list[list[tuple[int, int, int, int]]] = [[] for _ in rowseps[:-1]]
    for top, left, bottom, right, _ in sorted(parser.cells):
        rows[rowseps.index(top)].append((top, left, bottom, right))
    head_rows = sum(1 for top in rowseps[:-1] if top < head_end)
    foot_from = sum(1 for top in rowseps[:-1] if top < foot_start)
    align_line = _pad(lines[head_end])
    aligns = [_alignment(align_line[left + 1:right]) for left, right in zip(colseps, colseps[1:])]
    return _Table(rows, rowseps, colseps, head_rows, foot_from, aligns, list(block))


def _pad(line: str) -> str:
    StringList = _docutils()[2]
    block = StringList([line])
    block.pad_double_width(_PAD)
    return block[0]


def _alignment(segment: str) -> str:
    left, right = segment.startswith(":"), segment.endswith(":")
    return "center" if left and right else "right" if right else "left" if left else ""


def _push_table(state: StateBlock, start: int, last: int, lines: list[str], table: _Table) -> None:
    token = state.push("table_open", "table", 1)
    token.map = [start, last]
    sections = (("thead", 0, table.head_rows), ("tbody", table.head_rows, table.foot_from),
                ("tfoot", table.foot_from, len(table.rows)))
    for tag, first, stop in sections:
        if first >= stop and tag != "tbody":
            continue
        state.push(f"{tag}_open", tag, 1)
        for row in table.rows[first:stop]:
            opening = state.push("tr_open", "tr", 1)
            opening.map = [start + row[0][0], start + row[0][2]] if row else [start, start]
            for top, left, bottom, right in row:
                _push_cell(state, start, table, "th" if tag == "thead" else "td", (top, left, bottom, right))
            state.push("tr_close", "tr", -1)
        state.push(f"{tag}_close", tag, -1)
    state.push("table_close", "table", -1)


def _push_cell(state: StateBlock, start: int, table: _Table, tag: str, cell) -> None:
    top, left, bottom, right = cell
    opening = state.push(f"{tag}_open", tag, 1)
    opening.map = [start + top + 1, start + bottom]
    column = table.colseps.index(left)
    align = table.aligns[column] if column < len(table.aligns) else ""
    if align:
        opening.attrSet("style", f"text-align:{align}")
    span = table.colseps.index(right) - column
    if span > 1:
        opening.attrSet("colspan", str(span))
    row_span = table.rowseps.index(bottom) - table.rowseps.index(top)
    if row_span > 1:
        opening.attrSet("rowspan", str(row_span))
    texts = [table.padded[line][left + 1:right].replace(_PAD, "").rstrip() for line in range(top + 1, bottom)]
    if all(not text or text.startswith(" ") for text in texts):
        texts = [text[1:] for text in texts]
    source_columns = [_source_column(table.padded[line], left + 1) for line in range(top + 1, bottom)]
    _push_blocks(state, "\n".join(texts) + "\n", start + top + 1, source_columns)
    state.push(f"{tag}_close", tag, -1)


def _source_column(padded: str, column: int) -> int:
    """The column in the source line of a padded column: the padding is not in the source."""
    return column - padded.count(_PAD, 0, column)


def _push_blocks(state: StateBlock, text: str, first_line: int, source_columns: list[int]) -> None:
    """Read a cell's text as blocks into the table's tokens, placed at the cell's lines."""
    inner = StateBlock(text, state.md, state.env, state.tokens)
    inner.level = state.level
    already = len(state.tokens)
    state.md.block.tokenize(inner, 0, inner.lineMax)
    added = state.tokens[already:]
    for token in added:
        if token.map:
            token.map = [token.map[0] + first_line, token.map[1] + first_line]
        if token.type == "inline" and token.map:
            token.meta = {**(token.meta or {}), "source_column": source_columns[token.map[0] - first_line]
                          if token.map[0] - first_line < len(source_columns) else 0}
    top = [token for token in added if token.level == state.level]
    paragraphs = [index for index, token in enumerate(top) if token.type == "paragraph_open"]
    if len(paragraphs) == 1 and top[-1].type == "paragraph_close" and paragraphs[0] == len(top) - 2:
        top[-2].hidden = top[-1].hidden = True      # pandoc's compact cell: one last paragraph shows as text
