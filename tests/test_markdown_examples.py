"""builder/markdown/examples.py: pandoc's example lists, `(@)` and `(@label)`, and `@label` references.

Every document here is also rendered by pandoc (`pandoc -f markdown -t html`), and the two HTMLs
must agree once white space and the attributes only pandoc writes (`data-cites`, `type="1"` on
other lists) are set aside.
"""

import re
import subprocess

import pytest

from builder.csl.pandoc import pandoc_path
from builder.markdown import create_parser, parse_markdown, render_markdown


def render(text: str):
    return render_markdown(create_parser(), text, path="content/articles/a.md", line_offset=4)


def pandoc_html(text: str) -> str:
    return subprocess.run([pandoc_path(), "-f", "markdown", "-t", "html"], input=text, capture_output=True,
                          text=True, encoding="utf-8", check=True).stdout


def comparable(html: str) -> str:
    html = re.sub(r'\s+data-cites="[^"]*"', "", html)
    html = re.sub(r'<ol type="1">', "<ol>", html)
    html = re.sub(r"\s+", " ", html)
    return re.sub(r"\s*(<[^>]+>)\s*", r"\1", html).strip()


DOCUMENTS = {
    "numbered-across-lists": """\
(@)  My first example will be numbered (1).
(@)  My second example will be numbered (2).

Explanation of examples.

(@good)  This is a good example.

As (@good) illustrates, and @good [p. 3], but [@good] and [see @good] cite.
""",
    "forward-references": """\
See @good and -@good, @good's and @good. and @{good}, but @good [p. 3] and [-@good] cite.

(@good) Good.
""",
    "after-the-item": "(@good) Good.\n\nThen -@good, x@good, (@good), @good-, @{good}, \\@good, but @good_ and @Good cite.\n",
    "forms-make-new-lists": "(@) a\n@) b\n@. c\n@lbl. d\n(@) e\n\nRef @lbl.\n",
    "labels": "(@a-b_c) one\n(@-x) two\n(@a--b) lazy text\n@é) unicode\n\nRefs: @a-b_c @-x @é @a--b.\n",
    "loose-and-nested": "(@) a\n\n    more\n\n(@) b\n\n- x\n\n    (@n) nested\n- y\n\nSee @n.\n",
    "cannot-interrupt-a-paragraph": "text\n(@) item\n\n> quoted\n(@) lazy\n",
    "next-to-other-lists": "1. a\n(@) b\n\n- c\n(@) d\n",
    "paragraph-starting-with-a-key": "@smith2020. Then more.\n\n(@)x is text.\n",
    "empty-item-and-quote": "(@)\n\n> (@) q\n",
    "unknown-label-cites": "(@a) An example.\n\nSee @b.\n",
}


@pytest.mark.parametrize("markdown", DOCUMENTS.values(), ids=DOCUMENTS.keys())
def test_example_lists_render_as_pandoc_renders_them(markdown):
    assert comparable(render(markdown).html) == comparable(pandoc_html(markdown))


def test_the_lists_and_numbers():
    html = render(DOCUMENTS["numbered-across-lists"]).html
    assert html == (
        '<ol class="example" type="1">\n<li>My first example will be numbered (1).</li>\n'
        "<li>My second example will be numbered (2).</li>\n</ol>\n<p>Explanation of examples.</p>\n"
        '<ol start="3" class="example" type="1">\n<li>This is a good example.</li>\n</ol>\n'
        '<p>As (3) illustrates, and 3 [p. 3], but <span class="citation">[@good]</span> and '
        '<span class="citation">[see @good]</span> cite.</p>\n')


def test_example_references_are_not_citations():
    parsed = parse_markdown(create_parser(), DOCUMENTS["after-the-item"])
    assert [c.source for c in parsed.clusters] == ["@good_", "@Good"]
    parsed = parse_markdown(create_parser(), DOCUMENTS["forward-references"])
    assert [c.source for c in parsed.clusters] == ["@good [p. 3]", "[-@good]"]


def test_a_label_used_twice_keeps_the_first_number_with_a_warning():
    result = render("(@x) a\n\n(@x) b\n\nSee @x.\n")
    assert result.html.endswith("<p>See 1.</p>\n")
    assert [str(p) for p in result.problems] == [
        "content/articles/a.md:7:2: warning: example label '@x' is defined twice: first on line 5; "
        "'@x' is the number of the first (1)"]


def test_examples_inside_code_stay_code():
    assert render("```\n(@) not a list\n```\n").html.startswith('<pre class="highlight"><code>(@) not a list\n</code>')
