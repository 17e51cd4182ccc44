"""builder/markdown/code_fences.py: code fences opened only where pandoc opens them."""

import subprocess

import pytest
from bs4 import BeautifulSoup

from builder.csl.pandoc import pandoc_path
from builder.markdown import create_parser, parse_markdown, render_markdown


def render(text: str, line_offset: int = 0):
    return render_markdown(create_parser(), text, path="content/articles/a.md", line_offset=line_offset)


def shape(html: str) -> list[tuple[str, str]]:
    """Each top-level block: its tag (a code block is 'pre') and its text, spaces folded."""
    soup = BeautifulSoup(html, "html.parser")
    return [("pre" if block.name in ("pre", "div") else block.name, " ".join(block.get_text(" ").split()))
            for block in soup.find_all(recursive=False) if block.name]


@pytest.mark.parametrize("info", ["", "r", "c", "{.r}", "{.r #id}", "r {.x}", "{#a}", "{}",
                                  "{r}", "{r echo=F}", "{r, echo=FALSE}", "python extra words", "{math}"])
def test_a_fence_is_code_exactly_where_pandoc_makes_it_code(info):
    text = f"Before.\n\n```{info}\nx = 1\n```\n\nAfter.\n"
    theirs = subprocess.run([pandoc_path(), "-f", "markdown", "-t", "html5"], input=text, capture_output=True,
                            text=True, check=True).stdout
    ours = render(text)
    assert [tag for tag, _ in shape(ours.html)] == [tag for tag, _ in shape(theirs)]
    warned = [p.message for p in ours.problems]
    assert bool(warned) == ("pre" not in [tag for tag, _ in shape(theirs)])


def test_a_fence_pandoc_does_not_read_is_a_warning_at_its_line_and_its_citations_count():
    text = "Intro.\n\n```{figure} map.svg\nThe map, after [@kim2016].\n```\n"
    result = render(text, line_offset=4)
    assert [str(p) for p in result.problems] == [
        "content/articles/a.md:7:1: warning: '```{figure} map.svg' opens no code block: pandoc reads a fence only "
        "with a language, {attributes} or both after it (```r, ``` {.r #id}), and so does Dossier; these lines are text"]
    assert "<pre" not in result.html
    text = "Intro.\n\n```{figure} map.svg\n:label: m\n\nThe map, after [@kim2016].\n"
    parsed = parse_markdown(create_parser(), text)
    assert [c.keys for c in parsed.clusters] == [("kim2016",)]


def test_an_unclosed_fence_is_text_with_a_warning_not_code_to_the_end():
    result = render("Intro.\n\n```\ncode\n\n## Heading\n\nMore [@kim2016].\n", line_offset=4)
    assert [str(p) for p in result.problems] == [
        "content/articles/a.md:7:1: warning: code block '```' is not closed: pandoc reads it and the lines after it "
        "as text, and so does Dossier; add a '```' line after the code"]
    assert "<h2" in result.html and "<pre" not in result.html


def test_a_fence_closes_in_its_own_container_only():
    result = render("> ```\n> code\n\nafter\n```\n")
    assert "<pre" not in result.html and len(result.problems) == 1


def test_raw_html_blocks_are_html_and_other_formats_are_left_out():
    result = render("```{=html}\n<b>bold</b>\n```\n\n```{=latex}\n\\newpage\n```\n\nafter\n")
    assert result.html == "<b>bold</b>\n<p>after</p>\n"
    assert result.problems == ()
