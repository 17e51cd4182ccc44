"""builder/markdown/fenced_divs.py: `::: {...}` blocks, nestable, with positioned errors."""

from builder.markdown import create_parser, render_markdown


def render(text: str, line_offset: int = 0):
    return render_markdown(create_parser(), text, path="content/articles/a.md", line_offset=line_offset)


def test_attributes_become_id_class_and_data_attributes():
    result = render('::: {.note #editors-note source=kim2016 locator="p. 3"}\nFull **Markdown**.\n:::\n')
    assert result.html == ('<div id="editors-note" class="note" data-source="kim2016" data-locator="p. 3">\n'
                           "<p>Full <strong>Markdown</strong>.</p>\n</div>\n")
    assert result.problems == ()


def test_data_prefix_is_not_doubled():
    assert '<div data-kind="x">' in render("::: {data-kind=x}\ntext\n:::\n").html


def test_a_bare_word_is_a_class():
    assert render("::: warning\nCareful.\n:::\n").html == '<div class="warning">\n<p>Careful.</p>\n</div>\n'


def test_closing_colons_after_the_attributes_are_allowed():
    assert render("::: {.a} :::\nx\n:::\n").html == '<div class="a">\n<p>x</p>\n</div>\n'


def test_divs_nest_with_any_number_of_colons():
    html = render("::::: outer\n::: {.inner #in}\nDeep.\n:::\nBetween.\n:::::\nAfter.\n").html
    assert html == ('<div class="outer">\n<div id="in" class="inner">\n<p>Deep.</p>\n</div>\n'
                    "<p>Between.</p>\n</div>\n<p>After.</p>\n")


def test_colons_inside_a_code_block_do_not_close_the_div():
    html = render("::: note\n```\n:::\n```\nafter code\n:::\n").html
    assert html.startswith('<div class="note">\n<pre class="highlight"><code>:::\n</code></pre>')
    assert html.endswith("<p>after code</p>\n</div>\n")


def test_divs_inside_lists_and_quotes():
    assert render("> ::: note\n> quoted\n> :::\n").html == (
        '<blockquote>\n<div class="note">\n<p>quoted</p>\n</div>\n</blockquote>\n')
    assert '<li>\n<div class="note">\n<p>listed</p>\n</div>\n</li>' in render("- ::: note\n  listed\n  :::\n").html


def test_three_colons_without_attributes_are_text():
    assert render(":::\nnot a div\n").html == "<p>:::\nnot a div</p>\n"


def test_indented_four_spaces_is_code_not_a_div():
    assert render("    ::: note\n").html.startswith("<pre")


def test_unclosed_fence_is_reported_at_its_opening_line():
    result = render("Intro.\n\n::: {.note}\nNever closed.\n", line_offset=7)
    assert [str(p) for p in result.problems] == [
        "content/articles/a.md:10:1: error: fenced div ':::' is not closed: add a ':::' line after its content"]
    assert result.html.endswith('<div class="note">\n<p>Never closed.</p>\n</div>\n')


def test_unclosed_outer_fence_around_a_closed_inner_one():
    result = render("::: outer\n::: inner\ntext\n:::\n")
    assert [str(p) for p in result.problems] == [
        "content/articles/a.md:1:1: error: fenced div ':::' is not closed: add a ':::' line after its content"]


def test_unclosed_attribute_brace_points_at_the_brace():
    result = render("text\n\n::: {.note #x\nbody\n:::\n")
    assert [str(p) for p in result.problems] == [
        "content/articles/a.md:3:5: error: attribute block is not closed: add '}'"]


def test_bad_attribute_is_reported_at_its_column():
    result = render("::: {.note !bang}\nbody\n:::\n")
    assert [str(p) for p in result.problems] == [
        "content/articles/a.md:1:12: error: bad div attributes: cannot read attribute '!bang'"]
    assert result.html == "<div>\n<p>body</p>\n</div>\n"


def test_unterminated_quote_reports_the_value():
    # pandoc reads `"unterminated` as the value (the quote opens nothing); Dossier reports it
    result = render('::: {.note source="unterminated}\nbody\n:::\n')
    assert [str(p) for p in result.problems] == [
        "content/articles/a.md:1:12: error: bad div attributes: unterminated quoted attribute value"]


def test_an_unterminated_quote_that_swallows_the_brace_reports_both():
    result = render('::: {.note source="two words}\nbody\n:::\n')
    assert [str(p) for p in result.problems] == [
        "content/articles/a.md:1:5: error: attribute block is not closed: add '}'",
        "content/articles/a.md:1:12: error: bad div attributes: unterminated quoted attribute value"]


def test_attributes_read_as_pandoc_reads_them():
    # pandoc: Div ( "b" , [ "a" , "unnumbered" ] , [ ( "key" , "50%" ) , ( "src" , "x/y.png" ) ] )
    result = render("::: {.a #b key=50% src=x/y.png -}\nx\n:::\n")
    assert result.html == '<div id="b" class="a unnumbered" data-key="50%" data-src="x/y.png">\n<p>x</p>\n</div>\n'
    assert result.problems == ()


def test_a_bare_word_is_the_class_whatever_it_holds():
    # pandoc: Div ( "" , [ "1st" ] , [] ): any one word after the colons
    assert render("::: 1st\nx\n:::\n").html == '<div class="1st">\n<p>x</p>\n</div>\n'


def test_braces_in_a_quoted_value():
    result = render('::: {.note title="a } b"}\nx\n:::\n')
    assert result.html.startswith('<div class="note" data-title="a } b">')
    assert result.problems == ()


def test_one_word_in_braces_that_is_no_attribute_is_pandocs_class_with_a_warning():
    result = render("::: {glossary}\nterm\n:::\n", line_offset=3)
    assert result.html == '<div class="{glossary}">\n<p>term</p>\n</div>\n'
    assert [str(p) for p in result.problems] == [
        "content/articles/a.md:4:5: warning: '::: {glossary}' is read as pandoc reads it, a div of class "
        "'{glossary}', braces included; write '::: {.glossary}' for the class 'glossary'"]


def test_braces_with_words_that_are_no_attributes_stay_an_error():
    result = render("::: {.a glossary #x}\nb\n:::\n")
    assert [p.message for p in result.problems] == ["bad div attributes: cannot read attribute 'glossary'"]


def test_an_attribute_given_twice_is_an_error_at_the_second():
    """pandoc 3.9 keeps both in its AST; its HTML writer (and a filter's lookup) the first, warning
    'Ignoring duplicate attribute grade="F6"'. Which one was meant is unknown: an error."""
    result = render("::: {.evidence source=kim2016 grade=B3 grade=F6}\nQuote.\n:::\n")
    assert "content/articles/a.md:1:40: error: attribute 'grade' is given twice: pandoc keeps the first, grade=B3, " \
           "and ignores this one; remove one of them" in [str(p) for p in result.problems]
    result = render("::: {.note lang=ko lang=en}\nx\n:::\n")
    assert [str(p) for p in result.problems] == [
        "content/articles/a.md:1:20: error: attribute 'lang' is given twice: pandoc keeps the first, lang=ko, "
        "and ignores this one; remove one of them"]
