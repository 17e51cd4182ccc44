"""Evidence boxes at build time: grades, saved sources, captions (verification is checks.py's)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from builder.bib.bibliography import Bibliography
from builder.content.links import relative_url
from builder.evidence.grades import CREDIBILITY, RELIABILITY, N_
from builder.evidence.snapshots import SNAPSHOT_SUFFIXES
from builder.markdown.evidence import EvidenceBox
from builder.model import Document, EvidenceRecord
from builder.run.confinement import inside, real_path
from builder.text import long_date, page_language, parse_date
from builder.urls import evidence_url

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


def describe_grade(grade: str, translate=N_) -> str:
    """'B2 — usually reliable; probably true', the meanings in translate's language."""
    parts = [RELIABILITY.get(grade[:1], "")]
    if len(grade) > 1:
        parts.append(CREDIBILITY.get(grade[1:], ""))
    return f"{grade} — " + "; ".join(translate(p) for p in parts if p)


@dataclass
class Snapshots:
    """Saved copies of sources under citations/snapshots/, read once each."""

    root: Path
    _cache: dict = field(default_factory=dict)
    _found: dict = field(default_factory=dict)

    def find(self, key: str) -> Path | None:
        """The saved copy of key's source, inside the publication; looked for once per key."""
        if key not in self._found:
            self._found[key] = self._find(key)
        return self._found[key]

    def _find(self, key: str) -> Path | None:
        folder = self.root / "citations" / "snapshots"
        for suffix in SNAPSHOT_SUFFIXES:
            path = folder / f"{key}{suffix}"
            try:       # most sources have no saved copy: nothing to resolve for them
                if (path.exists() or path.is_symlink()) and inside(folder, path) and inside(self.root, path) \
                        and path.is_file():
                    return real_path(path)
            except OSError:     # a key too long for a file name: no snapshot
                continue
        return None

    def saved(self, key: str) -> "SavedCopy | None":
        """The snapshot of key, when it was saved, and where its text is in the file; None without one."""
        if key not in self._cache:
            from builder.evidence.snapshots import read_snapshot, snapshot_saved_date
            from builder.evidence.verify import Snapshot

            path = self.find(key)
            self._cache[key] = None
            if path:
                text = read_snapshot(path)
                suffix = path.suffix.lower()
                # A .md's front matter goes before its text; an .html's text has no lines of the file.
                skipped = None if suffix in (".html", ".htm") else _lines_before(path, text) if suffix == ".md" else 0
                self._cache[key] = SavedCopy(Snapshot(text), snapshot_saved_date(path), f"citations/snapshots/{path.name}",
                                             skipped)
        return self._cache[key]


def _lines_before(path: Path, text: str) -> int:
    """The lines of a .md snapshot before the text read from it (its front matter)."""
    raw = path.read_bytes().decode("utf-8-sig", errors="replace").replace("\r\n", "\n")
    body = text.replace("\r\n", "\n")
    return raw[:len(raw) - len(body)].count("\n") if raw.endswith(body) else 0


@dataclass(frozen=True, slots=True)
class SavedCopy:
    """A source's snapshot as quotes are checked against it."""

    snapshot: object            # builder.evidence.verify.Snapshot
    saved: str                  # ISO date it was saved, "" if it does not say
    path: str                   # citations/snapshots/KEY.md, relative to the publication
    skipped_lines: int | None   # lines of the file before its text (front matter); None: no lines to point at

    def where(self, offset: int) -> str:
        """'citations/snapshots/KEY.md:12', the line of the file at an offset of its text."""
        if offset < 0 or self.skipped_lines is None:
            return self.path
        return f"{self.path}:{self.snapshot.line_of(offset) + self.skipped_lines}"


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
    differs: bool = False       # the quote is not in the saved source (verify_quotes: warn built it)
    saved_text: str = ""        # when the snapshot verified (or differing) was saved
    note: str = ""
    permalink: str = ""         # relative URL of the box's own page


def caption_views(document: Document, boxes: list[EvidenceBox], records: tuple[EvidenceRecord, ...],
                  source_urls: dict[str, str], citations_html: tuple[str, ...], translate=N_) -> list[CaptionView]:
    """What each box's caption shows, in the order of the boxes; translate: the page's words."""
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
            grade=record.grade if record else "", grade_text=describe_grade(record.grade, translate) if record and record.grade else "",
            translated_from=language_name(language), translator=record.translator if record else "",
            source_page=relative_url(document.url, source_urls[box.source]) if box.source in source_urls else "",
            original=links.get("url", ""), archived=links.get("archived", ""),
            verified=bool(record and record.status == "verified"),
            differs=bool(record and record.status == "not-found"), saved_text=long_date(saved) if saved else "",
            note=box.get("note"), permalink=relative_url(document.url, evidence_url(document.slug, box.id))))
    return views
