"""The build: a flat list of named stages, each a plain function from data to data, timed.

    load -> parse -> references -> bodies -> sources -> assemble -> views -> pages -> data
         -> write (aside) -> pdf -> search -> publish

Every stage before write is pure (it reads the publication, writes nothing but the cache); write
puts the site (a rebuild: its changed files) aside next to the output folder, pdf and search add to
it, publish swaps it in (moves them in under a journal): a failure leaves the previous site as it was.
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import jinja2

from builder.bib.bibliography import Bibliography
from builder.config.settings import load_settings
from builder.content.documents import find_assets, load_documents
from builder.content.editions import pdf_problems
from builder.content.links import PublicationLinks
from builder.content.metadata import own_bibliographies
from builder.content.translations import translation_problems
from builder.content.sanitize import scripted_assets
from builder.csl.citations import CitationFormatter
from builder.csl.metadata import items_by_language, publication_bibliography
from builder.csl.pandoc import CiteprocError
from builder.csl.styles import is_note_style, resolve_style
from builder.errors import BuildFailed, Problem, error, sorted_problems
from builder.model import Asset, Document, Output, RenderedDocument, Settings
from builder.run.cache import CACHE_DIR, Cache, remove_links
from builder.run.confinement import links_outside
from builder.run.lock import build_lock
from builder.run.output import output_folder
from builder.run.inplace import write_aside
from builder.run.update import update_site
from builder.run.write import is_site, mark_site, replace_file, site_file, site_folder, stage_site
from builder.session import Session
from builder.site.bodies import BodyRenderer, ParsedBody
from builder.site.charts import index_charts
from builder.site.data import render_data
from builder.site.editions import write_editions_page
from builder.site.feeds import render_feeds
from builder.site.memo import PageMemo
from builder.site.metadata import article_item
from builder.site.notices import feed_notices
from builder.site.render import failing_template, render_site, template_problem
from builder.site.search import index_site
from builder.site.structure import Site, assemble_site
from builder.config.themes import theme_dirs
from builder.site.theme import print_css, template_environment, template_problems, theme_assets
from builder.site.views import Views, build_views
from builder.site.words import Words, load_words
from builder.uptodate import build_flags, hash_inputs
from builder.urls import EDITIONS, source_urls
if TYPE_CHECKING:      # the PDF stage's modules are loaded when it runs: a --no-pdf build does without them
    from builder.pdf.typeset import PdfSummary

# progress(stage, done, total)
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class BuildResult:
    settings: Settings
    outputs: list[Output]
    warnings: list[Problem]
    out_dir: Path
    documents: int
    unchanged: bool = False             # nothing changed since the last build: nothing was done
    files: int = 0
    timings: tuple[tuple[str, float], ...] = ()     # (stage, seconds), in the order they ran
    pdf: PdfSummary | None = None        # what the PDF stage did, if it ran


@dataclass(frozen=True)
class PdfResult:
    """What `dossier pdf` did."""

    paths: list[Path]                   # the PDFs put into the site's pdf/ folder
    summary: PdfSummary
    warnings: list[Problem]


class _Stages:
    """Runs the stages, timing each. A stage that fails reports its problems with those found
    before it (problems: the build's list so far), so no warning is lost to a later error."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        self.timings: list[tuple[str, float]] = []

    def __call__(self, name: str, stage: Callable, *args, **kwargs):
        start = time.perf_counter()
        try:
            return stage(*args, **kwargs)
        except BuildFailed as failed:
            raise BuildFailed(self.problems + [p for p in failed.problems if p not in self.problems]) from None
        finally:
            self.timings.append((name, round(time.perf_counter() - start, 3)))


@dataclass(frozen=True)
class Inputs:
    """The publication as read: what every later stage starts from."""

    settings: Settings
    style: Path | None
    bibliography: Bibliography
    documents: list[Document]
    assets: list[Asset]
    words: Words
    print_css: str              # the theme's print stylesheet
    print_css_path: str         # its path in the publication; '' for the shipped one


@dataclass(frozen=True)
class Pages:
    """The site up to its files: what the write, PDF and search stages are handed."""

    inputs: Inputs
    site: Site
    views: Views
    env: jinja2.Environment
    outputs: list[Output]


@dataclass(frozen=True)
class Formatted:
    """Document bodies rendered with their citations formatted, and what the site says of its sources."""

    rendered: list[RenderedDocument]
    sources: object                     # csl.citations.Sources
    cite_this: dict[str, str]           # each article's own reference, by slug
    source_urls: dict[str, str]         # each cited source's page
    body_keys: dict[str, str]           # what each document's body was made from (its cache key), by URL


def build(root: Path, *, drafts: bool = False, out: Path | None = None, write: bool = True,
          strict: bool = False, pdf: bool = True, use_cache: bool = True, search: bool = True,
          progress: Progress | None = None, session: Session | None = None) -> BuildResult:
    """Build the publication at root; raise BuildFailed with every problem found.

    strict (`dossier check`) makes a quote missing from its saved source an error, not a warning;
    search=False (`dossier serve`, which indexes afterwards) keeps the previous site's search index;
    session (`dossier serve`) keeps what a next build can reuse, and updates the site in place.
    Builds of one publication run one at a time: a second one waits for the first."""
    progress = progress or _silent
    root = root.absolute()
    settings, problems = load_settings(root, keep_going=True)     # its errors are reported with all others
    out_dir = _output_folder(settings, out, problems)
    with build_lock(root / CACHE_DIR, out_dir, progress):  # from here on the build reads its cache and may write
        return _build(settings, problems, out_dir, drafts=drafts, legacy=out is None, write=write, strict=strict,
                      pdf=pdf, use_cache=use_cache, search=search, progress=progress, session=session)


def _output_folder(settings: Settings, out: Path | None, problems: list[Problem]) -> Path:
    try:
        return output_folder(settings, out)
    except BuildFailed as failed:
        raise BuildFailed(problems + failed.problems) from None


def _silent(stage: str, done: int, total: int) -> None:
    pass


def _build(settings: Settings, problems: list[Problem], out_dir: Path, *, drafts: bool, legacy: bool, write: bool,
           strict: bool, pdf: bool, use_cache: bool, search: bool, progress: Progress,
           session: Session | None) -> BuildResult:
    root = settings.root
    remove_links(root / CACHE_DIR)
    session = session if use_cache else None
    cache = Cache(root / CACHE_DIR if use_cache else None, session and session.cache)   # claimed (or emptied) first
    flags = build_flags(drafts, pdf, strict, out_dir)
    inputs = hash_inputs(settings, out_dir, flags, record=use_cache and write, files=session and session.files)
    record = inputs.record
    if record and inputs.unchanged(out_dir, search):
        if inputs.read_again:
            inputs.keep(root, session is not None)
        progress("Done", 1, 1)
        return BuildResult(settings, [], record.warnings, out_dir, record.data.get("documents", 0), unchanged=True,
                           files=record.data.get("files", 0))
    stage = _Stages(problems)
    memo = PageMemo(root / CACHE_DIR / "pages.json", out_dir, session) if record or (session and not write) else None
    built = _pages(settings, drafts, cache, strict, pdf, progress, stage, memo, session)
    outputs, pdf_summary = built.outputs, None
    if write and session and session.paths is not None and not (pdf or search) and is_site(out_dir):
        stage("write", update_site, outputs, out_dir, session.written, session.paths)
    elif write:
        session.written.clear() if session else None     # each file is new
        progress("Writing site", 0, 1)
        with stage("write", write_aside, outputs, out_dir, legacy=legacy) as staged:
            if pdf:
                layouts = root / CACHE_DIR / "pdf" if use_cache else None
                pdf_summary = stage("pdf", typeset, built, staged, layouts, progress=progress)
                problems += pdf_summary.problems
            progress("Indexing for search", 0, 1)
            stage("search", index_site, *staged.ready(), language=settings.language) if search else staged.carry_search()
            stage("publish", staged.publish)
    if write:
        if session:
            session.paths = {output.path for output in outputs}
        cache.sweep()
        if memo:
            memo.save()
        if record:
            listed = own_bibliographies(built.inputs.documents)
            record.save(inputs.again(root, out_dir, listed), out_dir, sorted_problems(problems),
                        len(built.inputs.documents), listed, search, pdf)
            inputs.keep(root, session is not None)
    elif memo:
        memo.remember()                 # serve's warm-up: what the first save can reuse
    progress("Done", 1, 1)
    return BuildResult(settings, outputs, sorted_problems(problems), out_dir, len(built.inputs.documents),
                       files=len(outputs), timings=tuple(stage.timings), pdf=pdf_summary)


def _pages(settings: Settings, drafts: bool, cache: Cache, strict: bool, pdf: bool, progress: Progress,
           stage: _Stages, memo: PageMemo | None = None, session: Session | None = None) -> Pages:
    """The stages from reading the publication to its pages (stage.problems gathers what they find);
    with memo, pages made from what the last build made them from are not rendered again."""
    problems = stage.problems
    progress("Reading documents", 0, 1)
    inputs, found = stage("load", load, settings, drafts, session and session.documents)
    problems += found
    env = template_environment(settings, inputs.words, session and session.templates)
    renderer = BodyRenderer(settings, PublicationLinks(settings.root, inputs.documents, inputs.assets),
                            inputs.bibliography, cache, env, notes=inputs.style is not None and is_note_style(inputs.style))
    parsed, found = stage("parse", renderer.parse, inputs.documents, progress)
    problems += found
    _fail_on_errors(problems)
    formatted, found = stage("citations and bodies", format_bodies, inputs, renderer, parsed, cache, strict, progress,
                             session and session.rendered)
    del parsed      # its drafts (token streams' HTML, ~36 MB at 1,000 articles) are not needed past the bodies
    problems += found
    _fail_on_errors(problems)
    progress("Rendering pages", 0, 1)
    site = stage("assemble", assemble_site, formatted.rendered, settings.menu, formatted.sources.order,
                 formatted.source_urls)
    views = stage("views", build_views, site, formatted.sources, inputs.bibliography, settings, pdf, formatted.cite_this,
                  inputs.words, session and session.views, formatted.body_keys)
    if memo:
        memo.begin(settings, inputs.words.signature(), theme_dirs(settings), views.made_from)
    outputs = stage("pages", render_pages, site, views, settings, env, inputs.assets, inputs.words, memo)
    return Pages(inputs, site, views, env, outputs + stage("data", render_data, site, formatted.sources,
                                                           inputs.bibliography, settings, inputs.words, memo))


# --- The stages ------------------------------------------------------------------------------

def load(settings: Settings, drafts: bool, memo: dict | None = None) -> tuple[Inputs, list[Problem]]:
    """Read the publication: its style, bibliography, documents and assets, each checked."""
    root = settings.root
    style, style_problem = resolve_style(root, settings.csl, settings.position("csl"))
    problems = [style_problem] if style_problem else []
    documents, found = load_documents(root, drafts, memo)
    bibliography, bib_problems = publication_bibliography(root, documents)
    assets, asset_problems = find_assets(root)
    problems += bib_problems + found + asset_problems + _check_menu(settings, documents)
    problems += translation_problems(documents, settings.language)
    problems += [] if settings.unsafe_html else scripted_assets(assets)
    problems += links_outside(root, [root / "citations", settings.theme_dir]) + pdf_problems(settings, documents, assets)
    words, word_problems = load_words(settings, theme_dirs(settings), documents)
    css, css_path, css_problems = print_css(settings)
    return (Inputs(settings, style, bibliography, documents, assets, words, css, css_path),
            problems + word_problems + css_problems + template_problems(settings))


def format_bodies(inputs: Inputs, renderer: BodyRenderer, parsed: list[ParsedBody], cache: Cache, strict: bool,
                  progress: Progress, memo: dict | None = None) -> tuple[Formatted, list[Problem]]:
    """The cited references converted to CSL-JSON, each body rendered with its citations formatted
    and its evidence verified, each article's own reference, and the list of sources."""
    settings = inputs.settings
    cited = sorted({key for body in parsed for key in body.keys})
    with _formatting(inputs, cache) as formatter:
        items, problems = formatter.convert(inputs.bibliography, cited)
        _fail_on_errors(problems)
        by_language, found = items_by_language(formatter, inputs.bibliography, items,
                                               [(body.document.language, body.keys) for body in parsed])
        problems += [problem for problem in found if problem not in problems]
        _fail_on_errors(problems)
        urls = source_urls(set(cited) | set(items))     # items: the cited entries and those they cross-reference
        articles = [d for d in inputs.documents if d.kind == "article"]
        cite_this = dict(zip([d.slug for d in articles], formatter.own_references(
            [article_item(d, settings) for d in articles], [d.language for d in articles])))
        rendered, found = renderer.render(parsed, by_language, formatter, urls, strict, progress, memo)
        sources = formatter.sources(items, inputs.bibliography.biblatex_for(sorted(items)))
    return Formatted(rendered, sources, cite_this, urls, renderer.keys), problems + found


@contextmanager
def _formatting(inputs: Inputs, cache: Cache):
    """A citation formatter (pandoc workers) for the stages inside; pandoc's failure is the style's."""
    settings = inputs.settings
    formatter = CitationFormatter(inputs.style, settings.language, cache, workers=os.cpu_count() or 1)
    try:
        yield formatter
    except CiteprocError as exc:
        reason = " ".join(str(exc).split())[:300]
        raise BuildFailed([error("dossier.yml", *settings.position("csl"), f"pandoc could not format the citations "
                                 f"with style '{settings.csl}': {reason}")]) from None
    finally:
        formatter.close()


def render_pages(site: Site, views: Views, settings: Settings, env: jinja2.Environment,
                 assets: list[Asset], words: Words, memo: PageMemo | None = None) -> list[Output]:
    """Every file of the site but the PDFs and the search index: pages, feeds, assets."""
    outputs = render_site(site, views, settings, env, words, memo)
    pages = [o.path.removesuffix("index.html") for o in outputs if o.path.endswith("index.html")]
    if views.site.has_pdf and views.site.editions:
        pages.append(EDITIONS)          # written by the PDF stage, which knows their sizes
    outputs += render_feeds(site, settings, pages, memo, feed_notices(views.articles, words))
    return outputs + [Output(a.target, source=a.source) for a in assets + theme_assets(settings)]


def typeset(built: Pages, staged, layouts: Path | None, *, only: set[str] | None = None,
            progress: Progress = _silent) -> PdfSummary:
    """The PDFs of the new site staged (run/write.py's StagedSite, run/inplace.py's SiteUpdate), into
    its folder's pdf/; layouts is the layout cache (None: every article afresh)."""
    if layouts is None:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="dossier-pdf-") as scratch:
            return typeset(built, staged, Path(scratch), only=only, progress=progress)
    (settings, env), (site, folder, reading) = (built.inputs.settings, built.env), staged.for_pdf()
    try:
        from builder.pdf.typeset import pdf_articles, pdf_sources, render_pdfs

        made = render_pdfs(pdf_articles(built.site, built.views, settings), pdf_sources(built.views), built.views.site,
                           settings, env, built.inputs.print_css, built.inputs.print_css_path, site, layouts,
                           built.inputs.words.gettext, only=only, progress=progress, charts=index_charts, into=folder, reading=reading)
        write_editions_page(folder, built.views, settings, env, built.inputs.words, made.editions)
        return made
    except RecursionError:   # WeasyPrint recurses per level; sanitised bodies are flattened, raw ones not
        raise BuildFailed([error("dossier.yml", *settings.position("unsafe_html"),
                                 "the PDF edition cannot be typeset: an article's raw HTML nests too deeply "
                                 "(unsafe_html leaves it as written); nest it less, or build with --no-pdf")]) from None
    except Exception as exc:                # an error of the theme's print/ templates, else a bug: raised
        template = failing_template(exc)
        if template is None and not isinstance(exc, jinja2.TemplateError):
            raise
        raise BuildFailed([template_problem(env, template or "print/article.html", exc, settings.root)]) from None


# --- `dossier pdf` ---------------------------------------------------------------------------

def build_pdfs(root: Path, slugs: set[str] | None, *, drafts: bool = False, out: Path | None = None,
               progress: Progress | None = None) -> PdfResult:
    """`dossier pdf`: typeset PDFs without rewriting the site; slugs None means all and the edition.
    The PDFs are typeset in a scratch copy of the site, then put into the site's pdf/ folder; a
    site not built yet gets only its pdf/ folder (and the marker that lets the next build replace it)."""
    import tempfile

    progress = progress or _silent
    root = root.absolute()
    settings, problems = load_settings(root, keep_going=True)
    out_dir = _output_folder(settings, out, problems)
    with build_lock(root / CACHE_DIR, out_dir, progress):      # held until the PDFs are in place
        remove_links(root / CACHE_DIR)
        stage = _Stages(problems)
        built = _pages(settings, drafts, Cache(root / CACHE_DIR), False, True, progress, stage)
        articles = {r.document.slug for r in built.site.articles}
        unknown = sorted((slugs or set()) - articles)
        if unknown:
            raise BuildFailed([error(f"content/articles/{slug}.md", 1, 1, "no such article") for slug in unknown])
        site_dir = site_folder(out_dir, legacy=out is None)
        with tempfile.TemporaryDirectory(prefix=".dossier-pdf-", dir=site_dir.parent) as scratch:
            with stage_site(built.outputs, Path(scratch) / "site") as staged:
                pdf_summary = stage("pdf", typeset, built, staged, root / CACHE_DIR / "pdf", only=slugs, progress=progress)
                staged.publish()
            mark_site(site_dir)
            made, folders = Path(scratch) / "site", {}
            pdfs = sorted((made / "pdf").glob("*.pdf"))
            listing = [made / EDITIONS / "index.html"] if (made / EDITIONS / "index.html").is_file() else []
            for path in pdfs + listing:         # the editions page: their sizes change with them
                # each replaced in one step; a link at its place is replaced, never written through
                replace_file(site_file(site_dir, path.relative_to(made).as_posix(), folders), path.read_bytes())
    written = [site_dir / "pdf" / path.name for path in pdfs]
    return PdfResult(written, pdf_summary, sorted_problems(problems + list(pdf_summary.problems)))


def _check_menu(settings: Settings, documents: list[Document]) -> list[Problem]:
    if settings.menu is None:
        return []
    pages = {d.slug for d in documents if d.kind == "page"}
    return [error("dossier.yml", *settings.position("menu"), f"menu names page '{slug}', but content/pages/{slug}.md is not published")
            for slug in settings.menu if slug not in pages]


def _fail_on_errors(problems: list[Problem]) -> None:
    if any(p.is_error for p in problems):
        raise BuildFailed(problems)
