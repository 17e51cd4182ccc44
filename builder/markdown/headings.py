"""Heading attributes (`## Title {#id .class}`) and the table of contents."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from builder.markdown.attributes import AttributeSyntaxError, parse_attributes
from builder.markdown.report import report
from builder.model import Heading
from builder.text import html_text

_TRAILING_ATTRS = re.compile(r"\s*\{([^{}]*)\}\s*$")


def heading_attributes_plugin(md: MarkdownIt) -> None:
    """Pandoc-style attributes at the end of a heading line; runs before anchors are made."""
    md.core.ruler.after("inline", "heading_attributes", _heading_attributes)


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
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        inline = tokens[index + 1]
        children = inline.children or []
        if not children or children[-1].type != "text":
            continue
        last = children[-1]
        match = _TRAILING_ATTRS.search(last.content)
        if match is None:
            continue
        try:
            attributes = parse_attributes(match.group(1))
        except AttributeSyntaxError as exc:
            line = token.map[0] if token.map else 0
            source = state.src.split("\n")[line] if token.map else ""
            col = source.rfind("{") + 1 + exc.offset if "{" in source else 0
            report(state.env, line, col, f"bad heading attributes: {exc}")
            continue
        last.content = last.content[:match.start()]
        inline.content = _TRAILING_ATTRS.sub("", inline.content)
        if attributes.id:
            token.attrSet("id", attributes.id)
        if attributes.classes:
            token.attrSet("class", " ".join(attributes.classes))
