"""Small text helpers shared by the stages: slugs, dates and numbers in the page's language, the
text of HTML, the one UTF-8 decoder of input files, and the one "did you mean" suggestion."""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from html import unescape

from builder.errors import Problem, error

_TAG = re.compile(r"<[^>]+>")

# Characters HTML and XML cannot hold or show: pasted from PDFs (form feeds) or terminals.
# In a progress stage's text, what follows this changes as the stage runs ("Laying out · 12.3
# pages/s"): the command line keeps one bar per text before it (builder/cli.py, pdf/typeset.py).
RATE_MARK = " · "

UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")

# A BCP 47 language tag as pandoc, Pagefind and browsers read it: 'en', 'pt-BR', 'zh-Hant-TW'.
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")

# An ISO 8601 / EDTF date or range, as BibLaTeX's date fields and evidence boxes take them.
_EDTF_YEAR = r"(?:-?\d{4}|\d{2}(?:\d|X)X|\d{3}X)"
_EDTF_MONTH_DAY = r"(?:-(?:0[1-9]|1[0-2]|2[1-4]|XX)(?:-(?:0[1-9]|[12]\d|3[01]|XX))?)?"
_EDTF_TIME = r"(?:T\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?"
_EDTF_DATE = _EDTF_YEAR + _EDTF_MONTH_DAY + _EDTF_TIME + r"[?~%]?"
_DATE_RANGE = re.compile(rf"(?:{_EDTF_DATE})?(?:/(?:{_EDTF_DATE}|\.\.)?)?|\.\./{_EDTF_DATE}")
_FULL_DATE = re.compile(r"(-?\d{4})-(\d{2})-(\d{2})")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")

# How alike a word and a suggestion must be (difflib's ratio), and how many are suggested at most.
_SIMILARITY = 0.6
_SUGGESTIONS = 2

# The language of the page being made (a BCP 47 tag): its words, dates and numbers are in it. Set
# around each page's rendering (site/render.py, site/bodies.py, pdf/typeset.py), in whichever
# process renders it; a forked worker inherits it and sets its own.
_PAGE_LANGUAGE: ContextVar[str] = ContextVar("page_language", default="en")


def slugify(text: str) -> str:
    """A URL-safe slug that keeps letters of every script: 'Kim Jong-un 김정은' -> 'kim-jong-un-김정은';
    '' when the text has no letter or digit."""
    from builder.urls import url_segment

    return url_segment(unicodedata.normalize("NFC", text).casefold(), keep_dots=False)


@contextmanager
def in_language(language: str) -> Iterator[None]:
    """Make what is made inside in language (a tag such as 'ko' or 'en-GB'; '' leaves it as it is)."""
    token = _PAGE_LANGUAGE.set(language) if language else None
    try:
        yield
    finally:
        if token is not None:
            _PAGE_LANGUAGE.reset(token)


def page_language() -> str:
    """The language of the page being made ('en' outside any)."""
    return _PAGE_LANGUAGE.get()


def long_date(date: dt.date, language: str = "") -> str:
    """The date as CLDR writes it in full for language (the page's when ''): 'April 8, 2016' in en,
    '8 April 2016' in en-GB, '2016년 4월 8일' in ko."""
    from babel.dates import format_date

    return format_date(date, format="long", locale=_locale(language or page_language()))


def long_number(number: int, language: str = "") -> str:
    """The number with the separators of language (the page's when ''): 1,234 in en, 1.234 in de."""
    from babel.numbers import format_decimal

    return format_decimal(number, locale=_locale(language or page_language()))


def word_list(items: Sequence[str], language: str = "") -> str:
    """Items joined as language (the page's when '') writes a list: 'A, B, and C' in en, 'A, B 및 C' in ko."""
    from babel.lists import format_list

    return format_list(list(items), locale=_locale(language or page_language())) if items else ""


@lru_cache(maxsize=64)
def _locale(language: str):
    """Babel's locale for a language tag: the tag's, else its primary language's, else English."""
    from babel import Locale, UnknownLocaleError

    for tag in (language, language.split("-")[0]):
        try:
            return Locale.parse(tag, sep="-")
        except (UnknownLocaleError, ValueError, TypeError):
            continue
    return Locale("en")


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


def date_problem(value: str) -> str | None:
    """Why value is not an ISO 8601 / EDTF date or range (as BibLaTeX's date fields take), or None."""
    text = value.strip()
    if not text or _DATE_RANGE.fullmatch(text) is None or text == "/":
        return f"'{value}' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD (a range as START/END)"
    for year, month, day in _FULL_DATE.findall(text):
        if not 1 <= int(month) <= 12:
            continue   # 21-24 are EDTF seasons
        try:
            dt.date(int(year), int(month), int(day))
        except ValueError:
            return f"'{value}' is not a date: there is no day {int(day)} in {year}-{month}"
    return None


def date_fix(value: object) -> str:
    """What to do about a date parse_date refused: which day the month lacks, else how to write it."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", str(value).strip())
    if match is None:
        return "use YYYY-MM-DD"
    year, month, day = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        return f"there is no month {month}: use YYYY-MM-DD"
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return f"{_MONTHS[month - 1]}{f' {year}' if month == 2 else ''} has {days} days"
    return f"write the month and the day with two digits each, {year:04}-{month:02}-{day:02}"


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
