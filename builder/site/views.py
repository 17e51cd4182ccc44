"""What templates receive: ready-to-print views of the site's data; pure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from markupsafe import Markup

from builder.bib.bibliography import Bibliography
from builder.content.editions import choose_editions
from builder.csl.citations import Sources
from builder.evidence.grades import describe_reliability
from builder.model import Heading, RenderedDocument, Settings
from builder.run.digests import Remembered, digest_of
from builder.site.charts import SourcingProfile, sourcing_profile
from builder.site.evidence_views import EvidenceView, evidence_view, shorten
from builder.site.later import Later, made_when_read, replaced
from builder.site.metadata import MetaTag, highwire_tags, json_ld, open_graph, plain_title, short_label, year_of
from builder.site.notices import NoticeView, notice_views
from builder.site.reuse import ViewInputs
from builder.site.search import SearchFacet
from builder.site.structure import Group, Site
from builder.site.words import Words
from builder.text import in_language, long_date, slugify
from builder.urls import (DOWNLOADS, EVIDENCE_DATA, SEARCH, article_pdf_url, author_url, edition_pdf_url, history_url,
                          search_url, tag_url)

SUMMARY_WORDS = 45


@dataclass(frozen=True, slots=True)
class Link:
    name: str
    url: str                  # site-relative; templates prefix `root`
    detail: str = ""


@dataclass(frozen=True, slots=True)
class EditionView:
    """A PDF edition: its title, its PDF and its articles (slugs, in its order)."""

    slug: str
    title: str
    url: str                  # site-relative, of its PDF
    articles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Translation:
    """Another language's version of an article: its language tag and name (in that language)."""

    language: str
    name: str
    url: str                  # site-relative
    title: str


@dataclass(frozen=True, slots=True)
class ReferenceView:
    """A formatted bibliography entry and the page of its source."""

    key: str
    html: Markup
    url: str


# A field made from an article's body (what an edit of its text changes): pages that list articles
# do not read these, and site/memo.py renders such a page again only when other fields change.
_OF_BODY = {"of_body": True}


@dataclass(frozen=True, slots=True)
class ArticleView:
    """What a template shows of a document; every value ready to print."""

    kind: str
    title: str
    subtitle: str
    url: str
    summary: str
    date: str                 # ISO dates; date_text and updated_text are as the page's language writes them
    updated: str
    authors: tuple[Link, ...]
    tags: tuple[Link, ...]
    reading_minutes: int = field(repr=False, metadata=_OF_BODY)
    word_count: int = field(repr=False, metadata=_OF_BODY)
    toc: tuple[Heading, ...] = field(repr=False, metadata=_OF_BODY)
    body: Markup = field(repr=False, metadata=_OF_BODY)
    bibliography: tuple[ReferenceView, ...] = field(default=(), repr=False, metadata=_OF_BODY)
    cite_this: Markup = Markup("")
    downloads: tuple[Link, ...] = ()
    head_tags: tuple[MetaTag, ...] = field(default=(), repr=False, metadata=_OF_BODY)
    json_ld: Markup = field(default=Markup(""), repr=False, metadata=_OF_BODY)
    search_type: str = ""
    search_date: str = ""
    search_filters: tuple[SearchFacet, ...] = ()
    pdf_url: str = ""         # site-relative, when the PDF edition is built
    extra: dict = field(default_factory=dict)
    language: str = ""        # its `lang:`, else the publication's language
    references_in_body: bool = field(default=False, repr=False, metadata=_OF_BODY)   # the body shows the bibliography:
                                                                  # the page writes no references section
    references_title: Markup = field(default=Markup(""), repr=False, metadata=_OF_BODY)  # `reference-section-title`;
                                                                  # '' for the theme's own heading
    translations: tuple[Translation, ...] = ()     # the same article in other languages
    has_code: bool = field(default=False, repr=False, metadata=_OF_BODY)   # its body holds highlighted code: its page
                                                                           # loads the code styles
    draft: bool = False       # `draft: true`, built with --drafts: the page and its PDF say so
    evidence_data: str = ""   # site-relative URL of its evidence as data (site/data.py), when it has evidence
    notices: tuple[NoticeView, ...] = ()      # its corrections and updates, newest first
    editions: tuple[Link, ...] = ()           # the PDF editions it is in, when they are built
    sourcing: SourcingProfile | None = field(default=None, repr=False, metadata=_OF_BODY)  # its evidence's grades
    history_url: str = ""     # where its file's changes can be read (dossier.yml history_url), absolute

    @property
    def date_text(self) -> str:
        return long_date(dt.date.fromisoformat(self.date)) if self.date else ""

    @property
    def updated_text(self) -> str:
        return long_date(dt.date.fromisoformat(self.updated)) if self.updated else ""


# Made when first read (site/later.py): only the article's own page shows them.
made_when_read(ArticleView, ("bibliography", "head_tags", "json_ld", "sourcing"))


@dataclass(frozen=True, slots=True)
class CitingView:
    article: ArticleView
    contexts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SourceView:
    key: str
    url: str
    label: str
    summary: str
    search_type: str
    search_date: str
    search_filters: tuple[SearchFacet, ...]
    reference: Markup
    reliability: str
    entry_type: str
    citing: tuple[CitingView, ...]
    evidence: tuple[EvidenceView, ...] = ()


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
    has_sources: bool
    has_evidence: bool
    extra: dict
    has_pdf: bool = False     # the PDF editions are built
    languages: tuple[Translation, ...] = ()    # when documents are in more than one: each, with its search page
    search_urls: dict = field(default_factory=dict)     # lower-case language -> its search page
    editions: tuple[EditionView, ...] = ()     # as dossier.yml defines them (built or not: the PDF stage reads them)

    def search_url(self, language: str) -> str:
        """The search page in a page's language (the publication's when it has none of its own)."""
        return self.search_urls.get(language.lower(), SEARCH)


@dataclass(frozen=True, slots=True)
class PageMeta:
    kind: str
    title: str
    description: str
    url: str
    canonical: str
    feed: str = ""            # site-relative URL of this page's own feed (tag pages)
    language: str = ""        # the page's language tag: its words, dates and numbers are in it


@dataclass(frozen=True)
class Views:
    """Every view the templates need, built once per build."""

    site: SiteView
    documents: dict            # a document's URL (site-relative) -> its ArticleView
    articles: tuple[ArticleView, ...]
    pages: tuple[ArticleView, ...]
    tags: tuple[GroupView, ...]
    authors: tuple[GroupView, ...]
    years: tuple[GroupView, ...]
    sources: tuple[SourceView, ...]
    most_cited: tuple[SourceView, ...] = ()
    # What each document's view was made from, by the view's id: (the view, what views share (Shared),
    # its document, its body's cache key, its own reference, the keys of its bibliography); site/memo.py
    # takes a view's digest from the last build's when they are the same, instead of digesting its values.
    made_from: dict = field(default_factory=dict, repr=False)


MOST_CITED = 8


def build_views(site: Site, sources: Sources, bibliography: Bibliography, settings: Settings,
                with_pdf: bool, cite_this: dict[str, str], words: Words, memo: dict | None = None,
                body_keys: dict[str, str] | None = None) -> Views:
    """Views of every document, grouping and source; with_pdf links each article's PDF; cite_this
    is each article's own reference by slug, as HTML. What they say, they say in the publication's
    language (the pages that list evidence and sources are in it). memo (`dossier serve`): each
    document's last view, kept while it is made from the same values. body_keys: each document's
    body's cache key, by URL (for Views.made_from)."""
    with in_language(settings.language):
        views = _views(site, sources, bibliography, settings, with_pdf, cite_this, words, memo)
    shared = Shared(settings, with_pdf, sources, {source.key: source.url for source in site.sources})
    for r in site.articles + site.pages if body_keys else ():
        view = views.documents[r.document.url]
        if body_keys.get(r.document.url):
            views.made_from[id(view)] = (view, shared, r.document, body_keys[r.document.url],
                                         cite_this.get(r.document.slug, ""), tuple(key for key, _ in r.bibliography))
    return views


class Shared:
    """What documents' views are made from besides their own document, body and reference, digested
    once per build (site/memo.py): the settings, and each source's item, label and page (a view is
    made from those of the sources in its bibliography: an edit of one .bib entry changes only the
    views of the documents citing it)."""

    def __init__(self, settings: Settings, with_pdf: bool, sources: Sources, source_urls: dict[str, str]):
        self.settings, self.with_pdf, self.sources, self.source_urls = settings, with_pdf, sources, source_urls
        self._settings = ""
        self._sources: dict[str, str] = {}

    def settings_digest(self) -> str:
        if not self._settings:
            self._settings = digest_of((self.settings, self.with_pdf))
        return self._settings

    def source_digest(self, key: str) -> str:
        """The digest of the source key as views show it: its item, label and page."""
        if key not in self._sources:
            item = self.sources.items.get(key)
            self._sources[key] = digest_of((item, self.sources.labels.get(key), self.sources.labels.get((item or {}).get("id")),
                                            self.source_urls.get(key)))
        return self._sources[key]


def _views(site: Site, sources: Sources, bibliography: Bibliography, settings: Settings,
           with_pdf: bool, cite_this: dict[str, str], words: Words, memo: dict | None) -> Views:
    source_urls = {source.key: source.url for source in site.sources}
    documents: dict[str, ArticleView] = {}
    remembered = Remembered(memo)
    inputs = ViewInputs(memo is not None, settings, words, with_pdf, source_urls, sources, bibliography, documents)

    made: dict = {}     # what the articles' metadata made of each cited item (site/metadata.py)

    def view(r: RenderedDocument, cite: str) -> ArticleView:
        return remembered(r.document.url, r, inputs.article(r, cite),
                          lambda: _article_view(r, source_urls, sources, settings, with_pdf, cite, made))

    def group(g: Group) -> GroupView:
        return remembered(g.url, None, inputs.group(g), lambda: _group_view(g, documents))

    def source_view(s) -> SourceView:
        return remembered(f"source {s.key}", None, inputs.source(s),
                          lambda: _source_view(s, sources, bibliography, documents, words))

    documents.update((r.document.url, view(r, cite_this.get(r.document.slug, ""))) for r in site.articles + site.pages)
    for url, others in site.translations.items():
        documents[url] = replaced(documents[url], translations=tuple(_translation(documents[o.document.url])
                                                                    for o in others))
    editions = tuple(EditionView(e.slug, e.title, edition_pdf_url(e.slug), e.articles)
                     for e in choose_editions(settings, [r.document for r in site.articles])[0])   # their problems are load's
    if with_pdf:
        for r in site.articles:
            documents[r.document.url] = replaced(documents[r.document.url], editions=tuple(
                Link(e.title, e.url) for e in editions if r.document.slug in e.articles))
    years, tag_views, author_views = (tuple(group(g) for g in groups) for groups in (site.years, site.tags, site.authors))
    source_views = tuple(source_view(source) for source in site.sources)
    tags = sorted({view.language.lower(): view.language for view in documents.values()}.items())
    languages = tuple(_language(tag, search_url(tag, settings.language)) for _, tag in tags) if len(tags) > 1 else ()
    site_view = SiteView(settings.title, settings.description, settings.language, settings.base_url,
                         tuple(Link(documents[p.document.url].title, documents[p.document.url].url) for p in site.pages),
                         tuple(Link(y.name, y.url) for y in years), bool(site.sources),
                         any(s.evidence for s in site.sources), settings.extra, with_pdf and bool(site.articles),
                         languages, {language.language.lower(): language.url for language in languages}, editions)
    remembered.forget_others()
    return Views(site_view, documents, tuple(documents[r.document.url] for r in site.articles),
                 tuple(documents[r.document.url] for r in site.pages),
                 tag_views, author_views, years, source_views, _most_cited(source_views))


def _translation(view: ArticleView) -> Translation:
    return _language(view.language, view.url, view.title)


def _language(tag: str, url: str, title: str = "") -> Translation:
    """A language by its tag, with its name in itself (한국어, not 한국어 (대한민국))."""
    from babel import Locale, UnknownLocaleError

    try:
        parsed = Locale.parse(tag, sep="-")
        locale = Locale(parsed.language, script=parsed.script)
        name = locale.get_display_name(locale) or tag
    except (UnknownLocaleError, ValueError):
        name = tag
    return Translation(tag, name[:1].upper() + name[1:], url, title)


def _most_cited(sources: tuple[SourceView, ...]) -> tuple[SourceView, ...]:
    """Sources cited by the most documents; ties keep the style's order."""
    ranked = sorted(enumerate(sources), key=lambda pair: (-len(pair[1].citing), pair[0]))
    return tuple(source for _, source in ranked[:MOST_CITED] if source.citing)


def page_meta(kind: str, title: str, description: str, url: str, settings: Settings, feed: str = "",
              language: str = "") -> PageMeta:
    """A page's metadata; language is its document's (the publication's when '')."""
    return PageMeta(kind, title, description, url, settings.base_url + url, feed, language or settings.language)


def _source_view(source, sources: Sources, bibliography: Bibliography, views: dict, words: Words) -> SourceView:
    entry = bibliography.entries.get(source.key)
    reliability = describe_reliability(entry.field("reliability") or "", words.gettext) if entry else ""
    item = sources.items.get(source.key, {})
    label = sources.labels.get(source.key) or (short_label(item) if item else source.key)
    year = year_of(item)
    facets = (SearchFacet("type", "source"), SearchFacet("source", label)) + ((SearchFacet("year", year),) if year else ())
    return SourceView(source.key, source.url, label, plain_title(item), "source", year, facets,
                      Markup(sources.references.get(source.key, "")), reliability,
                      entry.entry_type if entry else "",
                      tuple(CitingView(views[use.document.document.url], use.contexts) for use in source.uses),
                      tuple(evidence_view(use, views, label, source.url, words) for use in source.evidence))


def _article_view(rendered: RenderedDocument, source_urls: dict[str, str], sources: Sources,
                  settings: Settings, with_pdf: bool, cite_this: str, made: dict | None = None) -> ArticleView:
    doc = rendered.document
    references = [sources.items[key] for key, _ in rendered.bibliography if key in sources.items]
    is_article = doc.kind == "article"
    pdf_url = article_pdf_url(doc.slug) if is_article and with_pdf else ""
    summary = doc.summary or shorten(rendered.first_paragraph, SUMMARY_WORDS)
    return ArticleView(
        kind=doc.kind, title=doc.title, subtitle=doc.subtitle, url=doc.url, summary=summary, draft=doc.draft,
        date=doc.date.isoformat() if doc.date else "", updated=doc.modified.isoformat() if doc.modified else "",
        authors=tuple(Link(a.name, author_url(a.slug), a.affiliation) for a in doc.authors),
        tags=tuple(Link(t, tag_url(slugify(t))) for t in doc.tags),
        reading_minutes=rendered.reading_minutes, word_count=rendered.word_count,
        toc=rendered.toc, body=rendered.html if isinstance(rendered.html, Markup) else Markup(rendered.html),
        bibliography=() if doc.citation_metadata.suppress_bibliography else
        Later(_references, rendered.bibliography, source_urls),
        cite_this=Markup(cite_this if is_article else ""),
        downloads=tuple(Link(label, doc.url + name) for label, name in DOWNLOADS) if is_article else (),
        head_tags=Later(_head_tags, doc, settings, references, settings.base_url + pdf_url if pdf_url else "", made),
        json_ld=Later(_json_ld, doc, settings, references, made) if is_article else Markup(""),
        search_type=doc.kind, search_date=doc.date.isoformat() if doc.date else "",
        search_filters=_facets(rendered, references, sources.labels), pdf_url=pdf_url,
        extra=doc.extra, language=doc.language or settings.language, references_in_body=rendered.references_in_body,
        references_title=Markup(rendered.references_title), has_code='<pre class="highlight"' in rendered.html,
        evidence_data=doc.url + EVIDENCE_DATA if rendered.evidence else "", notices=notice_views(doc),
        sourcing=Later(sourcing_profile, rendered.evidence) if rendered.evidence else None,
        history_url=history_url(settings.history_url, doc.relpath, doc.slug) if settings.history_url and is_article else "")


def _references(bibliography: tuple[tuple[str, str], ...], source_urls: dict[str, str]) -> tuple[ReferenceView, ...]:
    return tuple(ReferenceView(key, Markup(html), source_urls.get(key, "")) for key, html in bibliography)


def _head_tags(doc, settings: Settings, references: list[dict], pdf_url: str, made: dict | None) -> tuple[MetaTag, ...]:
    return (highwire_tags(doc, settings, references, pdf_url, made) if doc.kind == "article" else ()) + open_graph(doc, settings)


def _json_ld(doc, settings: Settings, references: list[dict], made: dict | None) -> Markup:
    return Markup(json_ld(doc, settings, references, made))


def _facets(rendered: RenderedDocument, references: list[dict], labels: dict[str, str]) -> tuple[SearchFacet, ...]:
    doc = rendered.document
    facets = [SearchFacet("type", doc.kind)]
    facets += [SearchFacet("tag", tag) for tag in doc.tags]
    facets += [SearchFacet("author", author.name) for author in doc.authors]
    if doc.date:
        facets.append(SearchFacet("year", str(doc.date.year)))
    facets += [SearchFacet("source", label)
               for label in sorted({labels.get(item["id"]) or short_label(item) for item in references})]
    return tuple(facets)


def _group_view(group: Group, views: dict) -> GroupView:
    return GroupView(group.name, group.url, group.detail, len(group.articles),
                     tuple(views[a.document.url] for a in group.articles))
