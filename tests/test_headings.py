"""builder/markdown/headings.py: `## Title {#id .class}` and the table of contents."""

from builder.markdown import create_parser, render_markdown
from builder.model import Heading


def render(text: str, line_offset: int = 0):
    return render_markdown(create_parser(), text, path="content/articles/a.md", line_offset=line_offset)


def test_explicit_id_and_class():
    result = render("## Findings {#key-findings .numbered .wide}\n")
    assert result.html == '<h2 id="key-findings" class="numbered wide">Findings</h2>\n'
    assert result.toc == (Heading(2, "key-findings", "Findings"),)
    assert result.problems == ()


def test_class_only_keeps_the_generated_id():
    assert render("## The markets {.aside}\n").html == '<h2 class="aside" id="the-markets">The markets</h2>\n'


def test_setext_heading_with_attributes():
    assert render("Findings {#f}\n--------\n").html == '<h2 id="f">Findings</h2>\n'


def test_generated_ids_are_unicode_slugs_and_unique():
    result = render("## 김정은 위원장\n\n## Findings\n\n## Findings\n\n## Other {#findings-1}\n")
    assert [h.anchor for h in result.toc] == ["김정은-위원장", "findings", "findings-2", "findings-1"]


def test_a_heading_without_letters_gets_a_non_empty_id():
    result = render("## ???\n\n## ...\n")
    assert result.html == '<h2 id="section">???</h2>\n<h2 id="section-1">…</h2>\n'


def test_toc_has_levels_two_and_three_with_plain_text():
    result = render("# Title\n\n## Why `loyalty` *matters*\n\n### Evidence\n\n#### Detail\n")
    assert result.toc == (Heading(2, "why-loyalty-matters", "Why loyalty matters"),
                          Heading(3, "evidence", "Evidence"))


def test_braces_in_the_middle_of_a_heading_stay_text():
    assert render("## Sets {a} and b\n").html == '<h2 id="sets-a-and-b">Sets {a} and b</h2>\n'


def test_bad_heading_attributes_name_line_and_column():
    result = render("Intro.\n\n## Findings {#f .a !bad}\n", line_offset=9)
    assert [str(p) for p in result.problems] == [
        "content/articles/a.md:12:20: error: bad heading attributes: cannot read attribute '!bad'"]


def test_a_heading_never_takes_an_id_the_page_or_the_body_uses():
    # "## Main" would give a second id="main" (the page's <main>); "References" is free, but
    # "Ref Kim2016" would be a bibliography entry's id and "Ev Ningbo" an evidence box's.
    result = render("## Main\n\n## Search\n\n## Ref Kim2016\n\n## Ev Ningbo\n\n## Fn1\n\n## References\n\n## Main 1\n")
    assert [h.anchor for h in result.toc] == ["main-1", "search-1", "ref-kim2016-1", "ev-ningbo-1", "fn1-1",
                                              "references", "main-1-1"]


def test_the_default_theme_ids_a_heading_must_not_take_are_all_reserved():
    import re

    from builder.markdown import _TAKEN_PREFIX
    from builder.markdown.ids import PAGE_IDS as _TAKEN_IDS
    from helpers import REPOSITORY

    used = set()
    for template in (REPOSITORY / "themes" / "default" / "templates").rglob("*.html"):
        used |= set(re.findall(r'\bid="([a-z][a-z-]*)"', template.read_text(encoding="utf-8")))
    assert {i for i in used if not _TAKEN_PREFIX.match(i)} <= _TAKEN_IDS
