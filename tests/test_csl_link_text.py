"""A citation that is (or is inside) the text of a link: the link stays whole and the citation
reads as pandoc 3.9 formats it there, without a link of its own (no link inside a link)."""

from __future__ import annotations

import re
import subprocess

import pytest

from builder.build import build
from builder.csl.pandoc import pandoc_path
from builder.text import html_text
from helpers import write

BIB = "@book{kim2016, author={Kim, Suk Hi}, title={North Korea at a Crossroads}, publisher={McFarland}, year={2016}}\n"

CASES = [
    "A [see [@kim2016]](https://example.org/a) b.",
    "B [@kim2016](https://example.org/b) c.",
    "C [text @kim2016 more](https://example.org/c) d.",
    "D [*see* [@kim2016, p. 3]](https://example.org/d \"title\") e.",
]


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    root = tmp_path_factory.mktemp("links") / "pub"
    write(root / "dossier.yml", "title: Links\nbase_url: https://example.org/\n")
    write(root / "citations" / "refs.bib", BIB)
    write(root / "content" / "articles" / "doc.md", "---\ntitle: Doc\ndate: 2016-01-01\n---\n\n" + "\n\n".join(CASES) + "\n")
    return root, (build(root, pdf=False).out_dir / "articles" / "doc" / "index.html").read_text(encoding="utf-8")


def _paragraph(html: str, first: str) -> str:
    return re.search(rf"<p>{first} (.*?)</p>", html, re.DOTALL).group(1)


def _links(html: str) -> list[tuple[str, str]]:
    """(href, text) of each link."""
    return [(href, html_text(text)) for href, text in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', html, re.DOTALL)]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case[0])
def test_the_link_and_its_citation_read_as_pandoc_writes_them(page, case):
    root, html = page
    theirs = subprocess.run([pandoc_path(), "-f", "markdown", "-t", "html5", "--wrap=none", "--citeproc", "-M",
                             "link-citations=true", "--bibliography", str(root / "citations" / "refs.bib")],
                            input=case, capture_output=True, text=True, check=True).stdout
    first = case[0]
    ours, expected = _paragraph(html, first), _paragraph(theirs, first)
    assert html_text(ours) == html_text(expected)
    assert _links(ours) == _links(expected)          # one link each, the author's; no link inside it
    assert ours.count("<a ") == 1
