"""The PDF edition: builder/pdf/typeset.py with builder/pdf/printhtml.py, the print templates and print.css.

tests/fixtures/pdf-edition holds three articles: one in Korean (Hangul, a footnote, a table,
a PNG figure, an evidence box, citations), one of three pages (nested headings, two
footnotes, a table, an evidence box, outside and relative links) and a one-page note. It is
built once per module (a few seconds); the cache tests start from a copy of that build.
Renders of some pages go to test-artifacts/pdf-*.png, to be looked at by eye.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from builder.build import build, build_pdfs
from builder.pdf.typeset import PdfSummary
from helpers import FIXTURES, REPOSITORY, copy_built, parse_page

ARTIFACTS = REPOSITORY / "test-artifacts"

# Edition order: by date.
TITLES = {
    "jangmadang": "장마당과 국가: 김정은 시대의 시장",
    "border-trade": "Trade across the Yalu",
    "short-note": "A note on sources",
}
FRONT_PAGES = 4   # cover, its blank back, contents, a blank page before the first article

# (article, words just before a footnote call, the start of that footnote's text)
FOOTNOTES = [
    ("jangmadang", "매대마다 자릿세를 받는다.", "자릿세는 지역과 매대의 크기에 따라 다르다."),
    ("border-trade", "records every crossing in ledgers that rarely leave the building.",
     "Customs-ledger footnote: the ledgers are kept by hand"),
    ("border-trade", "the inspectors have been told to relax.", "Timetable footnote: freight trains are counted"),
    ("short-note", "We follow that reading where the data allow it.", "Short-note footnote: the note stays"),
]


@dataclass
class Edition:
    root: Path
    site: Path
    readers: dict[str, PdfReader]       # slug or "edition" -> its PDF
    texts: dict[str, list[str]]         # the same -> the text of each page, white space collapsed

    def pdf(self, name: str) -> Path:
        return self.site / "pdf" / f"{name}.pdf"


def page_texts(reader: PdfReader) -> list[str]:
    """Each page's text, words split by a hyphen at a line end joined again, white space collapsed."""
    return [" ".join(re.sub(r"\u2010\n", "", page.extract_text()).split()) for page in reader.pages]


def read_pdfs(site: Path) -> tuple[dict[str, PdfReader], dict[str, list[str]]]:
    readers = {path.stem: PdfReader(path) for path in sorted((site / "pdf").glob("*.pdf"))}
    return readers, {name: page_texts(reader) for name, reader in readers.items()}


def pdf_bytes(site: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted((site / "pdf").glob("*.pdf"))}


def pages_with(texts: list[str], fragment: str) -> list[int]:
    """0-based indexes of the pages whose text holds fragment."""
    return [index for index, text in enumerate(texts) if fragment in text]


def text_lines(page) -> list[tuple[float, str]]:
    """(baseline height above the page's bottom edge in pt, text) of each piece of text on page. Text of
    an SVG image (the sourcing profile, templates/_charts.html) is left out: pypdf gives it in the
    image's own coordinates (an identity matrix), not its place on the page."""
    lines = []

    def visit(text, cm, tm, font, size):
        if text.strip() and list(cm) != [1, 0, 0, 1, 0, 0]:
            lines.append((cm[5] + tm[5] * cm[3] + tm[4] * cm[1], text))

    page.extract_text(visitor_text=visit)
    return lines


def contents_entries(reader: PdfReader) -> list[tuple[str, int]]:
    """(title, page number) of each entry of the edition's contents page, in order: "Title . . . 7"."""
    page = next(page for page in reader.pages if page.extract_text().startswith("Contents"))
    lines = [re.fullmatch(r"(.+?)(?: \.)+ (\d+)", line) for line in page.extract_text().splitlines()]
    return [(match[1], int(match[2])) for match in lines if match]


def outline(reader: PdfReader, items=None) -> list[tuple[str, int, list]]:
    """The bookmarks as (title, 1-based page, children)."""
    result = []
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            title, page, _ = result[-1]
            result[-1] = (title, page, outline(reader, item))
        else:
            result.append((item.title, reader.get_destination_page_number(item) + 1, []))
    return result


def annotations(reader: PdfReader, page_index: int) -> list[dict]:
    return [annotation.get_object() for annotation in reader.pages[page_index].get("/Annots", [])]


def set_pdf(root: Path, options: str) -> None:
    """The fixture's `pdf: {editions: all}` (line 6) with options too."""
    settings = root / "dossier.yml"
    text = settings.read_text(encoding="utf-8")
    assert "pdf: {editions: all}" in text
    settings.write_text(text.replace("pdf: {editions: all}", f"pdf: {{editions: all, {options}}}"), encoding="utf-8")


def typeset(root: Path, site: Path, only: set[str] | None = None) -> PdfSummary:
    """Build root's site into site with its PDFs as `dossier build` does (with only, as `dossier pdf`
    does); the PDF stage's report."""
    if only is None:
        return build(root, out=site).pdf
    return build_pdfs(root, only, out=site).summary


@pytest.fixture(scope="module")
def edition(tmp_path_factory) -> Edition:
    root = tmp_path_factory.mktemp("pdf") / "pdf-edition"
    shutil.copytree(FIXTURES / "pdf-edition", root)
    result = build(root)
    return Edition(root, result.out_dir, *read_pdfs(result.out_dir))


# --- Pages -----------------------------------------------------------------------------


def test_each_article_has_a_pdf_and_the_edition_combines_them(edition):
    assert sorted(edition.readers) == ["border-trade", "edition", "jangmadang", "short-note"]
    counts = {slug: len(edition.readers[slug].pages) for slug in TITLES}
    assert all(count >= 1 for count in counts.values())
    assert counts["short-note"] == 1
    # Every article starts on a right-hand (odd) page: one with an odd number of pages is
    # followed by a blank one. The index of sources comes last.
    index_first = FRONT_PAGES + sum(count + count % 2 for count in counts.values()) + 1
    texts = edition.texts["edition"]
    assert texts[index_first - 1].startswith("Index of sources")
    assert all("— p." in text for text in texts[index_first - 1:])
    blanks = [index + 1 for index, text in enumerate(texts) if not text]
    expected_blanks, page = [2, 4], FRONT_PAGES
    for count in counts.values():
        page += count + count % 2
        if count % 2:
            expected_blanks.append(page)
    assert blanks == expected_blanks


def test_the_cover_and_contents_come_first(edition):
    texts = edition.texts["edition"]
    assert texts[0] == "EDITION Print Ledger A small publication for the PDF edition's tests. May 1, 2016"
    assert texts[2].startswith("Contents")


def test_titles_citations_bibliographies_and_evidence_come_out_as_text(edition):
    korean = " ".join(edition.texts["jangmadang"])
    assert TITLES["jangmadang"] in korean
    assert "장마당" in korean and "김정은" in korean
    assert "(Kim 2016, 33)" in korean                       # parenthetical, with a locator
    assert "(Table 1, Figure 1)" in korean.replace("( ", "(")  # cross-references
    assert "Figure 1: 장마당 가격 추이" in korean               # the PNG figure's caption
    images = {image.name: image.image.size for page in edition.readers["jangmadang"].pages for image in page.images}
    assert list(images.values()) == [(480, 240)]                # and the figure itself

    article = " ".join(edition.texts["border-trade"])
    assert article.startswith("PRINT LEDGER Trade across the Yalu Customs posts, freight trains")
    assert "Test Author Second Writer, Example Institute April 10, 2016 · updated April 12, 2016" in article
    assert "keep what is left (Kim 2016, ch. 4)." in article
    assert "Lee and Park (2015) describe the same pattern" in article           # narrative
    assert "(Lee and Park 2015, 12)" in article
    assert ("EVIDENCE 1 (Daily NK 2016, para. 4) March 14, 2016 C2 Permalink · Source page" in article)  # attribution, its own page
    assert "The quotation in Evidence 1 dates" in article                        # cross-reference
    assert "Table 1: Goods, routes and prices before and after" in article
    assert "References Daily NK. 2016. “Market Hours Cut Before the Congress.” March 14." in article
    assert "Kim, Jiyoung. 2016. Markets and the State in North Korea." in article
    assert "Lee, Min, and Soo Park. 2015. “Restaurants Abroad and the Hard-Currency Economy.”" in article
    assert "Cite this article Author, Test, and Second Writer. 2016. “Trade Across the Yalu.” Print Ledger" in article

    note = " ".join(edition.texts["short-note"])
    assert "Kim (2016) argues that market taxes" in note


def test_the_edition_holds_every_article_and_an_index_of_sources(edition):
    texts = edition.texts["edition"]
    for slug, title in TITLES.items():
        assert pages_with(texts, title), slug
    index = " ".join(texts[pages_with(texts, "Index of sources Each source")[0]:])
    assert ("Kim, Jiyoung. 2016. Markets and the State in North Korea. Example Press. "
            "장마당과 국가: 김정은 시대의 시장 — p. 5 Trade across the Yalu — p. 7 A note on sources — p. 11") in index


def test_running_heads_and_page_numbers(edition):
    texts = edition.texts["border-trade"]
    assert len(texts) == 3
    assert texts[0].endswith(" 1")                         # no running head on an article's first page
    assert texts[1].endswith("PRINT LEDGER 2")             # left page: the publication
    assert texts[2].endswith("Trade across the Yalu 3")    # right page: the article
    edition_texts = edition.texts["edition"]
    first = pages_with(edition_texts, "PRINT LEDGER Trade across the Yalu")[0]
    assert [edition_texts[first + i].split()[-1] for i in range(3)] == [str(first + 1), str(first + 2), str(first + 3)]
    for blank in (1, 3):
        assert edition_texts[blank] == ""                  # blank pages carry no number


# --- Footnotes and evidence boxes ---------------------------------------------------------


@pytest.mark.parametrize("slug, call, note", FOOTNOTES, ids=[f"{slug}-{i}" for i, (slug, _, _) in enumerate(FOOTNOTES)])
def test_footnotes_sit_at_the_foot_of_the_page_of_their_call(edition, slug, call, note):
    for name in (slug, "edition"):
        texts = edition.texts[name]
        assert pages_with(texts, note) == pages_with(texts, call), name   # once, on the page of its call
        page = pages_with(texts, note)[0]
        assert texts[page].index(note) > texts[page].index(call)
        lines = text_lines(edition.readers[name].pages[page])
        note_height = next(height for height, text in lines if text.startswith(note[:12]) or note[:12] in text)
        body = [height for height, text in lines if height > note_height + 1]
        below = [text for height, text in lines if height < note_height - 1]
        assert note_height < 100                            # pt from the bottom edge: the page foot
        assert all(text.strip().isdigit() for text in below), below   # only the page number is lower
        assert body


def test_the_end_of_article_footnote_list_is_gone(edition):
    for slug in TITLES:
        text = " ".join(edition.texts[slug])
        assert "↩" not in text
    text = " ".join(edition.texts["border-trade"])
    assert text.count("Customs-ledger footnote") == 1


@pytest.mark.parametrize("slug, quote", [("jangmadang", "장마당 운영 시간이"),
                                         ("border-trade", "Wagons that used to clear in two days")])
def test_evidence_boxes_are_not_split_across_pages(edition, slug, quote):
    texts = edition.texts[slug]
    [page] = pages_with(texts, quote)
    assert pages_with(texts, "EVIDENCE 1 (Daily NK 2016, para.") == [page]


# --- Contents, bookmarks and links --------------------------------------------------------


def test_contents_page_numbers_point_at_the_articles(edition):
    texts = edition.texts["edition"]
    entries = contents_entries(edition.readers["edition"])
    assert [title for title, _ in entries] == [*TITLES.values(), "Index of sources"]
    for title, number in entries:
        page = texts[number - 1]                            # numbers count from the cover, from 1
        heading = "Index of sources Each source" if title == "Index of sources" else f"PRINT LEDGER {title}"
        assert page.startswith(heading), (title, number, page[:80])
        assert number % 2 == 1                              # a right-hand page
        assert page.endswith(f" {number}")                  # and the number printed on it agrees


def test_contents_entries_link_to_their_pages(edition):
    reader = edition.readers["edition"]
    contents = pages_with(edition.texts["edition"], "Contents")[0]
    page_numbers = {page.indirect_reference.idnum: index + 1 for index, page in enumerate(reader.pages)}
    targets = [page_numbers[link["/Dest"][0].idnum] for link in annotations(reader, contents)
               if link["/Subtype"] == "/Link"]
    assert sorted(set(targets)) == [number for _, number in contents_entries(edition.readers["edition"])]


def test_bookmarks_follow_the_articles_and_nest_their_headings(edition):
    entries = dict(contents_entries(edition.readers["edition"]))
    bookmarks = outline(edition.readers["edition"])
    assert [(title, page) for title, page, _ in bookmarks] == list(entries.items())
    trade = next(children for title, _, children in bookmarks if title == "Trade across the Yalu")
    assert [title for title, _, _ in trade] == ["The bridge and the trains", "Sanctions and smuggling", "What to watch",
                                                 "References", "Cite this article"]
    assert [title for title, _, _ in trade[0][2]] == ["Who pays for the delay", "What the state keeps"]
    assert all(entries["Trade across the Yalu"] <= page < entries["A note on sources"] for _, page, _ in trade)

    own = outline(edition.readers["border-trade"])
    assert [(title, page) for title, page, _ in own] == [("Trade across the Yalu", 1)]
    assert [title for title, _, _ in own[0][2]][:2] == ["The bridge and the trains", "Sanctions and smuggling"]
    assert outline(edition.readers["jangmadang"])[0][0] == TITLES["jangmadang"]


def test_outside_links_are_absolute_uris(edition):
    reader = edition.readers["border-trade"]
    uris = {link["/A"]["/URI"] for index in range(len(reader.pages)) for link in annotations(reader, index)
            if "/A" in link and link["/A"].get("/S") == "/URI"}
    assert {"https://www.dailynk.com/english/read.php?num=13780",     # the Daily NK report and evidence URL
            "https://example.org/print/sources/dailynk2016/",         # the evidence box's source page
            "https://example.org/print/articles/short-note/",         # a relative link, made absolute
            "https://example.org/print/articles/border-trade/"} <= uris


def test_links_inside_an_article_stay_inside_it_in_the_edition(edition):
    reader = edition.readers["edition"]
    entries = contents_entries(edition.readers["edition"])
    ranges = {slug: range(first, following) for slug, (_, first), (_, following)
              in zip(TITLES, entries, entries[1:])}
    destinations = reader.named_destinations
    checked = 0
    for slug, pages in ranges.items():
        for number in pages:
            for link in annotations(reader, number - 1):
                if isinstance(link.get("/Dest"), str):
                    name = link["/Dest"]
                    assert name.startswith(f"{slug}--"), name
                    assert reader.get_destination_page_number(destinations[name]) + 1 in pages, name
                    checked += 1
    assert checked >= 10     # citations to their reference, cross-references to tables and boxes
    citation_targets = {link["/Dest"] for number in ranges["short-note"] for link in annotations(reader, number - 1)
                        if isinstance(link.get("/Dest"), str)}
    assert citation_targets == {"short-note--ref-kim2016"}


# --- Fonts and metadata ---------------------------------------------------------------


def pdffonts(path: Path) -> list[dict]:
    output = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in output.splitlines()[2:]:
        fields = line.split()
        rows.append({"name": fields[0], "emb": fields[-5], "sub": fields[-4], "uni": fields[-3]})
    return rows


@pytest.mark.parametrize("name", ["edition", "jangmadang", "border-trade"])
def test_fonts_are_embedded_and_subset(edition, name):
    fonts = pdffonts(edition.pdf(name))
    assert fonts
    for font in fonts:
        assert (font["emb"], font["sub"], font["uni"]) == ("yes", "yes", "yes"), font
        assert re.fullmatch(r"[A-Z]{6}\+.+", font["name"]), font


def test_korean_text_has_a_cjk_font_and_comes_back_intact(edition):
    names = {font["name"].split("+")[1] for font in pdffonts(edition.pdf("jangmadang"))}
    assert any(re.fullmatch(r"Noto-S[a-z]+-CJK-KR.*", name) for name in names), names
    assert "장마당" in edition.texts["jangmadang"][0]
    assert "김정은 시대의 시장" in edition.texts["jangmadang"][0]
    assert "장마당 쌀과 옥수수 가격, 2016년 3월" in " ".join(edition.texts["jangmadang"])
    assert TITLES["jangmadang"] in edition.texts["edition"][2]     # in the contents too


def test_article_metadata(edition):
    reader = edition.readers["border-trade"]
    meta = reader.metadata
    assert meta["/Title"] == "Trade across the Yalu"
    assert meta["/Author"] == "Test Author, Second Writer"
    assert meta["/Subject"] == "How goods cross the border between Sinuiju and Dandong, and what the sanctions changed."
    assert meta["/Keywords"] == "markets, trade"
    assert meta["/CreationDate"] == "D:20160410"        # the article's date, not the build's
    assert meta["/ModDate"] == "D:20160412"             # its `updated`
    assert reader.trailer["/Root"]["/Lang"] == "en"
    korean = edition.readers["jangmadang"].metadata
    assert (korean["/Title"], korean["/CreationDate"]) == (TITLES["jangmadang"], "D:20160320")


def test_edition_metadata(edition):
    reader = edition.readers["edition"]
    meta = reader.metadata
    assert meta["/Title"] == "Print Ledger: edition of 2016-05-01"
    assert meta["/Author"] == "Second Writer, Test Author"
    assert meta["/Subject"] == "A small publication for the PDF edition's tests."
    assert meta["/CreationDate"] == "D:20160501"        # the latest article's date
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert reader.trailer["/Root"]["/PageMode"] == "/UseOutlines"


def test_an_edition_that_cites_nothing_has_no_index_of_sources(publication, tmp_path):
    root = publication("minimal")
    with (root / "dossier.yml").open("a", encoding="utf-8") as settings:
        settings.write("pdf: {editions: all}\n")       # its articles are of 2015 and 2016: one edition of both
    report = typeset(root, tmp_path / "site")
    reader = PdfReader(tmp_path / "site" / "pdf" / "edition.pdf")
    titles = ["Beta: sanctions in 2015", "Alpha & <script>alert('x')</script>"]   # titles are text, not markup
    assert [title for title, _ in contents_entries(reader)] == titles
    assert [title for title, _, _ in outline(reader)] == titles
    assert not pages_with(page_texts(reader), "Index of sources")
    assert report.edition_pages == len(reader.pages)


# --- Variants and the `dossier pdf` command ------------------------------------------------


def test_pdf_ua_variant_is_tagged(publication, cli):
    root = publication("pdf-edition")
    set_pdf(root, "variant: pdf/ua-1")
    result = cli("-C", root, "pdf", "border-trade")
    assert result.exit_code == 0, result.output
    reader = PdfReader(root / "_site" / "pdf" / "border-trade.pdf")
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"] == {"/Marked": True}
    assert catalog["/Lang"] == "en"
    texts = page_texts(reader)
    assert [text.split()[-1] for text in texts] == ["1", "2", "3"]          # numbered by WeasyPrint itself
    assert pages_with(texts, "Customs-ledger footnote") == pages_with(texts, "rarely leave the building")


def test_an_unknown_variant_is_an_error_naming_the_setting(publication, cli):
    root = publication("pdf-edition")
    set_pdf(root, "variant: pdf/ua-9")
    result = cli("-C", root, "pdf", "short-note")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith("dossier.yml:6:6: error: unknown PDF variant 'pdf/ua-9' (known: ")
    assert not (root / "_site").exists()


def test_pdf_command_after_a_build_without_pdfs_says_the_pages_do_not_link_them(publication, cli):
    root = publication("pdf-edition")
    assert cli("-C", root, "build", "--no-pdf").exit_code == 0
    result = cli("-C", root, "pdf", "short-note")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (f"Note: the pages in {root / '_site'}/ were built with --no-pdf and do "
                                              "not link these PDFs; `dossier build` links them.")
    assert 'class="pdf-link"' not in (root / "_site" / "articles" / "short-note" / "index.html").read_text()
    assert cli("-C", root, "build").exit_code == 0
    assert 'class="pdf-link"' in (root / "_site" / "articles" / "short-note" / "index.html").read_text()
    assert "Note:" not in cli("-C", root, "pdf", "short-note").output


def test_pdf_command_writes_only_the_named_articles(publication, cli, tmp_path):
    root = publication("pdf-edition")
    result = cli("-C", root, "pdf", "content/articles/short-note.md")      # a path, as tab completion gives it
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Wrote 1 PDF in ")
    assert sorted(path.name for path in (root / "_site").iterdir()) == [".dossier-site", "pdf"]
    assert sorted(path.name for path in (root / "_site" / "pdf").iterdir()) == ["short-note.pdf"]
    assert page_texts(PdfReader(root / "_site" / "pdf" / "short-note.pdf"))[0].startswith("PRINT LEDGER A note on sources")

    written = (root / "_site" / "pdf" / "short-note.pdf").stat().st_mtime_ns
    result = cli("-C", root, "pdf", "short-note", "no-such-article.md")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == ["content/articles/no-such-article.md:1:1: error: no such article",
                                          "1 error; nothing was written"]
    assert (root / "_site" / "pdf" / "short-note.pdf").stat().st_mtime_ns == written

    report = typeset(root, tmp_path / "site", only={"jangmadang"})
    assert (report.articles, report.laid_out_articles, report.edition_pages) == (1, ("jangmadang",), 0)


# --- The cache ------------------------------------------------------------------------


def cache_state(root: Path) -> dict[str, int]:
    return {path.name: path.stat().st_mtime_ns for path in sorted((root / ".dossier-cache" / "pdf").iterdir())}


def cache_entry_holding(root: Path, text: str) -> Path:
    """The one cached layout whose first page shows text."""
    [path] = [path for path in (root / ".dossier-cache" / "pdf").glob("*.pdf")
              if text in page_texts(PdfReader(path))[0]]
    return path


def test_cache_lays_out_only_what_changed_and_gives_the_same_bytes(edition, tmp_path):
    root = tmp_path / "pdf-edition"
    copy_built(edition.root, root)
    cold = pdf_bytes(edition.site)
    before = cache_state(root)

    # A second build, in another folder with the same cache: nothing is laid out, not a byte
    # differs, and WeasyPrint is not even imported.
    shutil.rmtree(root / "_site")
    script = ("import sys; from pathlib import Path; from builder.build import build; "
              f"build(Path({str(root)!r})); print('weasyprint' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPOSITORY)
    assert run.stdout == "False\n", run.stderr
    assert pdf_bytes(root / "_site") == cold
    assert cache_state(root) == before

    # Editing one article lays out that article (and the contents, index and page numbers).
    article = root / "content" / "articles" / "border-trade.md"
    original = article.read_text(encoding="utf-8")
    article.write_text(original + "\nOne more paragraph, added for the cache test.\n", encoding="utf-8")
    report = typeset(root, tmp_path / "edited")
    assert report.laid_out_articles == ("border-trade",)
    assert report.laid_out <= 6
    edited = pdf_bytes(tmp_path / "edited")
    assert {name for name in cold if edited[name] != cold[name]} == {"border-trade.pdf", "edition.pdf"}
    assert "added for the cache test" in " ".join(page_texts(PdfReader(tmp_path / "edited" / "pdf" / "edition.pdf")))

    # Undoing the edit gives the cold build's bytes again.
    article.write_text(original, encoding="utf-8")
    report = typeset(root, tmp_path / "undone")
    assert report.laid_out_articles == ("border-trade",)   # the edited build dropped the unused entry
    assert pdf_bytes(tmp_path / "undone") == cold
    assert len(list((root / ".dossier-cache" / "pdf").glob("*.pdf"))) == sum(name.endswith(".pdf") for name in before)

    # A corrupt entry is laid out again, never trusted: a damaged PDF and an unreadable record.
    damaged = cache_entry_holding(root, "Markets and the state under Kim Jong Un")
    unreadable = cache_entry_holding(root, "PRINT LEDGER A note on sources").with_suffix(".json")
    damaged.write_bytes(damaged.read_bytes()[: damaged.stat().st_size // 2])
    unreadable.write_text("{", encoding="utf-8")
    report = typeset(root, tmp_path / "repaired")
    assert report.laid_out_articles == ("jangmadang", "short-note")
    assert pdf_bytes(tmp_path / "repaired") == cold


def test_a_build_without_the_cache_lays_everything_out_and_keeps_nothing(edition, tmp_path):
    # build(use_cache=False) must not trust layouts cached by earlier builds, even corrupt ones.
    root = tmp_path / "pdf-edition"
    copy_built(edition.root, root)
    for cached in (root / ".dossier-cache" / "pdf").glob("*.pdf"):
        cached.write_bytes(b"%PDF-1.7 damaged")
    before = cache_state(root)
    result = build(root, use_cache=False)
    assert pdf_bytes(result.out_dir) == pdf_bytes(edition.site)
    assert cache_state(root) == before


def test_reordering_the_edition_and_a_cover_image_reuse_every_article_layout(edition, tmp_path):
    root = tmp_path / "pdf-edition"
    copy_built(edition.root, root)
    set_pdf(root, "order: [short-note, no-such-article], cover_image: assets/prices.png")
    report = typeset(root, tmp_path / "site")
    assert report.laid_out_articles == ()
    reader = PdfReader(tmp_path / "site" / "pdf" / "edition.pdf")
    assert [image.image.size for image in reader.pages[0].images] == [(480, 240)]   # the cover image
    entries = contents_entries(reader)
    # The listed article first, then the others by date; a name that is not an article is ignored.
    assert [title for title, _ in entries] == [TITLES["short-note"], TITLES["jangmadang"], TITLES["border-trade"],
                                               "Index of sources"]
    assert [number for _, number in entries] == [5, 7, 9, 13]


# --- The web pages link the PDFs ----------------------------------------------------------


def test_article_pages_and_the_front_page_link_the_pdfs(edition):
    article = parse_page(edition.site / "articles" / "border-trade" / "index.html")
    [link] = article.find("a", class_="pdf-link")
    assert link["href"] == "../../pdf/border-trade.pdf"
    assert (edition.site / "articles" / "border-trade" / link["href"]).resolve() == edition.pdf("border-trade")
    front = parse_page(edition.site / "index.html")
    assert [a["href"] for a in front.find("a", type="application/pdf")] == ["pdf/edition.pdf"]


def test_without_pdfs_nothing_links_them(edition):
    outputs = {output.path: output.content.decode() for output in build(edition.root, write=False, pdf=False).outputs
               if output.path.endswith(".html")}
    assert "pdf-link" not in outputs["articles/border-trade/index.html"]
    assert "edition.pdf" not in outputs["index.html"]


# --- Renders to look at ----------------------------------------------------------------


def render(pdf: Path, page: int, name: str) -> Path:
    """Page (1-based) of pdf as test-artifacts/NAME.png, 70 dpi."""
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / name
    subprocess.run(["pdftoppm", "-r", "70", "-f", str(page), "-l", str(page), "-png", "-singlefile",
                    str(pdf), str(target)], check=True)
    return target.with_suffix(".png")


def test_renders_of_the_cover_contents_and_an_evidence_page(edition):
    from PIL import Image, ImageStat

    texts = edition.texts["edition"]
    evidence_page = pages_with(texts, "Wagons that used to clear in two days")[0] + 1
    footnote_page = pages_with(texts, "Timetable footnote")[0] + 1
    cover = render(edition.pdf("edition"), 1, "pdf-edition-cover")
    contents = render(edition.pdf("edition"), 3, "pdf-edition-contents")
    evidence = render(edition.pdf("edition"), evidence_page, "pdf-edition-evidence")
    render(edition.pdf("edition"), footnote_page, "pdf-edition-table-footnote")
    render(edition.pdf("jangmadang"), 1, "pdf-article-korean")
    brightness = {path.stem: ImageStat.Stat(Image.open(path).convert("L")).mean[0] for path in (cover, contents, evidence)}
    assert brightness["pdf-edition-cover"] < 80          # the dark cover fills the page
    assert brightness["pdf-edition-contents"] > 235      # a white page with a few lines
    assert 200 < brightness["pdf-edition-evidence"] < 250
    width, height = Image.open(cover).size
    assert abs(height / width - 297 / 210) < 0.01        # A4


def test_the_examples_korean_edition_breaks_lines_between_words_and_is_set_upright(tmp_path):
    """The example's Korean article, typeset: no line of its body ends inside a Korean word
    (WeasyPrint has no word-break: keep-all; the build joins each word's syllables), the page is
    Korean (/Lang), and a render of its first page is a page of text to look at."""
    from PIL import Image, ImageStat

    slug = "restaurant-defection-sanctions-ko"
    site = tmp_path / "site"
    typeset(REPOSITORY, site, {slug})
    pdf = site / "pdf" / f"{slug}.pdf"
    reader = PdfReader(pdf)
    assert reader.trailer["/Root"].get("/Lang") == "ko"
    body = (REPOSITORY / "content" / "articles" / f"{slug}.md").read_text(encoding="utf-8")
    words = set(re.findall("[\uac00-\ud7a3]+", body))
    lines = [line.strip() for page in reader.pages for line in page.extract_text().splitlines() if line.strip()]
    ends = [(before, after) for before, after in zip(lines, lines[1:])
            if re.search("[\uac00-\ud7a3]$", before) and re.match("[\uac00-\ud7a3]", after)]
    assert len(ends) > 5        # the check below has lines to look at
    split = [(before, after) for before, after in ends
             if re.search("[\uac00-\ud7a3]+$", before).group() + re.match("[\uac00-\ud7a3]+", after).group() in words]
    assert split == []
    first = render(pdf, 1, "pdf-example-korean")
    assert 200 < ImageStat.Stat(Image.open(first).convert("L")).mean[0] < 252


def test_a_draft_built_with_drafts_says_so_on_its_pdf(tmp_path):
    root = tmp_path / "minimal"
    shutil.copytree(FIXTURES / "minimal", root)
    result = build_pdfs(root, {"draft-notes", "alpha"}, drafts=True)
    texts = {path.stem: page_texts(PdfReader(path))[0] for path in result.paths}
    assert texts["draft-notes"].startswith("MINIMAL LEDGER DRAFT Unfinished draft")    # over the title
    assert "DRAFT" not in texts["alpha"]
