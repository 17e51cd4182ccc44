"""The writer's loop in `dossier serve`: from saving an article to the reload event sent to the
open pages, and to the search index updated behind it.

    .venv/bin/python benchmarks/serve_loop.py PUBLICATION [--saves N] [--json] [--browser]

With --browser, the article is open in headless Chromium (Debian's, through Playwright) and each
save is also timed to the moment the reloaded page shows the sentence added: what the writer sees.

Starts `dossier serve` in this process (builder.serve.live.LiveSite, port 0, without PDFs), lets
its first build finish and the server read the publication into memory (LiveSite.warm), then N times appends a sentence to the middle article, waits for the
reload event (the build id the event stream sends changes) and for the search index of that build,
and takes the edit back at the end. Prints each save's two times, or JSON with --json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from builder.serve.live import LiveSite  # noqa: E402
from builder.text import slugify  # noqa: E402

POLL = 0.005
TIMEOUT = 600.0


def wait_for(condition, what: str) -> None:
    deadline = time.perf_counter() + TIMEOUT
    while not condition():
        if time.perf_counter() > deadline:
            raise SystemExit(f"serve_loop: no {what} after {TIMEOUT:g} s")
        time.sleep(POLL)


def measure(root: Path, saves: int, browser: bool = False) -> dict:
    problems: list[str] = []
    site = LiveSite(root, port=0, output=lambda line, is_problem: problems.append(line) if is_problem else None)
    started = time.perf_counter()
    site.start()
    first = time.perf_counter() - started
    site.warm.wait()        # the server has read the publication: a writer's first save comes later than that
    warm = time.perf_counter() - started - first
    articles = sorted((root / "content" / "articles").glob("*.md"))
    article = articles[len(articles) // 2]
    original = article.read_bytes()
    events, indexed, shown = [], [], []
    page = _open_in_browser(site.url + f"articles/{slugify(article.stem)}/") if browser else None
    try:
        for number in range(saves):
            build = site.status.state.build
            sentence = f"Sentence {number} added by benchmarks/serve_loop.py."
            saved = time.perf_counter()
            article.write_bytes(original + f"\n\n{sentence}\n".encode())
            wait_for(lambda: site.status.state.build != build or not site.status.state.ok, "reload event")
            if not site.status.state.ok:
                raise SystemExit("serve_loop: the edit failed to build: " + "; ".join(problems[-3:]))
            events.append(time.perf_counter() - saved)
            if page is not None:
                wait_for(lambda: _shows(page, sentence), "page showing the edit")
                shown.append(time.perf_counter() - saved)
            wait_for(lambda: not site.status.state.indexing, "search index")
            indexed.append(time.perf_counter() - saved)
            time.sleep(0.2)          # a pause between saves, as a writer makes
    finally:
        article.write_bytes(original)
        site.stop()
        if page is not None:
            page.context.browser.close()
    result = {"article": article.name, "first_build_seconds": round(first, 3), "warm_up_seconds": round(warm, 3),
              "save_to_reload_seconds": [round(t, 3) for t in events],
              "save_to_index_seconds": [round(t, 3) for t in indexed]}
    if shown:
        result["save_to_page_seconds"] = [round(t, 3) for t in shown]
    return result


def _shows(page, text: str) -> bool:
    """Whether the page (reloaded by the live reload, maybe reloading now) shows text."""
    from playwright.sync_api import Error

    try:
        return page.evaluate("text => !!document.body && document.body.innerText.includes(text)", text)
    except Error:       # between two documents
        return False


def _open_in_browser(url: str):
    """url in headless Chromium, its live reload connected."""
    from playwright.sync_api import sync_playwright

    browser = sync_playwright().start().chromium.launch(executable_path="/usr/bin/chromium")
    page = browser.new_page()
    page.goto(url)
    return page


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("publication", type=Path)
    parser.add_argument("--saves", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--browser", action="store_true", help="also time the page shown in Chromium")
    args = parser.parse_args(argv)
    result = measure(args.publication.resolve(), args.saves, args.browser)
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"first build {result['first_build_seconds']:.2f} s, read into memory {result['warm_up_seconds']:.2f} s; "
          f"saving {result['article']}")
    for key, label in (("save_to_reload_seconds", "save -> reload event"), ("save_to_page_seconds", "save -> page shown"),
                       ("save_to_index_seconds", "save -> search index")):
        times = result.get(key)
        if not times:
            continue
        print(f"{label}: median {statistics.median(times):.2f} s ({', '.join(f'{t:.2f}' for t in times)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
