"""Heading attributes (`## Title {#id .class -}`), read as pandoc reads them, and the table of contents."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from builder.markdown.attributes import Attributes, AttributeSyntaxError, read_attributes, scan_attributes
from builder.markdown.report import inline_position, report
from builder.model import Heading
from builder.text import html_text

_TRAILING_BRACES = re.compile(r"\{[^{}]*\}\s*$")
_BACKTICKS = re.compile(r"`+")
_ATTRIBUTES_WITHIN = 1000


def heading_attributes_plugin(md: MarkdownIt) -> None:
    """Pandoc-style attributes at the end of a heading line (`## Title {#id .class -}`), read
    before the heading's text is parsed and before anchors are made."""
    md.core.ruler.before("inline", "heading_attributes", _heading_attributes)


def table_of_contents(md: MarkdownIt, tokens, env: dict, levels: tuple[int, ...] = (2, 3)) -> tuple[Heading, ...]:
    """The headings of the given levels, each with its id and its text as readers see it: markup
    and raw HTML reduced to their text, citations as rendered (markers, before they are
    formatted), footnote references left out."""
    toc = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and int(token.tag[1]) in levels and token.attrGet("id"):
            children = [c for c in tokens[index + 1].children or () if c.type != "footnote_ref"]
            html = md.renderer.renderInline(children, md.options, env)
            toc.append(Heading(int(token.tag[1]), str(token.attrGet("id")), html_text(html)))
    return tuple(toc)


def _heading_attributes(state: StateCore) -> None:
    """Take the attributes off the end of each heading's text before its text is parsed."""
    tokens = state.tokens
    for index, token in enumerate(tokens[:-1]):
        inline = tokens[index + 1]
        if token.type != "heading_open" or inline.type != "inline":
            continue
        found = _trailing_attributes(inline.content)
        if found is None:
            _report_unread(state, inline)
            continue
        start, attributes = found
        text = inline.content[:start].rstrip()
        if token.markup.startswith("#"):        # as in pandoc, `## Title ## {#id}` closes before the attributes
            text = text.rstrip("#").rstrip()
        inline.content = text
        if attributes.id:
            token.attrSet("id", attributes.id)
        if attributes.classes:
            token.attrSet("class", " ".join(attributes.classes))


def _trailing_attributes(content: str) -> tuple[int, Attributes] | None:
    """Where pandoc finds a heading's attributes: the first `{` (not escaped, not in code) from
    which attributes run to the end of the text; and the attributes. Only the last
    _ATTRIBUTES_WITHIN characters are tried, so that no heading takes quadratic time."""
    if not content.rstrip().endswith("}"):
        return None
    window = max(0, len(content) - _ATTRIBUTES_WITHIN)
    for start in _braces(content):
        if start < window:
            continue
        read = read_attributes(content, start)
        if read is not None and not content[read[1]:].strip():
            return start, read[0]
    return None


def _braces(content: str):
    """Offsets of the `{` in content that are neither escaped nor inside a code span."""
    index = 0
    while index < len(content):
        char = content[index]
        if char == "\\":
            index += 2
            continue
        if char == "`":
            ticks = _BACKTICKS.match(content, index).group()
            closing = re.compile(f"(?<!`){ticks}(?!`)").search(content, index + len(ticks))
            index = closing.end() if closing else index + len(ticks)
            continue
        if char == "{":
            yield index
        index += 1


def _report_unread(state: StateCore, inline) -> None:
    """Braces ending a heading that are not attributes: pandoc keeps them in the heading's text,
    Dossier reports them, since they are almost always attributes mistyped."""
    match = _TRAILING_BRACES.search(inline.content)
    if match is None:
        return
    try:
        scan_attributes(inline.content, match.start())
    except AttributeSyntaxError as exc:
        line, col = inline_position(state.src.split("\n"), inline, exc.offset)
        report(state.env, line, col, f"bad heading attributes: {exc}")
