"""Quarto-style cross-references: `@ev-id`, `@fig-id`, `@tbl-id` become "Evidence 3",
"Figure 2", "Table 1", numbered per document; figures are `![Caption](path){#fig-id}`
and table captions a `: Caption {#tbl-id}` line after the table.

pandoc-crossref's spelling is read the same way, for documents written for it: `{#fig:id}`,
`{#tbl:id}` and `@fig:id`, `@tbl:id` (also in brackets, `[@fig:id]`, which it writes without
them), and `@sec:id` for a heading `{#sec:id}`, which becomes the heading's text."""

from __future__ import annotations

import re
from html import escape

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from builder.markdown.attributes import AttributeSyntaxError, parse_attributes
from builder.markdown.report import inline_position, report
from builder.text import close_matches, suggestion

PREFIXES = {"ev": "Evidence", "fig": "Figure", "tbl": "Table", "sec": "Section"}
_REFERENCE = re.compile(r"@((?:ev|fig|tbl)-[\w-]*[\w]|(?:fig|tbl|sec):[\w:.-]*[\w])")
_BRACKETED = re.compile(r"\[@((?:fig|tbl|sec):[\w:.-]*[\w])\]")      # pandoc-crossref's [@fig:id]
_NUMBERED = ("fig-", "fig:")
_CAPTION = re.compile(r"^(?:Table)?:\s+")
_TRAILING_ATTRS = re.compile(r"\s*\{([^{}]*)\}\s*$")


def crossrefs_plugin(md: MarkdownIt) -> None:
    """Number figures, tables and evidence boxes, and resolve references to them."""
    md.inline.ruler.before("citation_narrative", "crossref", _reference)
    md.core.ruler.after("evidence", "figures", _figures)
    md.core.ruler.after("figures", "table_captions", _table_captions)
    md.core.ruler.after("table_captions", "crossrefs", _resolve)
    md.add_render_rule("crossref", _render_reference)
    md.add_render_rule("figure_open", _render_figure_open)
    md.add_render_rule("figure_close", _render_figure_close)
    md.add_render_rule("caption_open", lambda self, t, i, o, e: f'<caption><span class="caption-label">{escape(label_text(e, t[i].meta["label"]))}:</span> ')
    md.add_render_rule("caption_close", lambda self, t, i, o, e: "</caption>\n")


def _reference(state: StateInline, silent: bool) -> bool:
    start = state.pos
    match = _BRACKETED.match(state.src, start) if state.src[start] == "[" else None
    if match is None:
        if state.src[start] != "@" or (start > 0 and (state.src[start - 1].isalnum() or state.src[start - 1] in "_\\")):
            return False
        match = _REFERENCE.match(state.src, start)
        if match is None:
            return False
    if not silent:
        token = state.push("crossref", "", 0)
        token.content = match.group(0)
        token.meta = {"id": match.group(1), "offset": start + match.group(0).index("@")}
    state.pos = match.end()
    return True


def _targets(env: dict) -> dict:
    return env.setdefault("crossref_targets", {})


def figure_image(tokens: list[Token], index: int) -> Token | None:
    """The image that the inline token at index makes a figure of: alone in its paragraph, with a
    description (its caption) or a figure id, as pandoc makes figures."""
    if not (0 < index < len(tokens) - 1 and tokens[index - 1].type in ("paragraph_open", "figure_open")
            and tokens[index].type == "inline" and tokens[index + 1].type in ("paragraph_close", "figure_close")):
        return None
    children = [c for c in tokens[index].children or () if not (c.type == "text" and not c.content.strip())]
    if len(children) != 1 or children[0].type != "image":
        return None
    image = children[0]
    return image if image.children or str(image.attrGet("id") or "").startswith(_NUMBERED) else None


def _figures(state: StateCore) -> None:
    if "![" not in state.src:       # no image, so no figure: most bodies
        return
    tokens = state.tokens
    count = 0
    for index in range(1, len(tokens) - 1):
        image = figure_image(tokens, index)
        if image is None:
            continue
        opening, closing = tokens[index - 1], tokens[index + 1]
        figure_id = str(image.attrGet("id") or "")
        numbered = figure_id.startswith(_NUMBERED)
        label = None
        if numbered:
            count += 1
            label = ("fig", count)
            _register(state, figure_id, label)
        image.attrs.pop("id", None)
        opening.type, opening.tag, opening.meta = "figure_open", "figure", {"id": figure_id}
        closing.type, closing.tag = "figure_close", "figure"
        closing.meta = {"label": label, "caption": image}


def _render_figure_open(self, tokens, idx, options, env) -> str:
    figure_id = tokens[idx].meta["id"]
    return f'<figure class="figure" id="{escape(figure_id)}">\n' if figure_id else '<figure class="figure">\n'


def _render_figure_close(self, tokens, idx, options, env) -> str:
    meta = tokens[idx].meta
    caption = self.renderInline(meta["caption"].children or [], options, env)
    label = f'<span class="caption-label">{escape(label_text(env, meta["label"]))}:</span> ' if meta["label"] else ""
    return f"<figcaption>{label}{caption}</figcaption>\n</figure>\n"


def _table_captions(state: StateCore) -> None:
    tokens = state.tokens
    if not any(token.type == "table_close" for token in tokens):
        return
    count = 0
    index = 0
    while index < len(tokens) - 3:
        if tokens[index].type != "table_close":
            index += 1
            continue
        opening, inline, closing = tokens[index + 1:index + 4]
        if not (opening.type == "paragraph_open" and inline.type == "inline" and closing.type == "paragraph_close"
                and _CAPTION.match(inline.content)):
            index += 1
            continue
        table_open = _table_open(tokens, index)
        count += 1
        label = ("tbl", count)
        table_id = _strip_caption(state, inline)
        if table_id:
            table_open.attrSet("id", table_id)
            _register(state, table_id, label)
        caption_open = Token("caption_open", "caption", 1)
        caption_open.meta = {"label": label}
        del tokens[index + 1:index + 4]
        position = tokens.index(table_open) + 1
        tokens[position:position] = [caption_open, inline, Token("caption_close", "caption", -1)]
        index += 4


def _table_open(tokens, close_index: int):
    depth = 0
    for index in range(close_index, -1, -1):
        if tokens[index].type == "table_close":
            depth += 1
        elif tokens[index].type == "table_open":
            depth -= 1
            if depth == 0:
                return tokens[index]
    return tokens[close_index]


def _strip_caption(state: StateCore, inline) -> str:
    """Remove the ': ' marker and a trailing {#tbl-id}; return the id."""
    children = inline.children or []
    if children and children[0].type == "text":
        children[0].content = _CAPTION.sub("", children[0].content, count=1)
    if not children or children[-1].type != "text":
        return ""
    match = _TRAILING_ATTRS.search(children[-1].content)
    if match is None:
        return ""
    try:
        attributes = parse_attributes(match.group(1))
    except AttributeSyntaxError as exc:
        report(state.env, inline.map[0] if inline.map else 0, 0, f"bad table caption attributes: {exc}")
        return ""
    children[-1].content = children[-1].content[:match.start()]
    return attributes.id


def label_text(env: dict, label: tuple[str, int] | str) -> str:
    """A numbered target's words, "Figure 2", from env['number_label'](kind, number) where the
    build gives it in the document's language; a section's label is its heading's text."""
    if isinstance(label, str):
        return label
    words = env.get("number_label")
    return words(*label) if words else f"{PREFIXES[label[0]]} {label[1]}"


def _register(state: StateCore, target: str, label: tuple[str, int] | str) -> None:
    _targets(state.env).setdefault(target, label)     # a duplicate id is reported with every other (markdown/ids.py)


def _resolve(state: StateCore) -> None:
    targets = _targets(state.env)
    for box in state.env.get("evidence", []):
        targets.setdefault(box.id, ("ev", box.number))
    _section_targets(state, targets)
    lines = state.src.split("\n")
    for block in state.tokens:
        if block.type not in ("inline",) or not block.children:
            continue
        for token in block.children:
            if token.type != "crossref":
                continue
            target = token.meta["id"]
            if target in targets:
                token.meta["label"] = targets[target]
                continue
            line, col = inline_position(lines, block, token.meta["offset"])
            prefix = re.split(r"[-:]", target, maxsplit=1)[0]
            kind = PREFIXES[prefix].lower()
            alike = close_matches(target, [name for name in targets if re.split(r"[-:]", name, maxsplit=1)[0] == prefix])
            report(state.env, line, col, f"cross-reference '@{target}' names no {kind} in this document"
                                         f"{suggestion(['@' + name for name in alike])}")


def _section_targets(state: StateCore, targets: dict) -> None:
    """pandoc-crossref's sections: a heading {#sec:id} is referred to by its text."""
    tokens = state.tokens
    for index, token in enumerate(tokens[:-1]):
        identifier = str(token.attrGet("id") or "") if token.type == "heading_open" else ""
        if identifier.startswith("sec:"):
            targets.setdefault(identifier, " ".join(tokens[index + 1].content.split()))


def _render_reference(self, tokens, idx, options, env) -> str:
    meta = tokens[idx].meta
    if "label" not in meta:
        return f'<span class="crossref crossref--unresolved">{escape(tokens[idx].content)}</span>'
    return f'<a class="crossref" href="#{escape(meta["id"])}">{escape(label_text(env, meta["label"]))}</a>'
