"""A limit on how deeply blocks nest, that keeps the text past it.

markdown-it stops descending at `maxNesting` levels (which bounds its recursion) and drops
whatever lies deeper without a word. Here the deeper lines become one plain paragraph, and
a warning says where the nesting went too deep.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

from builder.errors import Severity
from builder.markdown.report import report

MAX_NESTING = 50


def nesting_plugin(md: MarkdownIt, limit: int = MAX_NESTING) -> None:
    """Nest blocks at most limit levels deep; deeper content is kept as a plain paragraph."""
    md.options["maxNesting"] = limit
    tokenize = md.block.tokenize

    def guarded(state: StateBlock, start: int, end: int) -> None:
        if state.level < limit:
            tokenize(state, start, end)
            return
        first = state.skipEmptyLines(start)
        if first >= end or state.sCount[first] < state.blkIndent:
            tokenize(state, start, end)
            return
        stop = first + 1
        while stop < end and (state.isEmpty(stop) or state.sCount[stop] >= state.blkIndent):
            stop += 1
        line_start = state.src.rfind("\n", 0, state.bMarks[first]) + 1
        report(state.env, first, state.bMarks[first] + state.tShift[first] - line_start,
               f"blocks nested more than {limit} levels deep: what is deeper is shown as plain text",
               Severity.WARNING)
        push_paragraph(state, first, stop)

    md.block.tokenize = guarded


def push_paragraph(state: StateBlock, start: int, stop: int) -> None:
    """Lines start to stop as one paragraph of inline text, whatever blocks they would make."""
    opening = state.push("paragraph_open", "p", 1)
    opening.map = [start, stop]
    inline = state.push("inline", "", 0)
    inline.content = state.getLines(start, stop, state.blkIndent, False).strip()
    inline.map = [start, stop]
    inline.children = []
    state.push("paragraph_close", "p", -1)
    state.line = stop
