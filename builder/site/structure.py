"""The site's structure: articles in order, and the tag, author and year groupings."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from builder.content.translations import translation_groups
from builder.model import Author, EvidenceRecord, RenderedDocument
from builder.text import slugify
from builder.urls import author_url, tag_url, year_url


@dataclass(frozen=True, slots=True)
class Group:
    """Articles sharing a tag, an author or a year."""

    name: str
    slug: str
    url: str
    articles: tuple[RenderedDocument, ...]
    detail: str = ""          # an author's affiliation


@dataclass(frozen=True, slots=True)
class SourceUse:
    """One document citing a source, with the sentence around each citation."""

    document: RenderedDocument
    contexts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EvidenceUse:
    """An evidence box and the document that holds it."""

    document: RenderedDocument
    record: EvidenceRecord


@dataclass(frozen=True, slots=True)
class Source:
    key: str
    url: str
    uses: tuple[SourceUse, ...]
    evidence: tuple[EvidenceUse, ...] = ()


@dataclass(frozen=True, slots=True)
class Site:
    articles: tuple[RenderedDocument, ...]     # newest first
    pages: tuple[RenderedDocument, ...]        # menu order
    tags: tuple[Group, ...]                    # by name
    authors: tuple[Group, ...]                 # by name
    years: tuple[Group, ...]                   # newest first
    sources: tuple[Source, ...] = ()           # the citation style's order
    translations: dict[str, tuple[RenderedDocument, ...]] = field(default_factory=dict)   # by URL: the others of its group


def assemble_site(rendered: list[RenderedDocument], menu: tuple[str, ...] | None,
                  source_order: tuple[str, ...] = (), source_urls: dict[str, str] | None = None) -> Site:
    """Order the documents, group the articles and gather each source's citing documents; pure.
    source_urls: each source's page (builder/urls.py source_urls(), decided before the bodies)."""
    articles = sorted((r for r in rendered if r.document.kind == "article"), key=_newest_first)
    pages = [r for r in rendered if r.document.kind == "page"]
    if menu is not None:
        by_slug = {r.document.slug: r for r in pages}
        pages = [by_slug[slug] for slug in menu if slug in by_slug]
    else:
        pages.sort(key=lambda r: (r.document.extra.get("order", 0) if isinstance(r.document.extra.get("order", 0), int) else 0,
                                  r.document.title.casefold()))
    return Site(tuple(articles), tuple(pages), _tags(articles), _authors(articles), _years(articles),
                _sources(articles + pages, source_order, source_urls or {}), _translations(articles))


def _translations(articles: list[RenderedDocument]) -> dict[str, tuple[RenderedDocument, ...]]:
    """Each translated article's translations (and the article it translates), by its URL."""
    by_slug = {r.document.slug: r for r in articles}
    groups = translation_groups([r.document for r in articles])
    return {by_slug[slug].document.url: tuple(by_slug[m.slug] for m in group if m.slug != slug)
            for slug, group in groups.items()}


def _sources(documents: list[RenderedDocument], order: tuple[str, ...], urls: dict[str, str]) -> tuple[Source, ...]:
    contexts: dict[str, dict[int, dict[str, None]]] = defaultdict(dict)    # key -> document's index -> its contexts
    evidence: dict[str, list[EvidenceUse]] = defaultdict(list)
    for index, document in enumerate(documents):
        for use in document.citations:
            contexts[use.key].setdefault(index, {})[use.context] = None
        for record in document.evidence:
            evidence[record.source].append(EvidenceUse(document, record))
    return tuple(Source(key, urls[key], tuple(SourceUse(documents[index], tuple(found))
                                              for index, found in sorted(contexts[key].items())),
                        tuple(evidence[key])) for key in order)


def _newest_first(rendered: RenderedDocument):
    document = rendered.document
    return (-(document.date.toordinal() if document.date else 0), document.slug)


def _tags(articles: list[RenderedDocument]) -> tuple[Group, ...]:
    members: dict[str, list[RenderedDocument]] = defaultdict(list)
    names: dict[str, str] = {}
    for article in articles:
        for tag in article.document.tags:
            slug = slugify(tag)
            names.setdefault(slug, tag)
            members[slug].append(article)
    return tuple(Group(names[slug], slug, tag_url(slug), tuple(members[slug]))
                 for slug in sorted(members, key=lambda s: (names[s].casefold(), s)))


def _authors(articles: list[RenderedDocument]) -> tuple[Group, ...]:
    members: dict[str, list[RenderedDocument]] = defaultdict(list)
    people: dict[str, Author] = {}
    for article in articles:
        for author in article.document.authors:
            if author.slug not in people or (author.affiliation and not people[author.slug].affiliation):
                people[author.slug] = author
            members[author.slug].append(article)
    return tuple(Group(people[slug].name, slug, author_url(slug), tuple(members[slug]),
                       people[slug].affiliation)
                 for slug in sorted(members, key=lambda s: (people[s].name.casefold(), s)))


def _years(articles: list[RenderedDocument]) -> tuple[Group, ...]:
    members: dict[int, list[RenderedDocument]] = defaultdict(list)
    for article in articles:
        if article.document.date:
            members[article.document.date.year].append(article)
    return tuple(Group(str(year), str(year), year_url(year), tuple(members[year]))
                 for year in sorted(members, reverse=True))
