"""The build: a flat sequence of stages, each taking and returning plain data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from builder.bibliography import load_bibliography
from builder.citations import (citation_uses, convert_references, format_document, format_own_reference,
                               format_sources, unknown_keys)
from builder.citeproc import Citeproc
from builder.config import load_settings
from builder.documents import find_assets, load_documents
from builder.errors import BuildFailed, Problem, error, sorted_problems
from builder.linking import PublicationLinks
from builder.markdown import create_parser, parse_markdown, render_parsed
from builder.metadata import article_item
from builder.model import Document, Output, RenderedDocument, Settings
from builder.render import render_site
from builder.site import assemble_site
from builder.styles import resolve_style
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
    style, style_problem = resolve_style(root, settings.csl, settings.position("csl"))
    problems += [style_problem] if style_problem else []
    report("Reading documents", 0, 1)
    bibliography, bib_problems = load_bibliography(root)
    documents, found = load_documents(root, drafts)
    assets, asset_problems = find_assets(root)
    problems += bib_problems + found + asset_problems + _check_menu(settings, documents)

    links = PublicationLinks(root, documents, assets)
    md = create_parser(settings.unsafe_html)
    parsed = []
    for index, document in enumerate(documents):
        report("Parsing Markdown", index, len(documents))
        body = parse_markdown(md, document.body, path=document.relpath, line_offset=document.body_line - 1,
                              resolve_link=links.resolver_for(document))
        parsed.append(body)
        problems += body.problems
        problems += unknown_keys(document.relpath, document.body_line - 1, body.clusters, bibliography)
    _fail_on_errors(problems)

    engine = Citeproc()
    try:
        cited = sorted({key for body in parsed for cluster in body.clusters for key in cluster.keys})
        items, convert_problems = convert_references(engine, bibliography, cited)
        _fail_on_errors(problems + convert_problems)
        rendered = []
        for index, (document, body) in enumerate(zip(documents, parsed)):
            report("Formatting citations", index, len(documents))
            citations = format_document(engine, body.clusters, items, style, settings.language)
            result = render_parsed(md, body, citations.clusters)
            own = (format_own_reference(engine, article_item(document, settings), style, settings.language)
                   if document.kind == "article" else "")
            rendered.append(RenderedDocument(document, result.html, result.toc, result.word_count,
                                             result.first_paragraph, citations.bibliography,
                                             citation_uses(body.clusters, citations.clusters), own))
        sources = format_sources(engine, items, style, settings.language)
    finally:
        engine.close()

    report("Rendering pages", 0, 1)
    site = assemble_site(rendered, settings.menu, sources.order)
    outputs = render_site(site, sources, bibliography, settings, template_environment(settings))
    outputs += [Output(a.target, source=a.source) for a in assets + theme_assets(settings)]
    if write:
        report("Writing site", 0, 1)
        write_site(outputs, out_dir)
    report("Done", 1, 1)
    return BuildResult(settings, outputs, sorted_problems(problems), out_dir, len(documents))


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
    return [error("dossier.yml", *settings.position("menu"), f"menu names page '{slug}', but content/pages/{slug}.md is not published")
            for slug in settings.menu if slug not in pages]


def _fail_on_errors(problems: list[Problem]) -> None:
    if any(p.is_error for p in problems):
        raise BuildFailed(problems)
