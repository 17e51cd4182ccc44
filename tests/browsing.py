"""What the browser tests share: Debian's Chromium driven by Playwright, and a local server."""

from __future__ import annotations

import functools
import threading
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@contextmanager
def serve_folder(folder: Path):
    """folder on 127.0.0.1 at a free port; yields its root URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def chromium():
    """Headless Chromium for a fixture to yield from; skips with the reason when it is missing."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: `./run test` installs Debian's chromium")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: ./run setup")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def watched_page(browser, server: str, **options):
    """A page in a fresh context that records console errors, page errors, failed requests and
    HTTP errors in page.problems; offline but for the server. Close it with page.context.close()."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
    page = context.new_page()
    page.problems = []
    page.on("console", lambda message: message.type == "error" and page.problems.append(
        f"console: {message.text} ({message.location.get('url')})"))
    page.on("pageerror", lambda error: page.problems.append(f"page error: {error}"))
    # A request the next navigation cancels (a favicon still loading when the test goes to another
    # page) fails with net::ERR_ABORTED: not a problem of the page it was made for. Any other
    # failure is, and so is an abort while that page is still shown. A navigation counts from its
    # request, which comes before the aborts it causes (the page's frame is replaced only later).
    documents = {"shown": 0}
    made_on: dict = {}

    def requested(request) -> None:
        if request.is_navigation_request() and request.frame == page.main_frame:
            documents["shown"] += 1
        made_on[request] = documents["shown"]

    page.on("request", requested)
    page.on("requestfailed", lambda request: None if (
        request.failure == "net::ERR_ABORTED" and made_on.get(request, documents["shown"]) != documents["shown"])
        else page.problems.append(f"request failed: {request.url}"))
    page.on("response", lambda response: response.status >= 400
            and page.problems.append(f"HTTP {response.status}: {response.url}"))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server) else route.abort())
    return page
