"""Evidence boxes: `::: {.evidence #ev-id source=KEY grade=B2 ...}`, a quote bound to its source.

Builds on fenced divs: this plugin validates the attributes, numbers the boxes, adds a
citation cluster `[@KEY, LOCATOR]` for the short attribution (formatted with the rest of
the document's citations), and renders a <figure>. What only the build knows — the
formatted citation, the source page, verification — reaches the renderer through env.

A translated box (`translated=ko`) holds its original wording in a nested `::: original` div:
the body is the translation readers see, the original what is verified. The original is moved
to the end of the box and shown beneath the translation, in its own language, in a <details>
whose summary the build words (env['evidence_original_label']).

Where each quote and original begins and ends on the page, the renderer writes the build's marks
(env['evidence_marks']), so that what is verified is read from the page as readers get it.
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
from builder.text import LANGUAGE_TAG, close_matches, date_problem, suggestion
from builder.urls import url_segment

ATTRIBUTES = ("source", "date", "locator", "grade", "url", "archived", "translated", "translator", "note")
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
    original: str = ""          # the text of its `::: original` div: what a translated box verifies
    original_at: tuple[int, int] | None = None     # 0-based body line and column of that div's fence
    quote_at: tuple[int, int] = (0, 0)      # 0-based body line and column where the quote's text begins
    text_at: tuple[int, int] | None = None  # ... and the original's
    end: int = 0                            # 0-based body line after the box's closing fence

    def get(self, name: str) -> str:
        return self.attributes.get(name, "")


def evidence_plugin(md: MarkdownIt) -> None:
    """Turn `.evidence` fenced divs into evidence boxes; env['evidence'] lists them."""
    md.core.ruler.after("citation_positions", "evidence", _collect)
    md.add_render_rule("evidence_open", _render_open)
    md.add_render_rule("evidence_close", _render_close)
    md.add_render_rule("evidence_original_open", _render_original_open)
    md.add_render_rule("evidence_original_close", _render_original_close)


def _collect(state: StateCore) -> None:
    boxes = state.env.setdefault("evidence", [])
    clusters = state.env.setdefault("clusters", [])
    ids: dict[str, int] = {}
    lines = state.src.split("\n")
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "fenced_div_open" or "evidence" not in token.meta["attributes"].classes:
            _misspelt_evidence(state, token, lines)
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
        language = values.get("translated", "").strip()
        translated = bool(language)         # an original needs a language, a valid one or not
        if language and not LANGUAGE_TAG.fullmatch(language):
            report(state.env, line, col_of("translated"), f"'translated={language}' is not a language tag: give the "
                   "language the quote is translated from, e.g. translated=ko")
            values.pop("translated")
        grade = values.get("grade", "").strip().upper()
        if grade and not GRADE.match(grade):
            report(state.env, line, col_of("grade"),
                   f"malformed grade '{values['grade']}': use a reliability letter A-F and a credibility digit 1-6, e.g. B2")
            grade = ""
        date = values.get("date", "").strip()
        if date and (problem := date_problem(date)):
            report(state.env, line, col_of("date"), f"evidence box date {problem}")
            values.pop("date")
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
        original = _take_original(state, lines, index, box_id, translated)
        closing = _closing(tokens, index)
        quote_at = _text_position(lines, tokens[index + 1] if index + 1 < closing else token)
        quote = _quote_text(tokens[index + 1:closing - len(original)])
        cluster_index = -1
        if source:
            locator = values.get("locator", "").strip()
            citation = f"[@{source}, {_escape_markdown(locator)}]" if locator else f"[@{source}]"
            cluster_index = len(clusters)
            clusters.append(Cluster(citation, (source,), (line,), (col_of("source") + len("source="),),
                                    quote, in_text=False))     # shown in the caption
        kept = {name: values.get(name, "").strip() for name in ATTRIBUTES if values.get(name, "").strip()}
        kept.pop("grade", None)
        box = EvidenceBox(box_id, len(boxes) + 1, source, line, quote, cluster_index,
                          kept | ({"grade": grade} if grade else {}), written_id=bool(attributes.id) and bool(page),
                          original=_quote_text(original[1:-1]) if original else "",
                          original_at=_fence_position(lines, original[0]) if original else None,
                          quote_at=quote_at, text_at=_text_position(lines, original[1]) if len(original) > 2 else None,
                          end=token.map[1] if token.map else line + 1)
        boxes.append(box)
        token.type = "evidence_open"
        token.meta["box"] = box
        tokens[closing].type = "evidence_close"
        tokens[closing].meta = {"box": box}
        if original:
            original[0].type, original[-1].type = "evidence_original_open", "evidence_original_close"
            original[0].meta, original[-1].meta = {"box": box}, {"box": box}


def _misspelt_evidence(state: StateCore, token, lines: list[str]) -> None:
    """A div with source= whose class is a letter or two off `.evidence` (`.evidense`) is a box meant."""
    if token.type != "fenced_div_open" or token.meta["attributes"].get("source") is None:
        return
    attributes = token.meta["attributes"]
    for name in attributes.classes:
        if close_matches(name.casefold(), ["evidence"]):
            line = token.map[0] if token.map else 0
            text = lines[line] if line < len(lines) else ""
            col = max(text.find("{"), 0) + 1 + attributes.offsets.get("." + name, -1)
            report(state.env, line, col, f"a div with source= and the class '.{name}' is no evidence box"
                   f"{suggestion(['.evidence'])}")
            return


def _take_original(state: StateCore, lines: list[str], index: int, box_id: str, translated: bool) -> list:
    """The tokens of the box's `::: original` div, moved to the end of the box ([] if it has none);
    a second original, or one in a box that says no language it is translated from, is an error."""
    tokens = state.tokens
    closing = _closing(tokens, index)
    level = tokens[index].level + 1
    found = [position for position in range(index + 1, closing)
             if tokens[position].type == "fenced_div_open" and tokens[position].level == level
             and "original" in tokens[position].meta["attributes"].classes]
    for position in found[1:]:
        report(state.env, *_fence_position(lines, tokens[position]), f"evidence box '#{box_id}' has a second original: "
               f"a box holds one '::: original' (the first is on line {_source_line(state, tokens[found[0]])})")
    if not found:
        return []
    start = found[0]
    if not translated:
        report(state.env, *_fence_position(lines, tokens[start]), f"the original in evidence box '#{box_id}' needs "
               "translated=LANGUAGE on the box, the language it is translated from, e.g. translated=ko")
    end = _closing(tokens, start) + 1
    original = tokens[start:end]
    tokens[start:closing] = tokens[end:closing] + original
    return original


def _fence_position(lines: list[str], token) -> tuple[int, int]:
    """0-based body line and column of a div's opening fence."""
    line = token.map[0] if token.map else 0
    text = lines[line] if line < len(lines) else ""
    return line, max(text.find(":"), 0)


def _text_position(lines: list[str], token) -> tuple[int, int]:
    """0-based body line and column of the first text of a block (after indentation and '>' markers)."""
    line = token.map[0] if token.map else 0
    text = lines[line] if line < len(lines) else ""
    return line, len(text) - len(text.lstrip(" \t>"))


def _source_line(state: StateCore, token) -> int:
    """1-based line of a token in its file."""
    return (token.map[0] if token.map else 0) + state.env.get("line_offset", 0) + 1


def _escape_markdown(text: str) -> str:
    """A locator as literal text inside a citation: no second citation, link or raw HTML."""
    return re.sub(r"([\\\[\]@;<>`*_{}])", r"\\\1", text)


def _closing(tokens, index: int) -> int:
    """Index of the token closing the div opened at index (by position: tokens compare equal by value)."""
    depth = 0
    for position in range(index, len(tokens)):
        if tokens[position].type in ("fenced_div_open", "evidence_open"):
            depth += 1
        elif tokens[position].type in ("fenced_div_close", "evidence_close"):
            depth -= 1
            if depth == 0:
                return position
    return len(tokens) - 1


def _quote_text(tokens) -> str:
    """Plain text of a box's body (its tokens): paragraphs joined by ' … ' (they need not be adjacent)."""
    paragraphs = []
    for token in tokens:
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
            f'<blockquote class="evidence__quote"{cite_attr}>\n{_mark(env, box, "quote", "start")}')


def _render_close(self, tokens, idx, options, env) -> str:
    box: EvidenceBox = tokens[idx].meta["box"]
    caption = env.get("evidence_caption")
    html = caption(box, env.get("citations_html", ())) if caption else f'<figcaption class="evidence__caption">Evidence {box.number}</figcaption>'
    quote_end = "" if box.original_at else f'{_mark(env, box, "quote", "end")}</blockquote>\n'     # the original's opening ended the quote
    return f"{quote_end}{html}\n</figure>\n"


def _render_original_open(self, tokens, idx, options, env) -> str:
    """The translation's blockquote ends; the original follows in its language, its summary worded by the build."""
    box: EvidenceBox = tokens[idx].meta["box"]
    label = env.get("evidence_original_label")
    language = box.get("translated")
    lang = f' lang="{escape(language)}"' if language else ""
    return (f'{_mark(env, box, "quote", "end")}</blockquote>\n<details class="evidence__original" open>\n'
            f'<summary>{escape(label(box) if label else "Original")}</summary>\n'
            f'<blockquote class="evidence__original-quote"{lang}>\n{_mark(env, box, "original", "start")}')


def _render_original_close(self, tokens, idx, options, env) -> str:
    return f'{_mark(env, tokens[idx].meta["box"], "original", "end")}</blockquote>\n</details>\n'


def _mark(env, box: EvidenceBox, part: str, edge: str) -> str:
    """Where a quote ("quote", "original") starts or ends, for the build to read what the page shows
    there (env['evidence_marks'](box, part, edge)); nothing without it."""
    marks = env.get("evidence_marks")
    return marks(box, part, edge) if marks else ""
