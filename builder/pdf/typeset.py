"""The PDFs: one per article and one per edition (pdf/SLUG.pdf, builder/pdf/edition.py), typeset by WeasyPrint.

WeasyPrint's layout is the slow part, so each article is laid out once, without page
numbers, and cached by a hash of its print HTML. Page numbers are stamped on afterwards
(the pages of one WeasyPrint document that holds only the theme's page numbers, merged
page by page, as artifacts): the article PDF gets 1..n, the edition gets the article's place
in the edition. Editing one article therefore lays out that article, and the contents and
source index of the editions holding it, again, never the others; those editions are
re-assembled from cached parts with qpdf (pikepdf), the others kept as the last build assembled them. A full build deletes the cache entries it did not use. The layout and its cache are
builder/pdf/layout.py's.

Every PDF is tagged (PDF/UA-1 unless `pdf: {variant: ...}` names another WeasyPrint variant):
a structure tree, its language, its title shown, XMP metadata. The parts are tagged as laid out;
builder/pdf/structure.py puts them together keeping their structure trees, which a page copy alone
would drop, and stamps the page numbers on as artifacts.

Every id in an article's print HTML is prefixed with the article's slug, so that links
inside one article (citation to reference, cross-reference to table) still land in that
article once all of them share the edition's named destinations.
"""

from __future__ import annotations

import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import jinja2
from markupsafe import Markup

from builder.errors import BuildFailed, Problem, error, sorted_problems
from builder.model import Settings
from builder.pdf.layout import Layout, PageNumbers, Part, Stylesheet
from builder.pdf.edition import AssembledEditions, assemble_edition, numbered_article
from builder.pdf.printhtml import print_body, scope_anchors
from builder.pdf.printpages import PrintPages
from builder.pdf.views import PrintDocument, PrintPart
from builder.text import RATE_MARK, in_language

@dataclass(frozen=True, slots=True)
class PdfArticle:
    """What the PDF stage needs of one article: its template view and its web HTML."""

    slug: str
    view: object              # site.views.ArticleView
    page_url: str             # absolute web URL, for links in the PDF
    date: str                 # ISO date, for ordering and metadata
    keywords: str


@dataclass(frozen=True, slots=True)
class EditionMade:
    """One edition's PDF as this build wrote it."""

    slug: str
    pages: int
    size: int                 # bytes
    assembled: bool           # False: the last build's, its parts unchanged


@dataclass(frozen=True)
class PdfSummary:
    articles: int
    laid_out: int             # WeasyPrint layouts actually run (cache misses), number stamps included
    edition_pages: int        # of every edition
    laid_out_articles: tuple[str, ...] = ()   # slugs of the articles whose layout was not cached
    problems: tuple[Problem, ...] = ()        # warnings about the theme's print.css, each once, cached layouts' too
    editions: tuple[EditionMade, ...] = ()


def pdf_articles(site, views, settings: Settings) -> list[PdfArticle]:
    """The articles of the site as the PDF stage needs them."""
    return [PdfArticle(r.document.slug, views.documents[r.document.url], settings.base_url + r.document.url,
                       r.document.date.isoformat() if r.document.date else "", ", ".join(r.document.tags))
            for r in site.articles]


def pdf_sources(views) -> list[dict]:
    """Every cited source in the style's order, for the edition's index of sources."""
    return [{"key": source.key, "reference": source.reference, "view": source} for source in views.sources]


def render_pdfs(articles: list[PdfArticle], sources: list[dict], site, settings: Settings, env: jinja2.Environment,
                css: str, css_path: str, site_dir: Path, cache_dir: Path, gettext: Callable[..., str],
                only: set[str] | None = None, progress: Callable[[str, int, int], None] | None = None,
                charts: Callable | None = None, into: Path | None = None,
                reading: Callable[[Path], Path | None] | None = None) -> PdfSummary:
    """Write pdf/SLUG.pdf for each article (only: these slugs, and no edition) and for each of
    site.editions into into (site_dir, the site whose pages and files they show, unless given;
    reading: where a file of site_dir is read from, as layout.Layout's; site: the SiteView); css is the theme's print.css, css_path its path in the
    publication ('' for the shipped one); gettext(message, **values) gives the theme's words in the
    language being typeset. Each article is in its own language, the cover, contents and index of
    sources in the publication's. The summary holds WeasyPrint's warnings about the publication's
    own CSS (builder/pdf/layout.py's stylesheet_problems). charts(source views, article URLs): the
    pictures of an edition's index of sources (site/charts.py index_charts)."""
    progress = progress or (lambda stage, done, total: None)
    options = settings.pdf
    layout = Layout(site_dir, settings.base_url, cache_dir, _variant(settings), Stylesheet(css_path, css) if css_path else None,
                    reading)
    out = (into or site_dir) / "pdf"
    out.mkdir(parents=True, exist_ok=True)
    order = _edition_order(articles, options.get("order"))
    wanted = [article for article in order if only is None or article.slug in only]
    parts: dict[str, Part] = {}
    numbers = PageNumbers(css, layout)
    print_pages = PrintPages(cache_dir / "print", env, settings, css, site)
    pages = [_print_page(env, site, css, article, site_dir, print_pages) for article in wanted]
    ahead_started = time.perf_counter()
    ahead = layout.lay_out_ahead(pages, lambda done, total, made: progress(
        _laying_out(total) + _rate(made, ahead_started), done, total))
    kept = AssembledEditions(cache_dir / "assembled")
    laid_out = []
    started, made = time.perf_counter(), 0
    for index, (article, (html, base, cited)) in enumerate(zip(wanted, pages)):
        progress("Typesetting PDFs" + _rate(made, started), index, len(wanted))
        runs = layout.runs
        parts[article.slug] = layout.part(html, base, cited)
        made += parts[article.slug].pages if layout.runs > runs else 0     # laid out here, not taken ready
        if layout.runs > runs or index in ahead:
            laid_out.append(article.slug)
    progress("Typesetting PDFs" + _rate(made, started), len(wanted), len(wanted))
    if parts:       # the number pages laid out (or read) once, here: the workers fork with them
        numbers.pages(1, max(part.pages for part in parts.values()))

    def number(index: int) -> str:
        article = wanted[index]
        _write(out / f"{article.slug}.pdf", numbered_article(parts[article.slug], numbers, article.view.language, css, kept))
        return article.slug

    _in_workers(number, len(wanted), layout, kept, progress, "Numbering the articles' PDFs", "numbering the PDFs")
    editions: list[EditionMade] = []
    if only is None:
        by_slug = {article.slug: article for article in order}

        def make(number: int) -> EditionMade:
            edition = site.editions[number]
            with in_language(settings.language):
                data, pages, assembled = assemble_edition(
                    edition, [by_slug[slug] for slug in edition.articles], parts, sources, site, settings, env,
                    css, site_dir, layout, numbers, kept, gettext, charts)
            _write(out / f"{edition.slug}.pdf", data)
            return EditionMade(edition.slug, pages, len(data), assembled)

        editions = _in_workers(make, len(site.editions), layout, kept, progress, "Assembling the editions",
                               "assembling the PDF editions")
        layout.prune()
        kept.prune()
        print_pages.prune()
    return PdfSummary(len(wanted), layout.runs, sum(e.pages for e in editions), tuple(laid_out),
                      tuple(sorted_problems(list(layout.problems))), tuple(editions))


def _in_workers(make: Callable[[int], object], count: int, layout: Layout, kept: AssembledEditions,
                progress: Callable[[str, int, int], None], stage: str, doing: str) -> list:
    """make(number) for each number below count, in a process per core when there are several
    (numbering and writing each article's PDF; making each edition, whose cover, contents and index
    are WeasyPrint's work too): what a worker laid out, used and was warned about comes back to this
    process. One that failed in a worker is made again here, so that its error is raised where the
    template that caused it can be named."""
    from builder.run.parallel import forked_map, workers

    processes = min(workers(), count)

    def in_worker(number: int):
        runs, used, problems = layout.runs, set(layout.used), set(layout.problems)
        try:
            result = make(number)
        except Exception:       # made again in the parent, which raises it with its traceback
            return None
        return result, layout.runs - runs, layout.used - used, layout.problems - problems, set(kept.used)

    results = forked_map(in_worker, range(count), processes, 1, "content", doing) \
        if processes > 1 else (None for _ in range(count))
    made = []
    with closing(results):      # its workers end here, also when an error is raised
        for number, result in enumerate(results):
            progress(stage, number, count)
            if result is None:
                made.append(make(number))
                continue
            value, runs, used, problems, kept_used = result
            layout.runs += runs
            layout.used |= used
            layout.problems |= problems
            kept.used |= kept_used
            made.append(value)
    progress(stage, count, count)
    return made


SECONDS_PER_ARTICLE = 0.5     # WeasyPrint's layout of an article of 1,500 words, measured (benchmarks/pdf_editions.py)


def _rate(pages: int, since: float) -> str:
    """' · N pages/s' for the progress bar (builder/text.py RATE_MARK)."""
    elapsed = time.perf_counter() - since
    return f"{RATE_MARK}{pages / elapsed:.1f} pages/s" if pages and elapsed > 0 else ""


def _laying_out(articles: int) -> str:
    """What the progress bar says while articles are laid out: with a long wait ahead, how long and how to skip it."""
    from builder.run.parallel import workers

    minutes = round(articles * SECONDS_PER_ARTICLE / workers() / 60)
    if minutes < 1:
        return "Laying out articles"
    return f"Laying out articles for the PDFs, about {minutes} min (dossier build --no-pdf skips them)"


DEFAULT_VARIANT = "pdf/ua-1"


def _variant(settings: Settings) -> str:
    """The `pdf: {variant: ...}` setting (PDF/UA-1 if not set), checked against the variants WeasyPrint knows."""
    variant = settings.pdf.get("variant")
    if variant is None:
        return DEFAULT_VARIANT
    from weasyprint.pdf import VARIANTS

    if variant not in VARIANTS:
        known = ", ".join(sorted(VARIANTS))
        raise BuildFailed([error("dossier.yml", *settings.position("pdf"), f"unknown PDF variant '{variant}' (known: {known})")])
    return variant


def _edition_order(articles: list[PdfArticle], order) -> list[PdfArticle]:
    """The articles named in `pdf: {order: [...]}` first, in that order, then the others by date."""
    rank = {slug: index for index, slug in enumerate(dict.fromkeys(order or ()))}
    return sorted(articles, key=lambda a: (rank.get(a.slug, len(rank)), a.date, a.slug))


def _print_page(env: jinja2.Environment, site, css: str, article: PdfArticle, site_dir: Path,
                print_pages: PrintPages) -> tuple[str, Path, dict]:
    """The article's print HTML, the file its links resolve against, and which citation each of its anchors holds."""
    scope = f"{article.slug}--"

    def make() -> tuple[str, dict]:
        body, cited = print_body(str(article.view.body), article.page_url)
        return _page(env, site, css, article, body, scope), {scope + anchor: keys for anchor, keys in cited.items()}

    html, cited = print_pages.get(article, make)
    return html, site_dir / article.view.url / "index.html", cited


def _page(env: jinja2.Environment, site, css: str, article: PdfArticle, body: str, scope: str) -> str:
    """The print HTML of one article, without page numbers (they are stamped on); every id and
    #link prefixed with scope, unique across the edition."""
    pdf = PrintDocument(Markup(css + "\n@page { @bottom-center { content: none; } }"), "unnumbered",
                        article.keywords, article.date, article.view.updated)
    part = PrintPart(f"article-{article.slug}", Markup(body))
    with in_language(article.view.language):
        html = env.get_template("print/article.html").render(site=site, article=article.view, pdf=pdf, part=part)
    return scope_anchors(html, scope)


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise BuildFailed([error(str(path), 1, 1, f"cannot write the PDF ({exc.strerror or exc})")]) from None
