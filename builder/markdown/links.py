"""Hand every link and image target to the publication's resolver, with its position."""

from __future__ import annotations

from typing import Callable
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from builder.markdown.report import report

# resolver(target) -> (rewritten target, None) or (None, error message)
LinkResolver = Callable[[str], tuple[str | None, str | None]]


def links_plugin(md: MarkdownIt) -> None:
    """Rewrite link targets through env['resolve_link']; report refused targets."""
    md.core.ruler.push("resolve_links", _resolve_links)


def _resolve_links(state: StateCore) -> None:
    resolve: LinkResolver | None = state.env.get("resolve_link")
    if resolve is None:
        return
    lines = state.src.split("\n")
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        first = block.map[0] if block.map else 0
        cursor = [first, 0]
        for token in _walk(block.children):
            attr = "href" if token.type == "link_open" else "src" if token.type == "image" else None
            if attr is None or token.markup == "linkify":
                continue
            target = str(token.attrGet(attr) or "")
            new_target, problem = resolve(target)
            if problem is not None:
                line, col = _locate(lines, cursor, target)
                report(state.env, line, col, problem)
                token.attrSet(attr, "")
            elif new_target is not None and new_target != target:
                token.attrSet(attr, new_target)


def _walk(tokens):
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def _locate(lines: list[str], cursor: list[int], target: str) -> tuple[int, int]:
    """Find target (as written or percent-decoded) at or after cursor; advance the cursor."""
    for form in (target, unquote(target)):
        line, col = cursor
        while line < len(lines):
            found = lines[line].find(form, col if line == cursor[0] else 0)
            if found != -1:
                cursor[0], cursor[1] = line, found + len(form)
                return line, found
            line += 1
    return cursor[0], 0
