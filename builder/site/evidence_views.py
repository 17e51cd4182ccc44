"""What templates receive of evidence boxes in the indexes (/evidence/, source and box pages); pure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from builder.evidence.boxes import describe_grade, language_name
from builder.site.search import SearchFacet
from builder.site.words import Words
from builder.text import long_date, parse_date
from builder.urls import evidence_url

if TYPE_CHECKING:
    from builder.site.views import ArticleView


@dataclass(frozen=True, slots=True)
class EvidenceView:
    """An evidence box as the indexes list it."""

    id: str
    label: str
    url: str                  # site-relative, with the box's anchor
    quote: str
    grade: str
    grade_text: str
    date: str
    status: str
    status_text: str
    article: ArticleView
    page_url: str = ""        # the box's own page, evidence/ARTICLE/ID/
    full_quote: str = ""
    source_label: str = ""
    source_url: str = ""
    search_type: str = "evidence"
    search_date: str = ""
    search_filters: tuple[SearchFacet, ...] = ()
    summary: str = ""
    original: str = ""        # a translated box's original wording (the quote is its translation), in full
    original_quote: str = ""  # ... and shortened, as the quote is in lists
    original_language: str = ""     # its language tag, for lang=""
    original_label: str = ""        # 'Original (Korean)'
    translation: str = ""     # 'Translated from Korean by ...'
    iso_date: str = ""        # its own date (not its article's), ISO, when it gives one


def evidence_view(use, views: dict, source_label: str, source_url: str, words: Words) -> EvidenceView:
    """The view of a box (use: a structure.EvidenceUse) in the indexes; views: each document's by its URL."""
    record = use.record
    article = views[use.document.document.url]
    date = parse_date(record.date)
    document = use.document.document
    facets = [SearchFacet("type", "evidence"), SearchFacet("source", source_label)]
    facets += [SearchFacet("tag", tag) for tag in document.tags]
    facets += [SearchFacet("author", author.name) for author in document.authors]
    if document.date:
        facets.append(SearchFacet("year", str(document.date.year)))
    status = "verified-original" if record.status == "verified" and record.language else record.status
    return EvidenceView(record.id, words("evidence.label", number=record.number), f"{article.url}#{record.id}",
                        shorten(record.quote, 60), record.grade, describe_grade(record.grade, words.gettext) if record.grade else "",
                        long_date(date) if date else record.date, record.status, _status_text(record, status, words),
                        article, evidence_url(document.slug, record.id), record.quote, source_label, source_url,
                        search_date=date.isoformat() if date else article.search_date,
                        search_filters=tuple(facets), summary=shorten(record.quote, 30),
                        original=record.original, original_quote=shorten(record.original, 60),
                        original_language=record.language,
                        original_label=words("evidence.original", language=language_name(record.language))
                        if record.original else "", translation=_translation_note(record, words),
                        iso_date=date.isoformat() if date else "")


def _status_text(record, status: str, words: Words) -> str:
    """'Verified against saved source'; a quote that differs says from the copy of which date."""
    saved = parse_date(record.saved) if record.status == "not-found" else None
    return words("evidence.status.differs", date=long_date(saved)) if saved else words(f"evidence.status.{status}")


def _translation_note(record, words: Words) -> str:
    """'Translated from Korean by ...' for a translated box; '' for another."""
    if not record.language:
        return ""
    language = language_name(record.language)
    if record.translator:
        return words("evidence.translated_by", language=language, translator=record.translator)
    return words("evidence.translated_from", language=language)


def shorten(text: str, words: int) -> str:
    """text cut to its first words, with an ellipsis when cut."""
    parts = text.split()
    return text if len(parts) <= words else " ".join(parts[:words]) + " …"
