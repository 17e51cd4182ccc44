"""pandoc-crossref's spelling of cross-references, read as Quarto's: `{#fig:id}`, `{#tbl:id}`,
`@fig:id`, `[@fig:id]`, and `@sec:id` for a heading `{#sec:id}` (builder/markdown/crossrefs.py).
Documents written for pandoc-crossref build instead of failing on 'unknown citation key'."""

from builder.markdown import create_parser, render_markdown

SOURCE = """# Intro {#sec:intro}

See @fig:a and [@fig:a], also @tbl:t and @sec:intro, and cite [@kim2016].

![A caption](x.png){#fig:a}

| a | b |
|---|---|
| 1 | 2 |

: Table cap {#tbl:t}
"""


def render(text: str):
    return render_markdown(create_parser(), text, path="content/articles/a.md", line_offset=4)


def test_figures_tables_and_sections_are_numbered_and_linked():
    result = render(SOURCE)
    assert result.problems == ()
    assert ('See <a class="crossref" href="#fig:a">Figure 1</a> and <a class="crossref" href="#fig:a">Figure 1</a>, '
            'also <a class="crossref" href="#tbl:t">Table 1</a> and <a class="crossref" href="#sec:intro">Intro</a>'
            in result.html)
    assert '<figure class="figure" id="fig:a">' in result.html
    assert '<span class="caption-label">Figure 1:</span> A caption' in result.html
    assert '<table id="tbl:t">' in result.html and '<span class="caption-label">Table 1:</span> Table cap' in result.html


def test_they_are_not_citations():
    from builder.markdown import parse_markdown

    parsed = parse_markdown(create_parser(), SOURCE)
    assert [cluster.keys for cluster in parsed.clusters] == [("kim2016",)]


def test_a_reference_to_nothing_is_an_error_at_its_place():
    result = render("Missing @fig:nope and [@sec:gone].\n")
    assert [str(p) for p in result.problems] == [
        "content/articles/a.md:5:9: error: cross-reference '@fig:nope' names no figure in this document",
        "content/articles/a.md:5:24: error: cross-reference '@sec:gone' names no section in this document"]


def test_a_grid_tables_caption_numbers_it_and_references_reach_it():
    grid = ("See @tbl:g.\n\n+-----+-----+\n| a   | b   |\n+=====+=====+\n| 1   | 2   |\n+-----+-----+\n\n"
            "Table: Cap {#tbl:g}\n")
    result = render(grid)
    assert result.problems == ()
    assert 'See <a class="crossref" href="#tbl:g">Table 1</a>' in result.html
    assert '<table id="tbl:g">' in result.html and '<span class="caption-label">Table 1:</span> Cap' in result.html
