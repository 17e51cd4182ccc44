"""Pandoc citation syntax: `[see @a, p. 3; @b]`, `@a`, `@a [p. 3]`, `[-@a]`.

The plugin only finds clusters and keeps their source text; Pandoc's citeproc parses and
formats that text later, so prefixes, suffixes and locators mean exactly what they mean
to Pandoc. Keys beginning `ev-`, `fig-` or `tbl-` are cross-references, not citations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline

# Pandoc: a key starts with a letter, digit or _, and may hold internal punctuation.
KEY = r"(?:\{[^{}\n]+\}|[\w](?:[\w]|[:.#$%&\-+?<>~/](?=[\w]))*)"
_KEY_IN_ITEM = re.compile(r"(?:^|(?<=[\s\[(]))(-?)@(" + KEY + ")")
_NARRATIVE = re.compile(r"@(" + KEY + ")")
_NARRATIVE_SUFFIX = re.compile(r" ?\[([^\[\]@]*)\]")
CROSSREF_PREFIXES = ("ev-", "fig-", "tbl-")


@dataclass(frozen=True, slots=True)
class Cluster:
    """One citation cluster as written, with the position of its first key."""

    source: str                 # the Markdown text, e.g. "[see @a, p. 3; @b]"
    keys: tuple[str, ...]
    key_lines: tuple[int, ...]  # 0-based body line of each key
    key_cols: tuple[int, ...]   # 0-based column of each key's '@'
    context: str                # the text of the paragraph around the citation


def citations_plugin(md: MarkdownIt) -> None:
    """Recognise citation clusters; env['clusters'] lists them in reading order."""
    md.inline.ruler.before("link", "citation_bracketed", _bracketed)
    md.inline.ruler.before("emphasis", "citation_narrative", _narrative)
    md.core.ruler.after("inline", "citation_positions", _positions)
    md.add_render_rule("citation", _render)


def _clean_key(key: str) -> str:
    return key[1:-1] if key.startswith("{") else key


def _bracketed(state: StateInline, silent: bool) -> bool:
    src, start = state.src, state.pos
    if src[start] != "[":
        return False
    end = _matching_bracket(src, start)
    if end == -1 or (end + 1 < len(src) and src[end + 1] in "(["):
        return False
    inner = src[start + 1:end]
    keys, offsets = [], []
    for item_start, item in _items(inner):
        found = list(_KEY_IN_ITEM.finditer(item))
        if len(found) != 1:
            return False
        key = _clean_key(found[0].group(2))
        if key.startswith(CROSSREF_PREFIXES):
            return False
        keys.append(key)
        offsets.append(start + 1 + item_start + found[0].start(2) - 1)
    if not keys:
        return False
    if not silent:
        _push(state, src[start:end + 1], keys, offsets)
    state.pos = end + 1
    return True


def _narrative(state: StateInline, silent: bool) -> bool:
    src, start = state.src, state.pos
    if src[start] != "@":
        return False
    if start > 0 and (src[start - 1].isalnum() or src[start - 1] in "_@\\"):
        return False  # an e-mail address, or an escaped '@'
    match = _NARRATIVE.match(src, start)
    if match is None:
        return False
    key = _clean_key(match.group(1))
    if key.startswith(CROSSREF_PREFIXES):
        return False
    end = match.end()
    suffix = _NARRATIVE_SUFFIX.match(src, end)
    if suffix is not None and not (suffix.end() < len(src) and src[suffix.end()] in "(["):
        end = suffix.end()
    if not silent:
        _push(state, src[start:end], [key], [start])
    state.pos = end
    return True


def _push(state: StateInline, source: str, keys: list[str], offsets: list[int]) -> None:
    token = state.push("citation", "", 0)
    token.content = source
    token.meta = {"keys": tuple(keys), "offsets": tuple(offsets)}


def _matching_bracket(src: str, start: int) -> int:
    depth, index = 0, start
    while index < len(src):
        char = src[index]
        if char == "\\":
            index += 2
            continue
        if char == "`":
            return -1
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return -1


def _items(inner: str):
    """(offset, text) of each ';'-separated item of a bracketed cluster."""
    offset = 0
    for part in inner.split(";"):
        yield offset, part
        offset += len(part) + 1


def _positions(state: StateCore) -> None:
    """Turn each citation's offset in its inline text into a body line and column."""
    lines = state.src.split("\n")
    clusters = state.env.setdefault("clusters", [])
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        first_line = block.map[0] if block.map else 0
        for token in block.children:
            if token.type != "citation":
                continue
            key_lines, key_cols = [], []
            for key, offset in zip(token.meta["keys"], token.meta["offsets"]):
                line = first_line + block.content.count("\n", 0, offset)
                line_text = lines[line] if line < len(lines) else ""
                col_in_content = offset - (block.content.rfind("\n", 0, offset) + 1)
                col = line_text.find("@", col_in_content)
                key_lines.append(line)
                key_cols.append(max(col, 0))
            token.meta["index"] = len(clusters)
            clusters.append(Cluster(token.content, token.meta["keys"], tuple(key_lines), tuple(key_cols),
                                    _plain(block.content)))


def _plain(text: str) -> str:
    return " ".join(text.split())


def _render(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    formatted = env.get("citations_html")
    index = token.meta.get("index")
    if formatted is not None and index is not None and index < len(formatted):
        return formatted[index]
    return f'<span class="citation">{escape(token.content)}</span>'
