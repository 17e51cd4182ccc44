"""Pandoc's metadata for citations, in a document's front matter: where the bibliography goes
(`::: {#refs}`, a last heading, `reference-section-title`, `suppress-bibliography`), `nocite`,
`link-citations`, `link-bibliography`, `lang` and `bibliography` (builder/content/metadata.py,
builder/csl/metadata.py, builder/markdown/refs.py, builder/site/bodies.py). Each page is compared
with what pandoc 3.9 itself writes for the same document."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from builder.build import build
from builder.csl.pandoc import pandoc_path
from builder.csl.styles import resolve_style
from builder.errors import BuildFailed
from helpers import write

BIB = """@book{kim2016, author={Kim, Jae}, title={A Book About Things}, year={2016}, publisher={Pub},
  url={https://example.org/kim}}
@article{lee2018, author={Lee, Ann}, title={An Article}, journal={Journal of Stuff}, year={2018}, doi={10.1000/xyz}}
@book{zed2020, author={Zed, Al}, title={Zed}, year={2020}, publisher={P}}
@book{park2020, author={Park, Min}, title={Unused Book}, year={2020}, publisher={Pub}}
"""


def article(front: str, body: str) -> str:
    """A document whose own front matter starts on line 4."""
    return f"---\ntitle: T\ndate: 2016-01-01\n{front}---\n\n{body}"


def publication(root: Path, documents: dict[str, str], csl: str = "chicago-author-date", bib: str = BIB) -> Path:
    write(root / "dossier.yml", f"title: P\nbase_url: https://example.org/\ncsl: {csl}\n")
    write(root / "citations" / "refs.bib", bib)
    for slug, text in documents.items():
        write(root / "content" / "articles" / f"{slug}.md", text)
    return root


def built(root: Path, **options):
    return build(root, pdf=False, use_cache=options.pop("use_cache", False), **options)


def page(root: Path, slug: str) -> BeautifulSoup:
    return BeautifulSoup((root / "_site" / "articles" / slug / "index.html").read_text(encoding="utf-8"), "html.parser")


def pandocs(root: Path, slug: str, csl: str = "chicago-author-date") -> BeautifulSoup:
    """What pandoc writes for the document, with Dossier's default `link-citations: true` unless it says
    otherwise, and citations/refs.bib unless it names its own bibliography (read from its folder)."""
    document = root / "content" / "articles" / f"{slug}.md"
    text = document.read_text(encoding="utf-8")
    front = text.split("---\n")[1]
    if "link-citations:" not in front:
        text = text.replace("---\n", "---\nlink-citations: true\n", 1)
    style, _ = resolve_style(root, csl)
    command = [pandoc_path(), "-f", "markdown", "-t", "html5", "--wrap=none", "--citeproc", "--csl", str(style)]
    if not re.search(r"^bibliography:", front, re.MULTILINE):
        command += ["--bibliography", str(root / "citations" / "refs.bib")]
    html = subprocess.run(command, input=text, capture_output=True, text=True, check=True, cwd=document.parent).stdout
    return BeautifulSoup(html, "html.parser")


def _html(element) -> str:
    return " ".join(element.decode_contents().split())


def citations(soup: BeautifulSoup) -> list[str]:
    return [_html(span) for span in soup.select("span.citation")]


def entries(soup: BeautifulSoup) -> list[tuple[str, str]]:
    """(key, HTML) of each bibliography entry, in order, without Dossier's link to the source's page."""
    found = []
    for entry in soup.select("div.csl-entry[id^='ref-']"):
        for link in entry.select("a.source-link"):
            link.decompose()
        found.append((entry["id"].removeprefix("ref-"), _html(entry)))
    return found


def body(soup: BeautifulSoup):
    return soup.select_one("div.article-body") or soup


# --- Where the bibliography goes ---------------------------------------------------------------

def test_the_authors_refs_div_receives_the_bibliography_after_what_it_holds(tmp_path):
    root = publication(tmp_path / "p", {"a": article("", "Text [@kim2016].\n\n::: {#refs .wide}\nIntro.\n:::\n\n"
                                                         "After [@lee2018].\n")})
    assert built(root).warnings == []
    ours, theirs = page(root, "a"), pandocs(root, "a")
    assert len(ours.select("#refs")) == 1 and not ours.select("section.references")
    placed = body(ours).select_one("div#refs")
    assert placed["class"] == ["wide"] and placed.find("p").get_text() == "Intro."
    assert placed.find_next_sibling("p").get_text() == "After (Lee 2018)."         # the body goes on after it
    assert placed.select_one(".source-link")["href"] == "../../sources/kim2016/"   # from the article's page
    assert entries(placed) == entries(theirs.select_one("div#refs")) and len(entries(placed)) == 2
    assert citations(ours) == citations(theirs)


def test_a_refs_div_inside_another_div_and_one_left_empty(tmp_path):
    root = publication(tmp_path / "p", {
        "a": article("", "Text [@kim2016].\n\n::: {.box}\n## Sources\n\n::: {#refs}\n:::\n:::\n\n# Last\n"),
        "b": article("", "No citation.\n\n::: {#refs}\n:::\n")})
    built(root)
    placed = page(root, "a").select_one(".box div#refs")
    assert entries(placed) == entries(pandocs(root, "a").select_one("div#refs"))
    assert str(body(page(root, "b")).select_one("div#refs")) == '<div id="refs">\n</div>'   # nothing to put in it


def test_a_body_ending_with_a_heading_gets_the_bibliography_after_it(tmp_path):
    root = publication(tmp_path / "p", {"a": article("", "Text [@kim2016].[^1]\n\n## Works cited\n\n[^1]: A note.\n")})
    built(root)
    ours, theirs = page(root, "a"), pandocs(root, "a")
    heading = body(ours).find("h2", id="works-cited")
    assert heading.find_next_sibling("div")["id"] == "refs" and not ours.select("section.references")
    assert entries(ours) == entries(theirs) == [(key, html) for key, html in entries(theirs)]
    assert theirs.find("h2").find_next_sibling("div")["id"] == "refs"


def test_without_a_place_the_page_shows_its_references_section(tmp_path):
    root = publication(tmp_path / "p", {"a": article("", "## Start\n\nText [@kim2016].\n")})
    built(root)
    section = page(root, "a").select_one("section.references")
    assert section.h2.get_text() == "References" and section.select_one("div#refs")
    assert entries(section) == entries(pandocs(root, "a"))


def test_reference_section_title_heads_the_section_even_after_a_last_heading(tmp_path):
    root = publication(tmp_path / "p", {
        "a": article("reference-section-title: Works *Cited*\n", "Text [@kim2016].\n\n# References\n"),
        "b": article("reference-section-title: Unused\n", "Text [@kim2016].\n\n::: {#refs}\n:::\n")})
    built(root)
    ours, theirs = page(root, "a"), pandocs(root, "a")
    assert _html(ours.select_one("section.references h2")) == _html(theirs.find(id="bibliography")) \
        == "Works <em>Cited</em>"
    assert body(ours).find("h1", string="References") and entries(ours) == entries(theirs)
    assert not page(root, "b").select("section.references")            # the div wins, as in pandoc
    assert not pandocs(root, "b").find(id="bibliography")


def test_suppress_bibliography_shows_no_list_and_leaves_the_div_as_written(tmp_path):
    root = publication(tmp_path / "p", {"a": article("suppress-bibliography: true\n",
                                                     "Text [@kim2016].\n\n::: {#refs}\nKept.\n:::\n")})
    built(root)
    ours, theirs = page(root, "a"), pandocs(root, "a")
    assert entries(ours) == entries(theirs) == []
    assert not ours.select("section.references") and body(ours).select_one("div#refs").get_text().strip() == "Kept."
    assert citations(ours) == citations(theirs)


def test_an_id_refs_on_anything_but_the_div_is_still_the_pages(tmp_path):
    root = publication(tmp_path / "p", {"a": article("", "# Sources {#refs}\n\nText [@kim2016].\n")})
    with pytest.raises(BuildFailed) as failed:
        built(root)
    assert [str(p) for p in failed.value.problems] == [
        "content/articles/a.md:6:1: error: id '#refs' is one the page itself uses: choose another"]


# --- nocite -------------------------------------------------------------------------------------

@pytest.mark.parametrize("nocite", ['"@park2020, @lee2018"', "|\n  @park2020\n  [@lee2018]", '["@park2020", "@lee2018"]',
                                    '"@*"', '"@park2020, @*"'])
@pytest.mark.parametrize("csl", ["chicago-author-date", "ieee"])
def test_nocite_lists_entries_as_pandoc_does(tmp_path, nocite, csl):
    root = publication(tmp_path / "p", {"a": article(f"nocite: {nocite}\n", "Text [@kim2016].\n")}, csl=csl)
    assert built(root).warnings == []
    ours, theirs = page(root, "a"), pandocs(root, "a", csl)
    assert entries(ours) == entries(theirs) and len(entries(ours)) >= 3      # in pandoc's order too (ieee)
    assert citations(ours) == citations(theirs)


def test_nocite_alone_makes_a_bibliography(tmp_path):
    root = publication(tmp_path / "p", {"a": article('nocite: "@lee2018"\n', "Nothing cited.\n")})
    built(root)
    assert entries(page(root, "a")) == entries(pandocs(root, "a")) and len(entries(page(root, "a"))) == 1


def test_nocite_with_an_unknown_key_or_without_citations(tmp_path):
    root = publication(tmp_path / "p", {"a": article("nocite: |\n  @kim2016\n  @kimm2016\n", "Text.\n"),
                                        "b": article('nocite: "@lee2018, @nokey"\n', "Text.\n"),
                                        "c": article("nocite: lee2018\n", "Text.\n"),
                                        "d": article("nocite: [5]\n", "Text.\n")})
    with pytest.raises(BuildFailed) as failed:
        built(root)
    assert [str(p) for p in failed.value.problems] == [
        "content/articles/a.md:6:3: error: unknown citation key 'kimm2016' (did you mean 'kim2016'?)",
        "content/articles/b.md:4:20: error: unknown citation key 'nokey'",
        "content/articles/c.md:4:9: warning: 'nocite' holds no citation, so it lists nothing: write each key with "
        "an @, as in '@key, @other', or '@*' for every entry",
        "content/articles/d.md:4:10: error: 'nocite' must be citations such as '@key' or '@*', or a list of them"]


# --- link-citations, link-bibliography ------------------------------------------------------------

def test_link_citations_and_link_bibliography_false(tmp_path):
    root = publication(tmp_path / "p", {
        "a": article("link-citations: false\nlink-bibliography: false\n", "Text [@kim2016; @lee2018].\n"),
        "b": article("", "Text [@kim2016; @lee2018].\n")})
    built(root)
    ours, theirs = page(root, "a"), pandocs(root, "a")
    assert citations(ours) == citations(theirs) == ["(Kim 2016; Lee 2018)"]
    assert entries(ours) == entries(theirs) and "<a" not in str(entries(ours))
    assert citations(page(root, "b")) == citations(pandocs(root, "b"))              # Dossier's default: linked
    assert '<a href="#ref-kim2016" role="doc-biblioref">' in citations(page(root, "b"))[0]


def test_switches_that_are_not_true_or_false(tmp_path):
    root = publication(tmp_path / "p", {"a": article("link-citations: yes\nlink-bibliography: maybe\n"
                                                     "reference-section-title: [a, b]\n", "Text [@kim2016].\n")})
    with pytest.raises(BuildFailed) as failed:
        built(root)
    assert [str(p) for p in failed.value.problems] == [
        "content/articles/a.md:5:20: error: 'link-bibliography' must be true or false",
        "content/articles/a.md:6:26: error: 'reference-section-title' must be text"]


# --- lang -----------------------------------------------------------------------------------------

def test_lang_sets_the_locale_the_titles_and_the_pages_language(tmp_path):
    root = publication(tmp_path / "p", {"fr": article("lang: fr-FR\n", "Texte [@kim2016, p. 4; @lee2018].\n"),
                                        "en": article("", "Text [@kim2016, p. 4; @lee2018].\n")})
    built(root)
    for slug in ("fr", "en"):
        ours, theirs = page(root, slug), pandocs(root, slug)
        assert citations(ours) == citations(theirs) and entries(ours) == entries(theirs)
    french = dict(entries(page(root, "fr")))
    assert "<em>A Book About Things</em>" in french["kim2016"] and "« An Article »" in french["lee2018"]
    assert "<em>A Book about Things</em>" in dict(entries(page(root, "en")))["kim2016"]   # sentence case in English
    assert page(root, "fr").html["lang"] == "fr-FR" and page(root, "en").html["lang"] == "en"


def test_a_lang_that_is_no_language_tag_is_passed_over(tmp_path):
    root = publication(tmp_path / "p", {"a": article("lang: not a language\n", "Text [@kim2016].\n")})
    assert [str(p) for p in built(root).warnings] == [
        "content/articles/a.md:4:7: warning: 'lang' must be a language tag such as 'en' or 'pt-BR', not "
        "'not a language': the publication's language is used"]
    assert page(root, "a").html["lang"] == "en"


# --- bibliography ---------------------------------------------------------------------------------

def test_a_documents_own_bibliography_beside_it(tmp_path):
    root = publication(tmp_path / "p", {"a": article("bibliography: own.bib\n", "Text [@own2019; @kim2016].\n")})
    write(root / "content" / "articles" / "own.bib", "@book{own2019, author={Own, Olga}, title={Owned}, year={2019}, "
                                                     "publisher={P}}\n")
    assert built(root).warnings == []      # read, so not "not published"
    ours = page(root, "a")
    assert [key for key, _ in entries(ours)] == ["kim2016", "own2019"]
    own_only = [(key, html) for key, html in entries(ours) if key == "own2019"]
    assert own_only == entries(pandocs(root, "a"))[-1:] == [("own2019", "Own, Olga. 2019. <em>Owned</em>. P.")]


def test_a_bibliography_the_build_cannot_read(tmp_path):
    outside = write(tmp_path / "elsewhere.bib", "@book{x, title={X}, year={2000}}\n")
    root = publication(tmp_path / "p", {"a": article(f"bibliography:\n  - {outside}\n  - ../../citations/missing.bib\n"
                                                     "  - notes.ris\n  - 7\n", "Text [@kim2016].\n")})
    write(root / "content" / "articles" / "notes.ris", "TY  - BOOK\n")
    with pytest.raises(BuildFailed) as failed:
        built(root)
    assert [str(p) for p in failed.value.problems] == [
        f"content/articles/a.md:5:5: error: bibliography '{outside}' is outside the publication folder: only its own "
        "files are read; copy the file into the publication, e.g. into citations/",
        "content/articles/a.md:6:5: error: bibliography '../../citations/missing.bib' not found (paths are relative "
        "to the document's folder)",
        "content/articles/a.md:7:5: error: bibliography 'notes.ris' is not a file Dossier reads: write a .bib (BibTeX "
        "or BibLaTeX), .json (CSL-JSON) or .yaml (CSL-YAML) file",
        "content/articles/a.md:8:5: error: 'bibliography' must be a file name, or a list of them",
        "content/articles/notes.ris:1:1: warning: not published: only .md files of content/articles/ are read; put "
        "images and downloads in content/assets/"]


# --- Rebuilds -------------------------------------------------------------------------------------

def test_a_rebuild_sees_changed_metadata_and_a_changed_own_bibliography(tmp_path):
    root = publication(tmp_path / "p", {"a": article("bibliography: ../../refs/own.bib\n", "Text [@own2019].\n")})
    own = write(root / "refs" / "own.bib", "@book{own2019, author={Own, Olga}, title={Owned}, year={2019}}\n")
    built(root, use_cache=True)
    assert "<em>Owned</em>" in entries(page(root, "a"))[0][1]
    own.write_text("@book{own2019, author={Own, Olga}, title={Renamed}, year={2019}}\n", encoding="utf-8")
    assert not built(root, use_cache=True).unchanged      # refs/ is read because the document names it
    assert "<em>Renamed</em>" in entries(page(root, "a"))[0][1]
    document = root / "content" / "articles" / "a.md"
    document.write_text(document.read_text().replace("bibliography:", "link-citations: false\nbibliography:"))
    built(root, use_cache=True)
    assert "<a" not in citations(page(root, "a"))[0]


def test_a_note_style_with_nocite_and_a_placed_bibliography(tmp_path):
    style = "chicago-notes-bibliography-17th-edition"
    root = publication(tmp_path / "p", {"a": article('nocite: "@park2020"\n', "Text [@kim2016].\n\n::: {#refs}\n:::\n")},
                       csl=style)
    built(root)
    assert entries(body(page(root, "a")).select_one("div#refs")) == entries(pandocs(root, "a", style))


def test_the_pdf_shows_the_placed_list_once_without_links_to_source_pages(tmp_path):
    from pypdf import PdfReader

    root = publication(tmp_path / "p", {"a": article("", "Text [@kim2016].\n\n::: {#refs}\nIntro.\n:::\n\nEnd.\n")})
    result = build(root, use_cache=False)
    text = "".join(page.extract_text() for page in PdfReader(result.out_dir / "pdf" / "a.pdf").pages)
    assert text.count("Kim, Jae. 2016.") == 1 and "Source page" not in text and "References" not in text
    assert text.index("Intro.") < text.index("Kim, Jae. 2016.") < text.index("End.")
