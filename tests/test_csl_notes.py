"""Note styles (Chicago notes and bibliography, ...): each citation in the text becomes a footnote
numbered together with the author's own notes, a citation inside an author's note stays in it,
short forms and punctuation as pandoc 3.9 makes them (builder/markdown/notes.py, citeproc.lua's
format_notes). The page is compared with what pandoc itself writes for the same Markdown."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from builder.build import build
from builder.csl.pandoc import pandoc_path
from builder.csl.styles import resolve_style
from builder.text import html_text
from helpers import write

STYLE = "chicago-notes-bibliography-17th-edition"

BIB = """@book{kim2016, author={Kim, Suk Hi}, title={North Korea at a Crossroads}, publisher={McFarland}, year={2016}}
@article{lee2017, author={Lee, Jung-hoon}, title={Sanctions and Markets}, journal={Asian Survey}, volume={57},
  pages={1--20}, year={2017}}
@book{park2015, author={Park, Ji-won and Choi, Min}, title={Informal Trade}, publisher={Routledge}, year={2015}}
"""

BODY = """First claim [@kim2016, 12]. Second claim [@kim2016, 12].[^1] Third [@lee2017; @kim2016].

Narrative @lee2017 says so, and @park2015 [p. 3] agrees.

Mid [@park2015] and more. As said by @kim2016. Quote "end [@lee2017]". Also [@kim2016]: colon;
and [@lee2017]! Bang ([@park2015, 7]). A note of my own.[^2] Then [@kim2016, 14].

Two in a row [@kim2016] [@lee2017].

[^1]: An author note citing [@lee2017, 4], and @park2015 too.

[^2]: Plain remark.

Last [see @park2015, chap. 2].
"""


def note_publication(root: Path, body: str = BODY) -> Path:
    write(root / "dossier.yml", f"title: Notes\nbase_url: https://example.org/\ncsl: {STYLE}\n")
    write(root / "citations" / "refs.bib", BIB)
    write(root / "content" / "articles" / "doc.md", f"---\ntitle: Doc\ndate: 2016-01-01\n---\n\n{body}")
    return root


def _notes(html: str, item: str) -> list[str]:
    found = re.findall(rf'<li id="fn\d+"[^>]*>(.*?)</li>', html, re.DOTALL)
    return [html_text(note).replace("↩︎", "").strip() for note in found]


def _text(html: str) -> str:
    """The paragraphs before the notes, each note reference as ^N."""
    html = re.sub(r'<sup class="footnote-ref"><a[^>]*>\[(\d+)\]</a></sup>', r"^\1", html)
    html = re.sub(r'<a href="#fn\d+" class="footnote-ref"[^>]*><sup>(\d+)</sup></a>', r"^\1", html)
    return " ".join(html_text(p) for p in re.findall(r"<p>(.*?)</p>", html, re.DOTALL))


def ours(root: Path) -> tuple[str, list[str]]:
    html = (build(root, pdf=False).out_dir / "articles" / "doc" / "index.html").read_text(encoding="utf-8")
    body = html[html.index('class="article-body'):] if 'class="article-body' in html else html
    main, _, notes = body.partition('<section class="footnotes"')
    main = main.split('<hr class="footnotes-sep">')[0]
    return _text(main), _notes(notes, "fn")


def pandocs(root: Path, body: str = BODY) -> tuple[str, list[str]]:
    style, _ = resolve_style(root, STYLE)
    html = subprocess.run([pandoc_path(), "-f", "markdown", "-t", "html5", "--wrap=none", "--citeproc", "-M",
                           "link-citations=true",      # as Dossier always asks
                           "--csl", str(style), "--bibliography", str(root / "citations" / "refs.bib")],
                          input=body, capture_output=True, text=True, check=True, cwd=root).stdout
    main, _, notes = html.partition('<section id="footnotes"')
    main = main.split('<div id="refs"')[0]
    return _text(main), _notes(notes, "fn")


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    root = note_publication(tmp_path_factory.mktemp("notes") / "pub")
    return ours(root), pandocs(root)


def test_the_notes_read_as_pandoc_writes_them(both):
    (_, our_notes), (_, their_notes) = both
    assert len(our_notes) == len(their_notes) == 17
    assert our_notes == their_notes


def test_the_text_around_the_notes_reads_as_pandoc_writes_it(both):
    (our_text, _), (their_text, _) = both
    assert our_text == their_text
    assert "First claim.^1 Second claim.^2^3 Third.^4" in our_text       # punctuation before the note


def test_a_citation_in_an_authors_note_stays_in_it_and_the_author_note_is_numbered_in_turn(both):
    (_, notes), _ = both
    assert notes[2].startswith("An author note citing (Jung-hoon Lee,")
    assert "Plain remark." in notes


def test_the_pdf_has_the_notes_at_the_foot_of_the_page(tmp_path):
    from pypdf import PdfReader

    root = note_publication(tmp_path / "pub")
    site = build(root).out_dir
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(site / "pdf" / "doc.pdf").pages)
    assert "Suk Hi Kim, North Korea at a Crossroads (McFarland, 2016), 12." in text
    assert "Plain remark." in text


def test_an_author_date_style_makes_no_notes(tmp_path):
    root = note_publication(tmp_path / "pub")
    write(root / "dossier.yml", "title: Notes\nbase_url: https://example.org/\ncsl: chicago-author-date\n")
    text, notes = ours(root)
    assert "First claim (Kim 2016, 12)." in text
    assert notes == ["An author note citing (Lee 2017, 4), and Park and Choi (2015) too.", "Plain remark."]


def test_evidence_box_captions_show_the_citation_and_make_no_note(tmp_path):
    body = ("Before [@kim2016].\n\n::: {.evidence #ev-a source=lee2017 locator=\"p. 4\"}\nA quote.\n:::\n\n"
            "After [@park2015].\n")
    root = note_publication(tmp_path / "pub", body)
    html = (build(root, pdf=False).out_dir / "articles" / "doc" / "index.html").read_text(encoding="utf-8")
    caption = re.search(r'<span class="evidence__citation">(.*?)</span>\n', html, re.DOTALL).group(1)
    assert "Sanctions and Markets" in html_text(caption)
    assert re.findall(r'id="fn(\d+)"', html) == ["1", "2"]


FIGURE_BODY = """Before [@kim2016].

![A map of the border, after [@lee2017, 4] and @park2015.](../assets/map.png)

Inline ![a picture](../assets/map.png) then [@kim2016].
"""


def test_a_citation_in_a_figures_caption_makes_a_note_numbered_in_turn_as_in_pandoc(tmp_path):
    root = note_publication(tmp_path / "pub", FIGURE_BODY)
    write(root / "content" / "assets" / "map.png", b"\x89PNG\r\n\x1a\n")
    (_, our_notes), (_, their_notes) = ours(root), pandocs(root, FIGURE_BODY)
    assert our_notes == their_notes and len(our_notes) == 4
    html = (root / "_site" / "articles" / "doc" / "index.html").read_text(encoding="utf-8")
    caption = re.search(r"<figcaption>(.*?)</figcaption>", html, re.DOTALL).group(1)
    assert re.findall(r'href="#fn(\d+)"', caption) == ["2", "3"]
