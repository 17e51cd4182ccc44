"""The HTTP side of `dossier serve`: a built site on 127.0.0.1, refusing every path that leaves it,
with a live-reload script added to the HTML it sends and a server-sent-events stream of build results.
It answers only requests addressed to this machine, and drops clients that stall mid-request.

Nothing here writes to the site folder: the live-reload script exists only in responses.
"""

from __future__ import annotations

import html
import json
import mimetypes
import os
import re
import sys
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from builder.errors import Problem

HOST = "127.0.0.1"
EVENTS_PATH = "/__dossier/events"
SCRIPT_PATH = "/__dossier/live-reload.js"
LIVE_RELOAD_JS = Path(__file__).with_name("livereload.js")
KEEP_ALIVE_SECONDS = 15.0        # a comment line on the event stream this often notices closed tabs
SWAP_WAIT_SECONDS = 2.0          # how long a request waits while a rebuild swaps the site folder in
REQUEST_SECONDS = 10.0           # a client silent this long mid-request is dropped (its thread with it)
MAX_TARGET_LENGTH = 8192         # longer request targets get 414, as from most servers
# The names a browser on this machine uses for the server. Any other Host is a page elsewhere that
# made its own domain name resolve to 127.0.0.1 ("DNS rebinding") to read the site through the reader's browser.
_LOCAL_HOST = re.compile(r"(127\.0\.0\.1|localhost|\[::1\])(:[0-9]{1,5})?", re.IGNORECASE | re.ASCII)

# Explicit types for everything a built site holds; mimetypes (which reads the system's tables) for the rest.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".bib": "application/x-bibtex; charset=utf-8",
    ".ris": "application/x-research-info-systems; charset=utf-8",
    ".pdf": "application/pdf",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".wasm": "application/wasm",
    # Pagefind's bundle: compressed binary chunks its own JavaScript fetches and decodes.
    ".pagefind": "application/octet-stream",
    ".pf_meta": "application/octet-stream",
    ".pf_index": "application/octet-stream",
    ".pf_fragment": "application/octet-stream",
    ".pf_filter": "application/octet-stream",
}


def content_type(path: Path) -> str:
    """The Content-Type header for a file of the built site."""
    known = CONTENT_TYPES.get(path.suffix.lower())
    if known:
        return known
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


@dataclass(frozen=True, slots=True)
class Resolved:
    """Where a request path leads: a file to send (200), a redirect (301), or a refusal (403, 404)."""

    status: int
    file: Path | None = None
    location: str | None = None


FORBIDDEN = Resolved(HTTPStatus.FORBIDDEN)
NOT_FOUND = Resolved(HTTPStatus.NOT_FOUND)


def resolve_request(site_dir: Path, base_path: str, target: str) -> Resolved:
    """Map a request target to a file inside site_dir, served at base_path ("/" or "/ledger/").

    Anything that could name a file outside the site is refused with 403: `..` segments, plain or
    percent-encoded (once or twice), encoded slashes, backslashes, NUL, targets not starting with "/"
    (absolute-form URLs), and symbolic links whose real path is outside. A folder is its index.html."""
    raw = target.split("#", 1)[0]
    raw, _, query = raw.partition("?")
    if not raw.startswith("/") or not _is_plain(raw) or any(code in raw.lower() for code in ("%2f", "%5c", "%00")):
        return FORBIDDEN
    try:
        path = unquote(raw, errors="strict")
    except UnicodeDecodeError:
        return FORBIDDEN
    if not _is_plain(path) or _traverses(path) or ("%" in path and _traverses(unquote(path))):
        return FORBIDDEN
    if path in ("/", base_path.rstrip("/")) and path != base_path:
        return Resolved(HTTPStatus.MOVED_PERMANENTLY, location=base_path)
    if not path.startswith(base_path):
        return NOT_FOUND
    parts = [part for part in path[len(base_path):].split("/") if part]
    file = _inside(site_dir, site_dir.joinpath(*parts))
    if file is None:
        return FORBIDDEN
    try:
        return _existing(site_dir, file, raw, query)
    except OSError:                 # a name longer than the file system allows, say
        return NOT_FOUND


def _existing(site_dir: Path, file: Path, raw: str, query: str) -> Resolved:
    """The file (inside site_dir) to send for the request path raw, or a redirect or refusal."""
    if file.is_dir():
        if not raw.endswith("/"):
            return Resolved(HTTPStatus.MOVED_PERMANENTLY, location=raw + "/" + (f"?{query}" if query else ""))
        file = _inside(site_dir, file / "index.html")
        if file is None:
            return FORBIDDEN
    elif raw.endswith("/"):
        return NOT_FOUND            # "/feed.xml/" asks for a folder
    if not file.is_file():
        return NOT_FOUND
    return Resolved(HTTPStatus.OK, file)


def is_local_host(host: str | None) -> bool:
    """True for a Host header naming this machine: 127.0.0.1, localhost or [::1], with or without a port."""
    return host is not None and _LOCAL_HOST.fullmatch(host.strip()) is not None


def _is_plain(path: str) -> bool:
    return "\\" not in path and not any(ord(char) < 32 or ord(char) == 127 for char in path)


def _traverses(path: str) -> bool:
    return "\\" in path or any(part in (".", "..") for part in path.split("/"))


def _inside(site_dir: Path, candidate: Path) -> Path | None:
    """candidate's real path (symbolic links followed) if it is inside site_dir's, else None."""
    site = Path(os.path.realpath(site_dir))
    real = Path(os.path.realpath(candidate))
    return real if real == site or real.is_relative_to(site) else None


def inject_live_reload(page: bytes, build_id: str) -> bytes:
    """page with the live-reload script tag before its last </body> (appended when there is none)."""
    tag = f'<script src="{SCRIPT_PATH}" data-build="{html.escape(build_id)}"></script>\n'.encode()
    at = page.lower().rfind(b"</body>")
    return page + tag if at < 0 else page[:at] + tag + page[at:]


def base_path_of(base_url: str) -> str:
    """The path part of a publication's base_url, "/" at least, always ending in "/"."""
    path = urlsplit(base_url).path or "/"
    return path if path.endswith("/") else path + "/"


@dataclass(frozen=True, slots=True)
class BuildState:
    """What the browser is told: the build it should show, and the problems of the latest build if it failed."""

    build: str                      # id of the good build being served ("" before the first)
    ok: bool = True
    problems: tuple[Problem, ...] = ()
    indexing: bool = False          # its search index is still being remade (search shows the last one)

    def to_json(self) -> str:
        return json.dumps({"build": self.build, "ok": self.ok, "indexing": self.indexing,
                           "problems": [{"path": p.path, "line": p.line, "col": p.col, "severity": p.severity.value,
                                         "message": p.message, "text": str(p)} for p in self.problems]},
                          ensure_ascii=False)


class BuildStatus:
    """The latest BuildState, and a way for event streams to wait for the next one."""

    def __init__(self, state: BuildState = BuildState("")):
        self._changed = threading.Condition()
        self._state = state
        self._version = 0
        self._closed = False

    @property
    def state(self) -> BuildState:
        with self._changed:
            return self._state

    def publish(self, state: BuildState) -> None:
        with self._changed:
            self._state = state
            self._version += 1
            self._changed.notify_all()

    def next(self, seen: int | None, timeout: float) -> tuple[int, BuildState] | None:
        """The state once its version differs from seen (None: any); None after timeout; raise EOFError once closed."""
        with self._changed:
            self._changed.wait_for(lambda: self._closed or self._version != seen, timeout)
            if self._closed:
                raise EOFError
            return (self._version, self._state) if self._version != seen else None

    def close(self) -> None:
        """End every event stream."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()


@dataclass(frozen=True, slots=True)
class SiteLocation:
    folder: Path
    base_path: str = "/"


NOTHING_BUILT = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Nothing built yet</title></head>
<body><main><h1>Nothing built yet</h1><p>The site appears here after the first successful build.</p></main></body></html>
"""


class SiteServer(ThreadingHTTPServer):
    """A threaded HTTP server for one built site, bound to 127.0.0.1 only; port 0 picks a free port."""

    daemon_threads = True

    def __init__(self, location: SiteLocation, status: BuildStatus | None = None, port: int = 0):
        self.location = location            # replaced whole after a build that moved the site
        self.status = status or BuildStatus()
        self.script = LIVE_RELOAD_JS.read_bytes()
        super().__init__((HOST, port), SiteRequestHandler)

    def handle_error(self, request, client_address) -> None:
        """A client that went away or stalled is no error of ours; anything else is a bug: the traceback is printed."""
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)

    def process_request(self, request, client_address) -> None:
        # As ThreadingMixIn's, with a name that shows whose thread it is.
        threading.Thread(target=self.process_request_thread, args=(request, client_address),
                         name="dossier-request", daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}{self.location.base_path}"

    def wait_for_site(self) -> SiteLocation:
        """The site's location, once its folder exists: a rebuild swaps it out for a moment."""
        deadline = time.monotonic() + SWAP_WAIT_SECONDS
        location = self.location
        while not location.folder.is_dir() and self.status.state.build and time.monotonic() < deadline:
            time.sleep(0.02)
            location = self.location
        return location


class SiteRequestHandler(BaseHTTPRequestHandler):
    server: SiteServer
    server_version = "Dossier"
    timeout = REQUEST_SECONDS
    # Refusals are a line of text: nothing of the request is echoed into an HTML page.
    error_message_format = "%(code)d %(message)s\n%(explain)s\n"
    error_content_type = "text/plain; charset=utf-8"

    def parse_request(self) -> bool:
        """The standard parsing, then refusals of overlong targets and of Hosts other than this machine."""
        if not super().parse_request():
            return False
        if len(self.path) > MAX_TARGET_LENGTH:
            self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG, explain=f"Dossier answers request targets of up to "
                                                                     f"{MAX_TARGET_LENGTH} characters.")
            return False
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1 or not is_local_host(hosts[0]):
            self.send_error(HTTPStatus.MISDIRECTED_REQUEST, explain="dossier serve answers only requests "
                                                                    "for 127.0.0.1, localhost or [::1].")
            return False
        return True

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def log_message(self, format: str, *args) -> None:
        """Quiet: the terminal is for build results."""

    def _respond(self, send_body: bool) -> None:
        path = self.path.split("?", 1)[0]
        if path == EVENTS_PATH and send_body:
            self._stream_events()
            return
        if path == SCRIPT_PATH:
            self._send(HTTPStatus.OK, "text/javascript; charset=utf-8", self.server.script, send_body)
            return
        location = self.server.wait_for_site()
        resolved = resolve_request(location.folder, location.base_path, self.path)
        if resolved.status == HTTPStatus.MOVED_PERMANENTLY:
            self.send_response(resolved.status)
            self.send_header("Location", resolved.location)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if resolved.status == HTTPStatus.FORBIDDEN:
            self._send(resolved.status, "text/plain; charset=utf-8", b"403 Forbidden\n", send_body)
            return
        if resolved.status == HTTPStatus.OK:
            try:
                self._send_file(HTTPStatus.OK, resolved.file, send_body)
                return
            except OSError:     # removed by a rebuild between resolving and reading
                pass
        self._send_not_found(location, send_body)

    def _send_not_found(self, location: SiteLocation, send_body: bool) -> None:
        page = _inside(location.folder, location.folder / "404.html")
        try:
            if page is not None:
                self._send_file(HTTPStatus.NOT_FOUND, page, send_body)
                return
        except OSError:
            pass
        self._send_html(HTTPStatus.NOT_FOUND, NOTHING_BUILT, send_body)

    def _send_file(self, status: int, file: Path, send_body: bool) -> None:
        body = file.read_bytes()
        kind = content_type(file)
        if kind.startswith("text/html"):
            self._send_html(status, body, send_body)
        else:
            self._send(status, kind, body, send_body)

    def _send_html(self, status: int, page: bytes, send_body: bool) -> None:
        body = inject_live_reload(page, self.server.status.state.build)
        self._send(status, "text/html; charset=utf-8", body, send_body)

    def _send(self, status: int, kind: str, body: bytes, send_body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _stream_events(self) -> None:
        """Send the build state now and after every build, until the tab or the server goes away."""
        self.close_connection = True
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = None
        try:
            self.wfile.write(b"retry: 1000\n\n")
            while True:
                update = self.server.status.next(seen, KEEP_ALIVE_SECONDS)
                if update is None:
                    self.wfile.write(b": keep-alive\n\n")
                else:
                    seen, state = update
                    self.wfile.write(f"data: {state.to_json()}\n\n".encode())
                self.wfile.flush()
        except (EOFError, ConnectionError, OSError):
            return
