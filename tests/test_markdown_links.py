"""builder/markdown/links.py: every link and image goes through the resolver, errors at the target."""

from urllib.parse import unquote

from builder.markdown import create_parser, render_markdown


def refuse_bad(target: str):
    """A resolver that refuses targets containing 'bad' and upper-cases the rest."""
    if "bad" in unquote(target):
        return None, f"refused '{target}'"
    return target.upper(), None


def render(text: str):
    return render_markdown(create_parser(), text, path="content/articles/a.md", line_offset=4,
                           resolve_link=refuse_bad)


def test_links_and_images_are_rewritten():
    result = render("[a](x.md) ![b](img/y.png)\n")
    assert result.html == '<p><a href="X.MD">a</a> <img src="IMG/Y.PNG" alt="b" /></p>\n'
    assert result.problems == ()


def test_bare_urls_are_left_alone():
    assert 'href="https://example.org/bad"' in render("See https://example.org/bad now.\n").html


def test_refused_targets_are_emptied_and_reported_where_written():
    result = render("First line.\nSee [one](bad.md) and [two](bad.md),\nthen ![img](../bad.png).\n")
    assert [str(p) for p in result.problems] == [
        "content/articles/a.md:6:11: error: refused 'bad.md'",
        "content/articles/a.md:6:29: error: refused 'bad.md'",
        "content/articles/a.md:7:13: error: refused '../bad.png'",
    ]
    assert 'href="bad.md"' not in result.html and 'src="../bad.png"' not in result.html


def test_percent_encoded_targets_are_found_as_written():
    result = render("Text [k](<bad 북한.md>) here.\n")
    assert [str(p) for p in result.problems] == [
        "content/articles/a.md:5:11: error: refused 'bad%20%EB%B6%81%ED%95%9C.md'"]


def test_reference_links_report_the_definition_line():
    result = render("See [the report][r].\n\n[r]: bad-report.md\n")
    assert [str(p) for p in result.problems] == ["content/articles/a.md:7:6: error: refused 'bad-report.md'"]


def test_links_inside_footnotes_tables_and_divs_are_checked():
    result = render("Claim.[^1]\n\n| a |\n|---|\n| [t](bad-t.md) |\n\n::: note\n[d](bad-d.md)\n:::\n\n"
                    "[^1]: See [f](bad-f.md).\n")
    assert [str(p) for p in result.problems] == [
        "content/articles/a.md:9:7: error: refused 'bad-t.md'",
        "content/articles/a.md:12:5: error: refused 'bad-d.md'",
        "content/articles/a.md:15:15: error: refused 'bad-f.md'",
    ]


def test_an_image_without_a_description_is_a_warning_where_written():
    """Readers who cannot see an image get its description; the tagged PDF's figure its alternative text."""
    result = render("Text.\n\n- a ![](a.png) and ![ok](b.png) and\n  ![ ](c.png)\n\n![Map of the border](d.png)\n")
    assert [str(p) for p in result.problems] == [
        "content/articles/a.md:7:5: warning: image without a description: say what it shows between the "
        "brackets, ![what it shows](...), for readers who cannot see it",
        "content/articles/a.md:8:3: warning: image without a description: say what it shows between the "
        "brackets, ![what it shows](...), for readers who cannot see it",
    ]
