"""The build: a flat sequence of stages, each taking and returning plain data."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import jinja2

from builder.bib.bibliography import load_bibliography
from builder.config.settings import load_settings
from builder.content.documents import find_assets, load_documents
from builder.content.links import PublicationLinks
from builder.content.sanitize import scripted_assets
from builder.csl.citations import CitationFormatter
from builder.csl.pandoc import CiteprocError
from builder.csl.styles import resolve_style, style_files
from builder.errors import BuildFailed, Problem, error, sorted_problems
from builder.markdown import create_parser
from builder.model import Document, Output, Settings
from builder.pdf.typeset import PdfReport, pdf_articles, pdf_sources, render_pdfs
from builder.run.cache import Cache, remove_links
from builder.run.confinement import links_outside
from builder.run.fingerprint import input_fingerprint, output_fingerprint
from builder.run.write import check_site_folder, is_site, mark_site, replace_file, site_file, site_folder, write_site
from builder.site.bodies import Bodies
from builder.site.feeds import render_feeds
from builder.site.metadata import article_item
from builder.site.render import failing_template, render_site, template_problem
from builder.site.search import index_site
from builder.site.structure import assemble_site, source_slugs
from builder.site.theme import print_css, template_environment, theme_assets, theme_dirs
from builder.site.views import build_views

CACHE_DIR = ".dossier-cache"

# progress(stage, done, total)
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class BuildResult:
    settings: Settings
    outputs: list[Output]
    warnings: list[Problem]
    out_dir: Path
    documents: int
    typeset: Callable | None = None     # typeset(site_folder, only=None): the PDF stage
    unchanged: bool = False             # nothing changed since the last build: nothing was done
    files: int = 0


class _LastBuild:
    """What the last successful build read and wrote, to recognise a rebuild with nothing to do."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self.data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.data = {}
        try:            # anything but what save() wrote is no record
            self.warnings = [Problem.from_record(p) for p in self.data["warnings"]]
        except (TypeError, KeyError, ValueError):
            self.data, self.warnings = {}, []

    def unchanged(self, fingerprint: str, out_dir: Path) -> bool:
        return (self.data.get("inputs") == fingerprint and out_dir.is_dir()
                and self.data.get("output") == output_fingerprint(out_dir))

    def save(self, fingerprint: str, out_dir: Path, warnings: list[Problem], documents: int) -> None:
        files = sum(1 for _ in out_dir.rglob("*") if _.is_file())
        data = {"inputs": fingerprint, "output": output_fingerprint(out_dir), "documents": documents, "files": files,
                "warnings": [p.record() for p in warnings]}
        try:
            replace_file(self.path, json.dumps(data).encode("utf-8"))
        except OSError:
            pass


def build(root: Path, *, drafts: bool = False, out: Path | None = None, write: bool = True,
          strict: bool = False, pdf: bool = True, pdf_only: set[str] | None = None,
          use_cache: bool = True, progress: Progress | None = None) -> BuildResult:
    """Build the publication at root; raise BuildFailed with every problem found.

    strict (`dossier check`) makes a quote missing from its saved source an error, not a warning.
    Builds of one publication run one at a time: a second one waits for the first."""
    from contextlib import ExitStack

    report = progress or (lambda stage, done, total: None)
    with ExitStack() as held:
        return _build(root.absolute(), drafts, out, write=write, strict=strict, pdf=pdf, pdf_only=pdf_only,
                      use_cache=use_cache, report=report, hold=lambda: held.enter_context(_one_at_a_time(root, report)))


def _one_at_a_time(root: Path, report: Progress):
    from builder.run.lock import publication_lock

    return publication_lock(root.absolute() / CACHE_DIR, lambda: report("Waiting for another build of this "
                                                                        "publication to finish", 0, 1))


def _build(root: Path, drafts: bool, out: Path | None, write: bool, strict: bool, pdf: bool,
           pdf_only: set[str] | None, use_cache: bool, report: Progress, hold: Callable[[], None]) -> BuildResult:
    settings, problems = load_settings(root)
    out_dir = output_folder(settings, out)
    hold()      # from here on the build reads its cache and may write: one build of the publication at a time
    remove_links(root / CACHE_DIR)
    cache = Cache(root / CACHE_DIR if use_cache else None)     # claimed (or emptied) before anything in it is read
    flags = {"drafts": drafts, "pdf": pdf, "strict": strict, "out": str(out_dir)}
    record = _LastBuild(root / CACHE_DIR / "last-build.json") if use_cache and write and pdf_only is None else None
    fingerprint = input_fingerprint(root, out_dir, flags, theme_dirs(settings) + style_files(root, settings.csl)) if record else ""
    if record and record.unchanged(fingerprint, out_dir):
        report("Done", 1, 1)
        return BuildResult(settings, [], record.warnings, out_dir, record.data.get("documents", 0), unchanged=True,
                           files=record.data.get("files", 0))
    style, style_problem = resolve_style(root, settings.csl, settings.position("csl"))
    problems += [style_problem] if style_problem else []
    report("Reading documents", 0, 1)
    bibliography, bib_problems = load_bibliography(root)
    documents, found = load_documents(root, drafts)
    assets, asset_problems = find_assets(root)
    problems += bib_problems + found + asset_problems + _check_menu(settings, documents)
    problems += [] if settings.unsafe_html else scripted_assets(assets)
    problems += links_outside(root, [root / "citations", settings.theme_dir]) + _check_cover_image(settings, assets)

    links = PublicationLinks(root, documents, assets)
    bodies = Bodies(create_parser(), settings, links, bibliography, cache)
    parsed, parse_problems = bodies.parse(documents, report)
    problems += parse_problems
    _fail_on_errors(problems)

    formatter = CitationFormatter(style, settings.language, cache, workers=os.cpu_count() or 1)
    try:
        cited = sorted({key for body in parsed for key in body.keys})
        items, convert_problems = formatter.convert(bibliography, cited)
        problems += convert_problems
        _fail_on_errors(problems)
        articles = [d for d in documents if d.kind == "article"]
        own = dict(zip([d.slug for d in articles], formatter.own_references([article_item(d, settings) for d in articles])))
        source_urls = {key: f"sources/{slug}/" for key, slug in source_slugs(cited).items()}
        rendered, render_problems = bodies.render(parsed, items, formatter, source_urls, own, strict, report)
        problems += render_problems
        sources = formatter.sources(items)
    except CiteprocError as exc:
        reason = " ".join(str(exc).split())[:300]
        raise BuildFailed([error("dossier.yml", *settings.position("csl"), f"pandoc could not format the citations "
                                 f"with style '{settings.csl}': {reason}")]) from None
    finally:
        formatter.close()
    _fail_on_errors(problems)

    report("Rendering pages", 0, 1)
    site = assemble_site(rendered, settings.menu, sources.order)
    views = build_views(site, sources, bibliography, settings, with_pdf=pdf)
    env = template_environment(settings)
    outputs = render_site(site, views, settings, env)
    pages = [o.path.removesuffix("index.html") for o in outputs if o.path.endswith("index.html")]
    outputs += render_feeds(site, settings, pages)
    outputs += [Output(a.target, source=a.source) for a in assets + theme_assets(settings)]

    def typeset(folder: Path, only: set[str] | None = None, progress: Progress | None = None) -> PdfReport:
        if not use_cache:       # lay every article out afresh, in a folder of its own
            import tempfile

            with tempfile.TemporaryDirectory(prefix="dossier-pdf-") as scratch:
                return _typeset(folder, only, progress, Path(scratch))
        return _typeset(folder, only, progress, root / CACHE_DIR / "pdf")

    def _typeset(folder: Path, only: set[str] | None, progress: Progress | None, layouts: Path) -> PdfReport:
        try:
            return render_pdfs(pdf_articles(site, views, settings), pdf_sources(views), views.site, settings, env,
                               print_css(settings), folder, layouts, only=only, progress=progress or report)
        except RecursionError:   # WeasyPrint recurses per level; sanitised bodies are flattened, raw ones not
            raise BuildFailed([error("dossier.yml", *settings.position("unsafe_html"),
                                     "the PDF edition cannot be typeset: an article's raw HTML nests too deeply "
                                     "(unsafe_html leaves it as written); nest it less, or build with --no-pdf")]) from None
        except Exception as exc:                # an error of the theme's print/ templates, else a bug: raised
            template = failing_template(exc)
            if template is None and not isinstance(exc, jinja2.TemplateError):
                raise
            raise BuildFailed([template_problem(env, template or "print/article.html", exc, settings.root)]) from None

    if write:
        def finish(folder: Path) -> None:
            if pdf:
                typeset(folder)
            report("Indexing for search", 0, 1)
            index_site(folder, settings.language)

        report("Writing site", 0, 1)
        write_site(outputs, out_dir, finish=finish, legacy=out is None)
        if record:
            record.save(fingerprint, out_dir, sorted_problems(problems), len(documents))
    report("Done", 1, 1)
    return BuildResult(settings, outputs, sorted_problems(problems), out_dir, len(documents), typeset,
                       files=len(outputs))


def build_pdfs(root: Path, slugs: set[str] | None, *, drafts: bool = False, out: Path | None = None,
               progress: Progress | None = None) -> list[Path]:
    """`dossier pdf`: typeset PDFs without rewriting the site; slugs None means all and the edition."""
    from contextlib import ExitStack

    report = progress or (lambda stage, done, total: None)
    with ExitStack() as held:   # the lock is held until the PDFs are in place
        result = _build(root.absolute(), drafts, out, write=False, strict=False, pdf=False, pdf_only=None,
                        use_cache=True, report=report, hold=lambda: held.enter_context(_one_at_a_time(root, report)))
        return _place_pdfs(result, slugs, progress, legacy=out is None)


def _place_pdfs(result: BuildResult, slugs: set[str] | None, progress: Progress | None, *, legacy: bool) -> list[Path]:
    """Typeset the PDFs in a scratch site, then put them into the site's pdf/ folder; a site not
    built yet gets only its pdf/ folder (and the marker that lets the next build replace it)."""
    import shutil
    import tempfile

    known = {o.path.split("/")[1] for o in result.outputs if o.path.startswith("articles/") and o.path.endswith("/index.html")}
    unknown = sorted((slugs or set()) - known)
    if unknown:
        raise BuildFailed([error(f"content/articles/{slug}.md", 1, 1, "no such article") for slug in unknown])
    site = site_folder(result.out_dir, legacy=legacy)
    with tempfile.TemporaryDirectory(prefix=".dossier-pdf-", dir=site.parent) as staging:
        folder = Path(staging) / "site"
        write_site(result.outputs, folder, finish=lambda site_dir: result.typeset(site_dir, slugs, progress))
        mark_site(site)
        written, folders = [], {}
        for path in sorted((folder / "pdf").glob("*.pdf")):
            target = site_file(site, f"pdf/{path.name}", folders)
            handle, spare = tempfile.mkstemp(dir=target.parent, prefix=f".{path.name}.", suffix=".tmp")
            with os.fdopen(handle, "wb") as stream, path.open("rb") as pdf:
                shutil.copyfileobj(pdf, stream)
            os.replace(spare, target)      # a link at target is replaced, never written through
            written.append(target)
    return written


def output_folder(settings: Settings, out: Path | None) -> Path:
    """The output folder, refused where a build would replace the publication, a folder holding
    it, its home folder, a folder of its sources or one Dossier did not build; refused before
    anything is read. Paths are compared resolved (links followed)."""
    root = settings.root.absolute()
    real_root = Path(os.path.realpath(root))
    if out is None and not _inside(root / settings.output, root):
        raise BuildFailed([error("dossier.yml", *settings.position("output"), f"'output' must be a folder inside the "
                                 f"publication, not '{settings.output}' (to build elsewhere, use --out)")])
    out_dir = (out if out is not None else root / settings.output).absolute()
    real = Path(os.path.realpath(out_dir))
    own = [real_root / name for name in ("content", "citations", "themes", CACHE_DIR, ".git")]
    home = Path(os.path.realpath(os.path.expanduser("~")))
    reason = ""
    if real == real_root or real_root.is_relative_to(real) or any(real.is_relative_to(p) for p in own):
        reason = "would overwrite the publication's own files"
    elif home.is_relative_to(real):
        reason = "is the home folder or holds it"
    if reason:
        where = settings.position("output") if out is None else (1, 1)
        raise BuildFailed([error("dossier.yml", *where, f"output folder {out_dir} {reason}: choose a folder of its own")])
    if out is None and not real.is_relative_to(real_root) and not is_site(real):
        # A link is content, as any file of the publication: it may lead to a site Dossier built
        # (a deploy folder), but never make a build write into a folder of someone else's.
        raise BuildFailed([error("dossier.yml", *settings.position("output"), f"output folder {settings.output} is a "
                                 f"link to {real}, outside the publication, which Dossier did not build: "
                                 f"build there once with --out {real}, or remove the link")])
    check_site_folder(out_dir, legacy=out is None)
    return out_dir


def _inside(path: Path, root: Path) -> bool:
    """Whether path, written relative to root, stays inside it (by its text: '..' parts count)."""
    return os.path.normpath(path).startswith(os.path.normpath(root) + os.sep)


def _check_menu(settings: Settings, documents: list[Document]) -> list[Problem]:
    if settings.menu is None:
        return []
    pages = {d.slug for d in documents if d.kind == "page"}
    return [error("dossier.yml", *settings.position("menu"), f"menu names page '{slug}', but content/pages/{slug}.md is not published")
            for slug in settings.menu if slug not in pages]


def _check_cover_image(settings: Settings, assets) -> list[Problem]:
    """`pdf: {cover_image: ...}` must name an image of the site (the PDF stage reads nothing else)."""
    image = settings.pdf.get("cover_image")
    if image is None or image in {asset.target for asset in assets}:
        return []
    return [error("dossier.yml", *settings.position("pdf.cover_image"),
                  f"pdf cover_image '{image}' is not a file of the site: put the image in content/assets/ "
                  "and write its path from there, e.g. assets/cover.jpg")]


def _fail_on_errors(problems: list[Problem]) -> None:
    if any(p.is_error for p in problems):
        raise BuildFailed(problems)
