"""Atom feeds (the site's, one per tag, and one per language when some article is in a language
other than the publication's),
sitemap.xml (with each translated article's other languages) and robots.txt; pure, returns Outputs."""

from __future__ import annotations

import datetime as dt
import functools
import re
from urllib.parse import quote
from xml.sax.saxutils import escape

from builder.model import Output, RenderedDocument, Settings
from builder.site.structure import Site
from builder.urls import FEED, language_feed_url

FEED_ENTRIES = 50
# Characters XML 1.0 cannot hold, even escaped; a body may carry them (a form feed pasted from a
# PDF), and lxml refuses the whole feed for one of them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """text without the characters XML cannot hold."""
    return _NOT_XML.sub("", text)


def render_feeds(site: Site, settings: Settings, extra_urls: list[str], memo=None,
                 notices: dict[str, str] | None = None) -> list[Output]:
    """feed.xml, tags/TAG/feed.xml, sitemap.xml and robots.txt; with memo (site/memo.py), a feed
    made from the same entries as in the last build is that build's file. notices: the HTML of
    each corrected or updated article's notices, by its URL, put at the top of its entry."""
    notices = notices or {}
    feeds = [(FEED, settings.title, "", site.articles, "")]
    by_language = articles_by_language(site, settings)
    for language, articles in by_language.items() if set(by_language) - {settings.language.lower()} else ():
        feeds.append((language_feed_url(language), settings.title, "", articles, language))
    for tag in site.tags:
        feeds.append((tag.url + FEED, f"{settings.title}: {tag.name}", tag.url, tag.articles, ""))
    outputs = [_feed(settings, path, title, page_url, articles, language, memo, notices)
               for path, title, page_url, articles, language in feeds]
    outputs.append(Output("sitemap.xml", _sitemap(site, settings, extra_urls)))
    outputs.append(Output("robots.txt", f"User-agent: *\nAllow: /\n\nSitemap: {settings.base_url}sitemap.xml\n".encode()))
    return outputs


def _feed(settings: Settings, path: str, title: str, page_url: str, articles: tuple[RenderedDocument, ...],
          language: str, memo, notices: dict[str, str]) -> Output:
    entries = articles[:FEED_ENTRIES]
    if memo is None:
        return Output(path, _atom(settings, title, path, page_url, entries, language, notices))
    values = ("feed", title, page_url, language, tuple(_entry_values(article, settings, notices) for article in entries))
    return memo.output(path, values, lambda: _atom(settings, title, path, page_url, entries, language, notices))


def _entry_values(article: RenderedDocument, settings: Settings, notices: dict[str, str]) -> tuple:
    """What _atom reads of an article (the settings are in every digest)."""
    document = article.document
    return (document.url, document.title, document.date, document.modified, tuple(a.name for a in document.authors),
            document.tags, document.summary, article.html if settings.feed_full_content else "",
            notices.get(document.url, ""))


def articles_by_language(site: Site, settings: Settings) -> dict[str, tuple[RenderedDocument, ...]]:
    """The articles of each language (newest first), by lower-case language tag, in tag order."""
    found: dict[str, list[RenderedDocument]] = {}
    for article in site.articles:
        found.setdefault((article.document.language or settings.language).lower(), []).append(article)
    return {language: tuple(found[language]) for language in sorted(found)}


def _timestamp(date: dt.date | None) -> dt.datetime:
    day = date or dt.date(1970, 1, 1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def _atom(settings: Settings, title: str, path: str, page_url: str,
          articles: tuple[RenderedDocument, ...], language: str = "", notices: dict[str, str] | None = None) -> bytes:
    from feedgen.feed import FeedGenerator

    feed = FeedGenerator()
    feed.id(settings.base_url + path)
    feed.title(xml_text(title))
    feed.subtitle(xml_text(settings.description or title))
    feed.link(href=settings.base_url + path, rel="self")
    feed.link(href=settings.base_url + page_url, rel="alternate")
    feed.language(language or settings.language)
    feed.generator("Dossier")
    for author in settings.authors:
        feed.author(name=xml_text(author.name))
    entries = articles[:FEED_ENTRIES]
    latest = max((a.document.modified or a.document.date for a in entries if a.document.date), default=None)
    feed.updated(_timestamp(latest))
    # feedgen prepends entries, so add the oldest first to list the newest first.
    for article in reversed(entries):
        document = article.document
        entry = feed.add_entry()
        url = settings.base_url + document.url
        entry.id(url)
        entry.title(xml_text(document.title))
        entry.link(href=url, rel="alternate")
        entry.published(_timestamp(document.date))
        entry.updated(_timestamp(document.modified or document.date))
        for author in document.authors:
            entry.author(name=xml_text(author.name))
        for tag in document.tags:
            entry.category(term=xml_text(tag))
        if document.summary:
            entry.summary(xml_text(document.summary))
        notice = (notices or {}).get(document.url, "")      # a correction or update: said first
        if settings.feed_full_content or notice:
            body = _absolute_links(article.html, url) if settings.feed_full_content else ""
            entry.content(xml_text(notice + body), type="html")
    return feed.atom_str(pretty=True)


@functools.lru_cache(maxsize=4096)
def _absolute_links(html: str, page_url: str) -> str:
    """Feed readers resolve relative links against the feed, not the article: anchor them,
    in-page links ("#fn1", "#ev-one") included, since a fragment alone names the feed."""
    from urllib.parse import urljoin

    return re.sub(r'(href|src)="(?![a-z][a-z0-9+.-]*:)([^"]*)"',
                  lambda m: f'{m.group(1)}="{urljoin(page_url, m.group(2))}"', html)


def _sitemap(site: Site, settings: Settings, extra_urls: list[str]) -> bytes:
    lastmod = {r.document.url: (r.document.modified or r.document.date) for r in site.articles + site.pages}
    language = {r.document.url: r.document.language or settings.language for r in site.articles}
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
             + (' xmlns:xhtml="http://www.w3.org/1999/xhtml">' if site.translations else ">")]
    for url in sorted(set(extra_urls)):
        others = [o.document.url for o in site.translations.get(url, ())]
        versions = sorted([url, *others], key=lambda u: language[u]) if others else []
        alternates = "".join(f'<xhtml:link rel="alternate" hreflang="{escape(language[u])}" '
                             f'href="{escape(settings.base_url + quote(u))}"/>' for u in versions)
        lines.append(f"  <url><loc>{escape(settings.base_url + quote(url))}</loc>"
                     + (f"<lastmod>{lastmod[url].isoformat()}</lastmod>" if lastmod.get(url) else "") + alternates + "</url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")
