"""builder/markdown/crossrefs.py: Quarto-style `@fig-`, `@tbl-` and `@ev-` references, numbered per document;
through the parser and through a build of tests/fixtures/crossrefs/."""

import re
import shutil

import pytest

from builder.build import build
from builder.errors import BuildFailed
from builder.markdown import create_parser, render_markdown
from helpers import FIXTURES, broken_links, parse_page

TABLE = "| A | B |\n|---|---|\n| 1 | 2 |\n"


def render(text: str):
    """Render a body whose first line is line 6 of content/articles/a.md."""
    return render_markdown(create_parser(), text, path="content/articles/a.md", line_offset=5)


def problems(text: str) -> list[str]:
    return [str(p) for p in render(text).problems]


# --- Figures ----------------------------------------------------------------------------------

def test_an_image_alone_with_a_fig_id_becomes_a_numbered_figure():
    result = render("See @fig-map.\n\n![A map of *Hyesan*](map.svg){#fig-map}\n")
    assert result.problems == ()
    assert result.html == ('<p>See <a class="crossref" href="#fig-map">Figure 1</a>.</p>\n'
                           '<figure class="figure" id="fig-map">\n'
                           '<img src="map.svg" alt="A map of Hyesan" /><figcaption><span class="caption-label">'
                           "Figure 1:</span> A map of <em>Hyesan</em></figcaption>\n</figure>\n")


def test_other_attributes_stay_on_the_image():
    html = render('![Chart](c.svg){#fig-c width="50%"}\n').html
    assert '<figure class="figure" id="fig-c">\n<img src="c.svg" alt="Chart" width="50%" />' in html


def test_an_image_inside_text_stays_an_image():
    html = render("Text before ![inline](x.svg){#fig-inline} and after.\n").html
    assert "<figure" not in html and "Figure" not in html and html.startswith("<p>")


@pytest.mark.parametrize("text, figure_id", [("![No id](x.svg)\n", ""), ("![Other id](x.svg){#map}\n", "map")],
                         ids=["no-id", "not-fig"])
def test_a_lone_described_image_is_an_unnumbered_figure_as_in_pandoc(text, figure_id):
    html = render(text).html
    opening = f'<figure class="figure" id="{figure_id}">' if figure_id else '<figure class="figure">'
    assert html.startswith(opening) and "<figcaption>" in html and "Figure" not in html


def test_a_lone_image_without_description_stays_an_image():
    assert render("![](x.svg)\n").html.startswith("<p><img")


# --- Tables -----------------------------------------------------------------------------------

@pytest.mark.parametrize("marker", [":", "Table:"])
def test_a_caption_line_after_a_table_captions_it(marker):
    result = render(f"See @tbl-rice.\n\n{TABLE}\n{marker} Rice *prices* {{#tbl-rice}}\n")
    assert result.problems == ()
    assert ('<table id="tbl-rice">\n<caption><span class="caption-label">Table 1:</span> Rice <em>prices</em>'
            "</caption>\n<thead>") in result.html
    assert '<a class="crossref" href="#tbl-rice">Table 1</a>' in result.html
    assert "{#tbl-rice}" not in result.html and "Table:" not in result.html.replace("Table 1:", "")


def test_a_caption_without_an_id_is_numbered_but_cannot_be_referenced():
    html = render(f"{TABLE}\n: First\n\n{TABLE}\n: Second {{#tbl-second}}\n").html
    assert '<table>\n<caption><span class="caption-label">Table 1:</span> First</caption>' in html
    assert '<table id="tbl-second">\n<caption><span class="caption-label">Table 2:</span> Second</caption>' in html


def test_a_table_without_a_caption_is_not_numbered():
    html = render(f"{TABLE}\nJust a paragraph.\n").html
    assert "<caption>" not in html and html.endswith("<p>Just a paragraph.</p>\n")


# --- Numbering and resolution ---------------------------------------------------------------

def test_figures_and_tables_are_numbered_separately_in_order_and_references_may_come_first():
    result = render(f"@fig-b, @tbl-y, @fig-a and @tbl-x.\n\n![B](b.svg){{#fig-b}}\n\n{TABLE}\n: Y {{#tbl-y}}\n\n"
                    f"![A](a.svg){{#fig-a}}\n\n{TABLE}\n: X {{#tbl-x}}\n")
    assert result.problems == ()
    assert re.findall(r'<a class="crossref" href="#([\w-]+)">([^<]+)</a>', result.html) == [
        ("fig-b", "Figure 1"), ("tbl-y", "Table 1"), ("fig-a", "Figure 2"), ("tbl-x", "Table 2")]


def test_references_inside_list_items_tables_quotes_footnotes_and_evidence_boxes():
    result = render(f"![M](m.svg){{#fig-m}}\n\n{TABLE}\n: T {{#tbl-t}}\n\n"
                    "- item @fig-m\n  - nested @tbl-t\n\n"
                    "| Ref |\n|---|\n| @fig-m |\n\n"
                    "> quoted @tbl-t\n\n"
                    "Noted.[^1]\n\n[^1]: A note on @fig-m.\n\n"
                    "::: {.evidence #ev-q source=k}\nInside @fig-m.\n:::\n\nSee @ev-q.\n")
    assert result.problems == ()
    assert "<li>item <a class=\"crossref\" href=\"#fig-m\">Figure 1</a>" in result.html
    assert '<li>nested <a class="crossref" href="#tbl-t">Table 1</a></li>' in result.html
    assert '<td><a class="crossref" href="#fig-m">Figure 1</a></td>' in result.html
    assert '<p>quoted <a class="crossref" href="#tbl-t">Table 1</a></p>' in result.html
    assert 'A note on <a class="crossref" href="#fig-m">Figure 1</a>.' in result.html
    assert '<p>Inside <a class="crossref" href="#fig-m">Figure 1</a>.</p>' in result.html
    assert '<p>See <a class="crossref" href="#ev-q">Evidence 1</a>.</p>' in result.html


def test_punctuation_around_a_reference_is_kept():
    html = render("(@fig-a), [@fig-a] and @fig-a's.\n\n![A](a.svg){#fig-a}\n").html
    assert html.startswith('<p>(<a class="crossref" href="#fig-a">Figure 1</a>), '
                           '[<a class="crossref" href="#fig-a">Figure 1</a>] and '
                           '<a class="crossref" href="#fig-a">Figure 1</a>’s.</p>')


@pytest.mark.parametrize("text", ["analyst@fig-map.org", "\\@fig-map", "`@fig-map`", "@figure-map", "@fig-"],
                         ids=["email", "escaped", "code", "other-prefix", "empty-name"])
def test_not_references(text):
    result = render(text + "\n")
    assert result.problems == () and "crossref" not in result.html


# --- Errors -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Paragraph then @ev-nothing.\n",
     "content/articles/a.md:6:16: error: cross-reference '@ev-nothing' names no evidence in this document"),
    ("First line,\nsecond with @fig-gone.\n",
     "content/articles/a.md:7:13: error: cross-reference '@fig-gone' names no figure in this document"),
    ("Text.\n\n- item @fig-missing here\n",
     "content/articles/a.md:8:8: error: cross-reference '@fig-missing' names no figure in this document"),
    ("1. one\n   - nested @tbl-x\n",
     "content/articles/a.md:7:13: error: cross-reference '@tbl-x' names no table in this document"),
    ("| a |\n|---|\n| x @tbl-nope |\n",
     "content/articles/a.md:8:5: error: cross-reference '@tbl-nope' names no table in this document"),
    ("> quoted @fig-nope\n",
     "content/articles/a.md:6:10: error: cross-reference '@fig-nope' names no figure in this document"),
    ("Text.[^1]\n\n[^1]: A note on @fig-none.\n",
     "content/articles/a.md:8:17: error: cross-reference '@fig-none' names no figure in this document"),
], ids=["paragraph", "second-line", "list-item", "nested-list", "table-cell", "blockquote", "footnote"])
def test_an_unknown_reference_is_an_error_at_its_position(text, expected):
    result = render(text)
    assert [str(p) for p in result.problems] == [expected]
    assert '<span class="crossref crossref--unresolved">@' in result.html


def test_an_unknown_reference_suggests_the_closest_ids_of_its_kind():
    text = ("::: {.evidence #ev-cadre-loyalty source=kim2016}\nQuote.\n:::\n\n"
            "![A map](map.png){#fig-cadre-map}\n\nSee @ev-cadre-loyal and @fig-cadre-mop.\n")
    assert problems(text) == [
        "content/articles/a.md:12:5: error: cross-reference '@ev-cadre-loyal' names no evidence in this document "
        "(did you mean '@ev-cadre-loyalty'?)",
        "content/articles/a.md:12:25: error: cross-reference '@fig-cadre-mop' names no figure in this document "
        "(did you mean '@fig-cadre-map'?)"]


def test_a_reference_to_the_wrong_kind_does_not_resolve():
    assert problems(f"{TABLE}\n: Rice {{#tbl-rice}}\n\nSee @fig-rice.\n") == [
        "content/articles/a.md:12:5: error: cross-reference '@fig-rice' names no figure in this document"]


def test_a_duplicate_figure_id_is_an_error():
    assert problems("![A](a.svg){#fig-a}\n\n![B](b.svg){#fig-a}\n") == [
        "content/articles/a.md:8:1: error: duplicate id '#fig-a': first used on line 6"]


# --- Through a build ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("crossrefs") / "crossrefs"
    shutil.copytree(FIXTURES / "crossrefs", root)
    result = build(root, pdf=False)
    assert result.warnings == []
    return result.out_dir


def labels(page) -> list[tuple[str, str]]:
    """(id, "Figure N" / "Table N") for every captioned figure and table of a page, in order."""
    found = []
    for tag, attrs in page.elements:
        if (tag == "figure" and attrs.get("class") == "figure") or (tag == "table" and "id" in attrs):
            found.append((attrs["id"], page.texts[attrs["id"]].strip().split(":")[0]))
    return found


def test_numbering_restarts_in_every_document(site):
    assert labels(parse_page(site / "articles" / "prices" / "index.html")) == [
        ("fig-map", "Figure 1"), ("tbl-rice", "Table 1"), ("fig-chart", "Figure 2"), ("tbl-won", "Table 2")]
    assert labels(parse_page(site / "articles" / "border" / "index.html")) == [
        ("fig-border", "Figure 1"), ("tbl-crossings", "Table 1")]


def test_every_reference_links_to_an_id_on_its_page_with_its_label(site):
    for name in ("prices", "border"):
        page = parse_page(site / "articles" / name / "index.html")
        expected = dict(labels(page))
        html = (site / "articles" / name / "index.html").read_text(encoding="utf-8")
        references = re.findall(r'<a class="crossref" href="#([\w-]+)">([^<]+)</a>', html)
        assert references, name
        assert all(expected.get(target) == text for target, text in references), references
        assert "crossref--unresolved" not in html


def test_references_in_list_items_and_tables_in_a_build(site):
    html = (site / "articles" / "prices" / "index.html").read_text(encoding="utf-8")
    assert '<li>and the second table <a class="crossref" href="#tbl-won">Table 2</a>;</li>' in html
    assert ('<td><a class="crossref" href="#tbl-rice">Table 1</a></td>\n'
            '<td><a class="crossref" href="#fig-chart">Figure 2</a></td>') in html


def test_figure_images_are_copied_and_linked(site):
    assert broken_links(site, "https://example.org/crossrefs/") == []
    assert (site / "assets" / "chart.svg").is_file()


def test_an_unknown_reference_fails_the_build_with_its_position(publication, cli):
    root = publication("crossrefs")
    article = root / "content" / "articles" / "border.md"
    article.write_text(article.read_text(encoding="utf-8") + "\n- crossings: @tbl-crossing\n", encoding="utf-8")
    expected = ("content/articles/border.md:17:14: error: cross-reference '@tbl-crossing' names no table "
                "in this document (did you mean '@tbl-crossings'?)")      # the ids of its kind most like it
    with pytest.raises(BuildFailed) as failed:
        build(root, write=False)
    assert [str(p) for p in failed.value.problems] == [expected]
    result = cli("-C", root, "build", "--no-pdf")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [expected, "1 error; nothing was written"]
    assert not (root / "_site").exists()


def test_a_note_referenced_again_is_a_warning_at_the_second_reference():
    from builder.markdown import create_parser, render_markdown

    result = render_markdown(create_parser(), "Once[^p] and[^q].\n\nTwice[^p].\n\n[^p]: Poetry.\n[^q]: Other.\n",
                             path="content/articles/a.md", line_offset=4)
    assert [str(p) for p in result.problems] == [
        "content/articles/a.md:7:6: warning: note '[^p]' is referenced again: this reference links to the same note, "
        "where pandoc makes a second note of its text; write a note of its own to number it as pandoc does"]
