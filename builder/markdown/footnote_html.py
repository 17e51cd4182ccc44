"""Footnotes marked up for assistive technology (DPUB-ARIA): a reference is a `doc-noteref`, the
notes a `doc-endnotes` section named "Notes", and each back-link a `doc-backlink` named "Back to
reference 2" rather than only ↩︎. The words come from env['number_label'] in the document's
language (site/bodies.py), as figure and table numbers do; the markup is otherwise
markdown-it's, which the PDF edition's print HTML reads (pdf/printhtml.py)."""

from __future__ import annotations

from html import escape

from markdown_it import MarkdownIt


def footnote_html_plugin(md: MarkdownIt) -> None:
    """Replace the footnote plugin's reference, list and back-link markup."""
    md.add_render_rule("footnote_ref", _reference)
    md.add_render_rule("footnote_block_open", _list_open)
    md.add_render_rule("footnote_anchor", _back_link)


def _words(env: dict, kind: str, number: int, english: str) -> str:
    label = env.get("number_label")
    return label(kind, number) if label else english


def _ident(self, tokens, idx, options, env) -> str:
    return self.rules["footnote_anchor_name"](tokens, idx, options, env)


def _reference(self, tokens, idx, options, env) -> str:
    ident = _ident(self, tokens, idx, options, env)
    sub = tokens[idx].meta.get("subId", -1)
    refid = f"{ident}:{sub}" if sub > 0 else ident
    caption = self.rules["footnote_caption"](tokens, idx, options, env)
    return f'<sup class="footnote-ref"><a href="#fn{ident}" id="fnref{refid}" role="doc-noteref">{caption}</a></sup>'


def _list_open(self, tokens, idx, options, env) -> str:
    name = escape(_words(env, "notes", 0, "Notes"))
    return ('<hr class="footnotes-sep">\n'
            f'<section class="footnotes" role="doc-endnotes" aria-label="{name}">\n<ol class="footnotes-list">\n')


def _back_link(self, tokens, idx, options, env) -> str:
    ident = _ident(self, tokens, idx, options, env)
    sub = tokens[idx].meta["subId"]
    refid = f"{ident}:{sub}" if sub > 0 else ident
    number = int(ident) if ident.isdigit() else 0
    name = escape(_words(env, "note-back", number, f"Back to reference {number}"))
    # ↩ with the text presentation selector: no emoji on iOS
    return f' <a href="#fnref{refid}" class="footnote-backref" role="doc-backlink" aria-label="{name}">\u21a9\ufe0e</a>'
