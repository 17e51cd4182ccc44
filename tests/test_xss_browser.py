"""The hostile publication (tests/hostile.py) in headless Chromium: no dialog, no script error.

Every page is loaded; then every element gets the events an injected handler would wait
for (mouse, focus, toggle, animation), the citation popovers are opened by hover and by
keyboard focus (they copy bibliography HTML into the page), and the search page is used
with hostile queries. A dialog opening at any point fails the test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from browsing import chromium, serve_folder

from builder.build import build
from hostile import make_hostile_publication

pytestmark = pytest.mark.browser


# Events a handler smuggled into the page would listen for. "load" and "error" happen for real
# (the vectors' images are missing); "change" and "input" are left out because a synthetic
# change of the search page's sort box restarts Pagefind's UI midway.
PROVOKE = """() => {
  const names = ["mouseover", "mouseenter", "mousemove", "mousedown", "mouseup", "focus", "focusin", "blur",
                 "toggle", "animationstart", "transitionend", "keydown"];
  let count = 0;
  for (const element of document.querySelectorAll("*")) {
    for (const name of names) {
      element.dispatchEvent(new Event(name, {bubbles: false}));
      count += 1;
    }
  }
  return count;
}"""

# Attributes of the live DOM, after the theme's scripts ran, that could run script; Pagefind's
# own search form (action="javascript:void(0);") is the one expected.
LIVE_HANDLERS = """() => {
  const found = [];
  for (const element of document.querySelectorAll("*")) {
    for (const name of element.getAttributeNames()) {
      const value = element.getAttribute(name) || "";
      if (element.closest(".pagefind-ui") && element.tagName === "FORM" && name === "action"
          && value === "javascript:void(0);") { continue; }
      const url = value.replace(/[\\t\\n\\r]/g, "").replace(/^[\\x00-\\x20]+/, "").toLowerCase();
      if (name.startsWith("on") || url.startsWith("javascript:") || url.startsWith("vbscript:")
          || (url.startsWith("data:") && !/^data:image\\/(png|gif|jpe?g|webp);/.test(url) && name !== "content")) {
        found.push(element.tagName + " " + name + "=" + value);
      }
    }
  }
  return found;
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = make_hostile_publication(tmp_path_factory.mktemp("hostile-browser") / "publication")
    return build(root, pdf=False, use_cache=False).out_dir


@pytest.fixture(scope="module")
def server(site):
    with serve_folder(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    yield from chromium()


@pytest.fixture
def page(browser, server):
    """A page that records every dialog, page error and script console error; offline but for the server."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.dialogs = []
    page.problems = []

    def on_dialog(dialog):
        page.dialogs.append(f"{dialog.type}: {dialog.message} ({page.url})")
        dialog.dismiss()

    def on_console(message):
        # Loading errors are expected: the vectors point at missing images and foreign hosts.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            page.problems.append(f"console: {message.text} ({page.url})")

    page.on("dialog", on_dialog)
    page.on("console", on_console)
    page.on("pageerror", lambda error: page.problems.append(f"page error: {error} ({page.url})"))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server) else route.abort())
    yield page
    context.close()


def _visit(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("load")
    page.evaluate(PROVOKE)
    page.wait_for_timeout(50)


def test_no_page_opens_a_dialog_or_has_a_script_error(page, server, site):
    paths = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert len(paths) > 15
    for path in paths:
        _visit(page, server + path.removesuffix("index.html"))
        assert page.evaluate(LIVE_HANDLERS) == [], path
    assert page.dialogs == []
    assert page.problems == []


def test_citation_popovers_copy_the_bibliography_without_running_it(page, server):
    _visit(page, server + "articles/hostile/")
    links = page.locator('.citation a[role="doc-biblioref"]')
    assert links.count() >= 5
    for index in range(links.count()):
        link = links.nth(index)
        link.scroll_into_view_if_needed()
        link.hover()
        popover = page.locator("#citation-popover")
        assert popover.is_visible()
        assert popover.inner_text().strip()
        page.evaluate(PROVOKE)
        assert page.evaluate(LIVE_HANDLERS) == []
        link.focus()
        page.keyboard.press("Escape")
    assert page.dialogs == []
    assert page.problems == []


@pytest.mark.parametrize("query", ["alert", "script", "onerror", "<img src=x onerror=alert(1)>",
                                   "\"><script>alert(1)</script>", "javascript:alert(1)"])
def test_searching_for_the_vectors_runs_none_of_them(page, server, query):
    from urllib.parse import quote

    _visit(page, f"{server}search/?q={quote(query)}")
    page.wait_for_selector(".pagefind-ui__message", timeout=10000)
    page.wait_for_timeout(300)
    page.evaluate(PROVOKE)
    assert page.evaluate(LIVE_HANDLERS) == []
    assert page.locator("#search-page-input").input_value() == query
    assert page.dialogs == []
    assert page.problems == []


def test_the_search_finds_the_hostile_text_as_text(page, server):
    _visit(page, f"{server}search/?q=alert")
    results = page.locator(".pagefind-ui__result")
    results.first.wait_for(timeout=10000)
    assert results.count() >= 1
    page.evaluate(PROVOKE)
    assert page.evaluate("() => document.querySelectorAll('.pagefind-ui__results script, .pagefind-ui__results img').length") == 0
    labels = [" ".join(text.split()) for text in page.locator(".pagefind-ui__filter-label").all_text_contents()]
    assert any("\"><script>alert(’bib-author2’)</script> 2016" in label for label in labels), labels
    assert page.locator(".pagefind-ui__filters img, .pagefind-ui__filters svg, .pagefind-ui__filters script").count() == 0
    assert page.dialogs == []
