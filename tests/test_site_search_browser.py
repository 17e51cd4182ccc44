"""Search in headless Chromium, against the repository's example publication built once into a temporary folder
and served on 127.0.0.1: Pagefind UI results, filters, ?q= links, the "/" shortcut, and the site without JavaScript.

A screenshot of the results goes to test-artifacts/ in the repository (ignored by git).
"""

import html
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from browsing import CHROMIUM, chromium, serve_folder, watched_page

from builder.build import build
from helpers import REPOSITORY, parse_page

pytestmark = pytest.mark.browser

ARTIFACTS = REPOSITORY / "test-artifacts"
TIMEOUT = 30_000       # ms; generous, for a loaded machine

RESULT = ".pagefind-ui__result"
RESULT_LINK = ".pagefind-ui__result-inner > .pagefind-ui__result-title .pagefind-ui__result-link"
MESSAGE = ".pagefind-ui__message"

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing: `./run test` installs Debian's chromium", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: ./run setup")


@pytest.fixture(scope="module")
def example_site(tmp_path_factory):
    """The repository's publication, built once (without PDFs) into a temporary folder."""
    out = tmp_path_factory.mktemp("search-example") / "site"
    build(REPOSITORY, out=out, pdf=False)
    return out


@pytest.fixture(scope="module")
def server(example_site):
    """The built site on 127.0.0.1 at a free port; yields its root URL."""
    with serve_folder(example_site) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    yield from chromium()


def new_page(browser, server, **options):
    page = watched_page(browser, server, **options)
    page.set_default_timeout(TIMEOUT)
    return page


@pytest.fixture
def page(browser, server):
    page = new_page(browser, server)
    yield page
    page.context.close()


def search(page, server, query: str) -> list[str]:
    """Open /search/?q=QUERY and return the links of its (first page of) results, best first."""
    page.goto(f"{server}search/?q={query}")
    # Pagefind shows a result's frame before its fragment (title, link) has loaded: wait for links.
    page.wait_for_selector(RESULT_LINK)
    page.wait_for_function("selector => [...document.querySelectorAll(selector)].every(a => a.getAttribute('href'))",
                           arg=RESULT_LINK)
    return result_links(page)


def result_links(page) -> list[str]:
    return [page.locator(RESULT_LINK).nth(i).get_attribute("href") for i in range(page.locator(RESULT_LINK).count())]


def result_count(page) -> int:
    text = page.locator(MESSAGE).inner_text()
    match = re.match(r"(\d+) results?", text)
    assert match, text
    return int(match.group(1))


# --- What to search for, found in the built site -------------------------------------------

def article_texts(site: Path) -> dict[str, str]:
    """Article URL ('/articles/slug/') -> the plain text of its body."""
    texts = {}
    for path in sorted(site.glob("articles/*/index.html")):
        markup = path.read_text(encoding="utf-8")
        body = markup.split('<div class="article-body">', 1)[1].split('<section class="references"', 1)[0]
        texts[f"/articles/{path.parent.name}/"] = html.unescape(re.sub(r"<[^>]+>", " ", body))
    return texts


@pytest.fixture(scope="module")
def rare_word(example_site) -> tuple[str, str]:
    """(word, article URL): a word of one article body whose first seven letters appear in no other page.

    Comparing prefixes keeps Pagefind's stemming from matching the word elsewhere."""
    pages = {path: " ".join(parse_page(path).text).lower() for path in example_site.rglob("*.html")}
    holders: dict[str, set] = {}
    for path, text in pages.items():
        for word in set(re.findall(r"[a-z]{9,}", text)):
            holders.setdefault(word[:7], set()).add(path.parent.relative_to(example_site).as_posix())
    for url, text in article_texts(example_site).items():
        for word in sorted(set(re.findall(r"[a-z]{9,}", text.lower()))):
            if holders[word[:7]] == {url.strip("/")}:
                return word, url
    pytest.fail("no word occurs in one article only")


@pytest.fixture(scope="module")
def quoted_phrase(example_site) -> tuple[str, set[str]]:
    """(five words from the middle of an evidence quote, {its article URL, its evidence page URL})."""
    markup = (example_site / "evidence" / "index.html").read_text(encoding="utf-8")
    quote, link = re.search(r'<blockquote class="evidence-item__quote"[^>]*><p>(.*?)</p></blockquote>\s*'
                            r'<p class="evidence-item__meta">\s*<a href="([^"]+)">', markup).groups()
    article, box = link.removeprefix("../").split("#")
    words = re.findall(r"[A-Za-z]+", html.unescape(quote))
    return " ".join(words[3:8]), {f"/{article}", f"/evidence/{article.split('/')[1]}/{box}/"}


# --- Tests ----------------------------------------------------------------------------------

def test_a_word_from_one_article_finds_that_article_first(page, server, rare_word):
    word, url = rare_word
    links = search(page, server, word)
    assert links[0] == url, (word, links)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "search-results.png"), full_page=True)
    assert page.problems == []


def test_a_phrase_from_an_evidence_quote_finds_its_box(page, server, quoted_phrase):
    phrase, urls = quoted_phrase
    links = search(page, server, phrase)
    assert urls & set(links[:3]), (phrase, links)


def test_a_tag_filter_narrows_the_results(page, server, example_site):
    search(page, server, "sanctions")
    page.wait_for_function(f"document.querySelector('{MESSAGE}') && /^\\d+ result/.test("
                           f"document.querySelector('{MESSAGE}').textContent)")
    before = result_count(page)
    # The filter's name is the page's word for it (search.html's data-filter-tag), not Pagefind's 'tag'.
    tag = page.locator("details.pagefind-ui__filter-block", has=page.locator("summary", has_text="Topic"))
    assert page.locator("summary.pagefind-ui__filter-name", has_text="Tag").count() == 0
    if not tag.evaluate("element => element.open"):
        tag.locator("summary").click()
    tag.locator("input.pagefind-ui__filter-checkbox[value='defections']").check()
    page.wait_for_function(f"!document.querySelector('{MESSAGE}').textContent.startsWith('{before} ')")
    after = result_count(page)
    assert 0 < after < before
    tagged = {"/" + path.parent.relative_to(example_site).as_posix() + "/"
              for path in example_site.rglob("index.html")
              if 'data-pagefind-filter="tag:defections"' in path.read_text(encoding="utf-8")}
    assert set(result_links(page)) <= tagged
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "search-filtered.png"), full_page=True)
    assert page.problems == []


def test_a_query_in_the_url_fills_the_box_runs_the_search_and_stays_in_the_url(page, server):
    links = search(page, server, "Hyesan")
    assert links
    assert page.locator("#search-page-input").input_value() == "Hyesan"
    assert page.locator("#site-search-input").input_value() == "Hyesan"
    assert "Hyesan" in page.locator(MESSAGE).inner_text()
    page.locator("#search-page-input").fill("restaurant")
    page.wait_for_function("new URLSearchParams(location.search).get('q') === 'restaurant'")
    page.wait_for_function(f"document.querySelector('{MESSAGE}').textContent.includes('restaurant')")
    assert page.problems == []


def test_the_header_form_searches_from_any_page(page, server):
    page.goto(f"{server}about/")
    page.locator("#site-search-input").fill("Hyesan")
    page.locator("#site-search-input").press("Enter")
    page.wait_for_selector(RESULT)
    assert urlsplit(page.url).path == "/search/"
    assert parse_qs(urlsplit(page.url).query) == {"q": ["Hyesan"]}
    assert page.problems == []


def test_slash_focuses_the_search_box(page, server, example_site):
    slug = sorted(path.parent.name for path in example_site.glob("articles/*/index.html"))[0]
    page.goto(f"{server}articles/{slug}/")
    page.wait_for_load_state("load")
    page.keyboard.press("/")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'site-search-input'")
    assert page.locator("#site-search-input").input_value() == ""      # the "/" itself is not typed
    page.goto(f"{server}search/")
    page.wait_for_selector("#search-page-input")
    page.locator("h1").click()
    page.wait_for_function("!!window.PagefindUI")
    page.keyboard.press("/")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'search-page-input'")
    assert page.problems == []


def test_the_search_page_has_no_errors(page, server):
    search(page, server, "loyalty")
    page.wait_for_load_state("networkidle")
    assert page.problems == []


def test_the_site_works_without_javascript(browser, server, example_site):
    page = new_page(browser, server, java_script_enabled=False)
    try:
        slug = sorted(path.parent.name for path in example_site.glob("articles/*/index.html"))[0]
        page.goto(f"{server}articles/{slug}/")
        citations = page.locator("a[role=doc-biblioref]")
        assert citations.count() > 0
        for index in range(citations.count()):
            target = citations.nth(index).get_attribute("href")
            assert target.startswith("#ref-") and page.locator(f'[id="{target[1:]}"]').count() == 1, target
        page.goto(f"{server}search/")
        fallback = page.locator(".search-fallback")
        assert fallback.is_visible() and fallback.inner_text().startswith("Search needs JavaScript.")
        assert fallback.locator("a").first.get_attribute("href") == "../archive/"
        assert page.locator("#site-search-input").is_visible()
        assert page.problems == []
    finally:
        page.context.close()


# --- A publication in two languages: each searched in its own, or all together -------------

KOREAN = """---
title: 장마당과 외화
date: 2016-04-10
language: ko
translation_of: markets
---
평양의 장마당 상인들은 외화로 값을 매긴다.
"""


@pytest.fixture(scope="module")
def bilingual_server(tmp_path_factory):
    from helpers import write

    root = tmp_path_factory.mktemp("bilingual") / "pub"
    write(root / "dossier.yml", "title: Two languages\nbase_url: https://example.org/\n")
    write(root / "content" / "articles" / "markets.md",
          "---\ntitle: Markets and hard currency\ndate: 2016-04-09\n---\nTraders in Pyongyang price goods in dollars.\n")
    write(root / "content" / "articles" / "markets-ko.md", KOREAN)
    site = build(root, pdf=False).out_dir
    with serve_folder(site) as url:
        yield url


def searched(page, url: str) -> list[str]:
    page.goto(url)
    page.wait_for_selector(f"{RESULT_LINK}, {MESSAGE}")
    page.wait_for_function("() => !document.querySelector('.pagefind-ui__message')?.textContent.includes('Searching')")
    page.wait_for_timeout(300)
    return result_links(page)


def test_a_korean_query_finds_the_korean_page_in_korean_and_in_all_languages(browser, bilingual_server):
    page = new_page(browser, bilingual_server)
    try:
        page.goto(f"{bilingual_server}articles/markets-ko/")
        assert page.locator("form.site-search").get_attribute("action") == "../../search/ko/"
        assert page.locator("html").get_attribute("lang") == "ko"
        korean = searched(page, f"{bilingual_server}search/ko/?q=장마당")
        assert korean and korean[0].endswith("/articles/markets-ko/")
        assert page.locator("html").get_attribute("lang") == "ko"
        assert searched(page, f"{bilingual_server}search/?q=장마당") == []      # the English index
        everything = searched(page, f"{bilingual_server}search/?q=장마당&scope=all")
        assert everything and everything[0].endswith("/articles/markets-ko/")
        assert searched(page, f"{bilingual_server}search/?q=Pyongyang&scope=all")[0].endswith("/articles/markets/")
        links = page.locator("a.search-language")
        assert [links.nth(i).inner_text() for i in range(links.count())] == ["English", "한국어", "All languages"]
        assert "q=Pyongyang" in links.nth(1).get_attribute("href")
    finally:
        page.context.close()
