"""The pictures of the site's evidence, laid out at build time: every number and coordinate an SVG
template (themes/default/templates/_charts.html) draws, with no drawing left to the browser; pure."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from builder.evidence.grades import CREDIBILITY, RELIABILITY

# The sourcing profile's geometry, in the SVG's user units.
CELL = 30                 # side of a grid cell
GRID_LEFT = 40            # room for the reliability letters and their axis title
GRID_TOP = 36             # room for the credibility numbers and their axis title
BAR_HEIGHT = 12
PROFILE_WIDTH = 360       # wider than the grid: the bar's line of words fits above it
MAX_SHADE = 0.5           # the fullest cell's opacity: the number on it keeps its contrast in both schemes
# Verification states of a box, in the order the bar shows them (EvidenceRecord.status).
STATUSES = ("verified", "not-found", "no-snapshot", "no-original")
# Each state's opacity in print, where the bar has one ink; style.css gives each its colour on screen.
INK = {"verified": 1.0, "not-found": 0.7, "no-snapshot": 0.2, "no-original": 0.45}


@dataclass(frozen=True, slots=True)
class ProfileCell:
    """One cell of the Admiralty grid: a reliability letter by a credibility number ('' when the box
    gives only its source's reliability), how many boxes are graded so, and where it is drawn."""

    reliability: str
    credibility: str
    count: int
    x: int
    y: int
    shade: float              # fill opacity, 0 for an empty cell


@dataclass(frozen=True, slots=True)
class Axis:
    """A row or column heading of the grid: its label, what it means (a msgid of evidence/grades.py,
    '' for a column of boxes without a credibility) and the centre of its row or column."""

    label: str
    meaning: str
    position: float


@dataclass(frozen=True, slots=True)
class BarPart:
    """A stretch of the verification bar: the boxes in one state."""

    status: str
    count: int
    x: float
    width: float
    opacity: float


@dataclass(frozen=True, slots=True)
class SourcingProfile:
    """How a document's evidence is graded and verified, laid out as the picture draws it."""

    total: int
    graded: int               # boxes with a reliability letter
    ungraded: int
    verified: int
    cells: tuple[ProfileCell, ...]
    rows: tuple[Axis, ...]            # A-F
    columns: tuple[Axis, ...]         # 1-6, then '' (credibility not given) when a box has no number
    parts: tuple[BarPart, ...]        # the states with boxes in them, in STATUSES order
    counts: tuple[tuple[str, int], ...]   # (status, count) of every state, zero or not
    width: int
    height: int
    cell: int = CELL
    grid_left: int = GRID_LEFT
    grid_top: int = GRID_TOP
    grid_width: int = 0
    grid_height: int = 0
    bar_y: int = 0
    bar_height: int = BAR_HEIGHT

    def count(self, reliability: str, credibility: str) -> int:
        """Boxes graded reliability + credibility ('B', '2'); the data table reads the grid this way."""
        return next((c.count for c in self.cells if (c.reliability, c.credibility) == (reliability, credibility)), 0)


def split_grade(grade: str) -> tuple[str, str]:
    """('B', '2') of 'B2', ('B', '') of a reliability alone, ('', '') of anything that is not a grade."""
    grade = grade.strip().upper()
    letter, number = grade[:1], grade[1:]
    if letter not in RELIABILITY or number not in ("", *CREDIBILITY):
        return "", ""
    return letter, number


def sourcing_profile(records) -> SourcingProfile | None:
    """The profile of a document's evidence boxes (model.EvidenceRecord), None when it has none."""
    if not records:
        return None
    grades = [split_grade(record.grade) for record in records]
    numbers = tuple(CREDIBILITY) + (("",) if any(letter and not number for letter, number in grades) else ())
    tally = {(letter, number): 0 for letter in RELIABILITY for number in numbers}
    for grade in grades:
        if grade[0]:
            tally[grade] += 1
    fullest = max(tally.values()) or 1
    empty, rows, columns = _grid(numbers)
    cells = tuple(ProfileCell(letter, number, count, empty[letter, number].x, empty[letter, number].y,
                              round(MAX_SHADE * (0.3 + 0.7 * count / fullest), 3)) if count else empty[letter, number]
                  for (letter, number), count in tally.items())
    grid_width, grid_height = CELL * len(numbers), CELL * len(RELIABILITY)
    states = [_state(record.status) for record in records]
    counts = tuple((status, states.count(status)) for status in STATUSES)
    parts, x = [], float(GRID_LEFT)
    for status, count in counts:
        if count:
            width = round((PROFILE_WIDTH - GRID_LEFT) * count / len(records), 2)
            parts.append(BarPart(status, count, round(x, 2), width, INK[status]))
            x += width
    bar_y = GRID_TOP + grid_height + 30
    graded = sum(1 for letter, _ in grades if letter)
    return SourcingProfile(
        len(records), graded, len(records) - graded, dict(counts)["verified"], cells, rows, columns,
        tuple(parts), counts, PROFILE_WIDTH, bar_y + BAR_HEIGHT + 4,
        grid_width=grid_width, grid_height=grid_height, bar_y=bar_y)


@functools.cache
def _grid(numbers: tuple[str, ...]) -> tuple[dict[tuple[str, str], ProfileCell], tuple[Axis, ...], tuple[Axis, ...]]:
    """A profile grid's empty cells (by grade) and its axes, for the credibility numbers it shows: the
    same for every profile with those columns, so made once (the values are immutable)."""
    empty = {(letter, number): ProfileCell(letter, number, 0, GRID_LEFT + column * CELL, GRID_TOP + row * CELL, 0)
             for row, letter in enumerate(RELIABILITY) for column, number in enumerate(numbers)}
    rows = tuple(Axis(letter, RELIABILITY[letter], GRID_TOP + row * CELL + CELL // 2) for row, letter in enumerate(RELIABILITY))
    columns = tuple(Axis(number, CREDIBILITY.get(number, ""), GRID_LEFT + column * CELL + CELL // 2)
                    for column, number in enumerate(numbers))
    return empty, rows, columns


def _state(status: str) -> str:
    return status if status in STATUSES else "no-snapshot"


# The evidence timeline's geometry.
TIMELINE_WIDTH = 640
LABELS = 170              # room for the sources' labels, left of the time axis
ROW = 22
AXIS = 28                 # room for the months' ticks under the rows


@dataclass(frozen=True, slots=True)
class Mark:
    """A date on the timeline: where it is drawn and what it is (a box's label or an article's title)."""

    date: str                 # ISO
    x: float
    label: str
    language: str = ""        # an article title's language


@dataclass(frozen=True, slots=True)
class TimelineRow:
    """A source's row: its label, the middle of its row and its dated boxes."""

    label: str
    y: int
    boxes: tuple[Mark, ...]


@dataclass(frozen=True, slots=True)
class EvidenceTimeline:
    """The dates of the evidence by source, with the articles' publication dates, laid out."""

    rows: tuple[TimelineRow, ...]
    articles: tuple[Mark, ...]        # each article citing the evidence, at its date
    ticks: tuple[Mark, ...]           # the first of each month in the range, labelled YYYY-MM
    first: str                        # ISO, the range's ends
    last: str
    undated: int                      # boxes without a date of their own, not drawn
    width: int = TIMELINE_WIDTH
    height: int = 0
    left: int = LABELS
    row_height: int = ROW
    axis_y: int = 0


def evidence_timeline(groups) -> EvidenceTimeline | None:
    """The timeline of the evidence of groups (site/views.SourceView, each with its boxes), None when
    no box has a date of its own."""
    dated = [[box for box in group.evidence if box.iso_date] for group in groups]
    articles = sorted({(box.article.date, box.article.title, box.article.language) for group in groups
                       for box in group.evidence if box.article.date})
    days = sorted({box.iso_date for boxes in dated for box in boxes} | {date for date, _, _ in articles})
    if not any(dated):
        return None
    first, last = dt.date.fromisoformat(days[0]), dt.date.fromisoformat(days[-1])
    span = max((last - first).days, 1)

    def x(iso: str) -> float:
        return round(LABELS + 8 + (TIMELINE_WIDTH - LABELS - 16) * (dt.date.fromisoformat(iso) - first).days / span, 2)

    rows = tuple(TimelineRow(group.label, i * ROW + ROW // 2, tuple(Mark(box.iso_date, x(box.iso_date), box.label)
                                                                   for box in boxes))
                 for i, (group, boxes) in enumerate((g, b) for g, b in zip(groups, dated) if b))
    month, ticks = first.replace(day=1), []
    while month <= last:
        if month >= first:
            ticks.append(Mark(month.isoformat(), x(month.isoformat()), f"{month.year}-{month.month:02}"))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    axis_y = len(rows) * ROW
    return EvidenceTimeline(rows, tuple(Mark(date, x(date), title, language) for date, title, language in articles),
                            tuple(ticks), days[0], days[-1], sum(len(g.evidence) for g in groups) - sum(map(len, dated)),
                            height=axis_y + AXIS, axis_y=axis_y)


# The sources-over-time chart's geometry: a column per year, a row per source.
YEARS_WIDTH = 640
YEAR_ROW = 24


@dataclass(frozen=True, slots=True)
class YearCount:
    """How many documents of one year cite a source, and its bar: from x, width long."""

    year: str
    count: int
    x: float
    width: float


@dataclass(frozen=True, slots=True)
class SourceYears:
    """A source's row: its label, its page, the middle of its row and its count in each year."""

    label: str
    url: str
    y: int
    years: tuple[YearCount, ...]


@dataclass(frozen=True, slots=True)
class SourcesOverTime:
    """How many documents cite each of the most-cited sources, by the year they were published."""

    rows: tuple[SourceYears, ...]
    years: tuple[Axis, ...]           # every year from the first to the last, each at its column's left edge
    undated: int                      # citing documents without a date, not counted
    width: int = YEARS_WIDTH
    height: int = 0
    left: int = LABELS
    column: float = 0
    row_height: int = YEAR_ROW
    axis_y: int = 0


def sources_over_time(sources) -> SourcesOverTime | None:
    """The citing documents of sources (site/views.SourceView, the most cited) by year, None when no
    citing document has a date."""
    years_of = [[use.article.date[:4] for use in source.citing if use.article.date] for source in sources]
    found = sorted({year for years in years_of for year in years})
    if not found:
        return None
    years = [str(year) for year in range(int(found[0]), int(found[-1]) + 1)]
    column = round((YEARS_WIDTH - LABELS) / len(years), 2)
    fullest = max(cited.count(year) for cited in years_of for year in cited)
    bar = column - 28            # room after the bar for its number

    def counts(cited: list[str]) -> tuple[YearCount, ...]:
        return tuple(YearCount(year, cited.count(year), round(LABELS + index * column + 4, 2),
                               round(bar * cited.count(year) / fullest, 2)) for index, year in enumerate(years))

    rows = tuple(SourceYears(source.label, source.url, index * YEAR_ROW + YEAR_ROW // 2, counts(cited))
                 for index, (source, cited) in enumerate(zip(sources, years_of)))
    axis_y = len(rows) * YEAR_ROW
    return SourcesOverTime(rows, tuple(Axis(year, "", round(LABELS + index * column, 2)) for index, year in enumerate(years)),
                           sum(len(source.citing) for source in sources) - sum(map(len, years_of)),
                           height=axis_y + AXIS, column=column, axis_y=axis_y)


def index_charts(sources, articles: set[str], most: int = 8) -> tuple[EvidenceTimeline | None, SourcesOverTime | None]:
    """The evidence timeline and the sources over time of an edition's index of sources: sources
    (site/views.SourceView) with only what the articles at those URLs cite and hold."""
    from dataclasses import replace

    kept = [replace(source, citing=tuple(use for use in source.citing if use.article.url in articles),
                    evidence=tuple(box for box in source.evidence if box.article.url in articles)) for source in sources]
    kept = [source for source in kept if source.citing or source.evidence]
    ranked = sorted(enumerate(kept), key=lambda pair: (-len(pair[1].citing), pair[0]))
    cited = tuple(source for _, source in ranked[:most] if source.citing)
    return evidence_timeline([source for source in kept if source.evidence]), sources_over_time(cited) if cited else None
