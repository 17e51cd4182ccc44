"""Nothing a writer puts in a publication runs script in a reader's browser.

The hostile publication (tests/hostile.py) holds script-injection vectors in Markdown
bodies, front matter, evidence attributes, dossier.yml and .bib fields. It is built once,
PDFs included, and every output file is checked: every HTML page, the feeds, the sitemap,
the citation downloads, the JSON-LD and the PDFs' link targets. The browser half of the
check is tests/test_xss_browser.py.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest

from builder.build import build
from builder.content.sanitize import sanitize
from builder.errors import BuildFailed
from hostile import HTML_VECTORS, MARKDOWN_VECTORS, TEMPLATE_TEXT, make_hostile_publication
from helpers import write

BASE_URL = "https://example.org/hostile/"

# The theme's own scripts, by site-relative path: the only <script src> a page may have.
THEME_SCRIPTS = {"theme/site.js", "theme/citations.js", "theme/search.js", "pagefind/pagefind-ui.js"}

# Attributes whose value is a URL a browser fetches, follows or submits to.
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "cite", "data", "poster", "background", "srcset",
                  "xlink:href", "ping", "longdesc", "lowsrc", "dynsrc", "manifest", "codebase", "archive",
                  "icon", "usemap", "profile", "classid"}
# Elements that embed other documents, change how the page's URLs resolve, or hide markup from the checks.
FORBIDDEN_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "svg", "math",
                  "style", "template", "xmp", "plaintext", "noembed", "noframes", "isindex", "keygen",
                  "portal", "fencedframe"}
# The theme's pictures (templates/_charts.html) are the one SVG a page may hold: an <svg class="chart__svg">
# first in a <figure class="chart ...">, drawn with these elements only (no <a>, <use>, <image>, <style>,
# <foreignObject> or animation), their attributes checked as every element's are.
CHART_ELEMENTS = {"title", "desc", "text", "rect", "line", "circle"}
_URL_NOISE = re.compile(r"[\t\n\r]")
_URL_LEAD = "".join(map(chr, range(0x21)))
_SAFE_DATA_IMAGE = re.compile(r"data:image/(png|gif|jpe?g|webp);base64,", re.I)


def dangerous_url(value: str) -> bool:
    """A URL that runs script (or shows a page of the writer's making) when followed or loaded."""
    url = _URL_NOISE.sub("", value).lstrip(_URL_LEAD).lower()
    if url.startswith("data:"):
        return not _SAFE_DATA_IMAGE.match(url)
    return url.startswith(("javascript:", "vbscript:", "livescript:", "mocha:", "file:"))


class _Inspector(HTMLParser):
    """Every script-capable construct in one HTML document, as (what, detail) pairs."""

    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.found: list[str] = []
        self.json_ld: list[str] = []
        self._script: dict | None = None
        self._script_text: list[str] = []
        self._last_tag: tuple[str, dict] = ("", {})
        self._in_chart = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        last, self._last_tag = self._last_tag, (tag, attributes)
        if self._in_chart and tag not in CHART_ELEMENTS:
            self.found.append(f"<{tag} {attributes}>: not an element of the theme's charts")
        elif tag == "svg" and attributes.get("class") == "chart__svg" and last[0] == "figure" and \
                (last[1].get("class") or "").startswith("chart chart--"):
            self._in_chart = True
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>: event handler attribute")
            if name in ("srcdoc", "formaction") or name.startswith("xmlns"):
                self.found.append(f"<{tag} {name}={value!r}>: forbidden attribute")
            if name in URL_ATTRIBUTES:
                urls = [part.strip().split(" ")[0] for part in value.split(",")] if name == "srcset" else [value]
                if any(dangerous_url(url) for url in urls):
                    self.found.append(f"<{tag} {name}={value!r}>: script URL")
            if name == "style" and re.search(r"url\(|expression|javascript|@import|behavior", value, re.I):
                self.found.append(f"<{tag} style={value!r}>: active style")
        if tag == "script":
            self._check_script(attributes)
        elif tag == "form":
            action = urljoin(self.page_url, attributes.get("action", ""))
            if attributes.get("class") != "site-search" or not action.endswith("/search/"):
                self.found.append(f"<form {attributes}>: not the theme's search form")
        elif tag == "meta" and "http-equiv" in attributes:
            self.found.append(f"<meta {attributes}>: http-equiv")
        elif tag == "link":
            if attributes.get("rel") not in ("stylesheet", "canonical", "alternate", "icon", "apple-touch-icon"):
                self.found.append(f"<link {attributes}>: unexpected link")
        elif tag in FORBIDDEN_TAGS and not (tag == "svg" and self._in_chart):
            self.found.append(f"<{tag} {attributes}>: forbidden element")

    def _check_script(self, attributes: dict) -> None:
        self._script, self._script_text = attributes, []
        src = attributes.get("src")
        if src is None:
            if attributes.get("type") != "application/ld+json":
                self.found.append(f"<script {attributes}>: inline script")
            return
        site_path = urljoin(self.page_url, src).removeprefix(BASE_URL)
        if site_path not in THEME_SCRIPTS and urljoin(BASE_URL, src).removeprefix(BASE_URL) not in THEME_SCRIPTS:
            self.found.append(f"<script src={src!r}>: not one of the theme's scripts")

    def handle_data(self, data):
        if self._script is not None:
            self._script_text.append(data)

    def handle_endtag(self, tag):
        if tag == "svg":
            self._in_chart = False
        if tag == "script" and self._script is not None:
            text = "".join(self._script_text)
            if self._script.get("type") == "application/ld+json":
                self.json_ld.append(text)
            elif text.strip():
                self.found.append(f"<script>{text[:60]!r}: script with a body")
            self._script = None


def inspect_html(text: str, page_url: str = BASE_URL) -> tuple[list[str], list[str]]:
    """(problems, JSON-LD texts) of one HTML document or fragment."""
    inspector = _Inspector(page_url)
    inspector.feed(text)
    inspector.close()
    return inspector.found, inspector.json_ld


def page_url(site: Path, path: Path) -> str:
    return BASE_URL + path.relative_to(site).as_posix().removesuffix("index.html")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    """The hostile publication, built with its PDFs."""
    root = make_hostile_publication(tmp_path_factory.mktemp("hostile") / "publication")
    result = build(root, use_cache=False)
    # The NUL of one vector (java\x00script:) is the only thing a writer is told about.
    assert [w.message for w in result.warnings] == ["unprintable character U+0000 (NUL) replaced by a space"]
    return result.out_dir


@pytest.fixture(scope="module")
def trusting_site(tmp_path_factory) -> Path:
    """The hostile publication without raw HTML, built with unsafe_html: true (no PDFs)."""
    root = make_hostile_publication(tmp_path_factory.mktemp("trusting") / "publication", unsafe_html=True)
    return build(root, pdf=False, use_cache=False).out_dir


def test_there_are_more_than_fifty_vectors():
    assert len(HTML_VECTORS) + len(MARKDOWN_VECTORS) > 50


@pytest.mark.parametrize("site_fixture", ["hostile_site", "trusting_site"])
def test_no_page_has_script_event_handlers_or_script_urls(site_fixture, request):
    site = request.getfixturevalue(site_fixture)
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 15
    problems = []
    for path in pages:
        found, json_ld = inspect_html(path.read_text(encoding="utf-8"), page_url(site, path))
        problems += [f"{path.relative_to(site)}: {problem}" for problem in found]
        for text in json_ld:
            assert not re.search(r"</script|<!--", text, re.I)
            json.loads(text)
    assert problems == []


@pytest.mark.parametrize("html, problem", [
    ('<figure class="chart chart--profile"><svg class="chart__svg" role="img"><title>t</title><rect x="1"/></svg></figure>',
     None),
    ('<svg class="chart__svg"><rect x="1"/></svg>', "forbidden element"),                  # not the first in a chart figure
    ('<figure class="chart chart--x"><svg class="chart__svg"><a href="https://example.org/"><text>x</text></a></svg>'
     "</figure>", "not an element of the theme's charts"),
    ('<figure class="chart chart--x"><svg class="chart__svg"><animate attributeName="href"/></svg></figure><svg></svg>',
     "not an element of the theme's charts"),
    ('<figure class="chart chart--x"><svg class="chart__svg"></svg><svg><rect/></svg></figure>', "forbidden element"),
])
def test_only_the_themes_charts_may_draw_svg(html, problem):
    found, _ = inspect_html(html)
    if problem is None:
        assert found == []
    else:
        assert any(problem in p for p in found), found


def test_every_vector_reached_the_article(hostile_site):
    """The vectors were really in the page (the check above is not vacuous), and none swallowed the rest."""
    text = (hostile_site / "articles" / "hostile" / "index.html").read_text(encoding="utf-8")
    for marker in ("tab entity", "colon entity", "named tab", "no semicolons", "plain javascript link",
                   "md-81", "md-84", "md-85", "A fenced div with event attributes.", "Third box.",
                   "Second box with a", "A footnote.", "Definition", "do not feel", "loyalty."):
        assert marker in text, marker


def test_template_syntax_prints_literally(hostile_site):
    article = (hostile_site / "articles" / "hostile" / "index.html").read_text(encoding="utf-8")
    assert "<h1><span id=\"article-title\">&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; {{ 7*7 }} {% raw %}</span></h1>" in article
    assert "Template {{ 7*7 }} and {% raw %}raw{% endraw %} and {{ config }} and {# comment #}" in article
    assert TEMPLATE_TEXT in (hostile_site / "index.html").read_text(encoding="utf-8")
    for path in hostile_site.rglob("*.html"):
        assert "<Config" not in path.read_text(encoding="utf-8")


def test_the_feeds_hold_escaped_html_only(hostile_site):
    atom = "{http://www.w3.org/2005/Atom}"
    feeds = sorted(hostile_site.rglob("feed.xml"))
    assert len(feeds) >= 4
    for path in feeds:
        tree = ElementTree.parse(path)
        for element in tree.iter():
            assert element.tag.startswith(atom), f"{path}: element {element.tag} outside Atom"
            if element.tag in (f"{atom}content", f"{atom}summary", f"{atom}title", f"{atom}subtitle"):
                kind = element.get("type", "text")
                assert kind in ("text", "html"), path
                if kind == "html":
                    found, _ = inspect_html(element.text or "", BASE_URL + "articles/hostile/")
                    assert found == [], f"{path}: {found}"
            for name in ("href", "src"):
                if element.get(name) is not None:
                    assert element.get(name).startswith(BASE_URL), element.get(name)
        raw = path.read_text(encoding="utf-8")
        assert "<script" not in raw and "<img" not in raw


def test_the_sitemap_lists_only_site_urls(hostile_site):
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    tree = ElementTree.parse(hostile_site / "sitemap.xml")
    locations = [element.text for element in tree.iter(f"{namespace}loc")]
    assert locations and all(loc.startswith(BASE_URL) for loc in locations)
    assert {element.tag for element in tree.iter()} <= {f"{namespace}{n}" for n in ("urlset", "url", "loc", "lastmod")}
    robots = (hostile_site / "robots.txt").read_text(encoding="utf-8")
    assert robots == f"User-agent: *\nAllow: /\n\nSitemap: {BASE_URL}sitemap.xml\n"


def test_the_bibtex_download_is_one_entry_with_only_its_own_fields(hostile_site):
    import bibtexparser

    library = bibtexparser.parse_string((hostile_site / "articles" / "hostile" / "cite.bib").read_text(encoding="utf-8"))
    assert library.failed_blocks == []
    [entry] = library.entries
    assert (entry.entry_type, entry.key) == ("online", "hostile")
    names = [field.key for field in entry.fields]
    assert names == ["author", "title", "subtitle", "organization", "date", "year", "url", "langid",
                     "abstract", "keywords"]
    assert entry["url"] == BASE_URL + "articles/hostile/"
    assert entry["date"] == "2016-04-08"


def test_the_ris_download_has_one_tag_per_line_and_no_injected_lines(hostile_site):
    raw = (hostile_site / "articles" / "hostile" / "cite.ris").read_bytes().decode("utf-8")
    lines = raw.split("\r\n")
    assert lines[-1] == ""
    lines = lines[:-1]
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in lines), lines
    assert not re.search(r"[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]", raw.replace("\r\n", ""))
    tags = [line[:2] for line in lines]
    assert tags == ["TY", "AU", "AU", "TI", "T2", "PY", "DA", "UR", "LA", "AB", "KW", "KW", "KW", "ER"]


def test_the_csl_json_download_is_valid_json(hostile_site):
    [item] = json.loads((hostile_site / "articles" / "hostile" / "cite.json").read_text(encoding="utf-8"))
    assert item["id"] == "hostile"
    assert item["title"] == "<script>alert('title')</script> {{ 7*7 }} {% raw %}"
    assert item["URL"] == BASE_URL + "articles/hostile/"


def test_the_pdfs_link_only_to_web_urls_and_hold_no_script(hostile_site):
    from pypdf import PdfReader

    pdfs = sorted((hostile_site / "pdf").glob("*.pdf"))
    assert [p.name for p in pdfs] == ["2016.pdf", "hostile.pdf"]      # the article, and the edition of its year
    for path in pdfs:
        data = path.read_bytes()
        assert b"/JavaScript" not in data and b"/JS " not in data and b"/Launch" not in data
        reader = PdfReader(path)
        assert "/OpenAction" not in reader.trailer["/Root"] and "/AA" not in reader.trailer["/Root"]
        for page in reader.pages:
            for annotation in page.get("/Annots") or []:
                action = annotation.get_object().get("/A")
                if action is None:
                    continue
                action = action.get_object()
                assert action.get("/S") in ("/URI", "/GoTo"), action
                if action.get("/S") == "/URI":
                    assert str(action["/URI"]).startswith(("https://", "http://")), action["/URI"]


@pytest.mark.parametrize("html, kept", [
    ("<p>before</p><style><p>after</p>", "<p>after</p>"),
    ("<p>before</p><script><p>after</p>", "<p>after</p>"),
    ("<p>before</p><textarea><p>after</p>", "<p>after</p>"),
    ("<p>before</p><plaintext><p>after</p>", "<p>after</p>"),
    ("<p>before</p><math><mtext><table><mglyph><style><p>after</p>", "<p>after</p>"),
    ("<p>before</p><svg><foreignObject><p>after</p>", "<p>after</p>"),
    ("<p>before</p><template><p>after</p>", "<p>after</p>"),
    ("<p>before</p><noscript><p>after</p>", "<p>after</p>"),
])
def test_an_unclosed_element_does_not_swallow_the_rest(html, kept):
    cleaned = sanitize(html)
    assert cleaned.startswith("<p>before</p>") and kept in cleaned
    assert inspect_html(cleaned) == ([], [])


@pytest.mark.parametrize("html", [
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href=" data:text/html,<script>alert(1)</script>">x</a>',
    '<a href="da&#x0A;ta:text/html,x">x</a>',
    '<blockquote cite="data:text/html,x">x</blockquote>',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<img src="data:text/html;base64,PHNjcmlwdD4=">',
])
def test_data_urls_survive_only_as_inline_raster_images(html):
    assert "data:" not in sanitize(html)


def test_a_raster_data_image_is_kept():
    html = '<img src="data:image/png;base64,iVBORw0KGgo=" alt="dot">'
    assert 'src="data:image/png;base64,iVBORw0KGgo="' in sanitize(html)


# --- Active content in assets --------------------------------------------------------


def _publication_with_asset(root: Path, name: str, content: str, unsafe_html: bool = False) -> Path:
    write(root / "dossier.yml", "title: Assets\nbase_url: https://example.org/\n"
          + ("unsafe_html: true\n" if unsafe_html else ""))
    write(root / "content" / "articles" / "a.md", "---\ntitle: A\ndate: 2016-01-01\n---\n\nText.\n")
    write(root / "content" / "assets" / name, content)
    return root


@pytest.mark.parametrize("name, content, line, col", [
    ("chart.svg", '<svg xmlns="http://www.w3.org/2000/svg">\n  <script>alert(1)</script>\n</svg>\n', 2, 3),
    ("chart.svg", '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">\n</svg>\n', 1, 41),
    ("chart.svg", '<svg xmlns="http://www.w3.org/2000/svg">\n<a href="&#106;avascript:alert(1)"><text>x</text></a></svg>\n', 2, 10),
    ("page.html", "<!DOCTYPE html>\n<p>Hi</p>\n<img src=x onerror=alert(1)>\n", 3, 12),
    ("data.xml", '<?xml version="1.0"?>\n<?xml-stylesheet type="text/xsl" href="x.xsl"?>\n<a/>\n', 2, 1),
])
def test_an_asset_that_would_run_script_is_an_error(tmp_path, name, content, line, col):
    root = _publication_with_asset(tmp_path / "pub", name, content)
    with pytest.raises(BuildFailed) as failed:
        build(root, pdf=False, write=False, use_cache=False)
    [problem] = failed.value.problems
    assert (problem.path, problem.line, problem.col) == (f"content/assets/{name}", line, col)
    assert problem.message.startswith("asset would run script in readers' browsers (")
    assert problem.message.endswith("): remove it, or set unsafe_html: true if every writer is trusted")


def test_an_asset_with_script_is_allowed_when_the_publication_trusts_its_writers(tmp_path):
    root = _publication_with_asset(tmp_path / "pub", "chart.svg", "<svg><script>alert(1)</script></svg>", True)
    result = build(root, pdf=False, write=False, use_cache=False)
    assert "assets/chart.svg" in [o.path for o in result.outputs]


def test_a_plain_svg_asset_is_fine(tmp_path):
    root = _publication_with_asset(tmp_path / "pub", "map.svg",
                                   '<svg xmlns="http://www.w3.org/2000/svg" width="10"><rect width="10" height="10"/>'
                                   '<a href="https://example.org/"><text>online</text></a></svg>\n')
    result = build(root, pdf=False, write=False, use_cache=False)
    assert "assets/map.svg" in [o.path for o in result.outputs]


def test_search_filter_values_reach_pagefind_escaped(hostile_site):
    """Pagefind's UI shows filter values as HTML: the values it stores must hold no markup."""
    import gzip

    import cbor2

    stored = []
    for path in sorted((hostile_site / "pagefind" / "filter").glob("*.pf_filter")):
        name, values = cbor2.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd"):])
        stored += [(name, value) for value, _pages in values]
    assert ("author", "&lt;img src=x onerror=alert('author')&gt;") in stored
    assert [(name, value) for name, value in stored if "<" in value] == []
