"""Test helpers: writing input files, hashing a folder, and checking a built site's links with html.parser."""

from __future__ import annotations

import hashlib
import signal
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

TESTS = Path(__file__).parent
FIXTURES = TESTS / "fixtures"
REPOSITORY = TESTS.parent

# Attributes that hold a URL the browser fetches or follows.
URL_ATTRIBUTES = {"href", "src"}


def write(path: Path, text: str | bytes) -> Path:
    """Create path (and its folders) with text as UTF-8, or with bytes as they are."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under folder (symlinks included) -> sha256 of its bytes; folders as 'dir'."""
    result = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        if path.is_dir() and not path.is_symlink():
            result[key + "/"] = "dir"
        else:
            result[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return result


@dataclass
class Page:
    """What a link checker needs from one HTML file."""

    ids: list[str] = field(default_factory=list)
    elements: list[tuple[str, dict]] = field(default_factory=list)    # (tag, attributes) in order
    links: list[tuple[str, str, str]] = field(default_factory=list)   # (tag, attribute, value)
    texts: dict[str, str] = field(default_factory=dict)               # id -> text inside it
    text: list[str] = field(default_factory=list)                     # every piece of text, decoded

    def find(self, tag: str, **attributes: str) -> list[dict]:
        """Attributes of every element with this tag and these attribute values (class_ for class)."""
        wanted = {key.rstrip("_"): value for key, value in attributes.items()}
        return [attrs for name, attrs in self.elements
                if name == tag and all(attrs.get(k) == v for k, v in wanted.items())]


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._open: list[tuple[str, str]] = []     # (tag, id) of elements being read
        self._text: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.page.elements.append((tag, attributes))
        element_id = attributes.get("id")
        if element_id is not None:
            self.page.ids.append(element_id)
            self._text[element_id] = []
        for name, value in attrs:
            if name in URL_ATTRIBUTES:
                self.page.links.append((tag, name, value or ""))
        if tag not in {"img", "meta", "link", "br", "hr", "input", "source", "wbr"}:
            self._open.append((tag, element_id or ""))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in {"img", "meta", "link", "br", "hr", "input", "source", "wbr"}:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                break

    def handle_data(self, data):
        self.page.text.append(data)
        for _, element_id in self._open:
            if element_id:
                self._text[element_id].append(data)

    def close(self):
        super().close()
        self.page.texts = {key: "".join(parts) for key, parts in self._text.items()}


def parse_page(path: Path) -> Page:
    """Ids, URL attributes and texts of one HTML file."""
    parser = _PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser.page


def site_pages(site: Path) -> dict[str, Page]:
    """Every HTML file of a built site, by site-relative path."""
    return {path.relative_to(site).as_posix(): parse_page(path) for path in sorted(site.rglob("*.html"))}


def broken_links(site: Path, base_url: str) -> list[str]:
    """Internal href/src values (relative or under base_url) whose file or #fragment is missing."""
    pages = site_pages(site)
    problems = []
    for page_path, page in pages.items():
        page_url = urljoin(base_url, page_path.removesuffix("index.html"))
        for tag, attribute, value in page.links:
            where = f"{page_path}: <{tag} {attribute}={value!r}>"
            absolute = urljoin(page_url, value)
            if not absolute.startswith(base_url):
                if urlsplit(absolute).netloc == urlsplit(base_url).netloc:
                    problems.append(f"{where}: leaves the site's base path")
                continue
            parts = urlsplit(absolute[len(base_url):])
            target = unquote(parts.path)
            if target == "" or target.endswith("/"):
                target += "index.html"
            target_file = site / target
            if not target_file.is_file():
                problems.append(f"{where}: no file {target}")
                continue
            if parts.fragment:
                target_ids = pages[target].ids if target in pages else []
                if unquote(parts.fragment) not in target_ids:
                    problems.append(f"{where}: no id '{parts.fragment}' in {target}")
    return problems


@contextmanager
def time_limit(seconds: int, what: str = "the block"):
    """Fail with TimeoutError if the block runs longer than seconds (SIGALRM; main thread only)."""
    def expire(signum, frame):
        raise TimeoutError(f"{what} took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def copy_built(source: Path, target: Path) -> Path:
    """A copy of a built publication whose build cache the copy keeps using: a cache is bound to
    its folder (builder/run/cache.py), so the copy's is stamped as its own, as a build there would."""
    import shutil

    from builder.run.cache import _stamp

    shutil.copytree(source, target, symlinks=True)
    cache = target / ".dossier-cache"
    if (cache / "VERSION").is_file():
        (cache / "VERSION").write_text(_stamp(cache), encoding="utf-8")
    return target
