"""A document's `corrections:` and `updates:`, lists of {date, text}, read and checked where written.

A correction dated before the document's date corrects nothing it had published, and an
`updated:` older than the last correction or update says the document last changed before it
did: both are errors at the date that is wrong.
"""

from __future__ import annotations

import datetime as dt

from builder.errors import Problem, error
from builder.model import Notice
from builder.text import date_fix, parse_date

KEYS = ("corrections", "updates")
_KIND = {"corrections": "correction", "updates": "update"}


def read_notices(data: dict, where, relpath: str, date: dt.date | None, updated: dt.date | None,
                 problems: list[Problem]) -> dict[str, tuple[Notice, ...]]:
    """Each key of KEYS the front matter (data) holds, as its notices newest first; where(*path) ->
    (line, col) of a value in the file. A notice in error is left out, reported in problems."""
    found: dict[str, tuple[Notice, ...]] = {}
    latest: tuple[dt.date, str] | None = None
    for key in KEYS:
        notices = _notices(data, key, where, relpath, date, problems)
        found[key] = tuple(sorted(notices, key=lambda notice: notice.date, reverse=True))
        if notices and (latest is None or found[key][0].date > latest[0]):
            latest = (found[key][0].date, _KIND[key])
    if updated and latest and updated < latest[0]:
        problems.append(error(relpath, *where("updated"), f"'updated: {updated}' is older than the last {latest[1]} "
                              f"({latest[0]}): set it to {latest[0]} or later, or leave it out"))
    return found


def _notices(data: dict, key: str, where, relpath: str, date: dt.date | None, problems: list[Problem]) -> list[Notice]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(error(relpath, *where(key), f"'{key}' must be a list of {{date: YYYY-MM-DD, text: \"...\"}}"))
        return []
    notices = []
    for index, item in enumerate(value):
        text = item.get("text") if isinstance(item, dict) else None
        if not isinstance(item, dict) or item.get("date") is None or not isinstance(text, str) or not text.strip():
            problems.append(error(relpath, *where(key, index), f"each of '{key}' needs a date and a text: "
                                                               "{date: YYYY-MM-DD, text: \"...\"}"))
            continue
        unknown = sorted(str(name) for name in item if name not in ("date", "text"))
        if unknown:
            problems.append(error(relpath, *where(key, index, unknown[0]), f"unknown key '{unknown[0]}' in "
                                                                          f"'{key}' (known: date, text)"))
        day = parse_date(item["date"])
        if day is None:
            problems.append(error(relpath, *where(key, index, "date"), f"invalid date '{item['date']}' in '{key}': "
                                                                       f"{date_fix(item['date'])}"))
            continue
        if date and day < date:
            problems.append(error(relpath, *where(key, index, "date"), f"{_KIND[key]} dated {day} is before the "
                                  f"document's date ({date}): date it on or after that day"))
            continue
        notices.append(Notice(day, " ".join(text.split())))
    return notices
