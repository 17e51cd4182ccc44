"""The /editions/ page: every PDF edition with its page count and size, which only the PDF stage
knows, so the page is made after it, into the folder the PDFs went to."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2

from builder.model import Settings
from builder.site.render import render_page
from builder.site.views import Views, page_meta
from builder.site.words import Words
from builder.text import in_language, long_number
from builder.urls import EDITIONS


@dataclass(frozen=True, slots=True)
class EditionEntry:
    """One edition as /editions/ lists it."""

    title: str
    url: str                  # site-relative, of its PDF
    articles: int
    pages: int
    kilobytes: str            # as the page's language writes the number


def write_editions_page(folder: Path, views: Views, settings: Settings, env: jinja2.Environment, words: Words,
                        made) -> None:
    """folder's editions/index.html, listing the editions the PDF stage made (made: its EditionMade, by slug)."""
    if not made:
        return
    sizes = {edition.slug: edition for edition in made}
    with in_language(settings.language):
        entries = tuple(EditionEntry(e.title, e.url, len(e.articles), sizes[e.slug].pages,
                                     long_number(max(1, round(sizes[e.slug].size / 1000))))
                        for e in views.site.editions if e.slug in sizes)
        meta = page_meta("editions", words.gettext("Editions"),
                         words.gettext("The PDF editions of %(title)s", title=settings.title), EDITIONS, settings)
    html = render_page(env, "editions.html", views.site, meta, "../", {"editions": entries}, settings.root)
    (folder / EDITIONS).mkdir(parents=True, exist_ok=True)
    page = folder / EDITIONS / "index.html"
    page.unlink(missing_ok=True)        # a new file: a site written aside links the previous site's
    page.write_bytes(html)
