"""builder/serve/live.py and builder/serve/http.py: `dossier serve` serves only the built site, rebuilds on change
and reloads the browser; a failed build keeps the last good site and shows its problems.

The browser tests drive Debian's Chromium through Playwright; a screenshot of the problems overlay goes to
test-artifacts/ in the repository (ignored by git).
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from builder.errors import error
from builder.serve.http import (MAX_TARGET_LENGTH, REQUEST_SECONDS, BuildState, BuildStatus, SiteLocation, SiteRequestHandler,
                                SiteServer, base_path_of, content_type, inject_live_reload, is_local_host, resolve_request)
from builder.serve.live import LiveSite
from browsing import chromium as launch_chromium
from helpers import REPOSITORY, write

ARTIFACTS = REPOSITORY / "test-artifacts"
SECRET = "top secret: outside the site"
SCRIPT_TAG = b'<script src="/__dossier/live-reload.js"'

TRAVERSALS = [
    "/../etc/passwd",
    "/../secret.txt",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/%2e%2e/secret.txt",
    "/%2E%2E/secret.txt",
    "/.%2e/secret.txt",
    "/..%2fsecret.txt",
    "/..%2Fsecret.txt",
    "/%2e%2e%5c",
    "/%2e%2e%5csecret.txt",
    "/..\\secret.txt",
    "/articles/../../secret.txt",
    "/articles/%2e%2e/%2e%2e/secret.txt",
    "/%252e%252e/%252e%252e/etc/passwd",          # double-encoded
    "/%252e%252e%252fsecret.txt",
    "/%25252e%25252e/secret.txt",                 # triple-encoded
    "/%c0%ae%c0%ae/secret.txt",                   # overlong UTF-8 dots
    "/secret.txt%00.html",
    "//etc/passwd",
    "http://127.0.0.1/../secret.txt",             # absolute-form target
    "/%2e%2e%5csecret.txt",
    "/..%5csecret.txt",
    "/%5c..%5csecret.txt",
    "/.%00./secret.txt",
    "/%2e%2e%00/secret.txt",
    "/%2e%2e/" * 40 + "secret.txt",
    "/%c0%af..%c0%afsecret.txt",                  # overlong UTF-8 slash
    "/leak.txt",                                  # symbolic link to a file outside
    "/leak.txt%00",
    "/leak/secret.txt",                           # symbolic link to a folder outside
    "/leak/",
]


# --- a synthetic site ------------------------------------------------------------------------------

@pytest.fixture
def site(tmp_path) -> Path:
    """A built-looking site with a secret file and folder beside it, and symbolic links leading out."""
    write(tmp_path / "secret.txt", SECRET)
    write(tmp_path / "outside" / "secret.txt", SECRET)
    folder = tmp_path / "site"
    write(folder / "index.html", "<!DOCTYPE html><html><body><h1>Home</h1></body></html>\n")
    write(folder / "404.html", "<!DOCTYPE html><html><body><h1>Page not found</h1></body></html>\n")
    write(folder / "articles" / "a" / "index.html", "<html><body><p>Article A</p></body></html>")
    write(folder / "feed.xml", "<feed/>")
    for name in ("style.css", "site.js", "data.json", "doc.pdf", "map.svg", "notes.txt", "refs.bib",
                 "pagefind/pagefind.en_1a2b3c.pf_meta", "pagefind/wasm.en.pagefind",
                 "pagefind/fragment/en_1a2b.pf_fragment", "pagefind/index/en_1a2b.pf_index",
                 "pagefind/filter/en_1a2b.pf_filter", "pagefind/pagefind.js", "pagefind/pagefind-entry.json"):
        write(folder / name, b"\x1f\x8b binary-ish " + name.encode())
    (folder / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (folder / "leak").symlink_to(tmp_path / "outside", target_is_directory=True)
    (folder / "home.html").symlink_to(folder / "index.html")
    return folder


@contextmanager
def serving(folder: Path, base_path: str = "/", status: BuildStatus | None = None):
    """A SiteServer for folder on a free port in a thread; yields the server."""
    server = SiteServer(SiteLocation(folder, base_path), status or BuildStatus(BuildState("b1")), port=0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server
    finally:
        server.status.close()
        server.shutdown()
        server.server_close()
        thread.join(5)
        assert not thread.is_alive()


def fetch(server: SiteServer, target: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """One raw request (the target is sent exactly as given, never normalised)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
    try:
        connection.putrequest(method, target, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("target", TRAVERSALS)
def test_paths_leaving_the_site_are_refused(site, target):
    resolved = resolve_request(site, "/", target)
    assert resolved.status in (403, 404)
    assert resolved.file is None


def test_traversals_are_refused_over_http(site):
    with serving(site) as server:
        for target in TRAVERSALS:
            status, _, body = fetch(server, target)
            assert status in (403, 404), target
            assert SECRET.encode() not in body, target


def test_encoded_traversal_and_outward_links_are_forbidden_not_just_missing(site):
    for target in ("/%2e%2e/secret.txt", "/..%2fsecret.txt", "/%252e%252e/secret.txt", "/leak.txt", "/leak/"):
        assert resolve_request(site, "/", target).status == 403, target


def test_a_symbolic_link_inside_the_site_is_followed(site):
    resolved = resolve_request(site, "/", "/home.html")
    assert resolved.status == 200
    assert resolved.file == (site / "index.html").resolve()


def test_folders_serve_their_index_and_get_a_slash(site):
    assert resolve_request(site, "/", "/articles/a/").file == (site / "articles" / "a" / "index.html").resolve()
    assert resolve_request(site, "/", "/").file == (site / "index.html").resolve()
    redirect = resolve_request(site, "/", "/articles/a?x=1")
    assert (redirect.status, redirect.location) == (301, "/articles/a/?x=1")
    assert resolve_request(site, "/", "/feed.xml/").status == 404
    assert resolve_request(site, "/", "/articles/").status == 404          # a folder without index.html


def test_the_site_is_served_at_its_base_url_path(site):
    assert base_path_of("https://example.org/ledger/") == "/ledger/"
    assert base_path_of("https://example.org") == "/"
    assert resolve_request(site, "/ledger/", "/ledger/feed.xml").file == (site / "feed.xml").resolve()
    assert resolve_request(site, "/ledger/", "/").location == "/ledger/"
    assert resolve_request(site, "/ledger/", "/ledger").location == "/ledger/"
    assert resolve_request(site, "/ledger/", "/feed.xml").status == 404
    assert resolve_request(site, "/ledger/", "/ledger/../secret.txt").status == 403


@pytest.mark.parametrize("name, expected", [
    ("index.html", "text/html; charset=utf-8"),
    ("style.css", "text/css; charset=utf-8"),
    ("site.js", "text/javascript; charset=utf-8"),
    ("pagefind/pagefind.js", "text/javascript; charset=utf-8"),
    ("data.json", "application/json"),
    ("pagefind/pagefind-entry.json", "application/json"),
    ("feed.xml", "application/xml; charset=utf-8"),
    ("doc.pdf", "application/pdf"),
    ("map.svg", "image/svg+xml"),
    ("notes.txt", "text/plain; charset=utf-8"),
    ("refs.bib", "application/x-bibtex; charset=utf-8"),
    ("pagefind/wasm.en.pagefind", "application/octet-stream"),
    ("pagefind/pagefind.en_1a2b3c.pf_meta", "application/octet-stream"),
    ("pagefind/fragment/en_1a2b.pf_fragment", "application/octet-stream"),
    ("pagefind/index/en_1a2b.pf_index", "application/octet-stream"),
    ("pagefind/filter/en_1a2b.pf_filter", "application/octet-stream"),
])
def test_content_types(site, name, expected):
    assert content_type(site / name) == expected
    with serving(site) as server:
        status, headers, body = fetch(server, "/" + name)
    assert status == 200
    assert headers["content-type"] == expected
    assert headers["cache-control"] == "no-store"
    if not name.endswith(".html"):
        assert body == (site / name).read_bytes()       # byte for byte: no re-encoding of Pagefind's chunks


def test_a_missing_page_gets_the_sites_404_page_with_status_404(site):
    with serving(site) as server:
        status, headers, body = fetch(server, "/no/such/page/")
        head_status, head_headers, head_body = fetch(server, "/no/such/page/", method="HEAD")
    assert status == 404
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert b"<h1>Page not found</h1>" in body
    assert SCRIPT_TAG in body
    assert (head_status, head_body) == (404, b"")
    assert head_headers["content-length"] == headers["content-length"] == str(len(body))


def test_redirects_and_refusals_over_http(site):
    with serving(site, "/ledger/") as server:
        assert fetch(server, "/")[:2][0] == 301
        status, headers, _ = fetch(server, "/ledger/articles/a")
        assert (status, headers["location"]) == (301, "/ledger/articles/a/")
        assert fetch(server, "/ledger/articles/a/")[0] == 200
        assert fetch(server, "/ledger/articles/a/", method="POST")[0] == 501


def test_the_reload_script_is_added_to_served_html_only(site):
    on_disk = (site / "index.html").read_bytes()
    with serving(site) as server:
        _, _, page = fetch(server, "/")
        _, _, css = fetch(server, "/style.css")
        status, headers, script = fetch(server, "/__dossier/live-reload.js")
    assert page == on_disk.replace(b"</body>", SCRIPT_TAG + b' data-build="b1"></script>\n</body>')
    assert (site / "index.html").read_bytes() == on_disk
    assert css == (site / "style.css").read_bytes()
    assert status == 200 and headers["content-type"] == "text/javascript; charset=utf-8"
    assert b"EventSource" in script and b'role", "alert"' in script


def test_inject_live_reload_places_the_script_before_the_last_body_end():
    assert inject_live_reload(b"<p>x</p>", "1") == b'<p>x</p><script src="/__dossier/live-reload.js" data-build="1"></script>\n'
    page = inject_live_reload(b"<BODY><pre>&lt;/body&gt;</pre></BODY></HTML>", 'a"b')
    assert page.endswith(b'data-build="a&quot;b"></script>\n</BODY></HTML>')


def test_the_event_stream_sends_the_state_now_and_after_each_change(site):
    status = BuildStatus(BuildState("b1"))
    with serving(site, status=status) as server:
        connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
        connection.request("GET", "/__dossier/events")
        response = connection.getresponse()
        assert response.status == 200
        assert response.getheader("Content-Type") == "text/event-stream; charset=utf-8"
        assert read_event(response) == {"build": "b1", "ok": True, "indexing": False, "problems": []}
        status.publish(BuildState("b1", ok=False, problems=(error("content/articles/a.md", 3, 7, "<b>bad</b>"),)))
        assert read_event(response) == {"build": "b1", "ok": False, "indexing": False, "problems": [
            {"path": "content/articles/a.md", "line": 3, "col": 7, "severity": "error", "message": "<b>bad</b>",
             "text": "content/articles/a.md:3:7: error: <b>bad</b>"}]}
        status.publish(BuildState("b2", indexing=True))
        assert read_event(response) == {"build": "b2", "ok": True, "indexing": True, "problems": []}
        connection.close()


def read_event(response) -> dict:
    """The data of the next `data:` event on a server-sent-events response."""
    while True:
        line = response.fp.readline().decode()
        assert line, "the stream ended"
        if line.startswith("data: "):
            return json.loads(line[len("data: "):])


# --- requests no browser on this machine sends ------------------------------------------------------

def send_raw(server: SiteServer, data: bytes, timeout: float = 5.0) -> bytes:
    """data sent as it is on a connection of its own; all the server answers until it closes the connection."""
    with socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=timeout) as connection:
        connection.sendall(data)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def body_of(answer: bytes) -> bytes:
    return answer.split(b"\r\n\r\n", 1)[1]


def test_an_overlong_request_target_is_refused_at_once(site):
    with serving(site) as server:
        started = time.monotonic()
        answer = send_raw(server, b"GET /" + b"a" * 10_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert time.monotonic() - started < 2
        assert status_of(answer) == 414
        assert body_of(answer) == f"414 Request-URI Too Long\nDossier answers request targets of up to {MAX_TARGET_LENGTH} characters.\n".encode()
        for target in (b"/" + b"a/" * 5000, b"/" + b"%2e" * 4000):
            assert status_of(send_raw(server, b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")) == 414


def test_a_name_too_long_for_the_file_system_is_not_found_and_no_traceback(site, capfd):
    with serving(site) as server:
        for target in ("/" + "a" * 5000, "/articles/" + "b" * 256 + "/", "/" + "c/" * 2000):
            status, _, body = fetch(server, target)
            assert status == 404 and b"Page not found" in body, target
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.1:8000", "localhost", "localhost:1", "LocalHost:8000",
                                  "[::1]", "[::1]:8000", " 127.0.0.1 "])
def test_requests_for_this_machine_are_answered(site, host):
    assert is_local_host(host)
    with serving(site) as server:
        answer = send_raw(server, f"GET / HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    assert status_of(answer) == 200 and b"<h1>Home</h1>" in answer


# A page on evil.example whose name its owner made resolve to 127.0.0.1 sends its own name as Host.
FOREIGN_HOSTS = ["evil.example", "evil.example:8000", "127.0.0.1.evil.example", "localhost.evil.example",
                 "evil.example#@127.0.0.1", "127.0.0.1@evil.example", "127.0.0.2", "0.0.0.0", "[::2]", "[::1",
                 "localhost:", "localhost:http", "localhost:8000:1", "localhoſt", "localhost.", "127.1", "2130706433", ""]


@pytest.mark.parametrize("host", FOREIGN_HOSTS)
def test_requests_for_any_other_host_are_refused(site, host):
    assert not is_local_host(host)
    with serving(site) as server:
        for path in ("/", "/__dossier/events", "/__dossier/live-reload.js"):
            answer = send_raw(server, f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
            assert status_of(answer) == 421, path
            assert body_of(answer) == b"421 Misdirected Request\ndossier serve answers only requests for 127.0.0.1, localhost or [::1].\n"


def test_requests_without_a_host_or_with_two_are_refused(site):
    with serving(site) as server:
        assert status_of(send_raw(server, b"GET / HTTP/1.0\r\n\r\n")) == 421
        assert status_of(send_raw(server, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n")) == 421
        assert status_of(send_raw(server, b"GET / HTTP/1.1\r\nHost: evil.example\r\nHost: 127.0.0.1\r\n\r\n")) == 421


def test_a_stalled_client_is_dropped_and_blocks_no_one(site, monkeypatch):
    assert SiteRequestHandler.timeout == REQUEST_SECONDS <= 30
    monkeypatch.setattr(SiteRequestHandler, "timeout", 0.5)
    with serving(site) as server:
        stalled = [socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=5) for _ in range(5)]
        try:
            stalled[0].sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")        # the headers never end
            stalled[1].sendall(b"GET /")                                       # nor the request line
            started = time.monotonic()
            assert fetch(server, "/")[0] == 200                                # others are served meanwhile
            assert time.monotonic() - started < 0.5
            for connection in stalled:
                assert connection.recv(65536) == b""                          # closed by the server
            assert time.monotonic() - started < 3
        finally:
            for connection in stalled:
                connection.close()


def test_huge_headers_are_refused_at_once(site):
    with serving(site) as server:
        long_line = send_raw(server, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n")
        many = send_raw(server, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X-Many: a\r\n" * 200 + b"\r\n")
        assert (status_of(long_line), status_of(many)) == (431, 431)
        assert fetch(server, "/")[0] == 200


# --- serving a publication --------------------------------------------------------------------------

class Lines:
    """Collects what LiveSite prints, as (line, is_problem)."""

    def __init__(self):
        self.lines: list[tuple[str, bool]] = []

    def __call__(self, line: str, is_problem: bool) -> None:
        self.lines.append((line, is_problem))

    @property
    def problems(self) -> list[str]:
        return [line for line, is_problem in self.lines if is_problem]


def wait_until(condition, timeout: float = 10.0) -> float:
    """Seconds until condition() was true; fails after timeout."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout, "timed out"
        time.sleep(0.02)
    return time.monotonic() - started


def serve_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("dossier-")]


@pytest.fixture
def live(publication):
    """serve(name) -> a started LiveSite on a copy of tests/fixtures/NAME; stopped, with every thread, at the end."""
    started = []

    def serve(name: str) -> LiveSite:
        site = LiveSite(publication(name), port=0, output=Lines())
        started.append(site)
        site.start()
        return site

    yield serve
    for site in started:
        site.stop()
    wait_until(lambda: serve_threads() == [], timeout=5)


def get(live_site: LiveSite, path: str) -> tuple[int, bytes]:
    status, _, body = fetch(live_site.server, live_site.server.location.base_path + path)
    return status, body


def test_serve_builds_and_serves_without_writing_the_script_to_disk(live):
    site = live("cited")
    assert site.url.endswith("/cited/") and site.server.server_address[0] == "127.0.0.1"
    assert site.output.lines[0][0].startswith("Built 1 documents, ")
    status, page = get(site, "articles/places/")
    assert status == 200 and SCRIPT_TAG in page
    built = sorted(site.server.location.folder.rglob("*.html"))
    assert built and not any(b"__dossier" in path.read_bytes() for path in built)
    assert get(site, "articles/none/")[0] == 404


def test_the_pagefind_bundle_is_served(live):
    site = live("cited")
    folder = site.server.location.folder
    bundle = sorted(p for p in (folder / "pagefind").rglob("*") if p.is_file())
    assert any(p.suffix == ".pagefind" for p in bundle) and any(p.suffix == ".pf_meta" for p in bundle)
    for path in bundle:
        status, body = get(site, path.relative_to(folder).as_posix())
        assert (status, body) == (200, path.read_bytes()), path


def test_an_edit_rebuilds_and_a_broken_edit_keeps_the_last_good_site(live):
    site = live("cited")
    article = site.root / "content" / "articles" / "places.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("A paragraph cites", "An edited paragraph cites"), encoding="utf-8")
    wait_until(lambda: b"An edited paragraph" in get(site, "articles/places/")[1])
    wait_until(lambda: site.builds == 2)
    good_build = site.status.state.build

    article.write_text(text.replace("@lee2015 [p. 4]", "@nosuchkey [p. 4]"), encoding="utf-8")
    wait_until(lambda: not site.status.state.ok)
    state = site.status.state
    assert state.build == good_build
    assert [str(p) for p in state.problems] == ["content/articles/places.md:6:41: error: unknown citation key 'nosuchkey'"]
    assert site.output.problems[-2:] == ["content/articles/places.md:6:41: error: unknown citation key 'nosuchkey'",
                                         "1 error; still serving the last good build"]
    assert b"An edited paragraph" in get(site, "articles/places/")[1]

    article.write_text(text.replace("A paragraph cites", "A fixed paragraph cites"), encoding="utf-8")
    wait_until(lambda: site.status.state.ok)
    assert site.status.state.build != good_build
    assert b"A fixed paragraph" in get(site, "articles/places/")[1]


def test_undoing_a_broken_edit_clears_the_failure_without_a_reload(live):
    site = live("cited")
    article = site.root / "content" / "articles" / "places.md"
    text = article.read_text(encoding="utf-8")
    good_build = site.status.state.build
    article.write_text(text.replace("@lee2015 [p. 4]", "@nosuchkey [p. 4]"), encoding="utf-8")
    wait_until(lambda: not site.status.state.ok)
    article.write_text(text, encoding="utf-8")
    wait_until(lambda: site.status.state.ok)
    assert (site.status.state.build, site.builds) == (good_build, 1)
    assert site.output.lines[-1][0].startswith("content/articles/places.md changed; the site is as it was; checked in ")


def test_settings_and_a_theme_folder_made_while_serving_are_watched(live):
    site = live("cited")
    settings = site.root / "dossier.yml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("Cited Ledger", "Renamed Ledger"), encoding="utf-8")
    wait_until(lambda: b"Renamed Ledger" in get(site, "")[1])
    write(site.root / "themes" / "default" / "static" / "custom.css", "p { color: red; }\n")
    wait_until(lambda: get(site, "theme/custom.css") == (200, b"p { color: red; }\n"))
    time.sleep(0.3)         # the folder watcher starts again, on themes/ too
    write(site.root / "themes" / "default" / "static" / "custom.css", "p { color: blue; }\n")
    wait_until(lambda: get(site, "theme/custom.css") == (200, b"p { color: blue; }\n"))


def test_editor_temporary_files_do_not_rebuild_and_a_burst_of_saves_rebuilds_once(live):
    site = live("cited")
    articles = site.root / "content" / "articles"
    for name in (".places.md.swp", "places.md~", "4913", "#places.md#", "places.md.tmp", ".goutputstream-X1"):
        write(articles / name, "scratch")
    time.sleep(0.6)
    assert site.builds == 1
    article = articles / "places.md"
    text = article.read_text(encoding="utf-8")
    for n in range(5):
        article.write_text(text + f"\nSaved {n} times.\n", encoding="utf-8")
    wait_until(lambda: b"Saved 4 times." in get(site, "articles/places/")[1])
    time.sleep(0.4)
    assert site.builds == 2


def test_a_failing_first_build_still_serves_and_recovers(live):
    site = live("cited")
    site.stop()
    root = site.root
    article = root / "content" / "articles" / "places.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("title:", "title: [unclosed\nx:"), encoding="utf-8")
    broken = LiveSite(root, port=0, output=Lines())
    with broken:
        assert not broken.status.state.ok
        assert broken.output.problems[-1] == "1 error; still serving the last good build"
        assert get(broken, "articles/places/")[0] == 200        # the site from before
        article.write_text(text, encoding="utf-8")
        wait_until(lambda: broken.status.state.ok)
    assert serve_threads() == []


def test_a_misquote_fails_the_served_build_and_verify_quotes_warn_serves_the_box_marked(live):
    site = live("evidence-misquote")
    assert not site.status.state.ok
    assert [str(p) for p in site.status.state.problems] == [
        "content/articles/misquote.md:9:37: error: quote in evidence box '#ev-wrong' is not in the saved source "
        "'dailynk2016a': \"… do not feel any → a true sense of loyalty towards the …\" (quote → source); closest "
        "passage at citations/snapshots/dailynk2016a.txt:3, 89% similar"]
    settings = site.root / "dossier.yml"
    settings.write_text(settings.read_text(encoding="utf-8") + "verify_quotes: warn\n", encoding="utf-8")
    wait_until(lambda: site.status.state.ok)
    status, page = get(site, "articles/misquote/")
    assert status == 200 and "⚠ Quote differs from the saved source of March 15, 2016".encode() in page


def test_a_crash_in_the_build_is_reported_and_the_server_goes_on(live, monkeypatch):
    site = live("cited")

    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("builder.serve.live.build", crash)
    assert site.rebuild({str(site.root / "content" / "articles" / "places.md")}) is False
    assert [str(p) for p in site.status.state.problems] == [
        "dossier:1:1: error: internal error (the traceback is in the terminal): RuntimeError: boom"]
    assert "Traceback" in site.output.problems[0] and "RuntimeError: boom" in site.output.problems[0]
    assert get(site, "articles/places/")[0] == 200


def test_without_any_site_a_failed_build_serves_a_placeholder(publication):
    root = publication("cited")
    write(root / "content" / "articles" / "places.md", "---\ntitle: [unclosed\n---\nBody\n")
    with LiveSite(root, port=0, output=Lines()) as site:
        assert site.output.problems[-1] == "1 error; nothing to serve yet"
        status, page = get(site, "")
        assert status == 404 and b"Nothing built yet" in page and SCRIPT_TAG in page
    assert serve_threads() == []


@pytest.mark.parametrize("how", ["setting", "link"])
def test_an_output_folder_the_build_refuses_is_never_served(publication, tmp_path, how):
    root = publication("cited")
    write(tmp_path / "elsewhere" / "secret.txt", "not for the server\n")
    if how == "setting":
        with (root / "dossier.yml").open("a") as settings:
            settings.write(f"output: ../{tmp_path.name}/elsewhere\n")
    else:
        (root / "_site").symlink_to(tmp_path / "elsewhere")
    with LiveSite(root, port=0, output=Lines()) as site:
        assert site.output.problems[-1] == "1 error; nothing to serve yet"
        status, page = get(site, "secret.txt")
        assert status == 404 and b"not for the server" not in page
    assert serve_threads() == []


def interruptible() -> None:
    """In the child, before it runs: Ctrl-C as a terminal delivers it. A suite started in the
    background by a shell without job control inherits SIGINT ignored, and a Python started so
    never raises KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def ended(process: subprocess.Popen) -> None:
    """The process and whatever it started (its own session: build workers too) killed, if still there."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except OSError:
        pass            # all gone already
    process.wait()


def stopped(process: subprocess.Popen, seconds: float = 15) -> tuple[str, str]:
    """The output of a `dossier serve` process sent Ctrl-C; if it has not ended within seconds, a
    failure showing where each of its threads was (faulthandler, on SIGABRT) and its SIGINT disposition."""
    try:
        return process.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        try:
            with open(f"/proc/{process.pid}/status", encoding="ascii") as status:
                masks = [line.strip() for line in status if line.startswith(("SigIgn", "SigBlk", "SigCgt"))]
        except OSError:
            masks = []
        process.send_signal(signal.SIGABRT)
        stdout, stderr = process.communicate(timeout=10)
        pytest.fail(f"not stopped {seconds} s after Ctrl-C; {masks}\nstdout: {stdout[-2000:]}\nstderr: {stderr[-12000:]}")


def test_the_command_stops_cleanly_on_ctrl_c(publication):
    root = publication("cited")
    command = [sys.executable, "-m", "builder", "-C", str(root), "serve", "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONFAULTHANDLER": "1"},
                               preexec_fn=interruptible, start_new_session=True)
    try:
        lines = []
        while not any(line.startswith("Serving ") for line in lines):
            line = process.stdout.readline()
            assert line, process.stderr.read()
            lines.append(line)
        url = lines[-1].split()[1]
        assert url.startswith("http://127.0.0.1:") and url.endswith("/cited/")
        process.send_signal(signal.SIGINT)
        stdout, stderr = stopped(process)
    finally:
        ended(process)
    assert process.returncode == 0
    assert "Traceback" not in stderr and stderr == ""
    assert stdout.strip().endswith("Stopping.")


def test_ctrl_c_while_the_warm_up_build_keeps_workers_busy_stops_at_once(publication):
    """The warm-up build writes nothing: Ctrl-C does not wait for it, nor for its worker processes,
    which the interpreter's exit would otherwise wait for (CI saw a stop take more than 15 s)."""
    root = publication("cited")
    script = ("import sys, time\n"
              "import builder.serve.live as live\n"
              "from builder.run.parallel import forked_map\n"
              "build = live.build\n"
              "def slow(*args, **kwargs):\n"
              "    if kwargs.get('write') is False:\n"
              "        list(forked_map(lambda task: time.sleep(30), range(4), 2, 1, 'x', 'waiting'))\n"
              "    return build(*args, **kwargs)\n"
              "live.build = slow\n"
              "from builder.cli import main\n"
              f"sys.argv = ['dossier', '-C', {str(root)!r}, 'serve', '--port', '0']\n"
              "main()\n")
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONFAULTHANDLER": "1"}, cwd=REPOSITORY,
                               preexec_fn=interruptible, start_new_session=True)
    try:
        while not process.stdout.readline().startswith("Serving "):
            assert process.poll() is None, process.stderr.read()
        time.sleep(0.5)                 # the warm-up's workers are asleep
        process.send_signal(signal.SIGINT)
        started = time.monotonic()
        stdout, stderr = stopped(process)
    finally:
        ended(process)
    assert time.monotonic() - started < 5
    assert process.returncode == 0 and stderr == "" and stdout.strip().endswith("Stopping.")


def test_a_taken_port_is_an_error_not_a_traceback(publication, cli, site):
    with serving(site) as server:
        result = cli("-C", publication("cited"), "serve", "--port", server.server_address[1])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: cannot serve on 127.0.0.1:{server.server_address[1]}: ")
    assert result.stderr.endswith("; another program uses the port: choose another (--port 0 picks a free one)\n")


def test_serving_a_folder_that_is_no_publication_fails_like_build(cli, tmp_path):
    result = cli("-C", tmp_path, "serve", "--port", "0")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == "dossier.yml:1:1: error: no dossier.yml here: run `dossier init` or use -C DIR"


# --- in Chromium ------------------------------------------------------------------------------------

@pytest.fixture
def chromium():
    """(browser, Playwright's expect), from the shared launcher in browsing.py."""
    for browser in launch_chromium():
        from playwright.sync_api import expect

        yield browser, expect


@pytest.fixture
def browser_page(chromium):
    """A fresh page; every page error is recorded in page.errors."""
    browser, _ = chromium
    context = browser.new_context(viewport={"width": 1100, "height": 800})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    yield page
    context.close()


@pytest.mark.browser
def test_the_open_page_follows_edits_and_shows_failed_builds(live, chromium, browser_page):
    _, expect = chromium
    page = browser_page
    site = live("cited")
    article = site.root / "content" / "articles" / "places.md"
    text = article.read_text(encoding="utf-8")
    page.goto(site.url + "articles/places/")
    expect(page.locator("article")).to_contain_text("A paragraph cites")

    started = time.monotonic()
    article.write_text(text.replace("A paragraph cites", "An edited paragraph cites"), encoding="utf-8")
    expect(page.locator("article")).to_contain_text("An edited paragraph cites", timeout=2000)
    reload_seconds = time.monotonic() - started

    article.write_text(text.replace("@lee2015 [p. 4]", "@nosuchkey [p. 4]"), encoding="utf-8")
    overlay = page.get_by_role("alert")
    expect(overlay).to_contain_text("content/articles/places.md:6:41: error: unknown citation key 'nosuchkey'",
                                    timeout=5000)
    expect(overlay).to_contain_text("Build failed")
    expect(page.locator("article")).to_contain_text("An edited paragraph cites")     # the last good page stays
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "serve-build-failed.png"))

    article.write_text(text.replace("A paragraph cites", "A fixed paragraph cites"), encoding="utf-8")
    expect(page.locator("article")).to_contain_text("A fixed paragraph cites", timeout=5000)
    expect(page.locator("#dossier-build-problems")).to_have_count(0)
    assert page.errors == []
    assert reload_seconds < 2


@pytest.mark.browser
def test_the_overlay_shows_problem_text_as_text(live, chromium, browser_page):
    _, expect = chromium
    page = browser_page
    site = live("cited")
    page.goto(site.url + "articles/places/")
    page.wait_for_function("document.querySelector('script[data-build]') !== null")
    time.sleep(0.3)         # let the event stream connect
    hostile = "<img src=x onerror=\"window.pwned=1\"> & </section>"
    site.status.publish(BuildState(site.status.state.build, ok=False,
                                   problems=(error("content/articles/places.md", 2, 1, hostile),)))
    overlay = page.get_by_role("alert")
    expect(overlay).to_contain_text(f"content/articles/places.md:2:1: error: {hostile}")
    assert overlay.locator("img").count() == 0
    assert page.evaluate("window.pwned") is None
    overlay.get_by_role("button", name="Dismiss").click()
    expect(page.locator("#dossier-build-problems")).to_have_count(0)
    site.status.publish(BuildState(site.status.state.build))
    assert page.errors == []


@pytest.mark.browser
def test_search_works_through_the_server(live, chromium, browser_page):
    _, expect = chromium
    page = browser_page
    site = live("cited")
    page.goto(site.url + "search/?q=footnote")
    expect(page.locator(".pagefind-ui__result").first).to_be_visible(timeout=10_000)
    assert page.errors == []


def indexed_words(folder: Path) -> bytes:
    """The text of every page Pagefind indexed in the site's bundle."""
    import gzip

    return b"".join(gzip.decompress(p.read_bytes()) for p in (folder / "pagefind" / "fragment").glob("*.pf_fragment"))


def test_a_save_reloads_the_page_first_and_the_search_index_follows(live):
    site = live("cited")
    folder = site.server.location.folder
    article = site.root / "content" / "articles" / "places.md"
    text = article.read_text(encoding="utf-8")
    assert site.status.state.indexing is False
    article.write_text(text.replace("A paragraph cites", "A zanzibarquux paragraph cites"), encoding="utf-8")
    wait_until(lambda: b"zanzibarquux" in get(site, "articles/places/")[1])
    assert get(site, "pagefind/pagefind-entry.json")[0] == 200        # the last index is served meanwhile
    wait_until(lambda: site.builds == 2 and not site.status.state.indexing, timeout=30)
    assert any(line.startswith("search index updated in ") for line, _ in site.output.lines)
    assert b"zanzibarquux" in indexed_words(folder)
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".pagefind")) == []
    for path in sorted(p for p in (folder / "pagefind").rglob("*") if p.is_file()):
        assert get(site, path.relative_to(folder).as_posix()) == (200, path.read_bytes())


def test_a_newer_save_stops_the_indexing_of_an_older_one(live):
    site = live("cited")
    folder = site.server.location.folder
    article = site.root / "content" / "articles" / "places.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("A paragraph cites", "A firstsave paragraph cites"), encoding="utf-8")
    wait_until(lambda: site.builds == 2)
    article.write_text(text.replace("A paragraph cites", "A secondsave paragraph cites"), encoding="utf-8")
    wait_until(lambda: site.builds == 3 and not site.status.state.indexing, timeout=30)
    words = indexed_words(folder)
    assert b"secondsave" in words and b"firstsave" not in words
    assert site.output.problems == []


def test_a_stopped_indexing_swaps_nothing_in_and_leaves_nothing_behind(publication):
    """A run stopped at any point (before, while or after Pagefind runs) never touches the
    served bundles and removes what it wrote: an older run that outlives the wait for it
    cannot mix its files with a newer run's (CI saw a half-written filter file read)."""
    from builder.build import build
    from builder.site.search import Indexing, reindex

    site = build(publication("cited"), pdf=False).out_dir
    served = {p.relative_to(site): p.read_bytes() for p in (site / "pagefind").rglob("*") if p.is_file()}
    early = Indexing()
    early.stop()                                         # stopped before its process starts
    assert reindex(site, "en", early) is None

    class StopsOnStart(Indexing):                        # stopped while Pagefind runs
        def started(self, process):
            super().started(process)
            self.stop()

    assert reindex(site, "en", StopsOnStart()) is None
    late = Indexing()
    late.started = lambda process: (process.wait(), late.stop())     # stopped after it ran
    assert reindex(site, "en", late) is None
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".")) == [".dossier-site"]
    assert {p.relative_to(site): p.read_bytes() for p in (site / "pagefind").rglob("*") if p.is_file()} == served
    assert reindex(site, "en", Indexing()) > 0           # and a run left alone swaps its bundle in
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".")) == [".dossier-site"]


def test_a_bug_in_search_indexing_is_reported_and_indexing_ends(live, monkeypatch):
    import builder.serve.live as live_module

    site = live("cited")

    def broken(site_dir, language, run):
        raise ValueError("a bad bundle")

    monkeypatch.setattr(live_module, "reindex", broken)
    article = site.root / "content" / "articles" / "places.md"
    article.write_text(article.read_text(encoding="utf-8").replace("A paragraph", "A changed paragraph"),
                       encoding="utf-8")
    wait_until(lambda: site.builds == 2 and not site.status.state.indexing, timeout=30)
    assert "dossier:1:1: error: internal error (the traceback is in the terminal): ValueError: a bad bundle" in [
        line for line, _ in site.output.lines]
    assert any(line.startswith("Traceback") for line, problem in site.output.lines if problem)


def test_a_build_without_search_keeps_the_last_index(tmp_path, publication):
    from builder.build import build

    root = publication("cited")
    site = build(root, pdf=False).out_dir
    before = {p.relative_to(site): p.read_bytes() for p in (site / "pagefind").rglob("*") if p.is_file()}
    article = root / "content" / "articles" / "places.md"
    article.write_text(article.read_text(encoding="utf-8").replace("A paragraph cites", "An unindexed paragraph cites"),
                       encoding="utf-8")
    build(root, pdf=False, search=False)
    after = {p.relative_to(site): p.read_bytes() for p in (site / "pagefind").rglob("*") if p.is_file()}
    assert after == before and b"An unindexed paragraph" in (site / "articles" / "places" / "index.html").read_bytes()
    build(root, pdf=False)          # a build with search is not taken for the same build
    assert b"unindexed" in indexed_words(site)
