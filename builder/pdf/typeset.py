"""The PDF edition: one PDF per article and edition.pdf, typeset by WeasyPrint.

WeasyPrint's layout is the slow part, so each article is laid out once, without page
numbers, and cached by a hash of its print HTML. Page numbers are stamped on afterwards
(the pages of one WeasyPrint document that holds only the theme's page numbers, merged
page by page with pypdf): the article PDF gets 1..n, the edition gets the article's place
in the edition. Editing one article therefore lays out that article, the contents and the
source index again, never the others; the edition is re-assembled from cached parts with
pypdf. A full build deletes the cache entries it did not use. The layout and its cache are
builder/pdf/layout.py's.

Every id in an article's print HTML is prefixed with the article's slug, so that links
inside one article (citation to reference, cross-reference to table) still land in that
article once all of them share the edition's named destinations.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import jinja2
from markupsafe import Markup

from builder.errors import BuildFailed, Problem, error, sorted_problems
from builder.model import Settings
from builder.pdf.layout import Layout, PageNumbers, Part, Stylesheet
from builder.pdf.printhtml import print_body, scope_anchors
from builder.pdf.views import ContentsEntry, IndexedSource, PrintDocument, PrintEdition, PrintPart, SourceUse
from builder.text import in_language, long_date, parse_date

@dataclass(frozen=True, slots=True)
class PdfArticle:
    """What the PDF stage needs of one article: its template view and its web HTML."""

    slug: str
    view: object              # site.views.ArticleView
    page_url: str             # absolute web URL, for links in the PDF
    date: str                 # ISO date, for ordering and metadata
    keywords: str


@dataclass(frozen=True)
class PdfSummary:
    articles: int
    laid_out: int             # WeasyPrint layouts actually run (cache misses), number stamps included
    edition_pages: int
    laid_out_articles: tuple[str, ...] = ()   # slugs of the articles whose layout was not cached
    problems: tuple[Problem, ...] = ()        # warnings about the theme's print.css, each once, cached layouts' too


def pdf_articles(site, views, settings: Settings) -> list[PdfArticle]:
    """The articles of the site as the PDF stage needs them."""
    return [PdfArticle(r.document.slug, views.documents[r.document.url], settings.base_url + r.document.url,
                       r.document.date.isoformat() if r.document.date else "", ", ".join(r.document.tags))
            for r in site.articles]


def pdf_sources(views) -> list[dict]:
    """Every cited source in the style's order, for the edition's index of sources."""
    return [{"key": source.key, "reference": source.reference} for source in views.sources]


def render_pdfs(articles: list[PdfArticle], sources: list[dict], site, settings: Settings, env: jinja2.Environment,
                css: str, css_path: str, site_dir: Path, cache_dir: Path, gettext: Callable[..., str],
                only: set[str] | None = None, progress: Callable[[str, int, int], None] | None = None) -> PdfSummary:
    """Write pdf/SLUG.pdf for each article (only: these slugs, and no edition) and pdf/edition.pdf
    into site_dir (site: the SiteView); css is the theme's print.css, css_path its path in the
    publication ('' for the shipped one); gettext(message, **values) gives the theme's words in the
    language being typeset. Each article is in its own language, the cover, contents and index of
    sources in the publication's. The summary holds WeasyPrint's warnings about the publication's
    own CSS (builder/pdf/layout.py's stylesheet_problems)."""
    progress = progress or (lambda stage, done, total: None)
    options = settings.pdf
    layout = Layout(site_dir, settings.base_url, cache_dir, _variant(settings), Stylesheet(css_path, css) if css_path else None)
    out = site_dir / "pdf"
    out.mkdir(parents=True, exist_ok=True)
    order = _edition_order(articles, options.get("order"))
    wanted = [article for article in order if only is None or article.slug in only]
    parts: dict[str, Part] = {}
    numbers = PageNumbers(css, layout)
    laid_out = []
    for index, article in enumerate(wanted):
        progress("Typesetting PDFs", index, len(wanted))
        base = site_dir / article.view.url / "index.html"
        scope = f"{article.slug}--"
        body, cited = print_body(str(article.view.body), article.page_url)
        cited = {scope + anchor: keys for anchor, keys in cited.items()}
        runs = layout.runs
        if layout.variant:
            # A tagged PDF must come straight from WeasyPrint: stamping would drop the structure tree.
            direct = layout.part(_page(env, site, css, article, body, scope, numbered=True), base, cited)
        if only is None or not layout.variant:
            parts[article.slug] = layout.part(_page(env, site, css, article, body, scope, numbered=False), base, cited)
        if layout.runs > runs:
            laid_out.append(article.slug)
        _write(out / f"{article.slug}.pdf",
               direct.pdf if layout.variant else _article_pdf(parts[article.slug], numbers, article.view.language))
    progress("Typesetting PDFs", len(wanted), len(wanted))
    pages = 0
    if only is None and order:
        progress("Assembling the edition", 0, 1)
        with in_language(settings.language):
            pages = _edition(order, parts, sources, site, settings, env, css, site_dir, layout, numbers, out, gettext)
        layout.prune()
    return PdfSummary(len(wanted), layout.runs, pages, tuple(laid_out), tuple(sorted_problems(list(layout.problems))))


def _variant(settings: Settings) -> str | None:
    """The `pdf: {variant: ...}` setting, checked against the variants WeasyPrint knows."""
    variant = settings.pdf.get("variant")
    if variant is None:
        return None
    from weasyprint.pdf import VARIANTS

    if variant not in VARIANTS:
        known = ", ".join(sorted(VARIANTS))
        raise BuildFailed([error("dossier.yml", *settings.position("pdf"), f"unknown PDF variant '{variant}' (known: {known})")])
    return variant


def _edition_order(articles: list[PdfArticle], order) -> list[PdfArticle]:
    """The articles named in `pdf: {order: [...]}` first, in that order, then the others by date."""
    rank = {slug: index for index, slug in enumerate(dict.fromkeys(order or ()))}
    return sorted(articles, key=lambda a: (rank.get(a.slug, len(rank)), a.date, a.slug))


def _page(env: jinja2.Environment, site, css: str, article: PdfArticle, body: str, scope: str, numbered: bool) -> str:
    """The print HTML of one article; every id and #link prefixed with scope, unique across the edition."""
    pdf = PrintDocument(Markup(css + ("" if numbered else "\n@page { @bottom-center { content: none; } }")),
                        "numbered" if numbered else "unnumbered", article.keywords, article.date, article.view.updated)
    part = PrintPart(f"article-{article.slug}", Markup(body))
    with in_language(article.view.language):
        html = env.get_template("print/article.html").render(site=site, article=article.view, pdf=pdf, part=part)
    return scope_anchors(html, scope)


def _append_numbered(writer, part: Part, first: int, numbers: PageNumbers):
    """Append part's pages to writer, numbered from first, with its bookmarks; return part's reader."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(part.pdf))
    start = len(writer.pages)
    writer.append(reader, import_outline=True)
    for index, number in zip(range(start, len(writer.pages)), numbers.pages(first, part.pages)):
        writer.pages[index].merge_page(number)
    return reader


def _article_pdf(part: Part, numbers: PageNumbers, language: str) -> bytes:
    """The article's own PDF: its pages numbered from 1, its metadata and language."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    reader = _append_numbered(writer, part, 1, numbers)
    if reader.metadata:
        writer.add_metadata(dict(reader.metadata))
    _set_language(writer, language)
    return _bytes(writer)


def _edition(order: list[PdfArticle], parts: dict[str, Part], sources: list[dict], site, settings: Settings,
             env: jinja2.Environment, css: str, site_dir: Path, layout: Layout, numbers: PageNumbers,
             out: Path, gettext: Callable[..., str]) -> int:
    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import Link

    base = site_dir / "index.html"
    with_index = bool(sources) and any(parts[article.slug].citations for article in order)
    front = layout.part(_front(env, site, css, order, settings, None, with_index, gettext), base)
    for _ in range(3):  # the contents' length decides where the articles start; settle it
        starts, index_page = _page_plan(front.pages, order, parts)
        front_final = layout.part(_front(env, site, css, order, settings, (starts, index_page), with_index, gettext), base)
        if front_final.pages == front.pages:
            break
        front = front_final
    front = front_final
    index = None
    if with_index:
        index_html = env.get_template("print/sources.html").render(
            site=site, pdf=PrintDocument(Markup(css)),
            edition=PrintEdition(index_page, sources=_source_index(order, parts, sources, starts)))
        index = layout.part(index_html, base)

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(front.pdf)), import_outline=False)
    _pad(writer)
    for article in order:
        _append_numbered(writer, parts[article.slug], starts[article.slug], numbers)  # its h1 is its top bookmark
        _pad(writer)
    if index is not None:
        writer.append(PdfReader(io.BytesIO(index.pdf)), outline_item=gettext("Index of sources"), import_outline=False)
    anchors = {f"article-{a.slug}": starts[a.slug] - 1 for a in order}
    anchors["source-index"] = index_page - 1
    for page_index, target, rect in front.links:
        if target in anchors and anchors[target] < len(writer.pages):
            writer.add_annotation(page_number=page_index, annotation=Link(rect=rect, target_page_index=anchors[target]))
    authors = sorted({a.name for article in order for a in article.view.authors})
    latest = max(article.date for article in order)
    writer.add_metadata({"/Title": gettext("%(title)s: edition of %(date)s", title=settings.title, date=latest),
                         "/Author": ", ".join(authors),
                         "/Subject": settings.description, "/Creator": "Dossier", "/Producer": "Dossier with WeasyPrint and pypdf",
                         "/CreationDate": "D:" + latest.replace("-", "")})
    _set_language(writer, settings.language)
    writer.page_mode = "/UseOutlines"
    _write(out / "edition.pdf", _bytes(writer))
    return len(writer.pages)


def _page_plan(front_pages: int, order: list[PdfArticle], parts: dict[str, Part]) -> tuple[dict[str, int], int]:
    """First page of each article (always a right-hand, odd page) and of the source index."""
    page = front_pages + 1 + (front_pages % 2)
    starts = {}
    for article in order:
        starts[article.slug] = page
        pages = parts[article.slug].pages
        page += pages + (pages % 2)
    return starts, page


def _front(env, site, css: str, order: list[PdfArticle], settings: Settings, start, with_index: bool,
           gettext: Callable[..., str]) -> str:
    """The cover and contents; start (first pages of the articles, of the index) None: placeholders."""
    starts, index_page = start if start else ({a.slug: 888 for a in order}, 888)
    toc = tuple(ContentsEntry(f"article-{a.slug}", a.view.title, starts[a.slug], ", ".join(author.name for author in a.view.authors))
                for a in order)
    latest = max(a.date for a in order)
    edition = PrintEdition(index_page if with_index else 0, toc, gettext("Edition"), long_date(parse_date(latest)),
                           settings.pdf.get("cover_image", ""))
    return env.get_template("print/front.html").render(site=site, pdf=PrintDocument(Markup(css)), edition=edition)


def _source_index(order: list[PdfArticle], parts: dict[str, Part], sources: list[dict],
                  starts: dict[str, int]) -> tuple[IndexedSource, ...]:
    entries = []
    for source in sources:
        uses = []
        for article in order:
            pages = parts[article.slug].citations.get(source["key"], [])
            if pages:
                uses.append(SourceUse(article.view.title, ", ".join(str(starts[article.slug] + p) for p in sorted(pages))))
        if uses:
            entries.append(IndexedSource(source["reference"], tuple(uses)))
    return tuple(entries)


def _pad(writer) -> None:
    """Keep the next article on a right-hand page."""
    if len(writer.pages) % 2:
        last = writer.pages[-1]
        writer.add_blank_page(width=last.mediabox.width, height=last.mediabox.height)


def _set_language(writer, language: str) -> None:
    from pypdf.generic import NameObject, TextStringObject

    writer._root_object[NameObject("/Lang")] = TextStringObject(language)


def _bytes(writer) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise BuildFailed([error(str(path), 1, 1, f"cannot write the PDF ({exc.strerror or exc})")]) from None
