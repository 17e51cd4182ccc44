"""Every id in a body is unique, and none is one the page around it uses.

Ids come from headings (written `{#id}` or made from the heading's text), fenced divs,
evidence boxes, figures, tables and attributes on spans, links and images. Two written ids
that are the same are an error with both lines (as one `id` attribute per page is HTML's
rule); an id made from a heading's text gives way to a written one (`findings-1`).

A note referenced twice (`[^1]` ... `[^1]`) is one note with two back-links, where pandoc makes
a second note of the same text: a warning at the second reference says so.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from builder.errors import Severity
from builder.markdown.report import inline_position, report

# Ids other parts of a body get when rendered: footnotes and their references.
_RENDERED_IDS = re.compile(r"^(?:fn\d+|fnref\d+(?::\d+)?)$")


def ids_plugin(md: MarkdownIt, page_ids: frozenset[str] = frozenset()) -> None:
    """Mark the ids headings are written with (before anchors are made), then check every id.
    page_ids: the ids the page around a body uses (the theme's landmarks and headings), which a
    body's own id would make the page's second one."""
    md.core.ruler.before("anchor", "written_heading_ids", _mark_written)
    md.core.ruler.push("unique_ids", lambda state: _check_ids(state, page_ids))
    md.core.ruler.push("repeated_notes", _repeated_notes)


def _mark_written(state: StateCore) -> None:
    for token in state.tokens:
        if token.type == "heading_open" and token.attrGet("id"):
            token.meta["written_id"] = True


def _check_ids(state: StateCore, page_ids: frozenset[str]) -> None:
    written: dict[str, tuple[int, str]] = {}     # id -> (0-based line, kind)
    made = []                                   # headings whose id was made from their text
    for token, line in _with_lines(state.tokens):
        if not token.attrs and token.type not in _IDS_IN_META:
            continue        # no id (most tokens)
        identifier, kind = _id_of(token)
        if not identifier:
            continue
        if token.type == "heading_open" and not token.meta.get("written_id"):
            made.append(token)
            continue
        if kind != "generated" and (identifier in page_ids or _RENDERED_IDS.match(identifier)):
            report(state.env, line, 0, f"id '#{identifier}' is one the page itself uses: choose another")
        elif identifier in written:
            first, first_kind = written[identifier]
            if not (kind == first_kind == "evidence"):      # reported where evidence boxes are read
                report(state.env, line, 0, f"duplicate id '#{identifier}': first used on line "
                       f"{first + state.env.get('line_offset', 0) + 1}")
            continue
        written[identifier] = (line, kind)
    taken = set(written)
    for heading in made:
        identifier = base = str(heading.attrGet("id"))
        number = 0
        while identifier in taken:
            number += 1
            identifier = f"{base}-{number}"
        taken.add(identifier)
        heading.attrSet("id", identifier)


_IDS_IN_META = ("evidence_open", "figure_open")     # tokens whose id is not an attribute


def _id_of(token) -> tuple[str, str]:
    """(the token's id, what kind of thing it names); ('', '') for none."""
    if token.type == "evidence_open":
        box = token.meta["box"]
        return box.id, "evidence" if box.written_id else "generated"
    if token.type == "figure_open":
        return token.meta.get("id", ""), "figure"
    return str(token.attrGet("id") or ""), token.type.removesuffix("_open")


def _with_lines(tokens):
    """Each token (inline ones too) with its 0-based body line."""
    line = 0
    for token in tokens:
        line = token.map[0] if token.map else line
        yield token, line
        for child in token.children or ():
            yield child, line


def _repeated_notes(state: StateCore) -> None:
    lines: list[str] = []
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        searched = 0
        for child in block.children:
            if child.type != "footnote_ref" or child.meta.get("label") is None:
                continue
            mark = f"[^{child.meta['label']}]"
            found = block.content.find(mark, searched)
            searched = found + len(mark) if found != -1 else searched
            if child.meta.get("subId", 0) > 0:
                lines = lines or state.src.split("\n")
                line, col = inline_position(lines, block, max(found, 0))
                report(state.env, line, col, f"note '{mark}' is referenced again: this reference links to the "
                       "same note, where pandoc makes a second note of its text; write a note of its own "
                       "to number it as pandoc does", Severity.WARNING)
