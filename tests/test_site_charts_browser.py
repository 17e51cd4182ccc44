"""The pictures of the evidence in headless Chromium: the sourcing profile takes the theme's colours in
the light and the dark scheme (its print colours are only its attributes'), fits the column, and shows
the same numbers its table gives. axe-core's audit of every page type is test_accessibility_browser.py's."""

from __future__ import annotations

import pytest

from browsing import CHROMIUM, chromium, serve_folder, watched_page

from builder.build import build
from helpers import REPOSITORY

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing: `./run test` installs Debian's chromium", allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="playwright is not installed: ./run setup")

ARTICLE = "articles/restaurant-defection-sanctions/"
COLOURS = """() => {
  const root = getComputedStyle(document.documentElement);
  const probe = document.createElement('span');
  document.body.append(probe);
  const resolve = (name) => { probe.style.color = root.getPropertyValue(name); return getComputedStyle(probe).color; };
  const fill = (selector) => getComputedStyle(document.querySelector(selector)).fill;
  const found = {
    accent: resolve('--accent'), text: resolve('--text'), ok: resolve('--ok-text'),
    cell: fill('.chart__cell'), count: fill('.chart__count'), verified: fill('.chart__part--verified'),
    background: getComputedStyle(document.body).backgroundColor,
  };
  probe.remove();
  return found;
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    result = build(REPOSITORY, out=tmp_path_factory.mktemp("charts-browser") / "site", pdf=False, search=False)
    with serve_folder(result.out_dir) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    yield from chromium()


def test_the_sourcing_profile_takes_the_themes_colours_in_either_scheme(browser, site):
    page = watched_page(browser, site)
    seen = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.goto(site + ARTICLE)
        colours = page.evaluate(COLOURS)
        assert colours["cell"] == colours["accent"], scheme
        assert colours["count"] == colours["text"], scheme
        assert colours["verified"] == colours["ok"], scheme
        seen[scheme] = colours
    assert [problem for problem in page.problems if not problem.startswith("request failed")] == []
    assert seen["light"]["accent"] != seen["dark"]["accent"]
    assert seen["light"]["background"] != seen["dark"]["background"]
    page.context.close()


def test_the_sourcing_profile_fits_a_narrow_screen_and_shows_its_numbers(browser, site):
    page = watched_page(browser, site)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(site + ARTICLE)
    box = page.locator(".chart--profile svg").bounding_box()
    assert 0 <= box["x"] and box["x"] + box["width"] <= 360
    assert page.locator(".chart--profile svg").get_attribute("role") == "img"
    assert page.locator(".chart--profile .chart__count").all_text_contents() == ["1", "1", "2", "1", "1"]
    # The table is for screen readers: in the accessibility tree, not on the screen.
    assert page.locator(".chart--profile table").count() == 2
    assert page.locator(".chart--profile .visually-hidden").bounding_box()["width"] <= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.context.close()


@pytest.mark.parametrize("address, shape", [("evidence/", ".chart__point"), ("sources/", ".chart__bar"),
                                            ("sources/dailynk2016a/", ".chart__point")])
def test_the_timeline_and_the_sources_by_year_take_the_accent_and_fit_a_narrow_screen(browser, site, address, shape):
    page = watched_page(browser, site)
    page.set_viewport_size({"width": 360, "height": 740})
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.goto(site + address)
        colours = page.evaluate(COLOURS.replace("'.chart__cell'", repr(shape)).replace(
            "count: fill('.chart__count'), verified: fill('.chart__part--verified'),", ""))
        assert colours["cell"] == colours["accent"], scheme
        box = page.locator(".chart__svg").first.bounding_box()
        assert 0 <= box["x"] and box["x"] + box["width"] <= 360, scheme
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, scheme
    page.context.close()

