"""Fetching a source for `dossier snapshot`: an http(s) address read within a time and a size, or
a local file the user names; nothing else.

Only http:// and https:// are fetched, and a redirect is followed only to such an address; an
address holding a user name or password is refused (it would end up in the saved copy's front
matter). The body is read in pieces and abandoned as soon as it passes the size limit, so a
huge or endless response costs no more than the limit; a server that answers too slowly, or
stalls, is abandoned at the time limit.
"""

from __future__ import annotations

import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from dataclasses import dataclass
from pathlib import Path

from builder import __version__

__all__ = ["Fetched", "SnapshotFailed", "MAX_BYTES", "TIMEOUT", "address_problem", "fetch", "raw_archive_address",
           "read_local"]

MAX_BYTES = 50 * 1024 * 1024     # a long report as a PDF fits; an endless response does not
TIMEOUT = 30.0                   # seconds for the whole fetch
_CHUNK = 64 * 1024
_REDIRECTS = 10
_GRACE = 1.0                     # seconds the fetching thread has past the time limit to report itself
_ACCEPT = "text/html,application/xhtml+xml,application/pdf,text/plain;q=0.9,*/*;q=0.5"


class SnapshotFailed(Exception):
    """Why a source could not be saved, in words for the message 'cannot save a copy ... : {reason}'."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Fetched:
    """What was read: its bytes, and what the server said they are."""

    data: bytes
    content_type: str = ""       # the media type, lower case, without parameters ("" for a local file)
    charset: str | None = None   # the charset the Content-Type header declares
    address: str = ""            # where the bytes came from, after redirects


def address_problem(address: str) -> str | None:
    """Why address may not be fetched, or None: it must be http(s), with a host, and no credentials."""
    try:
        parts = urllib.parse.urlsplit(address)
    except ValueError:
        return "it is not a valid address"
    if parts.scheme.lower() not in ("http", "https"):
        return "only http:// and https:// addresses are fetched"
    if "@" in parts.netloc:
        return "the address holds a user name or password: remove it"
    if not parts.hostname or any(char.isspace() or ord(char) < 32 for char in address):
        return "it is not a valid address"
    return None


_WAYBACK = re.compile(r"^(https?://(?:web\.)?archive\.org/web/)(\d{1,14})(?:[a-z]{2}_)?/(.+)$", re.IGNORECASE)


def raw_archive_address(address: str) -> str:
    """The Wayback Machine's raw copy (the `id_` form: the page as archived, without its toolbar or
    rewritten links) for one of its addresses; any other address as it is."""
    match = _WAYBACK.match(address)
    return f"{match.group(1)}{match.group(2)}id_/{match.group(3)}" if match else address


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to an http(s) address without credentials."""

    max_redirections = _REDIRECTS

    def http_error_302(self, req, fp, code, msg, headers):
        location = headers.get("Location") or headers.get("URI")
        if location:            # checked before urllib's own check, which allows ftp:
            target = urllib.parse.urljoin(req.full_url, location)
            problem = address_problem(target)
            if problem is not None:
                raise SnapshotFailed(f"the server redirected to '{target}', which is not fetched: {problem}")
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def fetch(address: str, *, timeout: float = TIMEOUT, max_bytes: int = MAX_BYTES) -> Fetched:
    """The body at address, read within timeout seconds and max_bytes; SnapshotFailed saying why not.

    The socket's timeout bounds each wait and the reading loop the body, but not a name lookup
    or headers sent a byte at a time: the fetch runs in a thread that is given up on (and left
    to its socket's timeout) once the time is over."""
    problem = address_problem(address)
    if problem is not None:
        raise SnapshotFailed(problem)
    outcome: list = []

    def run() -> None:
        try:
            outcome.append(_fetch(address, timeout, max_bytes))
        except BaseException as exc:        # handed to the caller's thread
            outcome.append(exc)

    worker = threading.Thread(target=run, name="dossier-snapshot-fetch", daemon=True)
    worker.start()
    worker.join(timeout + _GRACE)
    if not outcome:
        raise SnapshotFailed(_too_slow(timeout))
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def _fetch(address: str, timeout: float, max_bytes: int) -> Fetched:
    deadline = time.monotonic() + timeout
    opener = urllib.request.build_opener(_Redirects())
    request = urllib.request.Request(address, headers={
        "User-Agent": f"Dossier/{__version__} (saving a source for quote verification)",
        "Accept": _ACCEPT, "Accept-Encoding": "gzip, deflate, identity"})
    try:
        with opener.open(request, timeout=timeout) as response:
            declared = response.headers.get("Content-Length", "")
            if declared.strip().isdigit() and int(declared) > max_bytes and not response.headers.get("Content-Encoding"):
                raise SnapshotFailed(_too_large(max_bytes))
            data = _read(response, deadline, timeout, max_bytes)
            content_type = response.headers.get_content_type() if response.headers.get("Content-Type") else ""
            charset = response.headers.get_content_charset()
            final = response.geturl()
    except SnapshotFailed:
        raise
    except urllib.error.HTTPError as exc:
        raise SnapshotFailed(f"the server answered {exc.code} {exc.reason}".rstrip()) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise SnapshotFailed(_too_slow(timeout)) from None
        reason = getattr(exc.reason, "strerror", None) or str(exc.reason)
        raise SnapshotFailed(f"cannot connect ({reason})") from None
    except TimeoutError:
        raise SnapshotFailed(_too_slow(timeout)) from None
    except (OSError, ValueError) as exc:         # a connection reset, a malformed answer
        raise SnapshotFailed(f"the connection failed ({getattr(exc, 'strerror', None) or exc})") from None
    return Fetched(data, content_type, charset, final)


def _read(response, deadline: float, timeout: float, max_bytes: int) -> bytes:
    """The body, decompressed if the server compressed it, within the deadline and max_bytes."""
    encoding = (response.headers.get("Content-Encoding") or "identity").strip().lower()
    if encoding not in ("identity", "gzip", "x-gzip", "deflate"):
        raise SnapshotFailed(f"the server sent it in an encoding Dossier does not read ({encoding})")
    inflate = zlib.decompressobj(zlib.MAX_WBITS | 32) if encoding != "identity" else None  # 32: gzip or zlib header
    read = getattr(response, "read1", response.read)
    pieces, size = [], 0
    while True:
        if time.monotonic() > deadline:
            raise SnapshotFailed(_too_slow(timeout))
        chunk = read(_CHUNK)
        if not chunk:
            break
        if inflate is not None:
            try:
                chunk = inflate.decompress(chunk, max_bytes + 1 - size)
            except zlib.error:
                raise SnapshotFailed("the server sent a compressed body that cannot be read") from None
        size += len(chunk)
        if size > max_bytes:
            raise SnapshotFailed(_too_large(max_bytes))
        pieces.append(chunk)
    return b"".join(pieces)


def read_local(path: Path, *, max_bytes: int = MAX_BYTES) -> Fetched:
    """A file the user named on the command line: a regular file, at most max_bytes."""
    try:
        if not path.is_file():
            raise SnapshotFailed("it is a folder, not a file" if path.is_dir() else
                                 "no such file" if not path.exists() else "it is not a regular file")
        with path.open("rb") as stream:
            data = stream.read(max_bytes + 1)
    except OSError as exc:
        raise SnapshotFailed(f"cannot read the file ({exc.strerror or exc})") from None
    if len(data) > max_bytes:
        raise SnapshotFailed(_too_large(max_bytes))
    return Fetched(data, address=str(path))


def _too_large(max_bytes: int) -> str:
    return f"it is larger than {max_bytes / (1024 * 1024):g} MB"


def _too_slow(timeout: float) -> str:
    return f"no complete answer within {timeout:g} s"
