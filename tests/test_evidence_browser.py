"""Misquotes as a reader sees them, in headless Chromium: a publication built in tmp_path with `verify_quotes: warn`
and served on 127.0.0.1. The misquoted box says it differs from its saved source, with the snapshot's date, and
shows no ✓; what Chromium renders of a verified quote is the text that was verified; hidden words in a quote stop
the build, so no page shows them.
"""

import pytest

from browsing import CHROMIUM, chromium, serve_folder, watched_page

from builder.build import build
from builder.errors import BuildFailed
from helpers import write

pytestmark = pytest.mark.browser

TIMEOUT = 30_000       # ms; generous, for a loaded machine

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing: `./run test` installs Debian's chromium", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: ./run setup")

ARTICLE = """\
---
title: "Loyalty"
date: 2016-04-01
---

What the informant said (@ev-right), and what we wrote he said (@ev-wrong).

::: {.evidence #ev-right source=dailynk2016a}
Party cadres these days do not feel a true sense of loyalty towards the regime.

<p>What they feel is <em>fear</em>.</p>
:::

::: {.evidence #ev-wrong source=dailynk2016a}
Party cadres these days do not feel any loyalty towards the regime.
:::
"""

HIDDEN = """
::: {.evidence #ev-hidden source=dailynk2016a}
Party cadres these days do <span class="visually-hidden">not</span> feel a true sense of loyalty towards the regime.
:::
"""


@pytest.fixture(scope="module")
def publication(tmp_path_factory):
    root = tmp_path_factory.mktemp("misquoted") / "pub"
    write(root / "dossier.yml", 'title: "Misquoted Ledger"\nbase_url: https://example.org/m/\nverify_quotes: warn\n')
    write(root / "citations" / "sources.bib",
          "@online{dailynk2016a,\n  author = {{Daily NK}},\n  title = {Cadres grow cautious},\n  date = {2016-03-14},\n}\n")
    write(root / "citations" / "snapshots" / "dailynk2016a.md",
          '---\nsaved: 2016-03-15\n---\n\n"Party cadres these days do not feel a true sense of loyalty towards the\n'
          'regime. What they feel is fear," said a second source.\n')
    write(root / "content" / "articles" / "loyalty.md", ARTICLE)
    result = build(root, pdf=False)
    assert [p.message.split(":")[0] for p in result.warnings] == [
        "quote in evidence box '#ev-wrong' is not in the saved source 'dailynk2016a'"]
    return root


@pytest.fixture(scope="module")
def server(publication):
    with serve_folder(publication / "_site") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    yield from chromium()


@pytest.fixture
def page(browser, server):
    page = watched_page(browser, server)
    page.set_default_timeout(TIMEOUT)
    yield page
    page.context.close()


def test_the_misquoted_box_says_it_differs_from_the_saved_source_and_when_it_was_saved(page, server):
    page.goto(f"{server}articles/loyalty/")
    notice = page.locator("#ev-wrong .evidence__differs")
    assert notice.is_visible()
    assert notice.inner_text() == "⚠ Quote differs from the saved source of March 15, 2016"
    caption = page.locator("#ev-wrong figcaption").inner_text()
    assert "✓" not in caption and "verified" not in caption
    assert page.problems == []


def test_the_verified_box_shows_its_mark_and_exactly_the_text_that_was_verified(page, server):
    page.goto(f"{server}articles/loyalty/")
    assert page.locator("#ev-right .evidence__verified").is_visible()
    assert "✓ verified against saved source, March 15, 2016" in page.locator("#ev-right figcaption").inner_text()
    shown = page.locator("#ev-right .evidence__quote").inner_text()
    assert " ".join(shown.split()) == ("Party cadres these days do not feel a true sense of loyalty towards the regime. "
                                       "What they feel is fear.")
    assert page.locator("#ev-wrong .evidence__verified").count() == 0


def test_the_evidence_index_and_the_box_page_say_it_differs(page, server):
    page.goto(f"{server}evidence/")
    wrong = page.locator(".evidence-item", has_text="any loyalty")
    assert wrong.locator(".evidence-status").inner_text() == "Differs from the saved source of March 15, 2016"
    assert wrong.locator(".evidence-status").is_visible()
    page.goto(f"{server}evidence/loyalty/ev-wrong/")
    assert page.locator(".evidence-status").inner_text() == "Differs from the saved source of March 15, 2016"
    assert page.problems == []


def test_hidden_words_in_a_quote_are_an_error_not_a_page(page, server, publication):
    article = publication / "content" / "articles" / "loyalty.md"
    article.write_text(ARTICLE + HIDDEN, encoding="utf-8")
    try:
        with pytest.raises(BuildFailed) as failed:
            build(publication, pdf=False)
    finally:
        article.write_text(ARTICLE, encoding="utf-8")
    assert [str(p) for p in failed.value.problems if p.is_error] == [
        "content/articles/loyalty.md:19:41: error: the quote in evidence box '#ev-hidden' hides \"not\" from sighted "
        "readers (class=\"visually-hidden\"): every reader must get the words that are verified; remove the markup, "
        "or the words"]
    page.goto(f"{server}articles/loyalty/")      # the site as it was: no page shows the box
    assert page.locator("#ev-hidden").count() == 0
    assert page.locator("#ev-wrong .evidence__differs").is_visible()
