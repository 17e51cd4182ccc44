"""The example publication in headless Chromium: no script or console errors, skip link and landmarks.

Screenshots go to test-artifacts/ in the repository (ignored by git).
"""

import subprocess
import sys
from pathlib import Path

import pytest

from browsing import chromium, serve_folder, watched_page

from helpers import REPOSITORY

pytestmark = pytest.mark.browser

ARTIFACTS = REPOSITORY / "test-artifacts"


@pytest.fixture(scope="module")
def example_site(tmp_path_factory):
    """The repository's publication built with the command line into a temporary folder."""
    out = tmp_path_factory.mktemp("example") / "site"
    dossier = Path(sys.executable).with_name("dossier")
    command = [str(dossier)] if dossier.exists() else [sys.executable, "-m", "builder"]
    result = subprocess.run(command + ["-C", str(REPOSITORY), "build", "--no-pdf", "--out", str(out)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def server(example_site):
    """The built site on 127.0.0.1 at a free port; yields its root URL."""
    with serve_folder(example_site) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    yield from chromium()


@pytest.fixture
def page(browser, server):
    page = watched_page(browser, server)
    yield page
    page.context.close()


def check_page(page, name: str) -> None:
    page.wait_for_load_state("load")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert page.problems == []
    skip = page.locator("a.skip-link")
    assert skip.count() == 1
    target = skip.get_attribute("href")
    assert target.startswith("#") and page.locator(target).count() == 1
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    for role in ("banner", "main", "contentinfo"):
        assert page.get_by_role(role).count() == 1, role
    assert page.get_by_role("navigation").count() >= 1
    assert page.locator("h1").count() == 1
    assert page.problems == []


def test_index_page(page, server):
    page.goto(server)
    check_page(page, "index")


def test_article_page(page, server, example_site):
    slug = sorted(p.parent.name for p in example_site.glob("articles/*/index.html"))[0]
    page.goto(f"{server}articles/{slug}/")
    check_page(page, f"article-{slug}")
    assert page.locator("article h1").count() == 1


def test_the_footer_sets_only_the_publications_name_in_bold(page, server):
    page.goto(server + "articles/restaurant-defection-sanctions/")
    weights = page.evaluate("""() => [...document.querySelectorAll('.site-footer a')].map(
        a => [a.textContent.trim(), getComputedStyle(a).fontWeight])""")
    assert weights[0] == ["Pyongyang Ledger", "600"]
    assert all(weight == "400" for _, weight in weights[1:]), weights


def test_a_table_that_scrolls_sideways_can_be_reached_and_scrolled_by_keyboard(browser, server):
    narrow = browser.new_page(viewport={"width": 320, "height": 800})
    try:
        narrow.goto(server + "articles/restaurant-defection-sanctions/")
        narrow.wait_for_load_state("load")
        tables = narrow.evaluate("""() => [...document.querySelectorAll('.article-body table')].map(
            t => [t.scrollWidth > t.clientWidth + 1, t.getAttribute('tabindex')])""")
        assert any(scrolls for scrolls, _ in tables)
        assert all(tabindex == ("0" if scrolls else None) for scrolls, tabindex in tables), tables
        narrow.locator(".article-body table[tabindex='0']").first.focus()
        narrow.keyboard.press("ArrowRight")
        narrow.wait_for_timeout(200)
        assert narrow.evaluate("document.activeElement.scrollLeft") > 0
    finally:
        narrow.close()


def test_footnotes_are_named_for_assistive_technology(page, server):
    page.goto(server + "articles/restaurant-defection-sanctions/")
    assert page.get_by_role("link", name="Back to reference 1", exact=True).count() == 1
    assert page.locator("section.footnotes[role='doc-endnotes']").get_attribute("aria-label") == "Notes"
    assert page.locator("a[role='doc-noteref']").count() >= 3


def test_the_evidence_index_keeps_its_references_to_the_text_column(browser, server):
    wide = browser.new_page(viewport={"width": 1600, "height": 900})
    try:
        wide.goto(server + "evidence/")
        widths = wide.evaluate("""() => [...document.querySelectorAll('.evidence-group__reference, .evidence-list')]
            .map(e => [e.className, e.getBoundingClientRect().width])""")
        lists = [width for name, width in widths if name == "evidence-list"]
        assert widths and all(width <= max(lists) + 1 for _, width in widths), widths
    finally:
        wide.close()


TEXT_SPACING = """* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }"""


def test_at_320_px_with_wcag_text_spacing_the_header_fits(browser, server):
    narrow = browser.new_page(viewport={"width": 320, "height": 800})
    try:
        narrow.goto(server)
        narrow.add_style_tag(content=TEXT_SPACING)
        narrow.wait_for_timeout(100)
        right = narrow.evaluate("""() => Math.max(...[...document.querySelectorAll('.site-header *')]
            .map(e => e.getBoundingClientRect().right))""")
        assert right <= 320, right
    finally:
        narrow.close()
