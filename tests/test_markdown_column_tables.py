"""builder/markdown/column_tables.py: pandoc's simple and multiline tables, compared with what pandoc makes of them."""

import os
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from builder.csl.pandoc import CiteprocError, pandoc_path
from builder.markdown import create_parser, parse_markdown, render_markdown
from builder.markdown.column_tables import column_tables_plugin
from helpers import time_limit

# The shared corpus sits in shared/ beside the repository (on CI too); DOSSIER_CORPUS overrides.
CORPUS = Path(os.environ.get("DOSSIER_CORPUS") or Path(__file__).resolve().parents[2] / "shared" / "corpus")


def _parser():
    """Dossier's parser, with the plugin added where create_parser does not add it yet."""
    md = create_parser()
    if "column_table" not in md.block.ruler.get_all_rules():
        md.use(column_tables_plugin)
    return md


def _pandoc() -> str | None:
    try:
        return pandoc_path()
    except CiteprocError:
        return None


PARSER = _parser()
PANDOC = _pandoc()
needs_pandoc = pytest.mark.skipif(PANDOC is None, reason="pandoc is not installed (pypandoc-binary ships it)")

MANUAL_MULTILINE = """\
-------------------------------------------------------------
 Centered   Default           Right Left
  Header    Aligned         Aligned Aligned
----------- ------- --------------- -------------------------
   First    row                12.0 Example of a row that
                                    spans multiple lines.

  Second    row                 5.0 Here's another one. Note
                                    the blank line between
                                    rows.
-------------------------------------------------------------

Table: Here's the caption. It, too, may span
multiple lines.
"""
MANUAL_COLUMNS = MANUAL_MULTILINE.split("\n")[3]
MANUAL_ROWS = [MANUAL_COLUMNS] + MANUAL_MULTILINE.split("\n")[4:10]     # the rows under the columns' dashed line

SAMPLES = {
    "simple: the manual's, four alignments, a caption": """\
  Right     Left     Center     Default
-------     ------ ----------   -------
     12     12        12            12
    123     123       123          123
      1     1          1             1

Table:  Demonstration of simple table syntax.
""",
    "simple without a header: aligned by the first row, closed by dashes": """\
-------     ------ ----------   -------
     12     12        12             12
    123     123       123           123
-------     ------ ----------   -------
""",
    "simple: closed by a dashed line, a paragraph right after": "a   b\n--- ---\n1   2\n--- ---\nnext para\n",
    "simple: text past a column's dashes stays in it up to the next column":
        "Name        Value\n----- -----\nlongname    v\nab cd ef gh\n",
    "simple: text running into the next column is cut there": "a  b\n-- --\n1234567 x\n",
    "simple: one column, its dashes off the margin": "  Title\n  -----\n  row\n",
    "simple: an empty header cell": "h\n-- --\nx y\n",
    "simple: wide characters take two columns": "中文 b\n---- --\n中文 y\n中文字x\n",
    "simple: tabs stop every four columns": "a\tb\n--- ---\n1\t2\n",
    "simple: an indented header, rows indented past the dashes": "    a   b\n   --- ---\n       1   2\n",
    "simple: right after an ATX heading": "# H\na   b\n--- ---\n1   2\n",
    "simple: right after a fenced code block": "```\ncode\n```\na  b\n-- --\n1  2\n",
    "simple: '> ' and '1. ' on a header line are its text": "> a   b\n--- ---\n1 2\n\n1. a   b\n---- ---\n1 2\n",
    "simple: '#a' is no heading": "#a   b\n--- ---\nx   y\n",
    "simple: in a block quote, a list item and a fenced div":
        "> q\n>\n> a  b\n> -- --\n> 1  2\n\n- item\n\n  a  b\n  -- --\n  1  2\n\n::: note\na  b\n-- --\n1  2\n:::\n",
    "simple: inline Markdown in cells, emphasis cut by a column": "a   b\n--- ---\n`x` **y**\n*x   y*\n",
    "headerless: one column between '---' lines that are no YAML metadata":
        "para\n\n---\ntext\nmore text\n---\n\nafter\n",
    "headerless: spaced dashes are columns, not a rule": "para\n\n- - -\nx y z\n- - -\n",
    "headerless: a YAML list is no metadata": "p\n\n---\n- a\n- b\n---\n\nq\n",
    "two tables, the second right after the first": "a  b\n-- --\n1  2\n\n-- --\n3  4\n-- --\n",
    "multiline: the manual's, with a caption": MANUAL_MULTILINE,
    "multiline without a header": "\n".join(MANUAL_ROWS + [MANUAL_COLUMNS, "", ": Without a header.", ""]),
    "multiline: cells of several lines": "--------------------\nh1       h2\n-------- -----------\n"
                                         "first    x\n         y\n         z\n\nsecond   w\n--------------------\n",
    "multiline: a header of several lines, the shortest aligning":
        "----------------\n        h2\n        h2b\nh1      h2c\n------- --------\nx       c\n----------------\n",
    "multiline: a row's line ending in a backslash": "--------------------\nh1       h2\n-------- -----------\n"
                                                    "first\\    x\nline\\    y\n--------------------\n",
    "multiline: a cell whose first line is blank": "----------------\nh1      h2\n------- --------\n"
                                                  "        a\nx       b\n----------------\n",
    "multiline: its top line may be '---' when what follows is no YAML": "---\nh1  h2\n--- ---\nx   y\n---\n",
    "multiline without a header, read after the simple table fails": "-------- --------\nfirst    x\n         y\n\n"
                                                                      "third    z\n-------- --------\n",
    "a blank line under the columns' dashes: a one-column table above a heading":
        "-----------\nh1   h2\n---- ------\n\nx    y\n-----------\n",
    "no table: no rows": "a   b\n--- ---\n\n",
    "no table: a setext heading": "Title\n-----\nrow\n",
    "no table: dashes indented four spaces": "a   b\n    --- ---\n1   2\n",
    "no table: a table never interrupts a paragraph": "text\na   b\n--- ---\n1   2\n",
    "no table: an ATX heading is no header line": "# a   b\n--- ---\nx   y\n",
    "no table: a caption line takes the lines up to a blank one": "Table: cap\n  --- ---\nx   y\n",
    "no table: a heading whose text is a line of dashes": "-----\n---\ntext\n-----\n",
    "no table: the lines after a setext heading of two lines": "a\nb\n-----\n- - -\nTitle\n- - -\n",
    "no table: a bullet item": "- a\n- b\n\n---\n",
    "no table: a rule after a blank line": "para\n\n---\n\nmore\n",
}


def render(text: str, line_offset: int = 0):
    return render_markdown(PARSER, text, path="content/articles/a.md", line_offset=line_offset)


def structure(html: str) -> list:
    """Each table, wherever it is: whether it has a head, and each row's cells as tag, alignment, text."""
    tables = []
    for table in BeautifulSoup(html, "html.parser").find_all("table"):
        rows = [[(cell.name, (cell.get("style") or "").replace(" ", "").rstrip(";"),
                  " ".join(cell.get_text(" ").split())) for cell in row.find_all(["th", "td"], recursive=False)]
                for row in table.find_all("tr")]
        tables.append((table.find("thead") is not None, rows))
    return tables


def pandoc_html(text: str) -> str:
    return subprocess.run([PANDOC, "-f", "markdown", "-t", "html5"], input=text, capture_output=True, text=True,
                          check=True).stdout


@needs_pandoc
@pytest.mark.parametrize("name", list(SAMPLES))
def test_the_table_is_what_pandoc_makes_of_it(name):
    ours = render(SAMPLES[name])
    assert ours.problems == ()
    assert structure(ours.html) == structure(pandoc_html(SAMPLES[name]))
    assert bool(structure(ours.html)) == (not name.startswith("no table"))


def test_alignments_and_cells_as_markdown_it_writes_a_pipe_table():
    html = render(SAMPLES["simple: the manual's, four alignments, a caption"]).html
    assert '<th style="text-align:right">Right</th>\n<th style="text-align:left">Left</th>\n' \
           '<th style="text-align:center">Center</th>\n<th>Default</th>' in html
    assert "<thead>" not in render(SAMPLES["simple without a header: aligned by the first row, closed by dashes"]).html


def test_the_tokens_are_a_pipe_tables_with_every_line_mapped():
    pipe = PARSER.parse("| a | b |\n|:--|--:|\n| 1 | 2 |\n")
    ours = PARSER.parse("a       b\n---- ----\n1       2\n")
    assert [(t.type, t.tag, t.attrs, t.content) for t in ours] == [(t.type, t.tag, t.attrs, t.content) for t in pipe]
    assert [t.map for t in ours if t.type != "citations_shown"] == [
        [0, 3], [0, 1], [0, 1], [0, 1], [0, 1], [0, 1], [0, 1], [0, 1], [0, 1], [0, 1], [0, 1],
        [2, 3], [2, 3], [2, 3], [2, 3], [2, 3], [2, 3], [2, 3], [2, 3], [2, 3], [2, 3], [0, 3]]


def test_a_multiline_cell_is_its_lines_joined_as_a_paragraphs():
    tokens = PARSER.parse(SAMPLES["multiline: cells of several lines"])
    cells = [(t.map, t.content) for t in tokens if t.type == "inline"]
    assert cells == [([1, 2], "h1"), ([1, 2], "h2"), ([3, 4], "first"), ([3, 6], "x\ny\nz"), ([7, 8], "second"),
                     ([7, 8], "w")]
    html = render(SAMPLES["multiline: a row's line ending in a backslash"]).html
    assert '<td style="text-align:left">first<br />\nline<br />\n</td>' in html     # pandoc's breaks, the last one too


def test_citations_in_cells_are_found_at_their_place():
    text = ("Intro.\n\n-------------------------\nWho    Said\n------ ------------------\n"
            "Kim    as [@kim2016, p. 3]\n       and @lee2020\n-------------------------\n")
    parsed = parse_markdown(PARSER, text, path="content/articles/a.md", line_offset=10)
    assert [(c.keys, c.key_lines, c.key_cols) for c in parsed.clusters] == [(("kim2016",), (5,), (11,)),
                                                                           (("lee2020",), (6,), (11,))]


def test_a_caption_after_the_table_numbers_it_for_cross_references():
    text = MANUAL_MULTILINE.replace("multiple lines.\n", "multiple lines. {#tbl:demo}\n") + "\nSee @tbl:demo.\n"
    result = render(text)
    assert result.problems == ()
    assert '<table id="tbl:demo">\n<caption><span class="caption-label">Table 1:</span>' in result.html
    assert '<a class="crossref" href="#tbl:demo">Table 1</a>' in result.html
    assert '<table id="tbl-x">' in render("a  b\n-- --\n1  2\n\n: Two {#tbl-x}\n").html


def test_commonmark_rules_headings_and_lists_stay_what_they_were():
    assert render("para\n\n---\n\nmore\n").html == "<p>para</p>\n<hr />\n<p>more</p>\n"
    assert render("Title\n-----\n").html.startswith("<h2")
    assert render("- - -\n").html == "<hr />\n"
    assert render("- a\n- b\n").html == "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"
    assert render("* * *\n\n___\n").html == "<hr />\n<hr />\n"
    assert "<table" not in render("```\na   b\n--- ---\n1   2\n```\n").html
    assert "<table" not in render("    a   b\n    --- ---\n    1   2\n").html
    assert "<thead>" in render("| a | b |\n|---|---|\n| 1 | 2 |\n").html


@needs_pandoc
def test_a_header_with_no_text_in_its_columns_is_none_as_in_pandoc():
    text = "---\n   ----\n中文 b\n---\n"
    result = render(text)
    assert structure(result.html) == structure(pandoc_html(text)) == [(False, [[("td", "", "b")]])]
    assert [str(p) for p in result.problems] == [
        "content/articles/a.md:1:1: error: text left of the table's first column is dropped, as pandoc drops it: "
        "'---'; start it under the column's dashes",
        "content/articles/a.md:3:1: error: text left of the table's first column is dropped, as pandoc drops it: "
        "'中文'; start it under the column's dashes"]


def test_text_left_of_the_first_column_is_dropped_with_an_error():
    result = render("Intro.\n\nTitle\n  -----\n  row\n", line_offset=4)
    assert '<th style="text-align:left">tle</th>' in result.html
    assert [str(p) for p in result.problems] == [
        "content/articles/a.md:7:1: error: text left of the table's first column is dropped, as pandoc drops it: "
        "'Ti'; start it under the column's dashes"]


def test_text_after_an_empty_line_of_a_multiline_cell_is_dropped_with_an_error():
    text = ("--------------------\nh1       h2\n-------- -----------\nfirst    x\n         y\nthird    z\n\n"
            "second   w\n--------------------\n")
    result = render(text, line_offset=2)
    assert '<td style="text-align:left">first</td>' in result.html
    assert [str(p) for p in result.problems] == [
        "content/articles/a.md:8:1: error: an empty line in a cell of a multiline table ends its text, and pandoc "
        "drops the rest: 'third'; write the cell without empty lines, or as a grid table for a cell of paragraphs"]


def test_yaml_metadata_where_a_table_could_be_is_an_error():
    result = render("Intro.\n\n---\ntitle: x\n---\n", line_offset=3)
    assert "<table" not in result.html
    assert [str(p) for p in result.problems] == [
        "content/articles/a.md:6:1: error: pandoc reads '---' and the lines after it up to '---' or '...' as a "
        "YAML metadata block, not a table, and fails on one that is no YAML; Dossier reads metadata only at the "
        "top of a document: put a blank line after '---' for a rule, or write a table's dashed lines with four "
        "dashes or more"]
    assert len(render("Intro.\n\n---\n- - -\nwide x\n---\n").problems) == 1      # no YAML: pandoc fails


def test_a_table_under_a_list_items_first_line_not_indented_is_an_error():
    result = render("- a   b\n--- ---\n1   2\n", line_offset=1)
    assert [str(p) for p in result.problems] == [
        "content/articles/a.md:3:1: error: pandoc reads these lines as a table in the list item above, its "
        "dashed line under the item's text: indent the table to the item's text, or put a blank line before it "
        "to end the list"]
    assert render("- a   b\n  --- ---\n  1   2\n").problems == ()


def test_long_tables_and_documents_of_dashes_parse_in_linear_time():
    texts = ["a  b\n-- --\n" + "1  2\n" * 20000, "-- --\nx\n" * 20000, "----- -----\n" * 20000,
             "-------\nh  h\n-- --\n" + "x  y\n\n" * 10000 + "-------\n", "- a  b\n-- --\n" * 5000]
    with time_limit(30, "parsing"):
        for text in texts:
            PARSER.parse(text)


def _corpus_body(name: str) -> str:
    path = CORPUS / "docs" / name / "manuscript.md"
    if not path.exists():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    return path.read_text(encoding="utf-8").split("\n---\n", 1)[1]      # after the front matter


@pytest.mark.parametrize("name, shapes", [
    ("heiss-why-donors-donate", [(77, 5), (7, 5), (11, 4)]),
    ("heiss-ngo-crackdowns", [(18, 4), (14, 6), (14, 6)]),
])
def test_the_corpus_multiline_tables_are_tables(name, shapes):
    body = _corpus_body(name)
    result = render(body)
    tables = structure(result.html)
    assert [(len(rows), len(rows[0])) for _, rows in tables] == shapes
    assert all(head and all(len(row) == len(rows[0]) for row in rows) for head, rows in tables)
    assert not [p for p in result.problems if "table" in p.message]
    if PANDOC is not None:
        theirs = structure(pandoc_html(body))
        assert [(head, [[(tag, align) for tag, align, _ in row] for row in rows]) for head, rows in tables] == \
               [(head, [[(tag, align) for tag, align, _ in row] for row in rows]) for head, rows in theirs]
