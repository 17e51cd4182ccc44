"""builder/pdf/printpages.py: a build makes the print HTML only of the articles whose inputs changed
(an edit makes one page, nothing changed makes none); a change to the print templates, the words or
the print CSS makes them all again, and the PDFs change with them."""

from __future__ import annotations

import shutil

import pytest
from pypdf import PdfReader

import builder.pdf.typeset as typeset
from builder.build import build
from helpers import FIXTURES, REPOSITORY

ARTICLES = 3        # tests/fixtures/pdf-edition


@pytest.fixture()
def made(monkeypatch) -> list[str]:
    """The slugs whose print HTML a build made (not taken kept)."""
    slugs: list[str] = []
    page = typeset._page

    def counted(env, site, css, article, body, scope):
        slugs.append(article.slug)
        return page(env, site, css, article, body, scope)

    monkeypatch.setattr(typeset, "_page", counted)
    return slugs


@pytest.fixture()
def root(tmp_path):
    root = tmp_path / "pdf-edition"
    shutil.copytree(FIXTURES / "pdf-edition", root)
    return root


def pdf_bytes(site) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted((site / "pdf").glob("*.pdf"))}


def test_an_edit_makes_the_print_page_of_that_article_alone(root, made, tmp_path):
    build(root, search=False)
    assert len(made) == ARTICLES
    made.clear()
    article = root / "content" / "articles" / "short-note.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nA sentence added.\n", encoding="utf-8")
    site = build(root, search=False, out=tmp_path / "edited").out_dir
    assert made == ["short-note"]
    made.clear()
    assert "A sentence added." in " ".join(page.extract_text() for page in PdfReader(site / "pdf" / "short-note.pdf").pages)
    # Built again from cold, the PDFs are the same bytes: the kept pages are what would be made.
    shutil.rmtree(root / ".dossier-cache" / "pdf" / "print")
    again = build(root, search=False, out=tmp_path / "cold").out_dir
    assert len(made) == ARTICLES
    assert pdf_bytes(again) == pdf_bytes(site)


def test_a_changed_print_template_or_print_css_makes_every_page_again(root, made, tmp_path):
    first = build(root, search=False, out=tmp_path / "first").out_dir
    made.clear()
    templates = root / "themes" / "default" / "templates" / "print"
    templates.mkdir(parents=True)
    shipped = REPOSITORY / "themes" / "default" / "templates" / "print" / "article.html"
    (templates / "article.html").write_text(shipped.read_text(encoding="utf-8").replace(
        "</body>", "<p>Printed by the test.</p></body>"), encoding="utf-8")
    second = build(root, search=False, out=tmp_path / "second").out_dir
    assert sorted(made) == ["border-trade", "jangmadang", "short-note"]
    assert all(pdf_bytes(second)[name] != data for name, data in pdf_bytes(first).items())
    assert "Printed by the test." in PdfReader(second / "pdf" / "short-note.pdf").pages[-1].extract_text()
    made.clear()
    static = root / "themes" / "default" / "static"
    static.mkdir(parents=True)
    css = REPOSITORY / "themes" / "default" / "static" / "print.css"
    (static / "print.css").write_text(css.read_text(encoding="utf-8") + "\nh1 { letter-spacing: 0.01em; }\n",
                                      encoding="utf-8")
    build(root, search=False, out=tmp_path / "third")
    assert len(made) == ARTICLES


@pytest.mark.parametrize("kept", [b'{"html": null, "cited": {}}', b'{"html": "x", "cited": ["a"]}',
                                  b'{"html": "x", "cited": {"a": "key"}}', b"[1, 2]", b"{", b"not gzip"])
def test_a_kept_page_not_as_written_is_made_again(root, made, tmp_path, kept):
    import gzip

    first = build(root, search=False, out=tmp_path / "first").out_dir
    made.clear()
    for path in (root / ".dossier-cache" / "pdf" / "print").glob("*.json.gz"):
        path.write_bytes(kept if kept == b"not gzip" else gzip.compress(kept))
    again = build(root, search=False, out=tmp_path / "again").out_dir
    assert sorted(made) == ["border-trade", "jangmadang", "short-note"]
    assert pdf_bytes(again) == pdf_bytes(first)
