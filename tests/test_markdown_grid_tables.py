"""builder/markdown/grid_tables.py: pandoc's grid tables, compared with what pandoc makes of them."""

import subprocess

import pytest
from bs4 import BeautifulSoup

from builder.csl.pandoc import pandoc_path
from builder.markdown import create_parser, parse_markdown, render_markdown

SAMPLES = {
    "head, body, line break, list and paragraphs in cells, a column span": """\
+---------------+--------+-------+
| Fruit         | Price  | N     |
+===============+========+=======+
| Bananas \\     | $1.34  | 3     |
| ripe          |        |       |
+---------------+--------+-------+
| - a           | spans two      |
| - b           | columns        |
+---------------+--------+-------+
| one *para*    | x      | y     |
|               |        |       |
| two para      |        |       |
+---------------+--------+-------+
""",
    "alignment on the head line, a foot": """\
+-------+-------+--------+
| Left  | Right | Centre |
+:======+======:+:======:+
| a     | b     | c      |
+=======+=======+========+
| foot  | f     | g      |
+=======+=======+========+
""",
    "no head, alignment on the top line, a row span": """\
+:-----+------:+
| tall | one   |
| cell +-------+
|      | two   |
+------+-------+
""",
    "Korean: two columns a syllable": """\
+------+-----+
| 한국 | b   |
+======+=====+
| 북한 | 2   |
+------+-----+
""",
    "all head: one = line, the last": """\
+---+---+
| a | b |
+---+---+
| c | d |
+===+===+
""",
    "head and foot around an empty body": """\
+---+---+
| h | i |
+===+===+
| a | b |
+===+===+
""",
}


def render(text: str, line_offset: int = 0):
    return render_markdown(create_parser(), text, path="content/articles/a.md", line_offset=line_offset)


def structure(html: str) -> list:
    """Each table as its sections, rows and cells: tag, text, spans; alignment where pandoc and
    markdown-it agree to write one."""
    tables = []
    for table in BeautifulSoup(html, "html.parser").find_all("table"):
        sections = []
        for section in table.find_all(["thead", "tbody", "tfoot"], recursive=False):
            rows = [[(cell.name, " ".join(cell.get_text(" ").split()), cell.get("colspan", "1"), cell.get("rowspan", "1"),
                      [child.name for child in cell.find_all(recursive=False)])
                     for cell in row.find_all(["th", "td"], recursive=False)]
                    for row in section.find_all("tr", recursive=False)]
            if rows or section.name != "tbody":
                sections.append((section.name, rows))
        tables.append(sections)
    return tables


@pytest.mark.parametrize("name", list(SAMPLES))
def test_the_table_is_what_pandoc_makes_of_it(name):
    ours = render(SAMPLES[name])
    assert ours.problems == ()
    theirs = subprocess.run([pandoc_path(), "-f", "markdown", "-t", "html5"], input=SAMPLES[name],
                            capture_output=True, text=True, check=True).stdout
    assert structure(ours.html) == structure(theirs) and structure(theirs)


def test_alignment_comes_from_the_head_line_or_the_top_line():
    html = render(SAMPLES["alignment on the head line, a foot"]).html
    assert '<th style="text-align:left">Left</th>' in html and '<th style="text-align:right">Right</th>' in html
    assert '<td style="text-align:center">g</td>' in html
    assert '<td style="text-align:left" rowspan="2">tall\ncell</td>' in render(SAMPLES["no head, alignment on the top line, a row span"]).html


def test_a_cell_of_one_paragraph_shows_its_text_and_several_keep_their_paragraphs():
    html = render(SAMPLES["head, body, line break, list and paragraphs in cells, a column span"]).html
    assert "<td>Bananas <br />\nripe</td>" in html      # a hard break, as in any paragraph
    assert "<td>\n<p>one <em>para</em></p>\n<p>two para</p>\n</td>" in html


def test_citations_in_cells_are_read_at_their_place():
    text = "Intro.\n\n+------+--------------------+\n| Kim  | as [@kim2016, p. 3] |\n+------+--------------------+\n"
    text = text.replace("+------+--------------------+", "+------+---------------------+")
    parsed = parse_markdown(create_parser(), text, path="content/articles/a.md", line_offset=10)
    assert [(c.keys, c.key_lines, c.key_cols) for c in parsed.clusters] == [(("kim2016",), (3,), (13,))]


def test_a_drawing_out_of_line_is_an_error_at_the_line_and_stays_text():
    result = render("Before.\n\n+---+---+\n| a | b |\n| c  | d |\n+---+---+\n", line_offset=2)
    assert [str(p) for p in result.problems] == [
        "content/articles/a.md:7:1: error: grid table cannot be read: its right border is not in line with the first "
        "line's; every row and column must be drawn with '|' and '+' in line with the borders"]
    assert "<table" not in result.html and "| c  | d |" in result.html


def test_a_cell_not_closed_is_an_error():
    result = render("+---+---+\n| a | b |\n+---+   +\n| c   d |\n+---+---+\n")
    assert [p.message.split(";")[0] for p in result.problems] == ["grid table cannot be read: a cell is not closed"] or \
        result.problems[0].message.startswith("grid table cannot be read")


def test_a_table_without_its_last_border_is_an_error():
    result = render("+---+---+\n| a | b |\n\nafter\n", line_offset=4)
    assert [str(p) for p in result.problems] == [
        "content/articles/a.md:5:1: error: grid table is not closed: its last line must be a +---+ border like its first"]


def test_an_indented_drawing_is_no_table_as_in_pandoc():
    assert "<table" not in render("  +---+\n  | x |\n  +---+\n").html


def test_tables_nested_in_cells_stop_at_the_nesting_limit():
    inner = "+---+\n| x |\n+---+"
    for _ in range(30):
        lines = inner.split("\n")
        width = len(lines[0]) + 2
        inner = "\n".join(["+" + "-" * width + "+"] + [f"| {line} |" for line in lines] + ["+" + "-" * width + "+"])
    result = render(inner + "\n")
    assert result.html.count("<table") >= 10
    assert [p.message for p in result.problems] == [
        "blocks nested more than 50 levels deep: what is deeper is shown as plain text"]


def test_the_padding_of_double_width_characters_is_docutils_own():
    """docutils is loaded for the first grid table only; the padding the cells are read without is its."""
    from docutils.parsers.rst.tableparser import GridTableParser

    from builder.markdown import grid_tables

    assert grid_tables._PAD == GridTableParser.double_width_pad_char
