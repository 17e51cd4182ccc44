"""Saved copies of sources (snapshots): a .txt as is, a .md without its front matter, an .html as
readable text in the charset it declares; and the date a copy was saved.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

__all__ = ["SNAPSHOT_SUFFIXES", "read_snapshot", "snapshot_saved_date"]

SNAPSHOT_SUFFIXES = (".txt", ".md", ".html")     # a source's saved copy, looked for in this order


def read_snapshot(path: Path) -> str:
    """Text of a snapshot: .txt as is; .md with any YAML front matter removed; .html reduced to readable text."""
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        return _html_text(_decode(data, _declared_charset(data)))
    text = _decode(data)
    if suffix == ".md":
        text = text[len(_front_matter(text)):]
    return text


def snapshot_saved_date(path: Path) -> str:
    """ISO date the snapshot was saved, from the file's own text (never its mtime); "" when absent."""
    suffix = path.suffix.lower()
    data = path.read_bytes()
    if suffix in (".html", ".htm"):
        finder = _SavedMeta()
        finder.feed(_decode(data, _declared_charset(data)))
        return _iso_date(finder.saved)
    text = _decode(data)
    if suffix == ".md":
        match = _MD_SAVED.search(_front_matter(text))
    elif suffix == ".txt":
        match = _TXT_SAVED.match(text.split("\n", 1)[0])
    else:
        match = None
    return _iso_date(match.group(1)) if match else ""


_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)??(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_YAML_KEY = re.compile(r"\s*(?:#.*\n\s*)*[\w\"'-][^:\n]*:(?:\s|$)")
_MD_SAVED = re.compile(r"""^saved[ \t]*:[ \t]*["']?(\d{4}-\d{2}-\d{2})""", re.MULTILINE | re.IGNORECASE)
_TXT_SAVED = re.compile(r"\s*saved[ \t]*:[ \t]*(\d{4}-\d{2}-\d{2})", re.IGNORECASE)
_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)


def _front_matter(text: str) -> str:
    """The YAML front matter block at the top of a Markdown text, fences included; "" if none.

    A '---' block counts only if it opens with a 'key:' line, so a leading horizontal rule
    followed by prose is kept as text.
    """
    match = _FRONT_MATTER.match(text)
    if match and _YAML_KEY.match(match.group(1) or "key:"):
        return match.group()
    return ""


def _iso_date(value: str) -> str:
    """The YYYY-MM-DD at the start of value, if it is a real date; else ""."""
    try:
        return dt.date.fromisoformat(value.strip()[:10]).isoformat()
    except ValueError:
        return ""


def _declared_charset(data: bytes) -> str | None:
    match = _CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def _decode(data: bytes, declared: str | None = None) -> str:
    """UTF-8 (with or without BOM) when the bytes are valid UTF-8, else the declared or a Windows code page."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    encoding = "cp1252"
    if declared:
        try:
            encoding = codecs.lookup(declared).name
        except LookupError:
            pass
    return data.decode(encoding, errors="replace")


class _SavedMeta(HTMLParser):
    """Finds <meta name="saved" content="...">."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.saved = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta" and not self.saved:
            values = {name: value or "" for name, value in attrs}
            if values.get("name", "").strip().lower() == "saved":
                self.saved = values.get("content", "")


_SKIPPED = frozenset({"script", "style", "nav", "noscript", "template", "title", "svg"})
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "caption", "dd", "details", "div", "dl", "dt",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "li", "main", "ol", "p", "pre", "section", "summary", "table", "tr", "ul",
})
_CELLS = frozenset({"td", "th"})


class _TextExtractor(HTMLParser):
    """Readable text of an HTML page: paragraphs separated by blank lines, chrome dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[list[str]] = [[]]
        self._skipping = 0
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _SKIPPED:
            self._skipping += 1
        elif not self._skipping:
            self._break(tag)
            if tag == "pre":
                self._pre += 1

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if tag not in _SKIPPED and not self._skipping:
            self._break(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif not self._skipping:
            self._break(tag)
            if tag == "pre":
                self._pre = max(0, self._pre - 1)

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.paragraphs[-1].append(data if self._pre else re.sub(r"\s+", " ", data))

    def _break(self, tag: str) -> None:
        if tag == "br":
            self.paragraphs[-1].append("\n")
        elif tag in _CELLS:
            self.paragraphs[-1].append(" ")
        elif tag in _BLOCKS and self.paragraphs[-1]:
            self.paragraphs.append([])

    def text(self) -> str:
        paragraphs = []
        for parts in self.paragraphs:
            lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
            paragraph = "\n".join(line for line in lines if line)
            if paragraph:
                paragraphs.append(paragraph)
        return "\n\n".join(paragraphs) + ("\n" if paragraphs else "")


def _html_text(markup: str) -> str:
    extractor = _TextExtractor()
    extractor.feed(markup)
    extractor.close()
    return extractor.text()
