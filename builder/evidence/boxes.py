"""Evidence boxes at build time: grades, quote verification against saved sources, captions."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from builder.bib.bibliography import Bibliography
from builder.content.links import relative_url
from builder.errors import Problem, Severity
from builder.evidence.grades import CREDIBILITY, RELIABILITY
from builder.evidence.snapshots import SNAPSHOT_SUFFIXES
from builder.markdown.evidence import EvidenceBox
from builder.model import Document, EvidenceRecord
from builder.run.confinement import inside, real_path
from builder.text import long_date, parse_date

LANGUAGES = {"ko": "Korean", "zh": "Chinese", "ja": "Japanese", "ru": "Russian", "en": "English",
             "fr": "French", "de": "German", "es": "Spanish", "ar": "Arabic", "mn": "Mongolian", "vi": "Vietnamese"}


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


def verify_boxes(document: Document, boxes: list[EvidenceBox], bibliography: Bibliography,
                 snapshots: Snapshots, strict: bool) -> tuple[tuple[EvidenceRecord, ...], list[Problem]]:
    """Check every quote against its source's snapshot; a mismatch is a warning, or an error when strict."""
    records, problems = [], []
    for box in boxes:
        status, saved = "no-snapshot", ""
        found = snapshots.get(box.source) if box.source else None
        if found is not None:
            snapshot, saved_date = found
            result = snapshot.verify(box.quote)
            status = result.status
            saved = saved_date if status == "verified" else ""
            if status == "not-found":
                closest = " ".join(result.closest.split())
                problems.append(Problem(document.relpath, document.body_line + box.line, 1,
                                        f"quote in evidence box '#{box.id}' is not in the saved source "
                                        f"'{box.source}': '{result.missing}' not found; closest passage "
                                        f"({result.similarity:.0%} similar): \"{closest}\"",
                                        Severity.ERROR if strict else Severity.WARNING))
        records.append(EvidenceRecord(box.id, box.number, box.source, box.quote, grade_of(box, bibliography),
                                      box.get("date"), status, saved))
    return tuple(records), problems


def caption_renderer(document: Document, records: tuple[EvidenceRecord, ...], source_urls: dict[str, str]):
    """The function the Markdown renderer calls for each box's <figcaption>."""
    by_id = {record.id: record for record in records}

    def caption(box: EvidenceBox, citations_html: tuple[str, ...]) -> str:
        record = by_id.get(box.id)
        parts = [f'<span class="evidence__label">Evidence {box.number}</span>']
        if 0 <= box.cluster_index < len(citations_html):
            parts.append(f'<span class="evidence__citation">{citations_html[box.cluster_index]}</span>')
        date = parse_date(box.get("date"))
        if date:
            parts.append(f'<time class="evidence__date" datetime="{date.isoformat()}">{long_date(date)}</time>')
        elif box.get("date"):
            parts.append(f'<span class="evidence__date">{escape(box.get("date"))}</span>')
        if record and record.grade:
            description = describe_grade(record.grade)
            parts.append(f'<span class="grade grade--{escape(record.grade[:1].lower())}" title="{escape(description)}">'
                         f'<span aria-hidden="true">{escape(record.grade)}</span>'
                         f'<span class="visually-hidden">Grade {escape(description)}</span></span>')
        language = box.get("translated")
        if language:
            name = LANGUAGES.get(language.lower().split("-")[0], language)
            parts.append(f'<span class="evidence__translated">translated from {escape(name)}</span>')
        links = []
        if box.source in source_urls:
            links.append(f'<a href="{escape(relative_url(document.url, source_urls[box.source]))}">Source page</a>')
        for name, label in (("url", "Original"), ("archived", "Archived copy")):
            url = box.get(name)
            if url.startswith(("http://", "https://")):
                links.append(f'<a href="{escape(url)}" rel="external noopener">{label}</a>')
        if links:
            parts.append('<span class="evidence__links">' + " · ".join(links) + "</span>")
        if record and record.status == "verified":
            when = f", {long_date(parse_date(record.saved))}" if parse_date(record.saved) else ""
            parts.append(f'<span class="evidence__verified">✓ verified against saved source{when}</span>')
        if box.get("note"):
            parts.append(f'<span class="evidence__note">{escape(box.get("note"))}</span>')
        return '<figcaption class="evidence__caption">' + "\n".join(parts) + "</figcaption>"

    return caption
