"""Corrections and updates as the site shows them: on their article (at the top, and at the end of
its PDF), on /corrections/ (every correction, newest first) and in the feeds; pure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape

from builder.model import Document
from builder.site.words import Words
from builder.text import in_language, long_date


@dataclass(frozen=True, slots=True)
class NoticeView:
    """A correction or an update of an article."""

    kind: str                 # "correction" or "update"
    date: str                 # ISO; date_text as the page's language writes it
    text: str

    @property
    def date_text(self) -> str:
        return long_date(dt.date.fromisoformat(self.date))


@dataclass(frozen=True, slots=True)
class CorrectionView:
    """A correction on /corrections/, with the article it corrects."""

    notice: NoticeView
    article: object           # views.ArticleView


def notice_views(document: Document) -> tuple[NoticeView, ...]:
    """The document's corrections and updates, newest first (a correction before an update of its day)."""
    notices = [NoticeView(kind, notice.date.isoformat(), notice.text)
               for kind, found in (("correction", document.corrections), ("update", document.updates))
               for notice in found]
    return tuple(sorted(notices, key=lambda notice: notice.date, reverse=True))


def corrections_list(articles) -> tuple[CorrectionView, ...]:
    """Every correction of the articles (views.ArticleView, newest first), newest first."""
    found = [CorrectionView(notice, article) for article in articles for notice in article.notices
             if notice.kind == "correction"]
    return tuple(sorted(found, key=lambda correction: correction.notice.date, reverse=True))


def feed_notices(articles, words: Words) -> dict[str, str]:
    """The notices of each article that has some, as HTML in its language, by its URL: the top of its feed entry."""
    found = {}
    for article in articles:
        if article.notices:
            with in_language(article.language):
                found[article.url] = "".join(
                    f'<p class="notice notice--{notice.kind}"><strong>{escape(_label(notice, words))}</strong> '
                    f'<time datetime="{notice.date}">{escape(notice.date_text)}</time>: {escape(notice.text)}</p>'
                    for notice in article.notices)
    return found


def _label(notice: NoticeView, words: Words) -> str:
    return words.gettext("Correction") if notice.kind == "correction" else words.gettext("Update")
