"""Evidence boxes: `::: {.evidence #ev-id source=KEY grade=B2 ...}`, a quote bound to its source.

Builds on fenced divs: this plugin validates the attributes, numbers the boxes, adds a
citation cluster `[@KEY, LOCATOR]` for the short attribution (formatted with the rest of
the document's citations), and renders a <figure>. What only the build knows — the
formatted citation, the source page, verification — reaches the renderer through env.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from builder.errors import Severity
from builder.markdown.attributes import IDENTIFIER
from builder.markdown.citations import Cluster
from builder.markdown.report import report
from builder.urls import url_segment

ATTRIBUTES = ("source", "date", "locator", "grade", "url", "archived", "translated", "note")
GRADE = re.compile(r"^[A-F][1-6]?$")
_KEY = re.compile(r"^[\w][\w:.#$%&\-+?<>~/]*$")


@dataclass(frozen=True, slots=True)
class EvidenceBox:
    """One evidence box as written; line is the 0-based body line of its opening fence."""

    id: str
    number: int
    source: str
    line: int
    quote: str
    cluster_index: int
    attributes: dict = field(default_factory=dict)
    written_id: bool = True     # False for a box without an id, which gets evidence-N

    def get(self, name: str) -> str:
        return self.attributes.get(name, "")


def evidence_plugin(md: MarkdownIt) -> None:
    """Turn `.evidence` fenced divs into evidence boxes; env['evidence'] lists them."""
    md.core.ruler.after("citation_positions", "evidence", _collect)
    md.add_render_rule("evidence_open", _render_open)
    md.add_render_rule("evidence_close", _render_close)


def _collect(state: StateCore) -> None:
    boxes = state.env.setdefault("evidence", [])
    clusters = state.env.setdefault("clusters", [])
    ids: dict[str, int] = {}
    lines = state.src.split("\n")
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "fenced_div_open" or "evidence" not in token.meta["attributes"].classes:
            continue
        attributes = token.meta["attributes"]
        line = token.map[0] if token.map else 0
        text = lines[line] if line < len(lines) else ""

        def col_of(name: str) -> int:
            offset = text.find(f"{name}=")
            return offset if offset != -1 else max(text.find("{"), 0)

        values = dict(attributes.pairs)
        for name in values:
            if name not in ATTRIBUTES:
                report(state.env, line, col_of(name), f"unknown evidence attribute '{name}' (known: {', '.join(ATTRIBUTES)})",
                       Severity.WARNING)
        source = values.get("source", "").strip()
        if not source:
            report(state.env, line, max(text.find("{"), 0), "evidence box has no source: add source=KEY")
        elif not _KEY.match(source):
            report(state.env, line, col_of("source"), f"evidence source '{source}' is not a citation key")
            source = ""
        grade = values.get("grade", "").strip().upper()
        if grade and not GRADE.match(grade):
            report(state.env, line, col_of("grade"),
                   f"malformed grade '{values['grade']}': use a reliability letter A-F and a credibility digit 1-6, e.g. B2")
            grade = ""
        box_id = attributes.id or f"evidence-{len(boxes) + 1}"
        id_col = max(text.find("{"), 0) + 1 + attributes.offsets.get("#", -1) if attributes.id else 0
        page = url_segment(box_id)
        if not IDENTIFIER.fullmatch(box_id):
            report(state.env, line, id_col, f"evidence id '#{box_id}' is not an identifier: begin with a "
                   "letter, then use letters, digits, '-', '_', ':' or '.'")
            box_id, page = f"evidence-{len(boxes) + 1}", ""
        elif not page:
            report(state.env, line, id_col, f"evidence id '#{box_id}' cannot name the box's page: choose another id")
        elif page in ids:
            report(state.env, line, id_col, f"duplicate evidence id '#{box_id}': first used on line "
                   f"{ids[page] + state.env.get('line_offset', 0) + 1}")
        ids.setdefault(page, line)
        cluster_index = -1
        if source:
            locator = values.get("locator", "").strip()
            citation = f"[@{source}, {_escape_markdown(locator)}]" if locator else f"[@{source}]"
            cluster_index = len(clusters)
            clusters.append(Cluster(citation, (source,), (line,), (col_of("source") + len("source="),),
                                    _quote_text(tokens, index), in_text=False))     # shown in the caption
        kept = {name: values.get(name, "").strip() for name in ATTRIBUTES if values.get(name, "").strip()}
        kept.pop("grade", None)
        box = EvidenceBox(box_id, len(boxes) + 1, source, line, _quote_text(tokens, index), cluster_index,
                          kept | ({"grade": grade} if grade else {}), written_id=bool(attributes.id) and bool(page))
        boxes.append(box)
        token.type = "evidence_open"
        token.meta["box"] = box
        _closing(tokens, index).type = "evidence_close"
        _closing(tokens, index).meta = {"box": box}


def _escape_markdown(text: str) -> str:
    """A locator as literal text inside a citation: no second citation, link or raw HTML."""
    return re.sub(r"([\\\[\]@;<>`*_{}])", r"\\\1", text)


def _closing(tokens, index: int):
    depth = 0
    for token in tokens[index:]:
        if token.type in ("fenced_div_open", "evidence_open"):
            depth += 1
        elif token.type in ("fenced_div_close", "evidence_close"):
            depth -= 1
            if depth == 0:
                return token
    return tokens[-1]


def _quote_text(tokens, index: int) -> str:
    """Plain text of the box's body: paragraphs joined by ' … ' (they need not be adjacent)."""
    closing = _closing(tokens, index)
    paragraphs = []
    for token in tokens[index + 1:tokens.index(closing)]:
        if token.type == "inline" and token.children is not None:
            parts = []
            for child in token.children:
                if child.type in ("text", "code_inline"):
                    parts.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    parts.append(" ")
            text = " ".join("".join(parts).split())
            if text:
                paragraphs.append(text)
    return " … ".join(paragraphs)


def _render_open(self, tokens, idx, options, env) -> str:
    box: EvidenceBox = tokens[idx].meta["box"]
    grade = box.get("grade")
    data = f' data-source="{escape(box.source)}"' + (f' data-grade="{escape(grade)}"' if grade else "")
    cite = box.get("url")
    cite_attr = f' cite="{escape(cite)}"' if cite.startswith(("http://", "https://")) else ""
    return (f'<figure class="evidence" id="{escape(box.id)}"{data}>\n'
            f'<blockquote class="evidence__quote"{cite_attr}>\n')


def _render_close(self, tokens, idx, options, env) -> str:
    box: EvidenceBox = tokens[idx].meta["box"]
    caption = env.get("evidence_caption")
    html = caption(box, env.get("citations_html", ())) if caption else f'<figcaption class="evidence__caption">Evidence {box.number}</figcaption>'
    return f"</blockquote>\n{html}\n</figure>\n"
