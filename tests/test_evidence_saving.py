"""`dossier snapshot`: builder/evidence/saving.py (the command), fetch.py (http(s) within a time and
a size) and extract.py (readable text, charsets), against a local server on 127.0.0.1 only."""

from __future__ import annotations

import datetime as dt
import gzip
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from builder.build import build
from builder.errors import BuildFailed
from builder.evidence.extract import decode_text
from builder.evidence.fetch import address_problem, raw_archive_address
from builder.evidence.saving import UnknownKey, save_snapshot, unsaved_evidence
from builder.evidence.snapshots import read_snapshot, snapshot_saved_date
from helpers import snapshot, write

SAVED = dt.date(2026, 12, 6)

ARTICLE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Restaurant workers defect | Example News</title></head>
<body>
<nav><ul><li><a href="/">Home page</a></li><li><a href="/world">World news menu</a></li></ul></nav>
<header><div class="banner">Example News banner: subscribe today</div></header>
<main><article>
<h1>Thirteen restaurant workers defect</h1>
<p>Thirteen North Koreans who had worked at a restaurant in China have defected to South Korea
together, the unification ministry said Friday, in the largest group defection in years.</p>
<p>One male manager and 12 female employees arrived in the South on Thursday, a ministry spokesman
told a regular press briefing. The ministry did not say by what route the group had travelled.</p>
<p>“The overseas restaurants appear to be facing difficulties as international sanctions take
effect,” the spokesman said.</p>
</article></main>
<footer><p>Copyright 2016 Example News. All rights reserved. Terms of use and privacy policy.</p></footer>
</body></html>
"""

KOREAN = ("통일부 대변인은 8일 정례브리핑에서 해외의 북한 식당에서 일하던 종업원 13명이 7일 함께 입국했다고 밝혔다. "
          "입국한 사람은 남성 지배인 1명과 여성 종업원 12명이다. 대변인은 이들이 일하던 나라와 입국 경로는 공개하지 않았다.")


def _korean_page(meta: bool) -> bytes:
    head = '<meta http-equiv="Content-Type" content="text/html; charset=euc-kr">' if meta else ""
    return (f"<html><head>{head}<title>종업원 13명 입국</title></head><body><nav>홈 메뉴 로그인</nav>"
            f"<article><h1>종업원 13명 입국</h1><p>{KOREAN}</p><p>{KOREAN}</p></article>"
            "<footer>저작권 연합뉴스</footer></body></html>").encode("euc-kr")


def _pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string="<html><head><title>Ministry briefing</title></head><body>"
                       "<p>The ministry counted thirteen workers who arrived together on Thursday.</p>"
                       "<p>The spokesman did not name the country.</p></body></html>").write_pdf()


class _Handler(BaseHTTPRequestHandler):
    routes: dict = {}

    def do_GET(self):
        if self.path == "/endless.txt":      # no Content-Length: the body ends when the connection does
            self.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n")
            try:
                for _ in range(100):
                    self.wfile.write(b"word " * 13_000)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        if self.path == "/trickle.html":     # headers a line at a time, each in time, all too late
            self.wfile.write(b"HTTP/1.0 200 OK\r\n")
            try:
                for number in range(40):
                    time.sleep(0.1)
                    self.wfile.write(f"X-Line-{number}: slow\r\n".encode())
                self.wfile.write(b"\r\nlate")
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        status, headers, body, delay = self.routes.get(self.path, (404, {"Content-Type": "text/plain"}, b"Not here", 0))
        if delay:
            time.sleep(delay)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if "Content-Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):     # the client gave up (too slow, too large)
            pass

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    """A local server: its base address; its pages are _Handler.routes."""
    html = {"Content-Type": "text/html; charset=utf-8"}
    _Handler.routes = {
        "/article.html": (200, html, ARTICLE.encode("utf-8"), 0),
        "/archived.html": (200, html, ARTICLE.replace("Thursday", "Thursday (archived)").encode("utf-8"), 0),
        "/report.pdf": (200, {"Content-Type": "application/pdf"}, _pdf(), 0),
        "/notes.txt": (200, {"Content-Type": "text/plain; charset=utf-8"},
                       "Saved notes\r\n\r\nThe market closed early on Monday.\r\n".encode("utf-8"), 0),
        "/korean-meta.html": (200, {"Content-Type": "text/html"}, _korean_page(meta=True), 0),
        "/korean-header.html": (200, {"Content-Type": "text/html; charset=EUC-KR"}, _korean_page(meta=False), 0),
        "/korean-bare.html": (200, {"Content-Type": "text/html"}, _korean_page(meta=False), 0),
        "/gzip.html": (200, dict(html, **{"Content-Encoding": "gzip"}), gzip.compress(ARTICLE.encode("utf-8")), 0),
        "/redirect": (302, {"Location": "/article.html"}, b"", 0),
        "/redirect-file": (302, {"Location": "file:///etc/passwd"}, b"", 0),
        "/large.txt": (200, {"Content-Type": "text/plain"}, b"word " * 50_000, 0),
        "/slow.html": (200, html, ARTICLE.encode("utf-8"), 3),
        "/image.png": (200, {"Content-Type": "image/png"}, b"\x89PNG\r\n\x1a\n" + bytes(64), 0),
        "/empty.html": (200, html, b"<html><head><title>Nothing</title></head><body><img src=a.png></body></html>", 0),
    }
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def root(publication):
    return publication("evidence-basic")


def _set_url(root, key: str, url: str) -> None:
    """Give the entry key of the fixture's sources.bib a url field."""
    bib = root / "citations" / "sources.bib"
    text = bib.read_text(encoding="utf-8")
    write(bib, text.replace(f"@online{{{key},\n", f"@online{{{key},\n  url = {{{url}}},\n", 1))


def _failure(call) -> str:
    with pytest.raises(BuildFailed) as failed:
        call()
    assert len(failed.value.problems) == 1
    return str(failed.value.problems[0])


# --- Web pages, PDFs, text ------------------------------------------------------------------

def test_a_web_page_is_saved_as_its_article_without_menus_or_footer(root, server):
    saved = save_snapshot(root, "kcna2015", f"{server}/article.html", saved=SAVED)
    path = root / "citations" / "snapshots" / "kcna2015.md"
    assert saved.path == path and saved.relpath == "citations/snapshots/kcna2015.md" and saved.kind == "web page"
    text = path.read_text(encoding="utf-8")
    assert text.startswith(f'---\nsaved: 2026-12-06\nurl: "{server}/article.html"\n'
                           'title: "Thirteen restaurant workers defect"\n---\n\n'
                           'Thirteen restaurant workers defect\n\nThirteen North Koreans')
    body = read_snapshot(path)
    assert "Thirteen North Koreans who had worked at a restaurant in China" in body
    assert "“The overseas restaurants appear to be facing difficulties" in body
    for boilerplate in ("World news menu", "Home page", "subscribe today", "All rights reserved", "privacy policy"):
        assert boilerplate not in body
    assert "\n\nOne male manager" in body            # a blank line between paragraphs
    assert snapshot_saved_date(path) == "2026-12-06"


def test_the_saved_copy_verifies_a_quote_taken_from_it_in_a_build(root, server):
    save_snapshot(root, "kcna2015", f"{server}/article.html", saved=SAVED)
    write(root / "content" / "articles" / "saved.md", "---\ntitle: Saved\ndate: 2016-04-09\n---\n\n"
          "::: {.evidence #ev-saved source=kcna2015}\nOne male manager and 12 female employees arrived in the "
          "South on Thursday [...] The ministry did not say by what route the group had travelled.\n:::\n")
    result = build(root, write=False, strict=True, pdf=False)
    page = next(o for o in result.outputs if o.path == "articles/saved/index.html").content.decode("utf-8")
    assert "verified against saved source, December 6, 2026" in page
    assert [box.box_id for box in unsaved_evidence(root)] == ["ev-quota", "ev-no-grade"]   # kcna2015 is saved


def test_a_pdf_is_saved_as_its_text(root, server):
    saved = save_snapshot(root, "kcna2015", f"{server}/report.pdf", saved=SAVED)
    assert saved.kind == "PDF"
    text = saved.path.read_text(encoding="utf-8")
    assert 'title: "Ministry briefing"' in text
    assert "The ministry counted thirteen workers who arrived together on Thursday." in read_snapshot(saved.path)


def test_a_text_file_is_saved_as_it_is(root, server):
    saved = save_snapshot(root, "kcna2015", f"{server}/notes.txt", saved=SAVED)
    assert saved.kind == "text"
    assert saved.path.read_text(encoding="utf-8") == (f'---\nsaved: 2026-12-06\nurl: "{server}/notes.txt"\n---\n\n'
                                                      "Saved notes\n\nThe market closed early on Monday.\n")


def test_a_compressed_answer_is_read(root, server):
    saved = save_snapshot(root, "kcna2015", f"{server}/gzip.html", saved=SAVED)
    assert "One male manager and 12 female employees" in read_snapshot(saved.path)


@pytest.mark.parametrize("page", ["korean-meta.html", "korean-header.html", "korean-bare.html"])
def test_a_korean_page_in_euc_kr_comes_out_as_korean(root, server, page):
    """The charset from the HTTP header, else the page's meta, else detected."""
    saved = save_snapshot(root, "kcna2015", f"{server}/{page}", saved=SAVED)
    body = read_snapshot(saved.path)
    assert KOREAN in body
    assert "저작권" not in body and "로그인" not in body
    assert 'title: "종업원 13명 입국"' in saved.path.read_text(encoding="utf-8")


def test_charsets_as_a_browser_reads_them():
    assert decode_text("똠방각하".encode("cp949"), "euc-kr") == "똠방각하"      # 똠 is in CP949 only
    assert decode_text("café".encode("utf-8")) == "café"
    assert decode_text("\ufeffcafé".encode("utf-8"), "iso-8859-1") == "café"    # a byte order mark first
    assert decode_text("“café”".encode("cp1252"), "iso-8859-1") == "“café”"     # latin-1 is windows-1252
    assert decode_text(b'<meta charset="euc-kr"><p>' + "북한".encode("euc-kr"), html=True).endswith("북한")


# --- Where the copy comes from ---------------------------------------------------------------

def test_the_entry_url_is_the_default_address(root, server):
    _set_url(root, "kcna2015", f"{server}/korean-meta.html")
    saved = save_snapshot(root, "kcna2015", saved=SAVED)
    assert saved.address == f"{server}/korean-meta.html"
    assert KOREAN in read_snapshot(saved.path)


def test_an_archived_copy_named_by_a_box_is_preferred(root, server):
    _set_url(root, "kcna2015", f"{server}/article.html")
    loyalty = root / "content" / "articles" / "loyalty.md"
    text = loyalty.read_text(encoding="utf-8")
    write(loyalty, text.replace("#ev-enterprise source=kcna2015", f'#ev-enterprise source=kcna2015 archived="{server}/archived.html"'))
    saved = save_snapshot(root, "kcna2015", saved=SAVED)
    assert saved.address == f"{server}/archived.html"
    written = saved.path.read_text(encoding="utf-8")
    assert f'url: "{server}/archived.html"\noriginal: "{server}/article.html"\n' in written
    assert "Thursday (archived)" in written


def test_an_archived_copy_in_the_entry_is_preferred(root, server):
    bib = root / "citations" / "sources.bib"
    write(bib, bib.read_text(encoding="utf-8").replace(
        "@online{kcna2015,\n", f"@online{{kcna2015,\n  url = {{{server}/missing}},\n  archiveurl = {{{server}/archived.html}},\n"))
    assert save_snapshot(root, "kcna2015", saved=SAVED).address == f"{server}/archived.html"


def test_the_wayback_machine_is_asked_for_its_raw_copy():
    assert raw_archive_address("https://web.archive.org/web/2016/https://www.dailynk.com/english/read.php?num=13780") \
        == "https://web.archive.org/web/2016id_/https://www.dailynk.com/english/read.php?num=13780"
    assert raw_archive_address("http://web.archive.org/web/20160408123456if_/http://example.org/a") \
        == "http://web.archive.org/web/20160408123456id_/http://example.org/a"
    assert raw_archive_address("https://archive.ph/abcde") == "https://archive.ph/abcde"


def test_a_local_file_anywhere_may_be_read(root, tmp_path):
    """The user names it on the command line: reading it is their act. Only its name is recorded."""
    source = write(tmp_path / "elsewhere" / "briefing.txt", "Briefing\n\nThe spokesman said nothing more.\n")
    saved = save_snapshot(root, "kcna2015", str(source), saved=SAVED)
    assert saved.path.read_text(encoding="utf-8") == ('---\nsaved: 2026-12-06\nfile: "briefing.txt"\n---\n\n'
                                                      "Briefing\n\nThe spokesman said nothing more.\n")


def test_a_redirect_is_followed(root, server):
    saved = save_snapshot(root, "kcna2015", f"{server}/redirect", saved=SAVED)
    assert "One male manager" in read_snapshot(saved.path)


def test_the_date_is_today_by_default(root, server):
    saved = save_snapshot(root, "kcna2015", f"{server}/notes.txt")
    assert snapshot_saved_date(saved.path) == dt.date.today().isoformat()


# --- Refusals: nothing is written -------------------------------------------------------------

def _refused(root, key: str, source: str | None, **options) -> str:
    before = snapshot(root)
    message = _failure(lambda: save_snapshot(root, key, source, saved=SAVED, **options))
    assert snapshot(root) == before
    return message


def test_a_missing_page_is_an_error_at_the_address(root, server):
    url = f"{server}/missing"
    assert _refused(root, "kcna2015", url) == (f"{url}:1:1: error: cannot save a copy of 'kcna2015' from {url}: "
                                                "the server answered 404 Not Found")


def test_a_failing_entry_url_is_an_error_at_the_entry(root, server):
    _set_url(root, "kcna2015", f"{server}/missing")
    assert _refused(root, "kcna2015", None) == (
        f"citations/sources.bib:9:1: error: cannot save a copy of 'kcna2015' from {server}/missing: "
        "the server answered 404 Not Found")


def test_a_failing_archived_copy_is_an_error_at_its_box(root, server):
    loyalty = root / "content" / "articles" / "loyalty.md"
    text = loyalty.read_text(encoding="utf-8")
    write(loyalty, text.replace("#ev-enterprise source=kcna2015", f'#ev-enterprise source=kcna2015 archived="{server}/gone"'))
    assert _refused(root, "kcna2015", None) == (
        f"content/articles/loyalty.md:19:57: error: cannot save a copy of 'kcna2015' from {server}/gone: "
        "the server answered 404 Not Found")


@pytest.mark.parametrize("page", ["large.txt", "endless.txt"])
def test_too_large_an_answer_is_abandoned(root, server, page):
    """Refused by its Content-Length, or (with none) as soon as what was read passes the limit."""
    url = f"{server}/{page}"
    assert _refused(root, "kcna2015", url, max_bytes=128 * 1024) == (
        f"{url}:1:1: error: cannot save a copy of 'kcna2015' from {url}: it is larger than 0.125 MB")


def test_too_slow_an_answer_is_abandoned(root, server):
    url = f"{server}/slow.html"
    started = time.monotonic()
    assert _refused(root, "kcna2015", url, timeout=0.5) == (
        f"{url}:1:1: error: cannot save a copy of 'kcna2015' from {url}: no complete answer within 0.5 s")
    assert time.monotonic() - started < 2.5


def test_headers_sent_a_line_at_a_time_are_given_up_on_at_the_time_limit(root, server):
    url = f"{server}/trickle.html"
    started = time.monotonic()
    assert _refused(root, "kcna2015", url, timeout=0.5).endswith("no complete answer within 0.5 s")
    assert time.monotonic() - started < 2.5


def test_a_redirect_to_a_file_is_refused(root, server):
    url = f"{server}/redirect-file"
    assert _refused(root, "kcna2015", url) == (
        f"{url}:1:1: error: cannot save a copy of 'kcna2015' from {url}: the server redirected to "
        "'file:///etc/passwd', which is not fetched: only http:// and https:// addresses are fetched")


@pytest.mark.parametrize("address, reason", [
    ("file:///etc/passwd", "only http:// and https:// addresses are fetched"),
    ("ftp://example.org/a.txt", "only http:// and https:// addresses are fetched"),
    ("https://user:secret@example.org/a", "the address holds a user name or password: remove it"),
    ("http:///nohost", "it is not a valid address"),
])
def test_only_plain_http_addresses_are_fetched(root, address, reason):
    assert address_problem(address) == reason
    assert _refused(root, "kcna2015", address) == (f"{address}:1:1: error: cannot save a copy of 'kcna2015' from "
                                                   f"{address}: {reason}")


def test_what_is_no_text_is_refused(root, server, tmp_path):
    url = f"{server}/image.png"
    assert _refused(root, "kcna2015", url) == (f"{url}:1:1: error: cannot save a copy of 'kcna2015' from {url}: "
                                               "it is image/png, not a web page, a PDF or a text file")
    url = f"{server}/empty.html"
    assert _refused(root, "kcna2015", url).endswith("no readable text found in the web page")
    missing = tmp_path / "nothing.pdf"
    assert _refused(root, "kcna2015", str(missing)) == (f"{missing}:1:1: error: cannot save a copy of 'kcna2015' from "
                                                        f"{missing}: no such file")
    broken = write(tmp_path / "broken.pdf", b"%PDF-1.7\nnot really\n")
    assert "the PDF cannot be read (" in _refused(root, "kcna2015", str(broken))


def test_an_existing_copy_is_kept_without_force(root, server):
    assert _refused(root, "dailynk2016a", f"{server}/notes.txt") == (
        "citations/snapshots/dailynk2016a.txt:1:1: error: a saved copy of 'dailynk2016a' exists already: "
        "pass --force to replace it")


def test_force_replaces_the_copy_whatever_its_kind(root, server):
    saved = save_snapshot(root, "dailynk2016a", f"{server}/notes.txt", saved=SAVED, force=True)
    assert saved.replaced == ("citations/snapshots/dailynk2016a.txt",)
    folder = root / "citations" / "snapshots"
    assert sorted(path.name for path in folder.iterdir()) == ["dailynk2016a.md", "yonhap2016.md"]


def test_an_entry_without_url_says_what_to_do(root):
    assert _refused(root, "kcna2015", None) == (
        "citations/sources.bib:9:1: error: entry 'kcna2015' has no url to save a copy from: add one "
        "(url = {https://...}), or give the address or a file with --from")


def test_an_unknown_key_names_the_closest(root):
    with pytest.raises(UnknownKey) as unknown:
        save_snapshot(root, "kcna2016")
    assert unknown.value.suggestions == ["kcna2015", "yonhap2016"]


def test_a_key_that_cannot_be_a_file_name_is_refused(root, server):
    bib = root / "citations" / "sources.bib"
    write(bib, bib.read_text(encoding="utf-8") + "\n@online{a/b,\n  title = {Slash},\n  url = {https://example.org/},\n}\n")
    assert _refused(root, "a/b", f"{server}/notes.txt") == (
        "citations/sources.bib:30:1: error: citation key 'a/b' cannot be a file name in citations/snapshots/, so no "
        "saved copy of it is read: choose a key without '/', '\\' or a leading '.'")


def test_nothing_is_written_through_a_link_out_of_the_publication(root, server, tmp_path):
    folder = root / "citations" / "snapshots"
    outside = tmp_path / "outside"
    folder.rename(outside)
    folder.symlink_to(outside)
    message = _failure(lambda: save_snapshot(root, "kcna2015", f"{server}/notes.txt", saved=SAVED))
    assert message == (
        "citations/snapshots:1:1: error: is a link to a place outside the publication folder: nothing is written there")
    assert sorted(path.name for path in outside.iterdir()) == ["dailynk2016a.txt", "yonhap2016.md"]


def test_the_snapshots_folder_is_made_when_missing(publication, server):
    root = publication("minimal")
    write(root / "citations" / "refs.bib", "@online{page,\n  title = {Page},\n}\n")
    saved = save_snapshot(root, "page", f"{server}/notes.txt", saved=SAVED)
    assert saved.path == root / "citations" / "snapshots" / "page.md" and saved.path.is_file()
    assert [p.name for p in saved.path.parent.iterdir()] == ["page.md"]       # no temporary file left
