"""Small text helpers shared by the stages: slugs, dates, the text of HTML, the one UTF-8
decoder of input files, and the one "did you mean" suggestion."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from html import unescape

from builder.errors import Problem, error

_TAG = re.compile(r"<[^>]+>")

# Characters HTML and XML cannot hold or show: pasted from PDFs (form feeds) or terminals.
UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")

# How alike a word and a suggestion must be (difflib's ratio), and how many are suggested at most.
_SIMILARITY = 0.6
_SUGGESTIONS = 2

_MONTHS = ("January", "February", "March", "April", "May", "June", "July",
           "August", "September", "October", "November", "December")


def slugify(text: str) -> str:
    """A URL-safe slug that keeps letters of every script: 'Kim Jong-un 김정은' -> 'kim-jong-un-김정은';
    '' when the text has no letter or digit."""
    from builder.urls import url_segment

    return url_segment(unicodedata.normalize("NFC", text).casefold(), keep_dots=False)


def long_date(date: dt.date) -> str:
    """'8 April 2016'."""
    return f"{date.day} {_MONTHS[date.month - 1]} {date.year}"


def parse_date(value: object) -> dt.date | None:
    """A date from YAML text ('2016-04-08' or '2016-04-08T10:00:00'); None when invalid."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def strip_tags(html: str) -> str:
    """html without its tags; entities stay as written."""
    return _TAG.sub("", html)


def html_text(html: str) -> str:
    """The text of html as a reader sees it: no tags, entities decoded, white space collapsed."""
    return " ".join(unescape(_TAG.sub("", html)).split())


def decode_utf8(raw: bytes, path: str) -> tuple[str | None, Problem | None]:
    """The text of an input file, without a byte order mark; or None and an error at the first
    byte that is not UTF-8: its line, and its column counted in characters, as an editor shows it."""
    try:
        return raw.decode("utf-8").removeprefix("\ufeff"), None
    except UnicodeDecodeError as exc:
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        # Everything before the bad byte is UTF-8, and a line starts at a character's first byte.
        before = raw[line_start:exc.start].decode("utf-8")
        if line_start == 0:
            before = before.removeprefix("\ufeff")
        line = raw.count(b"\n", 0, exc.start) + 1
        return None, error(path, line, len(before) + 1, "file is not valid UTF-8 (save it as UTF-8)")


def close_matches(word: str, candidates: Iterable[str]) -> list[str]:
    """The candidates most like word, the closest first; at most two, and only those alike enough."""
    return difflib.get_close_matches(word, [c for c in candidates if c], n=_SUGGESTIONS, cutoff=_SIMILARITY)


def suggestion(names: Sequence[str]) -> str:
    """The end of a message naming what was perhaps meant: " (did you mean 'x' or 'y'?)"; "" for no names."""
    if not names:
        return ""
    quoted = " or ".join(f"'{name}'" for name in names)
    return f" (did you mean {quoted}?)"


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """suggestion() of the candidates closest to word: "" when none is close."""
    return suggestion(close_matches(word, candidates))
