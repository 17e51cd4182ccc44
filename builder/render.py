"""Pages of the site from the theme's templates: pure, returns Outputs, writes nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from builder.bibliography import Bibliography
from builder.citations import Sources
from builder.errors import BuildFailed, error
from builder.grades import describe_reliability
from builder.metadata import (MetaTag, article_bibtex, article_item, article_ris, highwire_tags, json_ld,
                              open_graph)
from builder.model import Heading, Output, RenderedDocument, Settings
from builder.site import Group, Site
from builder.text import long_date, slugify

SUMMARY_WORDS = 45


@dataclass(frozen=True, slots=True)
class Link:
    name: str
    url: str                  # site-relative; templates prefix `root`
    detail: str = ""


@dataclass(frozen=True, slots=True)
class ReferenceView:
    """A formatted bibliography entry and the page of its source."""

    key: str
    html: Markup
    url: str


@dataclass(frozen=True, slots=True)
class ArticleView:
    """What a template shows of a document; every value ready to print."""

    kind: str
    title: str
    subtitle: str
    url: str
    summary: str
    date: str
    date_text: str
    updated: str
    updated_text: str
    authors: tuple[Link, ...]
    tags: tuple[Link, ...]
    reading_minutes: int
    word_count: int
    toc: tuple[Heading, ...]
    body: Markup
    bibliography: tuple[ReferenceView, ...] = ()
    cite_this: Markup = Markup("")
    downloads: tuple[Link, ...] = ()
    head_tags: tuple[MetaTag, ...] = ()
    json_ld: Markup = Markup("")
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CitingView:
    article: ArticleView
    contexts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SourceView:
    key: str
    url: str
    reference: Markup
    reliability: str
    entry_type: str
    citing: tuple[CitingView, ...]


@dataclass(frozen=True, slots=True)
class GroupView:
    name: str
    url: str
    detail: str
    count: int
    articles: tuple[ArticleView, ...]


@dataclass(frozen=True, slots=True)
class SiteView:
    title: str
    description: str
    language: str
    base_url: str
    menu: tuple[Link, ...]
    years: tuple[Link, ...]
    extra: dict


@dataclass(frozen=True, slots=True)
class PageMeta:
    kind: str
    title: str
    description: str
    url: str
    canonical: str


def render_site(site: Site, sources: Sources, bibliography: Bibliography, settings: Settings,
                env: jinja2.Environment) -> list[Output]:
    """Every HTML page of the site."""
    source_urls = {source.key: source.url for source in site.sources}
    views = {id(r): _article_view(r, source_urls, sources, settings) for r in site.articles + site.pages}
    articles = tuple(views[id(r)] for r in site.articles)
    tags = tuple(_group_view(g, views) for g in site.tags)
    authors = tuple(_group_view(g, views) for g in site.authors)
    years = tuple(_group_view(g, views) for g in site.years)
    site_view = SiteView(settings.title, settings.description, settings.language, settings.base_url,
                         tuple(Link(views[id(p)].title, views[id(p)].url) for p in site.pages),
                         tuple(Link(y.name, y.url) for y in years), settings.extra)
    pages: list[tuple[str, str, PageMeta, dict]] = [
        ("index.html", "", _meta("index", settings.title, settings.description, "", settings),
         {"articles": articles[:settings.index_articles], "has_more": len(articles) > settings.index_articles,
          "tags": tags, "years": years}),
        ("archive.html", "archive/", _meta("archive", "Archive", f"All articles of {settings.title}", "archive/", settings),
         {"years": years}),
        ("tags.html", "tags/", _meta("tags", "Tags", f"Topics of {settings.title}", "tags/", settings),
         {"tags": tags}),
        ("authors.html", "authors/", _meta("authors", "Authors", f"Authors of {settings.title}", "authors/", settings),
         {"authors": authors}),
    ]
    source_views = tuple(_source_view(source, sources, bibliography, views) for source in site.sources)
    if source_views:
        pages.append(("sources.html", "sources/", _meta("sources", "Sources", f"Every source cited in {settings.title}",
                                                        "sources/", settings), {"sources": source_views}))
    for source in source_views:
        pages.append(("source.html", source.url, _meta("source", f"Source: {source.key}", "", source.url, settings),
                      {"source": source}))
    for article in articles:
        pages.append(("article.html", article.url, _meta("article", article.title, article.summary, article.url, settings),
                      {"article": article}))
    for page in site.pages:
        view = views[id(page)]
        pages.append(("page.html", view.url, _meta("page", view.title, view.summary, view.url, settings),
                      {"article": view}))
    for kind, template, groups, label in (("tag", "tag.html", tags, "Articles tagged “{}”"),
                                          ("author", "author.html", authors, "Articles by {}"),
                                          ("year", "year.html", years, "Articles from {}")):
        for group in groups:
            pages.append((template, group.url, _meta(kind, group.name, label.format(group.name), group.url, settings),
                          {"group": group, "tags": tags, "authors": authors, "years": years}))
    outputs = [download for r in site.articles for download in _citation_downloads(r, settings)]
    outputs += [Output(url + "index.html", _render(env, template, site_view, meta, "../" * url.count("/"), context))
               for template, url, meta, context in pages]
    # The 404 page is served at any depth, so its links start from the site's base path.
    not_found = _meta("404", "Page not found", "", "404.html", settings)
    outputs.append(Output("404.html", _render(env, "404.html", site_view, not_found,
                                              urlsplit(settings.base_url).path or "/", {})))
    return outputs


def _render(env: jinja2.Environment, template: str, site: SiteView, page: PageMeta,
            root: str, context: dict) -> bytes:
    try:
        html = env.get_template(template).render(site=site, page=page, root=root, **context)
    except jinja2.TemplateSyntaxError as exc:
        raise BuildFailed([error(exc.filename or template, exc.lineno or 1, 1,
                                 f"template syntax error: {exc.message}")]) from None
    except jinja2.TemplateNotFound as exc:
        raise BuildFailed([error(f"themes/{template}", 1, 1, f"template '{exc.name}' not found in the theme")]) from None
    except jinja2.TemplateError as exc:
        raise BuildFailed([error(_template_path(env, template), 1, 1, f"template error: {exc}")]) from None
    return html.encode("utf-8")


def _template_path(env: jinja2.Environment, template: str) -> str:
    try:
        return env.get_template(template).filename or template
    except jinja2.TemplateError:
        return template


def _meta(kind: str, title: str, description: str, url: str, settings: Settings) -> PageMeta:
    return PageMeta(kind, title, description, url, settings.base_url + url)


def _source_view(source, sources: Sources, bibliography: Bibliography, views: dict) -> SourceView:
    entry = bibliography.entries.get(source.key)
    reliability = describe_reliability(entry.field("reliability") or "") if entry else ""
    return SourceView(source.key, source.url, Markup(sources.references.get(source.key, "")), reliability,
                      entry.entry_type if entry else "",
                      tuple(CitingView(views[id(use.document)], use.contexts) for use in source.uses))


_DOWNLOADS = (("BibTeX", "cite.bib"), ("RIS", "cite.ris"), ("CSL-JSON", "cite.json"))


def _citation_downloads(rendered: RenderedDocument, settings: Settings) -> list[Output]:
    doc = rendered.document
    item = json.dumps([article_item(doc, settings)], ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    texts = {"cite.bib": article_bibtex(doc, settings), "cite.ris": article_ris(doc, settings), "cite.json": item}
    return [Output(doc.url + name, texts[name].encode("utf-8")) for _, name in _DOWNLOADS]


def _article_view(rendered: RenderedDocument, source_urls: dict[str, str], sources: Sources,
                  settings: Settings) -> ArticleView:
    doc = rendered.document
    references = [sources.items[key] for key, _ in rendered.bibliography if key in sources.items]
    is_article = doc.kind == "article"
    summary = doc.summary or _shorten(rendered.first_paragraph, SUMMARY_WORDS)
    return ArticleView(
        kind=doc.kind, title=doc.title, subtitle=doc.subtitle, url=doc.url, summary=summary,
        date=doc.date.isoformat() if doc.date else "", date_text=long_date(doc.date) if doc.date else "",
        updated=doc.updated.isoformat() if doc.updated else "",
        updated_text=long_date(doc.updated) if doc.updated else "",
        authors=tuple(Link(a.name, f"authors/{a.slug}/", a.affiliation) for a in doc.authors),
        tags=tuple(Link(t, f"tags/{slugify(t)}/") for t in doc.tags),
        reading_minutes=rendered.reading_minutes, word_count=rendered.word_count,
        toc=rendered.toc, body=Markup(rendered.html),
        bibliography=tuple(ReferenceView(key, Markup(html), source_urls.get(key, ""))
                           for key, html in rendered.bibliography),
        cite_this=Markup(rendered.cite_this),
        downloads=tuple(Link(label, doc.url + name) for label, name in _DOWNLOADS) if is_article else (),
        head_tags=(highwire_tags(doc, settings, references) if is_article else ()) + open_graph(doc, settings),
        json_ld=Markup(json_ld(doc, settings, references)) if is_article else Markup(""),
        extra=doc.extra)


def _group_view(group: Group, views: dict) -> GroupView:
    return GroupView(group.name, group.url, group.detail, len(group.articles),
                     tuple(views[id(a)] for a in group.articles))


def _shorten(text: str, words: int) -> str:
    parts = text.split()
    return text if len(parts) <= words else " ".join(parts[:words]) + " …"

