"""The PDF edition: one PDF per article and edition.pdf, typeset by WeasyPrint.

WeasyPrint's layout is the slow part, so each article is laid out once, without page
numbers, and cached by a hash of its print HTML. Page numbers are stamped on afterwards
(the pages of one WeasyPrint document that holds only the theme's page numbers, merged
page by page with pypdf): the article PDF gets 1..n, the edition gets the article's place
in the edition. Editing one article
therefore lays out that article, the contents and the source index again, never the
others; the edition is re-assembled from cached parts with pypdf. A full build deletes the
cache entries it did not use.

Every id in an article's print HTML is prefixed with the article's slug, so that links
inside one article (citation to reference, cross-reference to table) still land in that
article once all of them share the edition's named destinations.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Callable
from urllib.parse import unquote

import jinja2
from markupsafe import Markup

from builder.confinement import real_path
from builder.errors import BuildFailed, error
from builder.model import Settings
from builder.printhtml import print_body, scope_anchors

CACHE_VERSION = "1"
PX_TO_PT = 0.75


@dataclass(frozen=True, slots=True)
class PdfArticle:
    """What the PDF stage needs of one article: its template view and its web HTML."""

    slug: str
    view: object              # render.ArticleView
    page_url: str             # absolute web URL, for links in the PDF
    date: str                 # ISO date, for ordering and metadata
    keywords: str


@dataclass(frozen=True)
class Part:
    """One laid-out piece of the edition (cached)."""

    pdf: bytes
    pages: int
    citations: dict = field(default_factory=dict)   # key -> sorted 0-based page indexes
    links: list = field(default_factory=list)        # (page index, target anchor, rect in pt)


@dataclass(frozen=True)
class PdfReport:
    articles: int
    laid_out: int             # WeasyPrint layouts actually run (cache misses), number stamps included
    edition_pages: int
    laid_out_articles: tuple[str, ...] = ()   # slugs of the articles whose layout was not cached


class _Layout:
    """Runs WeasyPrint with a cache and a fetcher that reads only inside the site folder.

    Pages are laid out at their public URLs (site_url), not at the site folder's path: the
    folder is a fresh staging folder in every build, and WeasyPrint names images by URL,
    so file URLs would make two builds of the same input differ."""

    def __init__(self, site_dir: Path, site_url: str, cache_dir: Path, variant: str | None):
        self.site_dir = site_dir.resolve()
        self.site_url = site_url
        self.cache_dir = cache_dir
        self.variant = variant
        self.engine = version("weasyprint")   # without importing it: cached layouts need no WeasyPrint
        self.runs = 0
        self.used: set[str] = set()   # cache keys of this run's parts

    def _fetcher(self):
        """A WeasyPrint URL fetcher that reads the site's own files and nothing else."""
        from weasyprint.urls import URLFetcher

        site_dir, site_url = self.site_dir, self.site_url

        class SiteFetcher(URLFetcher):
            def fetch(self, url, headers=None):
                if url.startswith(site_url):
                    path = (site_dir / unquote(url.removeprefix(site_url).split("#")[0].split("?")[0])).resolve()
                    if path.is_relative_to(site_dir) and path.is_file():
                        return super().fetch(path.as_uri(), headers)
                raise ValueError(f"not fetched: {url} (only files of the site are used in PDFs)")

        return SiteFetcher()

    def part(self, html: str, base: Path, citation_ids: dict | None = None) -> Part:
        """Lay out html (base: the file its relative URLs resolve against), from cache when possible."""
        where = base.resolve().relative_to(self.site_dir).as_posix()
        key = hashlib.sha256(json.dumps([CACHE_VERSION, self.engine, self.variant, self.site_url, where,
                                         html, _referenced_files(html, base, self.site_dir)]).encode()).hexdigest()
        self.used.add(key)
        cached = self._load(key)
        if cached is not None:
            return cached
        import weasyprint

        self.runs += 1
        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        document = weasyprint.HTML(string=html, base_url=self.site_url + where, url_fetcher=self._fetcher()).render()
        citations: dict[str, list[int]] = {}
        links = []
        for index, page in enumerate(document.pages):
            for anchor in page.anchors:
                for cited in (citation_ids or {}).get(anchor, ()):
                    citations.setdefault(cited, [])
                    if index not in citations[cited]:
                        citations[cited].append(index)
            height = page.height * PX_TO_PT
            for kind, target, (x1, y1, x2, y2), _box in page.links:
                if kind == "internal" and target not in page.anchors:
                    links.append((index, target, (x1 * PX_TO_PT, height - y2 * PX_TO_PT, x2 * PX_TO_PT, height - y1 * PX_TO_PT)))
        pdf = document.write_pdf(pdf_variant=self.variant) if self.variant else document.write_pdf()
        part = Part(pdf, len(document.pages), citations, links)
        self._store(key, part)
        return part

    def _load(self, key: str) -> Part | None:
        meta, data = self.cache_dir / f"{key}.json", self.cache_dir / f"{key}.pdf"
        try:
            info = json.loads(meta.read_text(encoding="utf-8"))
            pdf = data.read_bytes()
            if info["sha256"] != hashlib.sha256(pdf).hexdigest():
                return None  # a corrupt or foreign cache entry is laid out again, never trusted
            return Part(pdf, info["pages"], info["citations"], [tuple(link) for link in info["links"]])
        except (OSError, ValueError, LookupError, TypeError):
            return None

    def _store(self, key: str, part: Part) -> None:
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            (self.cache_dir / f"{key}.pdf").write_bytes(part.pdf)
            (self.cache_dir / f"{key}.json").write_text(json.dumps(
                {"sha256": hashlib.sha256(part.pdf).hexdigest(), "pages": part.pages,
                 "citations": part.citations, "links": part.links}), encoding="utf-8")
        except OSError:
            pass  # the cache only saves time; a read-only cache folder must not fail the build

    def prune(self) -> None:
        """Delete the entries this run did not use: the cache holds the latest edition, not every edit's."""
        try:
            for path in self.cache_dir.glob("*"):
                if path.suffix in (".pdf", ".json") and path.stem not in self.used:
                    path.unlink(missing_ok=True)
        except OSError:
            pass


def _referenced_files(html: str, base: Path, site_dir: Path) -> list[str]:
    """Hashes of the local images html uses, so changing an image lays the article out again."""
    hashes = []
    for src in sorted(set(re.findall(r'src="([^":]+)"', html))):
        path = real_path(base.parent / src)
        try:
            if path is not None and path.is_relative_to(site_dir) and path.is_file():
                hashes.append(f"{src}:{hashlib.sha256(path.read_bytes()).hexdigest()}")
        except OSError:         # a name too long for the file system, say: no such image
            continue
    return hashes


def pdf_articles(site, views, settings: Settings) -> list[PdfArticle]:
    """The articles of the site as the PDF stage needs them."""
    return [PdfArticle(r.document.slug, views.documents[id(r)], settings.base_url + r.document.url,
                       r.document.date.isoformat() if r.document.date else "", ", ".join(r.document.tags))
            for r in site.articles]


def pdf_sources(views) -> list[dict]:
    """Every cited source in the style's order, for the edition's index of sources."""
    return [{"key": source.key, "reference": source.reference} for source in views.sources]


def render_pdfs(articles: list[PdfArticle], sources: list[dict], site, settings: Settings, env: jinja2.Environment,
                css: str, site_dir: Path, cache_dir: Path, only: set[str] | None = None,
                progress: Callable[[str, int, int], None] | None = None) -> PdfReport:
    """Write pdf/SLUG.pdf for each article (only: these slugs, and no edition) and pdf/edition.pdf
    into site_dir (site: the SiteView)."""
    report = progress or (lambda stage, done, total: None)
    options = settings.pdf
    layout = _Layout(site_dir, settings.base_url, cache_dir, _variant(settings))
    out = site_dir / "pdf"
    out.mkdir(parents=True, exist_ok=True)
    order = _edition_order(articles, options.get("order"))
    wanted = [article for article in order if only is None or article.slug in only]
    parts: dict[str, Part] = {}
    numbers = _PageNumbers(css, layout)
    laid_out = []
    for index, article in enumerate(wanted):
        report("Typesetting PDFs", index, len(wanted))
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
               direct.pdf if layout.variant else _article_pdf(parts[article.slug], numbers, settings))
    report("Typesetting PDFs", len(wanted), len(wanted))
    pages = 0
    if only is None and order:
        report("Assembling the edition", 0, 1)
        pages = _edition(order, parts, sources, site, settings, env, css, site_dir, layout, numbers, out)
        layout.prune()
    return PdfReport(len(wanted), layout.runs, pages, tuple(laid_out))


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
    pdf = {"css": Markup(css + ("" if numbered else "\n@page { @bottom-center { content: none; } }")),
           "mode": "numbered" if numbered else "unnumbered", "keywords": article.keywords,
           "created": article.date, "modified": article.view.updated}
    part = {"anchor": f"article-{article.slug}", "body": Markup(body), "first_page": 1}
    return scope_anchors(env.get_template("print/article.html").render(site=site, article=article.view, pdf=pdf, part=part),
                         scope)


class _PageNumbers:
    """The theme's page numbers as PDF pages to stamp onto laid-out ones: page p of one
    document of blank pages carries the number p (and p's left or right margins). Its length
    is rounded up, so that the same layout serves every article and most editions."""

    STEP = 64

    def __init__(self, css: str, layout: _Layout):
        self.css = css
        self.layout = layout
        self.reader = None

    def pages(self, first: int, count: int) -> list:
        """The number pages first..first+count-1."""
        from pypdf import PdfReader

        last = first + count - 1
        if self.reader is None or len(self.reader.pages) < last:
            size = -(-last // self.STEP) * self.STEP
            html = (f"<html><head><style>{self.css}</style></head><body class=\"print page-numbers\">"
                    + '<div style="break-after: page"></div>' * (size - 1) + "<div></div></body></html>")
            self.reader = PdfReader(io.BytesIO(self.layout.part(html, self.layout.site_dir / "index.html").pdf))
        return [self.reader.pages[index] for index in range(first - 1, last)]


def _append_numbered(writer, part: Part, first: int, numbers: _PageNumbers):
    """Append part's pages to writer, numbered from first, with its bookmarks; return part's reader."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(part.pdf))
    start = len(writer.pages)
    writer.append(reader, import_outline=True)
    for index, number in zip(range(start, len(writer.pages)), numbers.pages(first, part.pages)):
        writer.pages[index].merge_page(number)
    return reader


def _article_pdf(part: Part, numbers: _PageNumbers, settings: Settings) -> bytes:
    """The article's own PDF: its pages numbered from 1, its metadata and language."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    reader = _append_numbered(writer, part, 1, numbers)
    if reader.metadata:
        writer.add_metadata(dict(reader.metadata))
    _set_language(writer, settings)
    return _bytes(writer)


def _edition(order: list[PdfArticle], parts: dict[str, Part], sources: list[dict], site, settings: Settings,
             env: jinja2.Environment, css: str, site_dir: Path, layout: _Layout, numbers: _PageNumbers,
             out: Path) -> int:
    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import Link

    base = site_dir / "index.html"
    with_index = bool(sources) and any(parts[article.slug].citations for article in order)
    front = layout.part(_front(env, site, css, order, settings, None, with_index), base)
    for _ in range(3):  # the contents' length decides where the articles start; settle it
        starts, index_page = _page_plan(front.pages, order, parts)
        front_final = layout.part(_front(env, site, css, order, settings, (starts, index_page), with_index), base)
        if front_final.pages == front.pages:
            break
        front = front_final
    front = front_final
    index = None
    if with_index:
        index_html = env.get_template("print/sources.html").render(
            site=site, pdf={"css": Markup(css)},
            edition={"index_page": index_page, "sources": _source_index(order, parts, sources, starts)})
        index = layout.part(index_html, base)

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(front.pdf)), import_outline=False)
    _pad(writer)
    for article in order:
        _append_numbered(writer, parts[article.slug], starts[article.slug], numbers)  # its h1 is its top bookmark
        _pad(writer)
    if index is not None:
        writer.append(PdfReader(io.BytesIO(index.pdf)), outline_item="Index of sources", import_outline=False)
    anchors = {f"article-{a.slug}": starts[a.slug] - 1 for a in order}
    anchors["source-index"] = index_page - 1
    for page_index, target, rect in front.links:
        if target in anchors and anchors[target] < len(writer.pages):
            writer.add_annotation(page_number=page_index, annotation=Link(rect=rect, target_page_index=anchors[target]))
    authors = sorted({a.name for article in order for a in article.view.authors})
    latest = max(article.date for article in order)
    writer.add_metadata({"/Title": f"{settings.title}: edition of {latest}", "/Author": ", ".join(authors),
                         "/Subject": settings.description, "/Creator": "Dossier", "/Producer": "Dossier with WeasyPrint and pypdf",
                         "/CreationDate": "D:" + latest.replace("-", "")})
    _set_language(writer, settings)
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


def _front(env, site, css: str, order: list[PdfArticle], settings: Settings, start, with_index: bool) -> str:
    """The cover and contents; start (first pages of the articles, of the index) None: placeholders."""
    starts, index_page = start if start else ({a.slug: 888 for a in order}, 888)
    toc = [{"anchor": f"article-{a.slug}", "title": a.view.title, "page": starts[a.slug],
            "authors": ", ".join(author.name for author in a.view.authors)} for a in order]
    latest = max(a.date for a in order)
    from builder.text import long_date, parse_date
    edition = {"toc": toc, "index_page": index_page if with_index else 0, "kicker": "Edition", "date_text": long_date(parse_date(latest)),
               "cover_image": settings.pdf.get("cover_image", "")}
    return env.get_template("print/front.html").render(site=site, pdf={"css": Markup(css)}, edition=edition)


def _source_index(order: list[PdfArticle], parts: dict[str, Part], sources: list[dict], starts: dict[str, int]) -> list[dict]:
    entries = []
    for source in sources:
        uses = []
        for article in order:
            pages = parts[article.slug].citations.get(source["key"], [])
            if pages:
                uses.append({"title": article.view.title,
                             "pages": ", ".join(str(starts[article.slug] + p) for p in sorted(pages))})
        if uses:
            entries.append({"reference": source["reference"], "uses": uses})
    return entries


def _pad(writer) -> None:
    """Keep the next article on a right-hand page."""
    if len(writer.pages) % 2:
        last = writer.pages[-1]
        writer.add_blank_page(width=last.mediabox.width, height=last.mediabox.height)


def _set_language(writer, settings: Settings) -> None:
    from pypdf.generic import NameObject, TextStringObject

    writer._root_object[NameObject("/Lang")] = TextStringObject(settings.language)


def _bytes(writer) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise BuildFailed([error(str(path), 1, 1, f"cannot write the PDF ({exc.strerror or exc})")]) from None
