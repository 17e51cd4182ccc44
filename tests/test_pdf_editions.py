"""PDF editions (issue 20): `pdf: {editions: [...]}` read and checked (builder/config/editions.py),
the articles each holds (builder/content/editions.py), and each edition's PDF assembled from cached
parts, again only when one of its articles changed (builder/pdf/edition.py).

tests/fixtures/pdf-edition: jangmadang (2016-03-20, tags markets, korean), border-trade (2016-04-10,
markets, trade; by Test Author and Second Writer), short-note (2016-05-01, method)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from builder.build import build
from builder.config.settings import load_settings
from builder.content.documents import load_documents
from builder.content.editions import choose_editions
from builder.errors import BuildFailed
from helpers import FIXTURES, write

SETTINGS = 'title: "Print Ledger"\nbase_url: https://example.org/print/\nauthors: [Test Author]\n'


def publication(tmp_path: Path, pdf: str) -> Path:
    root = tmp_path / "pub"
    shutil.copytree(FIXTURES / "pdf-edition", root)
    write(root / "dossier.yml", SETTINGS + pdf)
    return root


def editions_of(root: Path) -> dict[str, tuple[str, tuple[str, ...]]]:
    settings, _ = load_settings(root)
    documents, _ = load_documents(root, False)
    editions, problems = choose_editions(settings, documents)
    assert problems == []
    return {edition.slug: (edition.title, edition.articles) for edition in editions}


def problems_of(root: Path) -> list[str]:
    with pytest.raises(BuildFailed) as failed:
        build(root, pdf=False, write=False)
    return [str(problem) for problem in failed.value.problems]


# --- Which articles an edition holds -----------------------------------------------------------

def test_editions_select_by_dates_tags_authors_or_a_list_in_its_order(tmp_path):
    root = publication(tmp_path, "pdf:\n  editions:\n"
                       "    - {slug: spring, title: Spring 2016, from: 2016-03-01, to: 2016-04-30}\n"
                       "    - {slug: april-on, title: From April, from: 2016-04-01}\n"
                       "    - {slug: markets, title: Markets, tags: [Markets, nothing]}\n"
                       "    - {slug: second, title: Second Writer, authors: [second-writer]}\n"
                       "    - {slug: both, title: Markets in April, tags: [markets], from: 2016-04-01}\n"
                       "    - {slug: chosen, title: Chosen, articles: [short-note, jangmadang]}\n"
                       "    - {slug: everything}\n")
    assert editions_of(root) == {
        "spring": ("Spring 2016", ("jangmadang", "border-trade")),
        "april-on": ("From April", ("border-trade", "short-note")),
        "markets": ("Markets", ("jangmadang", "border-trade")),
        "second": ("Second Writer", ("border-trade",)),
        "both": ("Markets in April", ("border-trade",)),
        "chosen": ("Chosen", ("short-note", "jangmadang")),
        "everything": ("everything", ("jangmadang", "border-trade", "short-note"))}


def test_without_editions_there_is_one_per_year_the_latest_first(tmp_path):
    root = publication(tmp_path, "")
    note = root / "content" / "articles" / "short-note.md"
    note.write_text(note.read_text(encoding="utf-8").replace("date: 2016-05-01", "date: 2017-01-02"), encoding="utf-8")
    assert editions_of(root) == {"2017": ("2017", ("short-note",)), "2016": ("2016", ("jangmadang", "border-trade"))}
    assert list(editions_of(root)) == ["2017", "2016"]


def test_a_year_named_like_an_article_keeps_the_articles_pdf(tmp_path):
    root = publication(tmp_path, "")
    articles = root / "content" / "articles"
    (articles / "short-note.md").rename(articles / "2016.md")
    assert editions_of(root) == {"edition-2016": ("2016", ("jangmadang", "border-trade", "2016"))}


def test_editions_all_is_one_edition_of_everything(tmp_path):
    root = publication(tmp_path, "pdf:\n  order: [short-note]\n  editions: all\n")
    assert editions_of(root) == {"edition": ("Print Ledger", ("short-note", "jangmadang", "border-trade"))}


# --- Errors, at their place in dossier.yml ------------------------------------------------------

def test_wrong_editions_are_errors_at_their_place(tmp_path):
    root = publication(tmp_path, "pdf:\n  editions:\n"
                       "    - {slug: chosen, articles: [short-note, short-notes]}\n"      # line 6
                       "    - {slug: chosen, title: Again}\n"
                       "    - {slug: bad-date, from: 2016-02-30}\n"
                       "    - {slug: backwards, from: 2016-05-01, to: 2016-04-01}\n"
                       "    - {slug: empty, tags: [nothing]}\n"
                       "    - {slug: short-note, tags: [method]}\n"
                       "    - {slug: Big Name}\n"
                       "    - {title: No slug}\n"
                       "    - plain\n"
                       "    - {slug: lists, tags: {a: b}, authors: [[x]]}\n")
    assert problems_of(root) == [
        "dossier.yml:6:45: error: edition 'chosen' names article 'short-notes', which is not published "
        "(did you mean 'short-note'?)",
        "dossier.yml:7:14: error: two editions are named 'chosen' (the first at line 6): each edition needs a slug of its own",
        "dossier.yml:8:30: error: edition 'bad-date': 'from' must be a date, not '2016-02-30' (February 2016 has 29 days)",
        "dossier.yml:9:47: error: edition 'backwards' ends (2016-04-01) before it starts (2016-05-01)",
        "dossier.yml:10:14: error: edition 'empty' holds no article: none is published that its dates, tags, "
        "authors or articles select",
        "dossier.yml:11:14: error: edition 'short-note' has the name of an article: its PDF would replace "
        "pdf/short-note.pdf; give the edition another slug",
        "dossier.yml:12:14: error: edition slug 'Big Name' must be lower-case letters, digits and hyphens, as a file "
        "name of the site (such as 'big-name')",
        "dossier.yml:13:7: error: an edition needs a 'slug': its PDF is pdf/SLUG.pdf",
        "dossier.yml:14:7: error: each edition must be a mapping such as {slug: spring-2016, title: \"Spring 2016\", "
        "from: 2016-03-01, to: 2016-05-31}",
        "dossier.yml:15:27: error: edition 'lists': 'tags' must be a list of names",
        "dossier.yml:15:45: error: edition 'lists': each entry of 'authors' must be a name",
    ]


def test_editions_of_another_kind_and_unknown_keys(tmp_path):
    root = publication(tmp_path, "pdf:\n  editions: some\n")
    assert problems_of(root) == [
        "dossier.yml:5:13: error: 'pdf.editions' must be a list of editions ({slug: ..., title: ..., and from/to, "
        "tags, authors or articles}) or 'all'"]
    root = publication(tmp_path / "b", "pdf:\n  editions:\n    - {slug: x, title: 7, colour: red}\n")
    settings, warnings = load_settings(root)
    assert [str(w) for w in warnings] == [
        "dossier.yml:6:27: warning: unknown edition setting 'colour' (known: slug, title, from, to, tags, authors, articles)"]
    root = publication(tmp_path / "c", "pdf:\n  editions:\n    - {slug: x, title: [a]}\n")
    assert problems_of(root) == ["dossier.yml:6:24: error: edition 'x': 'title' must be text"]


# --- The PDFs ---------------------------------------------------------------------------------

EDITIONS = ("pdf:\n  editions:\n"
            "    - {slug: spring, title: Spring 2016, from: 2016-03-01, to: 2016-04-30}\n"
            "    - {slug: notes, title: Notes and sources, articles: [short-note, jangmadang]}\n")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The fixture built with two editions, then again after an edit of short-note (in notes only)."""
    root = publication(tmp_path_factory.mktemp("editions"), EDITIONS)
    first = build(root)
    pdf = first.out_dir / "pdf"
    before = {path.name: path.read_bytes() for path in pdf.glob("*.pdf")}
    note = root / "content" / "articles" / "short-note.md"
    note.write_text(note.read_text(encoding="utf-8") + "\nA sentence added later.\n", encoding="utf-8")
    second = build(root)
    after = {path.name: path.read_bytes() for path in pdf.glob("*.pdf")}
    return first, second, before, after


def texts(data: bytes) -> list[str]:
    import io

    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages]


def test_each_edition_is_a_pdf_of_its_own(built):
    first, _, before, _ = built
    assert sorted(before) == ["border-trade.pdf", "jangmadang.pdf", "notes.pdf", "short-note.pdf", "spring.pdf"]
    assert [(e.slug, e.assembled) for e in first.pdf.editions] == [("spring", True), ("notes", True)]
    # Laid out ahead in a process per core where there are several: each article once, all of them.
    assert first.pdf.laid_out_articles == ("jangmadang", "border-trade", "short-note")
    for edition in first.pdf.editions:
        assert edition.size == len(before[f"{edition.slug}.pdf"])
        assert edition.pages == len(PdfReader(first.out_dir / "pdf" / f"{edition.slug}.pdf").pages)
    assert first.pdf.edition_pages == sum(e.pages for e in first.pdf.editions)


def test_the_editions_page_is_in_the_sitemap_when_there_are_pdfs(built, tmp_path):
    first = built[0]
    assert (first.out_dir / "editions" / "index.html").is_file()
    assert "<loc>https://example.org/print/editions/</loc>" in (first.out_dir / "sitemap.xml").read_text(encoding="utf-8")
    without = build(publication(tmp_path, EDITIONS), pdf=False).out_dir
    assert not (without / "editions").exists()
    assert "editions/" not in (without / "sitemap.xml").read_text(encoding="utf-8")


def test_dossier_pdf_puts_the_editions_page_in_with_the_editions(tmp_path):
    from builder.build import build_pdfs

    root = publication(tmp_path, EDITIONS)
    site = build(root, pdf=False).out_dir
    result = build_pdfs(root, None)
    assert sorted(path.name for path in result.paths) == ["border-trade.pdf", "jangmadang.pdf", "notes.pdf",
                                                          "short-note.pdf", "spring.pdf"]
    listing = (site / "editions" / "index.html").read_text(encoding="utf-8")
    for edition in result.summary.editions:
        assert f"PDF, {max(1, round(edition.size / 1000))} kB" in listing
    assert (site / "index.html").is_file()          # the rest of the site is as the build left it


def test_an_edition_has_its_cover_contents_bookmarks_and_title(built):
    first, _, before, _ = built
    spring = texts(before["spring.pdf"])
    assert spring[0].startswith("PRINT LEDGER Spring 2016")       # the issue's own title, the publication's above it
    assert "Contents" in spring[2] and "Trade across the Yalu" in spring[2] and "A note on sources" not in spring[2]
    notes = texts(before["notes.pdf"])
    contents = notes[2]
    assert contents.index("A note on sources") < contents.index("장마당과 국가")      # the list's order
    reader = PdfReader(first.out_dir / "pdf" / "notes.pdf")
    assert [item.title for item in reader.outline if not isinstance(item, list)][:2] == [
        "A note on sources", "장마당과 국가: 김정은 시대의 시장"]
    assert reader.metadata["/Title"] == "Print Ledger: Notes and sources"


def test_an_edit_reassembles_only_the_editions_holding_the_article(built):
    _, second, before, after = built
    assert second.pdf.laid_out_articles == ("short-note",)
    assert [(e.slug, e.assembled) for e in second.pdf.editions] == [("spring", False), ("notes", True)]
    assert after["spring.pdf"] == before["spring.pdf"]
    assert after["notes.pdf"] != before["notes.pdf"]
    assert "A sentence added later." in " ".join(texts(after["notes.pdf"]))


def test_an_error_in_the_cover_template_names_its_line(built, tmp_path):
    """Editions are assembled in a process per core; a template's error still names its file and line."""
    from helpers import copy_built

    first = built[0]
    root = copy_built(first.out_dir.parent, tmp_path / "pub")
    write(root / "themes" / "default" / "templates" / "print" / "front.html",
          "<!DOCTYPE html>\n<title>{{ site.title }}</title>\n{{ edition.kicker.nothing.more }}\n")
    with pytest.raises(BuildFailed) as failed:
        build(root)
    assert [str(problem) for problem in failed.value.problems] == [
        "themes/default/templates/print/front.html:3:1: error: template error: 'str object' has no attribute 'nothing'"]


def test_a_long_layout_says_how_long_and_how_to_skip_it(monkeypatch):
    import builder.run.parallel
    from builder.pdf.typeset import _laying_out

    monkeypatch.setattr(builder.run.parallel, "workers", lambda: 2)
    assert _laying_out(40) == "Laying out articles"
    assert _laying_out(1000) == "Laying out articles for the PDFs, about 4 min (dossier build --no-pdf skips them)"


@pytest.mark.parametrize("cores", [1, 2])
def test_the_layout_progress_says_pages_per_second_on_one_bar(tmp_path, monkeypatch, cores):
    import re

    import builder.run.parallel
    from builder.cli import RATE_MARK

    monkeypatch.setattr(builder.run.parallel, "workers", lambda: cores)
    seen: list[tuple[str, int, int]] = []
    build(publication(tmp_path, EDITIONS), progress=lambda stage, done, total: seen.append((stage, done, total)))
    rates = [stage for stage, _, _ in seen if RATE_MARK in stage]
    assert rates and all(re.fullmatch(r"(Laying out articles|Typesetting PDFs) · \d+\.\d pages/s", s) for s in rates)
    # laid out ahead on 2 cores (Typesetting then takes them ready: no rate), in turn on 1
    assert {stage.split(RATE_MARK)[0] for stage in rates} == ({"Laying out articles"} if cores == 2 else {"Typesetting PDFs"})


# --- The front's length settled ----------------------------------------------------------------

class _Front:
    def __init__(self, pages: int):
        self.pages = pages


@pytest.mark.parametrize("lengths, expected", [
    ({3: 3}, (3, 4)),                    # as guessed: one layout
    ({3: 4}, (4, 4)),                    # 3 or 4 pages: the articles start on page 5 either way
    ({3: 6, 6: 6}, (6, 6)),              # longer than guessed: laid out again for 6
    ({3: 1, 1: 1}, (1, 2)),              # shorter: laid out again (its articles start on page 3)
    ({3: 6, 6: 5}, (5, 6)),              # 5 or 6 pages: the same plan
    ({3: 8, 8: 7}, (7, 8)),
    ({3: 4, 4: 4}, (4, 4)),
    ({3: 5, 5: 4}, (4, 6)),              # 5 for 3's plan, 4 for 5's: padded to 6, as the contents say
])
def test_the_front_is_laid_out_until_its_plan_holds(lengths, expected):
    from builder.pdf.edition import settle_front

    asked: list[int] = []

    def lay_out(planned: int) -> _Front:
        asked.append(planned)
        return _Front(lengths[planned])

    front, planned = settle_front(lay_out)
    assert (front.pages, planned) == expected
    assert len(asked) <= 3


def test_a_front_that_grows_at_every_layout_is_an_error_at_the_pdf_setting(tmp_path, monkeypatch):
    import builder.pdf.edition as edition_module

    root = publication(tmp_path, "pdf:\n  editions: all\n")
    original = edition_module.settle_front
    monkeypatch.setattr(edition_module, "settle_front", lambda lay_out: original(
        lambda planned: _Front(planned + 2)))
    with pytest.raises(BuildFailed) as failed:
        build(root, search=False)
    assert [str(problem) for problem in failed.value.problems] == [
        "dossier.yml:5:3: error: the cover and contents of edition 'edition' come out longer each time they are laid "
        "out with the page numbers of the last layout; the theme's print/front.html or print.css must not make their "
        "length depend on the numbers"]
    assert not (root / "_site").exists()
