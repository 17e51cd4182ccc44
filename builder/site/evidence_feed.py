"""evidence/feed.xml: an Atom feed of the publication's evidence, one entry per box, newest first; pure."""

from __future__ import annotations

import datetime as dt
from html import escape

from builder.evidence.boxes import describe_grade
from builder.model import Output, RenderedDocument, Settings
from builder.site.feeds import FEED_ENTRIES, xml_text
from builder.site.words import Words
from builder.text import in_language, long_date, parse_date
from builder.urls import EVIDENCE, FEED, evidence_url

EVIDENCE_FEED = EVIDENCE + FEED


def render_evidence_feed(site, settings: Settings, words: Words) -> list[Output]:
    """The feed of the newest boxes of articles (by their article's date, then their place in it); none
    without a box anywhere (no /evidence/). Its words are the publication's language's, as /evidence/ is."""
    if not any(document.evidence for document in site.articles + site.pages):
        return []
    boxes = [(document, record) for document in site.articles for record in document.evidence]
    boxes = boxes[:FEED_ENTRIES]        # the articles are newest first, each's boxes in reading order
    with in_language(settings.language):
        return [Output(EVIDENCE_FEED, _atom(settings, words, boxes))]


def _timestamp(day: dt.date | None) -> dt.datetime:
    day = day or dt.date(1970, 1, 1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def _atom(settings: Settings, words: Words, boxes: list[tuple[RenderedDocument, object]]) -> bytes:
    from feedgen.feed import FeedGenerator

    feed = FeedGenerator()
    feed.id(settings.base_url + EVIDENCE_FEED)
    title = words.gettext("Evidence") + f" · {settings.title}"
    feed.title(xml_text(title))
    feed.subtitle(xml_text(words.gettext("Every quoted passage in %(title)s, newest first.", title=settings.title)))
    feed.link(href=settings.base_url + EVIDENCE_FEED, rel="self")
    feed.link(href=settings.base_url + EVIDENCE, rel="alternate")
    feed.language(settings.language)
    feed.generator("Dossier")
    for author in settings.authors:
        feed.author(name=xml_text(author.name))
    feed.updated(_timestamp(max((d.document.modified or d.document.date for d, _ in boxes if d.document.date), default=None)))
    for rendered, record in reversed(boxes):      # feedgen prepends: the oldest first lists the newest first
        document = rendered.document
        url = settings.base_url + evidence_url(document.slug, record.id)
        entry = feed.add_entry()
        entry.id(url)
        label = words.gettext("Evidence %(number)s", number=record.number)
        entry.title(xml_text(words.gettext("%(label)s in “%(title)s”", label=label, title=document.title)))
        entry.link(href=url, rel="alternate")
        entry.published(_timestamp(document.date))
        entry.updated(_timestamp(document.modified or document.date))
        for author in document.authors:
            entry.author(name=xml_text(author.name))
        entry.category(term=xml_text(record.source))
        entry.summary(xml_text(record.quote))
        entry.content(xml_text(_content(record, words)), type="html")
    return feed.atom_str(pretty=True)


def _content(record, words: Words) -> str:
    """The quote and its attribution as HTML: citation, date, grade."""
    facts = [record.citation or record.source]
    if record.date:
        date = parse_date(record.date)
        facts.append(long_date(date) if date else record.date)
    if record.grade:
        facts.append(words.gettext("Grade %(description)s", description=describe_grade(record.grade, words.gettext)))
    return f"<blockquote><p>{escape(record.quote)}</p></blockquote><p>{escape(' · '.join(facts))}</p>"
