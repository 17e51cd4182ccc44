"""Turn a document's web HTML into print HTML: page footnotes, absolute links, citation anchors,
Korean words kept whole."""

from __future__ import annotations

import re
from urllib.parse import urljoin

_FOOTNOTE_SECTION = re.compile(r'<hr class="footnotes-sep"\s*/?>\s*<section class="footnotes"[^>]*>.*?</section>\s*', re.S)
_FOOTNOTE_ITEM = re.compile(r'<li id="fn(\d+)" class="footnote-item">(.*?)</li>\s*(?=<li id="fn|</ol>)', re.S)
_FOOTNOTE_REF = re.compile(r'<sup class="footnote-ref"><a href="#fn(\d+)" id="fnref[\d:]+"[^>]*>\[\d+\]</a></sup>')
_BACKREF = re.compile(r'\s*<a href="#fnref[\d:]+" class="footnote-backref"[^>]*>[^<]*</a>')
_PARAGRAPH = re.compile(r"</?p>")
_RELATIVE_LINK = re.compile(r'href="(?![a-z][a-z0-9+.-]*:|#|/)([^"]*)"')
_CITATION = re.compile(r'<span class="citation" data-cites="([^"]*)"')
_ANCHOR = re.compile(r'\sid="|\s(?:xlink:)?href="#|url\(#')
_TEXT = re.compile(r">([^<]+)<")
_BETWEEN_HANGUL = re.compile("(?<=[\uac00-\ud7a3])(?=[\uac00-\ud7a3])")
WORD_JOINER = "\u2060"


def page_footnotes(html: str) -> str:
    """Move each footnote's text to its reference, for CSS `float: footnote`."""
    section = _FOOTNOTE_SECTION.search(html)
    if section is None:
        return html
    notes = {number: _PARAGRAPH.sub("", _BACKREF.sub("", body)).strip()
             for number, body in _FOOTNOTE_ITEM.findall(section.group(0))}
    body = html[:section.start()] + html[section.end():]
    return _FOOTNOTE_REF.sub(lambda m: f'<span class="footnote">{notes.get(m.group(1), "")}</span>', body)


def absolute_links(html: str, page_url: str) -> str:
    """Links relative to the web page become absolute URLs, so they work from a PDF."""
    return _RELATIVE_LINK.sub(lambda m: f'href="{urljoin(page_url, m.group(1))}"', html)


def anchor_citations(html: str) -> tuple[str, dict[str, tuple[str, ...]]]:
    """Give every citation an id (cite-N) and return which keys each id cites."""
    cited: dict[str, tuple[str, ...]] = {}

    def add_id(match: re.Match) -> str:
        anchor = f"cite-{len(cited) + 1}"
        cited[anchor] = tuple(match.group(1).split())
        return f'<span class="citation" id="{anchor}" data-cites="{match.group(1)}"'

    return _CITATION.sub(add_id, html), cited


def scope_anchors(html: str, prefix: str) -> str:
    """Prefix every id and every link to one, so that articles merged into one PDF keep their own targets."""
    return _ANCHOR.sub(lambda m: m.group(0) + prefix, html)


def print_body(html: str, page_url: str) -> tuple[str, dict[str, tuple[str, ...]]]:
    """All three transformations, in order."""
    return anchor_citations(absolute_links(page_footnotes(html), page_url))


def keep_hangul_words(html: str) -> str:
    """A word joiner between Hangul syllables in the text of html, so that lines break between
    Korean words (장마당 stays whole), not between syllables: CSS's `word-break: keep-all`, which
    WeasyPrint does not implement. The joiner has no glyph; a PDF's text holds none, and the
    layout takes it out of bookmarks (builder/pdf/layout.py)."""
    if not _BETWEEN_HANGUL.search(html):
        return html
    body = html.find("<body")         # the head's <title> is the PDF's title: left as written
    head, body = (html[:body], html[body:]) if body != -1 else ("", html)
    return head + _TEXT.sub(lambda m: ">" + _BETWEEN_HANGUL.sub(WORD_JOINER, m.group(1)) + "<", body)
