"""Small text helpers shared by the stages: slugs, dates and the text of HTML."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from html import unescape

_TAG = re.compile(r"<[^>]+>")

# Characters HTML and XML cannot hold or show: pasted from PDFs (form feeds) or terminals.
UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")

_MONTHS = ("January", "February", "March", "April", "May", "June", "July",
           "August", "September", "October", "November", "December")


def slugify(text: str) -> str:
    """A URL-safe slug that keeps letters of every script: 'Kim Jong-un 김정은' -> 'kim-jong-un-김정은';
    '' when the text has no letter or digit."""
    from builder.urls import url_segment

    return url_segment(unicodedata.normalize("NFC", text).casefold(), keep_dots=False)


def unique_slug(slug: str, taken: set[str]) -> str:
    """slug, or slug-2, slug-3, ... whichever is not yet taken, without regard to case (on macOS
    and Windows Kim2016/ and kim2016/ are one folder); records the choice."""
    candidate, number = slug, 1
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{slug}-{number}"
    taken.add(candidate.casefold())
    return candidate


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
