"""What the print templates receive (themes/*/templates/print/): `pdf` (the document being laid
out), `part` (one article of it) and `edition` (the cover, contents and index of sources)."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup


@dataclass(frozen=True, slots=True)
class PrintDocument:
    """`pdf`: the stylesheet, and an article's metadata."""

    css: Markup
    mode: str = ""              # an article's pages: "numbered" (its own PDF) or "unnumbered" (the edition's)
    keywords: str = ""
    created: str = ""           # ISO dates
    modified: str = ""


@dataclass(frozen=True, slots=True)
class PrintPart:
    """`part`: one article as laid out for print."""

    anchor: str                 # the id its bookmark and the contents link to
    body: Markup
    first_page: int = 1


@dataclass(frozen=True, slots=True)
class ContentsEntry:
    anchor: str
    title: str
    page: int
    authors: str


@dataclass(frozen=True, slots=True)
class SourceUse:
    title: str                  # of the citing article
    pages: str                  # "12, 14"


@dataclass(frozen=True, slots=True)
class IndexedSource:
    reference: Markup
    uses: tuple[SourceUse, ...]


@dataclass(frozen=True, slots=True)
class PrintEdition:
    """`edition`: the cover and contents (front.html), the index of sources (sources.html)."""

    index_page: int = 0         # 0: no index of sources
    toc: tuple[ContentsEntry, ...] = ()
    kicker: str = ""
    date_text: str = ""
    cover_image: str = ""       # site-relative
    sources: tuple[IndexedSource, ...] = ()
    timeline: object = None     # site/charts.py EvidenceTimeline of the edition's evidence, if any is dated
    over_time: object = None    # ... and SourcesOverTime of its most-cited sources
    title: str = ""             # the edition's, as its PDF's metadata gives it
    authors: tuple[str, ...] = ()
    heading: str = ""           # the cover's title: the edition's, or the publication's for the edition of everything
