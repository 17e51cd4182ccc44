"""The build: a flat sequence of stages, each taking and returning plain data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from builder.config import load_settings
from builder.documents import find_assets, load_documents
from builder.errors import BuildFailed, Problem, error, sorted_problems
from builder.linking import PublicationLinks
from builder.markdown import create_parser, render_markdown
from builder.model import Document, Output, RenderedDocument, Settings
from builder.render import render_site
from builder.site import assemble_site
from builder.theme import template_environment, theme_assets
from builder.write import write_site

# progress(stage, done, total)
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class BuildResult:
    settings: Settings
    outputs: list[Output]
    warnings: list[Problem]
    out_dir: Path
    documents: int


def build(root: Path, *, drafts: bool = False, out: Path | None = None, write: bool = True,
          progress: Progress | None = None) -> BuildResult:
    """Build the publication at root; raise BuildFailed with every problem found."""
    report = progress or (lambda stage, done, total: None)
    root = root.absolute()
    settings, problems = load_settings(root)
    out_dir = _output_dir(settings, out)
    report("Reading documents", 0, 1)
    documents, found = load_documents(root, drafts)
    assets, asset_problems = find_assets(root)
    problems += found + asset_problems + _check_menu(settings, documents)
    links = PublicationLinks(root, documents, assets)
    md = create_parser(settings.unsafe_html)
    rendered = []
    for index, document in enumerate(documents):
        report("Rendering Markdown", index, len(documents))
        result, body_problems = render_document(md, document, links)
        rendered.append(result)
        problems += body_problems
    report("Rendering Markdown", len(documents), len(documents))
    _fail_on_errors(problems)

    report("Rendering pages", 0, 1)
    site = assemble_site(rendered, settings.menu)
    outputs = render_site(site, settings, template_environment(settings))
    outputs += [Output(a.target, source=a.source) for a in assets + theme_assets(settings)]
    if write:
        report("Writing site", 0, 1)
        write_site(outputs, out_dir)
    report("Done", 1, 1)
    return BuildResult(settings, outputs, sorted_problems(problems), out_dir, len(documents))


def render_document(md, document: Document, links: PublicationLinks) -> tuple[RenderedDocument, list[Problem]]:
    """One document's body to HTML, with its table of contents and its problems."""
    result = render_markdown(md, document.body, path=document.relpath, line_offset=document.body_line - 1,
                             resolve_link=links.resolver_for(document))
    rendered = RenderedDocument(document, result.html, result.toc, result.word_count, result.first_paragraph)
    return rendered, list(result.problems)


def _output_dir(settings: Settings, out: Path | None) -> Path:
    out_dir = (out if out is not None else settings.root / settings.output).absolute()
    root = settings.root.absolute()
    protected = [root / "content", root / "citations", root / "themes"]
    if out_dir == root or root.is_relative_to(out_dir) or any(out_dir.is_relative_to(p) for p in protected):
        raise BuildFailed([error("dossier.yml", 1, 1, f"output folder {out_dir} would overwrite the publication's own files")])
    return out_dir


def _check_menu(settings: Settings, documents: list[Document]) -> list[Problem]:
    if settings.menu is None:
        return []
    pages = {d.slug for d in documents if d.kind == "page"}
    return [error("dossier.yml", 1, 1, f"menu names page '{slug}', but content/pages/{slug}.md is not published")
            for slug in settings.menu if slug not in pages]


def _fail_on_errors(problems: list[Problem]) -> None:
    if any(p.is_error for p in problems):
        raise BuildFailed(problems)
