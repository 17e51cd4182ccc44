"""Evidence boxes at build time: grades, quote verification against saved sources, captions.

A translated box (`translated=ko`) is verified by its original (`::: original`), never by the
translation it shows; one that gives no original where its source has a snapshot is a warning,
and claims nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from builder.bib.bibliography import Bibliography
from builder.content.links import relative_url
from builder.errors import Problem, Severity
from builder.evidence.grades import CREDIBILITY, RELIABILITY
from builder.evidence.snapshots import SNAPSHOT_SUFFIXES
from builder.markdown.evidence import EvidenceBox
from builder.model import Document, EvidenceRecord
from builder.run.confinement import inside, real_path
from builder.text import long_date, page_language, parse_date

def language_name(tag: str, language: str = "") -> str:
    """The language of a tag ('ko', 'ko-KP') by its name in language (the page's when ''), as CLDR
    names it: 'Korean' on an English page, '한국어' on a Korean one; the tag itself for one CLDR
    does not know."""
    from babel import Locale, UnknownLocaleError

    if not tag:
        return ""
    try:
        named = Locale.parse(tag.split("-")[0].lower())
    except (UnknownLocaleError, ValueError):
        return tag
    for reader in (language or page_language(), "en"):
        try:
            return named.get_language_name(Locale.parse(reader, sep="-")) or tag
        except (UnknownLocaleError, ValueError):
            continue
    return tag


def grade_of(box: EvidenceBox, bibliography: Bibliography) -> str:
    """The box's own grade, else its source's default reliability letter."""
    if box.get("grade"):
        return box.get("grade")
    entry = bibliography.entries.get(box.source)
    letter = (entry.field("reliability") or "").strip().upper() if entry else ""
    return letter if letter in RELIABILITY else ""


def describe_grade(grade: str) -> str:
    """'B2 — usually reliable; probably true'."""
    parts = [RELIABILITY.get(grade[:1], "")]
    if len(grade) > 1:
        parts.append(CREDIBILITY.get(grade[1:], ""))
    return f"{grade} — " + "; ".join(p for p in parts if p)


@dataclass
class Snapshots:
    """Saved copies of sources under citations/snapshots/, read once each."""

    root: Path
    _cache: dict = field(default_factory=dict)

    def find(self, key: str) -> Path | None:
        folder = self.root / "citations" / "snapshots"
        for suffix in SNAPSHOT_SUFFIXES:
            path = folder / f"{key}{suffix}"
            try:
                if inside(folder, path) and inside(self.root, path) and path.is_file():
                    return real_path(path)
            except OSError:     # a key too long for a file name: no snapshot
                continue
        return None

    def get(self, key: str):
        """(Snapshot, saved date) for key, or None."""
        if key not in self._cache:
            from builder.evidence.snapshots import read_snapshot, snapshot_saved_date
            from builder.evidence.verify import Snapshot

            path = self.find(key)
            self._cache[key] = (Snapshot(read_snapshot(path)), snapshot_saved_date(path)) if path else None
        return self._cache[key]


def verify_boxes(document: Document, boxes: list[EvidenceBox], bibliography: Bibliography, snapshots: Snapshots,
                 strict: bool, translator: str = "") -> tuple[tuple[EvidenceRecord, ...], list[Problem]]:
    """Check every quote (a translated box's original) against its source's snapshot; a mismatch is a
    warning, or an error when strict. translator: the publication's, for a translated box naming none."""
    records, problems = [], []
    for box in boxes:
        status, saved = "no-snapshot", ""
        language = box.get("translated")
        found = snapshots.get(box.source) if box.source else None
        if found is not None and language and not box.original:
            status = "no-original"
            problems.append(Problem(document.relpath, document.body_line + box.line, 1,
                                    f"evidence box '#{box.id}' is translated from {language_name(language, 'en')} and is not "
                                    f"verified against the saved source '{box.source}': add the original wording inside "
                                    "the box in a '::: original' div", Severity.WARNING))
        elif found is not None:
            snapshot, saved_date = found
            original = bool(language and box.original)
            result = snapshot.verify(box.original if original else box.quote)
            status = result.status
            saved = saved_date if status == "verified" else ""
            severity = Severity.ERROR if strict else Severity.WARNING
            if status == "not-found" and original:
                line, col = box.original_at
                problems.append(Problem(document.relpath, document.body_line + line, col + 1,
                                        f"the original in evidence box '#{box.id}' is not in the saved source "
                                        f"'{box.source}': {_not_found(result)}", severity))
            elif status == "not-found":
                problems.append(Problem(document.relpath, document.body_line + box.line, 1,
                                        f"quote in evidence box '#{box.id}' is not in the saved source "
                                        f"'{box.source}': {_not_found(result)}", severity))
        records.append(EvidenceRecord(box.id, box.number, box.source, box.quote, grade_of(box, bibliography),
                                      box.get("date"), status, saved, box.original if language else "", language,
                                      (box.get("translator") or translator) if language else ""))
    return tuple(records), problems


def _not_found(result) -> str:
    """What a quote that is not in its saved source lacks, and the passage most like it."""
    closest = " ".join(result.closest.split())
    return f"'{result.missing}' not found; closest passage ({result.similarity:.0%} similar): \"{closest}\""


@dataclass(frozen=True, slots=True)
class CaptionView:
    """What the theme's caption under an evidence box shows (templates/_evidence_caption.html)."""

    number: int
    citation: str = ""          # the box's citation as the style formats it, HTML
    date: str = ""              # ISO date, when the box's date is one
    date_text: str = ""         # the date as shown (as written, when it is no date)
    grade: str = ""
    grade_text: str = ""        # what the grade means
    translated_from: str = ""   # the original's language, by name
    translator: str = ""        # who translated it (the box's translator=, else the publication's)
    source_page: str = ""       # relative URL of the source's page on the site
    original: str = ""          # the source's URL, and an archived copy's
    archived: str = ""
    verified: bool = False
    saved_text: str = ""        # when the snapshot verified against was saved
    note: str = ""


def caption_views(document: Document, boxes: list[EvidenceBox], records: tuple[EvidenceRecord, ...],
                  source_urls: dict[str, str], citations_html: tuple[str, ...]) -> list[CaptionView]:
    """What each box's caption shows, in the order of the boxes."""
    by_id = {record.id: record for record in records}
    views = []
    for box in boxes:
        record = by_id.get(box.id)
        date = parse_date(box.get("date"))
        language = box.get("translated")
        saved = parse_date(record.saved) if record else None
        links = {name: box.get(name) for name in ("url", "archived") if box.get(name).startswith(("http://", "https://"))}
        views.append(CaptionView(
            number=box.number,
            citation=citations_html[box.cluster_index] if 0 <= box.cluster_index < len(citations_html) else "",
            date=date.isoformat() if date else "", date_text=long_date(date) if date else box.get("date"),
            grade=record.grade if record else "", grade_text=describe_grade(record.grade) if record and record.grade else "",
            translated_from=language_name(language), translator=record.translator if record else "",
            source_page=relative_url(document.url, source_urls[box.source]) if box.source in source_urls else "",
            original=links.get("url", ""), archived=links.get("archived", ""),
            verified=bool(record and record.status == "verified"), saved_text=long_date(saved) if saved else "",
            note=box.get("note")))
    return views
