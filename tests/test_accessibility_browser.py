"""Accessibility where a reader meets it, in headless Chromium: the example publication and
tests/fixtures/accessible (every construct, cited in a note style), each built once and served on
127.0.0.1 under the path of its base_url.

- axe-core finds no violation of WCAG 2.0, 2.1 and 2.2 level A and AA, nor of its best practices, on
  one page of every type (every article and page), in the light and the dark colour scheme, and again
  with a citation preview open;
- the citation preview meets WCAG 1.4.13: it can be hovered, stays until dismissed, lies inside the
  viewport on keyboard focus (above the citation when there is no room below), and is a dialog whose
  links a keyboard reaches and follows, Esc closing it and giving focus back;
- a search result for an evidence box (or any page) does not repeat its title as a sub-result;
- the words of a Korean article that English pages show (its title, summary, quotes, citing
  sentences) are marked as Korean (WCAG 3.1.2, which axe cannot judge).

axe-core is an npm package: the first run installs the pinned version with `npm install` into pytest's
cache folder (.pytest_cache/d/axe-core-VERSION); `./run setup` installs Debian's npm when it is missing.
"""

from __future__ import annotations

import fcntl
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

import pytest

from browsing import CHROMIUM, chromium, serve_folder, watched_page

from builder.build import build
from helpers import FIXTURES, REPOSITORY

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing: `./run test` installs Debian's chromium", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: ./run setup")

AXE_VERSION = "4.14.1"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
TIMEOUT = 30_000          # ms; generous, for a loaded machine
CLOSE_DELAY = 400         # ms; citations.js closes a preview this long after the pointer leaves it
CITATION = '.citation a[role="doc-biblioref"]'
ARTICLE = "articles/restaurant-defection-sanctions/"      # the example's article of the 31 previews


# --- The sites, the browser and axe-core ------------------------------------------------------

@dataclass(frozen=True)
class Sites:
    server: str                 # the served root's URL
    folders: dict[str, Path]    # 'example' and 'constructs' -> the built site
    urls: dict[str, str]        # the same -> the site's URL

    def __getitem__(self, name: str) -> str:
        return self.urls[name]


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> Sites:
    """The two publications, each built into the folder of its base_url's path (where the 404 page's
    links start) under one served root."""
    root = tmp_path_factory.mktemp("accessibility")
    fixture = shutil.copytree(FIXTURES / "accessible", tmp_path_factory.mktemp("accessible") / "pub")
    folders = {}
    for name, publication in (("example", REPOSITORY), ("constructs", fixture)):
        result = build(publication, out=root / f"{name}-building", pdf=False)
        folders[name] = result.out_dir.rename(root / urlsplit(result.settings.base_url).path.strip("/"))
    with serve_folder(root) as url:
        yield Sites(url, folders, {name: url + folder.name + "/" for name, folder in folders.items()})


@pytest.fixture(scope="module")
def browser():
    yield from chromium()


@pytest.fixture
def page(browser, sites):
    page = watched_page(browser, sites.server, reduced_motion="reduce")
    page.set_default_timeout(TIMEOUT)
    yield page
    page.context.close()


@pytest.fixture(scope="session")
def axe_script(request, tmp_path_factory) -> str:
    """axe.min.js of the pinned axe-core, installed from npm on first use."""
    cache = getattr(request.config, "cache", None)
    folder = Path(cache.mkdir(f"axe-core-{AXE_VERSION}")) if cache else tmp_path_factory.mktemp("axe-core")
    script = folder / "node_modules" / "axe-core" / "axe.min.js"
    with open(folder / ".lock", "w") as lock:        # one install when several sessions start at once
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not script.exists():
            npm = shutil.which("npm")
            if npm is None:
                pytest.skip("npm is missing, so axe-core cannot be installed: `./run setup` installs Debian's npm")
            result = subprocess.run([npm, "install", "--prefix", str(folder), "--no-save", "--no-package-lock",
                                     "--no-audit", "--no-fund", f"axe-core@{AXE_VERSION}"],
                                    capture_output=True, text=True, timeout=300)
            assert result.returncode == 0 and script.exists(), \
                f"npm install axe-core@{AXE_VERSION} failed:\n{result.stdout}\n{result.stderr}"
    return script.read_text(encoding="utf-8")


# --- axe-core over every page type ------------------------------------------------------------

AXE_RUN = """async tags => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map(rule => `${rule.id} (${rule.impact}): ` + rule.nodes.map(node =>
    node.target.join(" ") + " — " + node.failureSummary.replace(/\\s+/g, " ")).join("; "));
}"""


def page_types(site: Path) -> list[str]:
    """The address (site-relative) of every article and page, and of the first page of every other
    type, a type being the first folder, depth and language of the address."""
    chosen: dict[tuple, str] = {}
    for path in sorted(site.rglob("*.html")):
        relative = path.relative_to(site)
        folders = relative.parts[:-1]
        language = re.search(r'<html lang="([^"]+)"', path.read_text(encoding="utf-8")).group(1)
        key = (folders[0] if folders else relative.name, len(folders), language)
        if key[0] == "articles":
            key += (relative.as_posix(),)
        chosen.setdefault(key, relative.as_posix().removesuffix("index.html"))
    return list(chosen.values())


def search_query(site: Path, search_page: str) -> str:
    """A word that finds pages in the language of a search page: the longest of its language's first article title."""
    language = re.search(r'<html lang="([^"]+)"', (site / search_page / "index.html").read_text(encoding="utf-8"))[1]
    for path in sorted(site.glob("articles/*/index.html")):
        markup = path.read_text(encoding="utf-8")
        if f'<html lang="{language}"' in markup:
            title = re.sub(r"<[^>]+>", "", re.search(r"<h1[^>]*>(.*?)</h1>", markup, re.S)[1])
            return max(re.findall(r"\w+", title), key=len)
    return "a"


def audit(page, axe_script: str) -> dict[str, list[str]]:
    """{'light': violations, 'dark': violations} of the page as it is now."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(content=axe_script)
    found = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        found[scheme] = page.evaluate(AXE_RUN, AXE_TAGS)
    page.emulate_media(color_scheme="light")
    return found


def audit_site(page, axe_script: str, site: Path, url: str) -> dict[str, dict]:
    """Violations by page address (and 'ADDRESS, preview open'), of every page type of site; none are left out."""
    report = {}
    for address in page_types(site):
        target = url + address
        if address.startswith("search/"):
            target += "?q=" + quote(search_query(site, address))
        page.goto(target)
        page.wait_for_load_state("load")
        if address.startswith("search/"):
            page.wait_for_selector(".pagefind-ui__result-link[href], .pagefind-ui__message")
            page.wait_for_load_state("networkidle")
        report[address or "index"] = audit(page, axe_script)
        if page.locator(CITATION).count():
            page.locator(CITATION).first.focus()
            page.wait_for_selector("#citation-popover:not([hidden])")
            report[f"{address}, preview open"] = audit(page, axe_script)
    return report


def violations(report: dict[str, dict]) -> list[str]:
    return [f"{address} [{scheme}]: {found}" for address, schemes in report.items()
            for scheme, found in schemes.items() if found]


@pytest.mark.parametrize("name", ["example", "constructs"])
def test_axe_finds_no_violation_on_any_page_type_in_either_colour_scheme(page, sites, axe_script, name):
    report = audit_site(page, axe_script, sites.folders[name], sites[name])
    addresses = set(report)
    assert {"index", "404.html", "archive/", "tags/", "authors/", "sources/", "evidence/", "search/"} <= addresses
    assert any(a.startswith("articles/") and a.endswith("preview open") for a in addresses)
    assert violations(report) == []
    assert page.problems == []


# --- The citation preview (WCAG 1.4.13) -------------------------------------------------------

PREVIEW_PLACE = """async () => {
  const link = document.activeElement;
  if (!link || !link.matches('.citation a[role="doc-biblioref"]')) { return null; }
  for (let i = 0; i < 2; i++) { await new Promise(done => requestAnimationFrame(done)); }
  const preview = document.getElementById("citation-popover");
  if (preview.hidden) { return {text: link.textContent, shown: false}; }
  const box = preview.getBoundingClientRect(), citation = link.getBoundingClientRect();
  const width = document.documentElement.clientWidth, height = document.documentElement.clientHeight;
  return {text: link.textContent, shown: true, side: preview.dataset.side,
          inside: box.top >= 0 && box.left >= 0 && box.bottom <= height && box.right <= width,
          clear: box.bottom <= citation.top || box.top >= citation.bottom};
}"""


@pytest.mark.parametrize("width, height", [(1280, 800), (390, 844)])
def test_on_keyboard_focus_every_preview_lies_inside_the_viewport(browser, sites, width, height):
    page = watched_page(browser, sites.server, reduced_motion="reduce")
    try:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(sites["example"] + ARTICLE)
        page.wait_for_load_state("load")
        citations = page.locator(CITATION).count()
        previews = []
        for _ in range(citations * 8):
            page.keyboard.press("Tab")
            place = page.evaluate(PREVIEW_PLACE)
            if place:
                previews.append(place)
            if len(previews) == citations:
                break
        assert len(previews) == citations == 31
        assert [p for p in previews if not (p["shown"] and p["inside"] and p["clear"])] == []
        assert {p["side"] for p in previews} == {"below", "above"}        # above when there is no room below
        assert page.problems == []
    finally:
        page.context.close()


def first_citation_in_text(page):
    """The first citation of the article's running text, scrolled to the middle of the viewport."""
    link = page.locator(f".article-body > p {CITATION}").first
    link.evaluate("element => element.scrollIntoView({block: 'center'})")
    return link


def test_the_preview_can_be_hovered_and_its_links_clicked(page, sites):
    page.goto(sites["example"] + ARTICLE)
    link = first_citation_in_text(page)
    link.hover()
    preview = page.locator("#citation-popover")
    assert preview.is_visible()
    citation, box = link.bounding_box(), preview.bounding_box()
    assert box["y"] > citation["y"] + citation["height"]         # below, with a gap
    # The pointer goes straight down from the citation, across the gap, onto the preview.
    x = citation["x"] + min(citation["width"], box["width"]) / 2
    page.mouse.move(x, box["y"] + box["height"] / 2, steps=12)
    page.wait_for_timeout(CLOSE_DELAY * 2)
    assert preview.is_visible()
    source = preview.locator("a.source-link")
    href = source.get_attribute("href")
    source.click()
    page.wait_for_url(re.compile(r"/sources/[^/]+/$"))
    assert page.url == urljoin(sites["example"] + ARTICLE, href)
    assert page.problems == []


def test_the_preview_stays_until_the_pointer_leaves_or_esc_dismisses_it(page, sites):
    page.goto(sites["example"] + ARTICLE)
    link = first_citation_in_text(page)
    preview = page.locator("#citation-popover")
    link.hover()
    page.wait_for_timeout(CLOSE_DELAY * 3)
    assert preview.is_visible()                          # persistent: no timeout closes it
    page.keyboard.press("Escape")
    assert preview.is_hidden()                           # dismissable without moving the pointer
    assert link.get_attribute("aria-expanded") == "false"
    page.mouse.move(5, 5)
    link.hover()
    assert preview.is_visible()
    page.mouse.move(5, 5)                                # the pointer leaves citation and preview
    assert preview.is_visible()                          # not at once: a pointer may be on its way to it
    page.wait_for_timeout(CLOSE_DELAY * 2)
    assert preview.is_hidden()
    assert page.problems == []


def focused(page, selector: str) -> bool:
    return page.evaluate("selector => document.activeElement.matches(selector)", selector)


def test_a_keyboard_reaches_the_previews_links_follows_one_and_esc_gives_focus_back(page, sites):
    page.goto(sites["example"] + ARTICLE)
    page.wait_for_load_state("load")
    for _ in range(200):
        page.keyboard.press("Tab")
        if focused(page, CITATION):
            break
    citation = page.evaluate_handle("document.activeElement")
    key = citation.get_attribute("href").removeprefix("#ref-")
    dialog = page.get_by_role("dialog", name="Cited work", exact=True)
    assert dialog.is_visible() and dialog.get_attribute("id") == "citation-popover"
    assert citation.get_attribute("aria-expanded") == "true"
    assert citation.get_attribute("aria-controls") == "citation-popover"
    page.keyboard.press("Tab")                           # Tab goes on into the preview
    assert focused(page, "#citation-popover a") and dialog.is_visible()
    page.keyboard.press("Escape")
    assert dialog.is_hidden() and page.evaluate("element => document.activeElement === element", citation)
    assert citation.get_attribute("aria-expanded") == "false"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")                           # back on the citation, the preview opens again
    assert dialog.is_visible()
    for _ in range(5):
        page.keyboard.press("Tab")
        if focused(page, "#citation-popover a.source-link"):
            break
    assert focused(page, "#citation-popover a.source-link")
    page.keyboard.press("Enter")
    page.wait_for_url(sites["example"] + f"sources/{key}/")
    assert page.problems == []


# --- Search results -----------------------------------------------------------------------------

def test_a_search_result_does_not_repeat_its_title_as_a_sub_result(page, sites):
    page.goto(sites["example"] + "search/?q=remittance")
    page.wait_for_selector(".pagefind-ui__result-link[href]")
    page.wait_for_function("[...document.querySelectorAll('.pagefind-ui__result-link')].every(a => a.getAttribute('href'))")
    page.wait_for_timeout(300)
    results = page.evaluate("""() => [...document.querySelectorAll(".pagefind-ui__result")].map(result => ({
      url: result.querySelector(".pagefind-ui__result-link").getAttribute("href"),
      title: result.querySelector(".pagefind-ui__result-link").textContent.trim(),
      nested: [...result.querySelectorAll(".pagefind-ui__result-nested .pagefind-ui__result-link")]
        .map(link => link.textContent.trim())}))""")
    evidence = [r for r in results if "/evidence/" in r["url"]]
    assert evidence, results
    assert [r for r in evidence if r["nested"]] == []
    assert [r for r in results if r["title"] in r["nested"]] == []
    assert any(r["nested"] for r in results)             # an article's sections still are sub-results
    assert page.problems == []


# --- Language of parts ----------------------------------------------------------------------------

HANGUL = re.compile("[\uac00-\ud7a3]")


def test_a_korean_articles_words_on_english_pages_are_marked_korean(sites):
    """Every text of the Korean article's own (title, summary, box quotes, citing sentences) shown on
    an English page lies in an element whose lang is ko; tags, references and author-written text
    in the body carry no language of their own and are left out."""
    from bs4 import BeautifulSoup

    site = sites.folders["example"]
    korean = BeautifulSoup((site / "articles" / "restaurant-defection-sanctions-ko" / "index.html")
                           .read_text(encoding="utf-8"), "html.parser")
    own = {korean.find(id="article-title").get_text(strip=True), korean.select_one(".lede").get_text(strip=True)}
    own |= {quote.get_text(strip=True) for quote in korean.select(".evidence blockquote:not([lang])")}   # not the originals
    own |= {p.get_text(" ", strip=True)[:40] for p in korean.select(".article-body > p") if HANGUL.search(p.get_text())}
    unmarked, shown = [], 0
    for path in sorted(site.rglob("*.html")):
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        if page.html["lang"] != "en":
            continue
        for element in page.select("a, h1, h2, h3, p, blockquote"):
            text = element.get_text(" ", strip=True)
            if not any(text == words or (len(words) == 40 and text.startswith(words)) for words in own):
                continue
            shown += 1
            marked = element if element.has_attr("lang") else element.find_parent(attrs={"lang": True})
            if marked["lang"] != "ko":
                unmarked.append(f"{path.relative_to(site)}: <{element.name}> {text[:40]}")
    assert shown > 20
    assert unmarked == []
