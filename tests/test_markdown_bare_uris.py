"""builder/markdown/bare_uris.py: bare URIs and e-mail addresses are links where pandoc's
autolink_bare_uris makes them, compared with the pandoc binary on inputs chosen to be hard."""

import html
import re
import subprocess

import pytest

from builder.csl.pandoc import pandoc_path
from builder.markdown import create_parser, render_markdown

_LINK = re.compile(r'<a href="([^"]*)"[^>]*>(.*?)</a>', re.DOTALL)

# Each is one document; the strings that become links must be pandoc's.
AS_PANDOC = [
    "Read https://www.38north.org/ today.",
    "See http://example.com.",
    "See (http://example.com/a_(b)) now, and http://example.com/a_(b)_c.",
    "http://x.org/(a.b) and http://x.org/{a} and http://x.org/[a]",
    "http://example.com/path?x=1&y=2, and https://x.org/~a/?q=1&amp;r=2 and http://a.org/x?b=c;d=e",
    "http://example.com/foo; bar, http://example.com/foo! http://example.com/foo? https://example.com/path...",
    "\"http://example.com/quoted\" and 'http://example.com/single' and it's http://a.org's page",
    "see http://x.org/a,b,c and http://x.org/a,,b, and more",
    "ftp://example.com/file https://example.com:8080/x#frag HTTPS://X.ORG/A http://a",
    "irc://irc.example.org/chan doi:10.1000/182 urn:isbn:0451450523 tel:+1-555 Ms-Settings:wifi hxxp://x.example",
    "https:// and http: alone, Notes:** and **http:** and http:*x*",
    "xhttp://example.com foo-http://x.org foo.http://x.org a..http://x.org ...http://x.org",
    "See https://example.com/*emph* there, *https://example.com/emph*, **https://x.org/strong**, __http://x.org/u__",
    "[https://example.com/inside] and https://example.com/a[b]c and http://[::1]:8080/path",
    "https://example.com/a_b_c_ https://x.org/a--b...c http://x.org/`a` http://a.org/\\_x",
    "Code `http://example.com` here, <http://example.com> autolink, [link http://example.com](http://x.org).",
    "\\http://a.org and http\\://a.org and &amp;http://a.org",
    '<a href="http://a.org">http://a.org</a> and <a href="x">user@example.org</a>',
    "북한 https://www.dailynk.com/korean/read.php?num=1 에서 보도했다. 북한https://www.dailynk.com/korean 에서",
    "See https://ko.wikipedia.org/wiki/북한 page, https://x.org/é/ü and 보도: https://x.org, 그리고 kim@example.kr 로",
    "이메일kim@example.kr",
    "Mail user@example.org today, or mailto:user@example.org, or mailto:kim@x.org?subject=hi.",
    "foo@bar.baz. a.b-c_d@a.b first.last+tag@example.co.uk john_doe@example.org a+b@example.org.",
    "Write to *kim@example.org* now, or (user@example.org), or foo*bar@x.org.",
    "a..b@x.org a...b@x.org .kim@x.org kim.@x.org x@y@z.org",
    "kim@x kim@x- kim@x-.org kim@-x.org",
    "@kim2016 and kim@example.org",
    "| a | b |\n|---|---|\n| http://x.org | kim@x.org |",
    "A note.[^1]\n\n[^1]: See https://x.org/note and kim@x.org.",
    "Inline^[https://x.org/inline] note.",
    "- http://x.org/item\n- user@x.org\n\n> quoted https://x.org/q\n\n## Heading http://x.org/h",
    "see https://doi.org/10.1000/182. e.g. https://x.org/a.pdf; https://y.org/b.pdf",
    "http://a.org/%E2%82%AC and http://a.org/%zz",
]


def link_texts(html_text: str) -> list[str]:
    """The text of each link out of the page (a citation's span is no link of the text)."""
    html_text = re.sub(r'<span class="citation".*?</span>', "", html_text, flags=re.DOTALL)
    return [html.unescape(text) for href, text in _LINK.findall(html_text) if not href.startswith("#")]


def pandoc_links(text: str) -> list[str]:
    out = subprocess.run([pandoc_path(), "-f", "markdown+autolink_bare_uris", "-t", "html5", "--wrap=none"],
                         input=text, capture_output=True, text=True, check=True).stdout
    return link_texts(out)


def ours(text: str) -> str:
    return render_markdown(create_parser(), text).html


@pytest.mark.parametrize("text", AS_PANDOC)
def test_the_strings_that_become_links_are_pandocs(text):
    written = [t for t in link_texts(ours(text)) if t not in _WRITTEN_LINKS]
    assert written == [t for t in pandoc_links(text) if t not in _WRITTEN_LINKS]


_WRITTEN_LINKS = {"link http://example.com"}


def test_www_without_a_scheme_and_names_like_domains_stay_text():
    assert "<a" not in ours("Go to www.example.org today, www.example.org/path, or Fetch.ai and Bittensor.")
    assert pandoc_links("Go to www.example.org today, or Fetch.ai.") == []


def test_a_bare_link_is_the_address_as_written_and_its_href_as_markdown_it_encodes_links():
    assert ours("See (http://example.com/a_(b)), https://x.org/a--b...c and 'http://x.org/q'.") == (
        '<p>See (<a href="http://example.com/a_(b)">http://example.com/a_(b)</a>), '
        '<a href="https://x.org/a--b">https://x.org/a--b</a>…c and '
        '‘<a href="http://x.org/q">http://x.org/q</a>’.</p>\n')
    assert ours("https://ko.wikipedia.org/wiki/북한 kim@example.kr") == (
        '<p><a href="https://ko.wikipedia.org/wiki/%EB%B6%81%ED%95%9C">https://ko.wikipedia.org/wiki/북한</a> '
        '<a href="mailto:kim@example.kr">kim@example.kr</a></p>\n')
    assert ours("https://x.org/?a=1&amp;b=2") == '<p><a href="https://x.org/?a=1&amp;b=2">https://x.org/?a=1&amp;b=2</a></p>\n'


def test_an_address_holding_emphasis_marks_is_one_link():
    assert ours("john_doe@example.org and foo*bar@x.org") == (
        '<p><a href="mailto:john_doe@example.org">john_doe@example.org</a> and '
        '<a href="mailto:foo*bar@x.org">foo*bar@x.org</a></p>\n')


@pytest.mark.parametrize("text", ["javascript:alert(1)", "data:text/html,<b>x</b>",
                                  "file:///etc/passwd", "FILE:///etc/passwd"])
def test_script_data_and_file_addresses_stay_text_where_pandoc_links_them(text):
    assert "<a" not in ours(text)
    assert pandoc_links(text) != []
