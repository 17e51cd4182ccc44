"""Hand every link and image target to the publication's resolver, with its position; and warn
about an image without a description, which readers who cannot see it (and the tagged PDF's
alternative text) lack."""

from __future__ import annotations

import re
import string
from typing import Callable
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from builder.errors import Severity
from builder.markdown.report import report

# resolver(target) -> (rewritten target, None) or (None, error message)
LinkResolver = Callable[[str], tuple[str | None, str | None]]


def links_plugin(md: MarkdownIt) -> None:
    """Rewrite link targets through env['resolve_link']; report refused targets and images without a description."""
    md.core.ruler.push("resolve_links", _resolve_links)
    md.core.ruler.push("image_descriptions", _image_descriptions)


_EMPTY_DESCRIPTION = re.compile(r"!\[\s*\]")


def _image_descriptions(state: StateCore) -> None:
    """A warning at each image written with nothing between its brackets (`![](map.png)`)."""
    lines = state.src.split("\n")
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        line, col = block.map[0] if block.map else 0, 0
        for token in _walk(block.children):
            if token.type != "image" or token.content.strip():
                continue
            while line < len(lines) and not (found := _EMPTY_DESCRIPTION.search(lines[line], col)):
                line, col = line + 1, 0
            if line == len(lines):
                break
            report(state.env, line, found.start(), "image without a description: say what it shows between "
                   "the brackets, ![what it shows](...), for readers who cannot see it", Severity.WARNING)
            col = found.end()


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
    """Find target (as written, percent-decoded, or with backslash escapes) at or after cursor and
    advance the cursor; else anywhere (a reference definition may come before its use)."""
    decoded = unquote(target)
    # Markdown drops the backslash of `\.` in a destination: `..\..\x` arrives as `...\x`.
    escaped = re.compile("".join(rf"\\?{re.escape(c)}" if c in string.punctuation else re.escape(c) for c in decoded))
    for start_line, start_col in (tuple(cursor), (0, 0)):
        for form in (target, decoded, escaped):
            line = start_line
            while line < len(lines):
                start = start_col if line == start_line else 0
                if isinstance(form, str):
                    found, length = lines[line].find(form, start), len(form)
                else:
                    match = form.search(lines[line], start)
                    found, length = (match.start(), match.end() - match.start()) if match else (-1, 0)
                if found != -1:
                    if (start_line, start_col) == tuple(cursor):
                        cursor[0], cursor[1] = line, found + length
                    return line, found
                line += 1
    return cursor[0], 0
