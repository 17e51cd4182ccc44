"""The `dossier` command line; turns BuildFailed into messages and exit status 1."""

from __future__ import annotations

import gc
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import click

from builder import __version__
from builder.errors import BuildFailed, Problem
from builder.text import RATE_MARK

_COLLECTOR = gc.get_threshold()     # Python's own thresholds, which `dossier serve` keeps (run() raises them)


def _interactive() -> bool:
    return sys.stderr.isatty() and os.environ.get("CI", "").lower() not in ("true", "1", "yes")


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)


@contextmanager
def _progress():
    """A rich progress bar on a terminal; nothing at all in CI or when piped."""
    if not _interactive():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  transient=True, console=None) as bar:
        tasks: dict[str, int] = {}

        def update(stage: str, done: int, total: int) -> None:
            key = stage.split(RATE_MARK)[0]     # "Laying out · 12.3 pages/s": one bar, its rate updated
            if key not in tasks:
                tasks[key] = bar.add_task(stage, total=total)
            bar.update(tasks[key], completed=done, total=total, description=stage)
        yield update


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-C", "directory", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              help="Run in this folder (the publication is the first folder up from it that holds dossier.yml).")
@click.version_option(__version__, prog_name="dossier")
@click.pass_context
def main(ctx: click.Context, directory: Path) -> None:
    """Dossier: build a searchable site and a PDF edition from sourced research."""
    from builder.config.settings import find_publication

    ctx.meta["dossier.start"] = directory      # where `init` starts a publication: here, not above
    ctx.obj = find_publication(directory)


def _run(action):
    """Run action(); print problems and exit 1 on BuildFailed."""
    try:
        return action()
    except BuildFailed as failed:
        _print_problems(failed.problems)
        errors = sum(p.is_error for p in failed.problems)
        click.echo(f"{errors} error{'s' if errors != 1 else ''}; nothing was written", err=True)
        sys.exit(1)


class _Interrupted(BaseException):
    """SIGTERM, raised where the build is, so that it cleans up like after Ctrl-C."""


@contextmanager
def _interruptible():
    """Stop a build cleanly on Ctrl-C or SIGTERM: exit 130 or 143 with a message (the site is only
    ever swapped in whole, so the previous one stays)."""
    import signal

    def stop(signum, frame):
        raise _Interrupted()

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    except (KeyboardInterrupt, _Interrupted) as interruption:
        click.echo("build interrupted; the previous site is unchanged", err=True)
        sys.exit(143 if isinstance(interruption, _Interrupted) else 130)
    finally:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


@main.command()
@click.option("--drafts", is_flag=True, help="Include articles marked draft: true.")
@click.option("--no-pdf", "no_pdf", is_flag=True, help="Skip the PDF edition.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Output folder (default: _site).")
@click.pass_obj
def build(root: Path, drafts: bool, no_pdf: bool, out: Path | None) -> None:
    """Build the site into _site/."""
    from builder.uptodate import up_to_date

    started = time.perf_counter()
    with _interruptible():      # nothing changed: known without importing the build's stages
        result = up_to_date(root, drafts=drafts, out=out, pdf=not no_pdf,
                            waiting=lambda: click.echo("Waiting for another build of this publication to finish",
                                                       err=True))
    if result is None:
        from builder.build import build as run_build

        with _progress() as progress, _interruptible():
            result = _run(lambda: run_build(root, drafts=drafts, out=out, pdf=not no_pdf, progress=progress))
    _print_problems(result.warnings)
    elapsed = time.perf_counter() - started
    where = os.path.relpath(result.out_dir) if result.out_dir.is_relative_to(Path.cwd()) else str(result.out_dir)
    if result.unchanged:
        click.echo(f"Nothing changed since the last build of {where}/ ({result.documents} documents); checked in {elapsed:.2f} s")
    else:
        click.echo(f"Built {result.documents} documents, {result.files} files into {where}/ in {elapsed:.2f} s")


@main.command()
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port on 127.0.0.1 (0 picks a free one).")
@click.option("--drafts", is_flag=True, help="Include articles marked draft: true.")
@click.option("--pdf/--no-pdf", "with_pdf", default=False, show_default=True,
              help="Typeset the PDF edition on every build (off by default, to keep rebuilds fast).")
@click.pass_obj
def serve(root: Path, port: int, drafts: bool, with_pdf: bool) -> None:
    """Build, serve on 127.0.0.1, rebuild and reload the browser on every change."""
    from builder.serve.live import serve as run_serve

    # A server runs for hours and each rebuild leaves a few cycles (a template environment, a
    # parser): with run()'s thresholds a full collection would hardly ever come.
    gc.set_threshold(*_COLLECTOR)

    def output(line: str, is_problem: bool) -> None:
        click.echo(line, err=is_problem)

    try:
        _run(lambda: run_serve(root, port=port, drafts=drafts, pdf=with_pdf, output=output))
    except OSError as exc:
        import errno

        fix = "; another program uses the port: choose another (--port 0 picks a free one)" \
            if exc.errno == errno.EADDRINUSE else ""
        click.echo(f"error: cannot serve on 127.0.0.1:{port}: {exc.strerror or exc}{fix}", err=True)
        sys.exit(1)


@main.command()
@click.argument("articles", nargs=-1)
@click.option("--drafts", is_flag=True, help="Include articles marked draft: true.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Site folder (default: _site).")
@click.pass_obj
def pdf(root: Path, articles: tuple[str, ...], drafts: bool, out: Path | None) -> None:
    """Only the PDFs: the given articles (by name or path, content/articles/NAME.md), or all articles and the edition."""
    from builder.build import build_pdfs
    from builder.run.cache import CACHE_DIR
    from builder.run.last_build import LastBuild

    started = time.perf_counter()
    # What tab completion gives (content/articles/x.md) names the article as its name (x) does.
    names = {Path(name).stem if name.lower().endswith(".md") else name.rstrip("/") for name in articles}
    with _progress() as progress:
        result = _run(lambda: build_pdfs(root, names or None, drafts=drafts, out=out, progress=progress))
    _print_problems(result.warnings)
    written = len(result.paths)
    click.echo(f"Wrote {written} PDF{'s' if written != 1 else ''} in {time.perf_counter() - started:.2f} s")
    site = result.paths[0].parent.parent if result.paths else None
    if site is not None and LastBuild(root / CACHE_DIR / "last-build.json").without_pdfs(site):
        where = os.path.relpath(site) if site.is_relative_to(Path.cwd()) else str(site)
        click.echo(f"Note: the pages in {where}/ were built with --no-pdf and do not link these PDFs; "
                   "`dossier build` links them.")


@main.command()
@click.option("--drafts", is_flag=True, help="Check drafts too.")
@click.option("--list", "list_unsaved", is_flag=True, help="Name each evidence box whose source has no saved copy.")
@click.pass_obj
def check(root: Path, drafts: bool, list_unsaved: bool) -> None:
    """Check front matter, links and Markdown without writing anything."""
    from builder.build import build as run_build
    from builder.evidence.saving import unsaved_evidence

    result = _run(lambda: run_build(root, drafts=drafts, write=False, strict=True, pdf=False))
    _print_problems(result.warnings)
    click.echo(f"Checked {result.documents} documents: no errors")
    unsaved = unsaved_evidence(result.settings.root, drafts=drafts)
    if list_unsaved:
        for box in unsaved:
            click.echo(f"{box.path}:{box.line}:{box.col}: {box.key} (#{box.box_id}) has no saved copy")
    if unsaved:
        boxes = f"{len(unsaved)} evidence box{'es quote' if len(unsaved) != 1 else ' quotes'}"
        keys = len({box.key for box in unsaved})
        named = "" if list_unsaved else " (--list names them)"
        click.echo(f"{boxes} {keys} source{'s' if keys != 1 else ''} with no saved copy{named}: "
                   "dossier snapshot KEY saves one")


@main.command()
@click.argument("title")
@click.option("--slug", help="The file name (and address) to use, e.g. nk-markets; by default made from the title, "
                             "Korean in Revised Romanization, other scripts as they are.")
@click.pass_obj
def new(root: Path, title: str, slug: str | None) -> None:
    """Start a new article (a draft) from TITLE."""
    from builder.config.settings import load_settings
    from builder.content.scaffold import new_article

    settings, _ = _run(lambda: load_settings(root))
    path = _run(lambda: new_article(settings, title, slug))
    click.echo(f"Created {os.path.relpath(path)}")


@main.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default="My publication", help="The publication's title.")
@click.pass_context
def init(ctx: click.Context, directory: Path | None, title: str) -> None:
    """Start a new publication in DIRECTORY (default: here)."""
    from builder.content.scaffold import init_publication

    target = directory if directory is not None else ctx.meta["dossier.start"]
    created, kept = _run(lambda: init_publication(target, title))
    for path in created:
        click.echo(f"Created {os.path.relpath(path)}")
    for path in kept:
        click.echo(f"Kept {os.path.relpath(path)} as it was")
    if target / "dossier.yml" in kept:
        click.echo("A publication exists here: " + ("only missing setup files were added; its content was left alone"
                                                    if created else "it has every setup file; nothing was changed"))
    else:
        import shlex

        moved = "" if target.resolve() == Path.cwd().resolve() else f"cd {shlex.quote(os.path.relpath(target))}, then "
        click.echo(f"Next: {moved}dossier serve, and open the address it prints")


@main.group()
def cite() -> None:
    """Maintain citations/*.bib: check, format, find and add sources."""


@cite.command("check")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              help="json prints a list of {path, line, col, severity, message}.")
@click.pass_obj
def cite_check(root: Path, output_format: str) -> None:
    """Check the .bib files and the keys the content cites; exit 1 on errors."""
    import json

    from builder.bib.cite import check_citations

    problems = _run(lambda: check_citations(root))
    if output_format == "json":
        click.echo(json.dumps([{"path": p.path, "line": p.line, "col": p.col, "severity": p.severity.value,
                                "message": p.message} for p in problems], ensure_ascii=False, indent=2))
    else:
        _print_problems(problems)
        errors = sum(p.is_error for p in problems)
        warnings = len(problems) - errors
        click.echo(f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}",
                   err=True)
    if any(p.is_error for p in problems):
        sys.exit(1)


@cite.command("fmt")
@click.option("--check", "check_only", is_flag=True, help="Write nothing; exit 1 listing files not formatted.")
@click.option("--sort", is_flag=True, help="Sort entries by key (@string and @preamble blocks first).")
@click.pass_obj
def cite_fmt(root: Path, check_only: bool, sort: bool) -> None:
    """Rewrite every citations/*.bib in one canonical form, losing nothing."""
    from builder.bib.cite import format_citations, write_atomically

    results, problems = _run(lambda: format_citations(root, sort))
    _print_problems(problems)
    if any(p.is_error for p in problems):
        click.echo("nothing was written", err=True)
        sys.exit(1)
    changed = [r for r in results if r.changed]
    if check_only:
        command = "dossier cite fmt --sort" if sort else "dossier cite fmt"
        for result in changed:
            click.echo(f"{result.relpath}:{result.first_change}:1: error: not formatted (run {command})", err=True)
        if changed:
            sys.exit(1)
        return
    for result in changed:
        _run(lambda: write_atomically(result.path, result.text))
        click.echo(f"Formatted {result.relpath}")
    if not changed:
        click.echo(f"{len(results)} file{'s' if len(results) != 1 else ''} already formatted")


@cite.command("where")
@click.argument("key")
@click.pass_obj
def cite_where(root: Path, key: str) -> None:
    """Every path:line:col that cites KEY."""
    from builder.bib.cite import where_cited
    from builder.text import suggestion

    found, problems = _run(lambda: where_cited(root, key))
    _print_problems(problems)
    for citation in found.citations:
        click.echo(f"{citation.path}:{citation.line}:{citation.col}: {citation.source}")
    if found.definition is None:
        click.echo(f"error: no entry in citations/*.bib has the key '{key}'{suggestion(found.suggestions)}", err=True)
        sys.exit(1)
    if not found.citations:
        click.echo(f"'{key}' ({found.definition.where}) is not cited anywhere", err=True)
    if any(p.is_error for p in problems):
        sys.exit(1)


@cite.command("unused")
@click.pass_obj
def cite_unused(root: Path) -> None:
    """Entries nothing cites, as path:line: key."""
    from builder.bib.cite import unused_entries

    entries, problems = _run(lambda: unused_entries(root))
    _print_problems(problems)
    for source in entries:
        click.echo(f"{source.where}: {source.key}")
    if any(p.is_error for p in problems):
        sys.exit(1)


@cite.command("add")
@click.option("--file", "file", metavar="citations/NAME.bib",
              help="The .bib file to add to (default: the first one, or citations/references.bib).")
@click.pass_obj
def cite_add(root: Path, file: str | None) -> None:
    """Add one BibTeX entry, read from standard input, to a .bib file."""
    from builder.bib.source import decode_bib
    from builder.bib.cite import STDIN, plan_addition, write_atomically

    stdin = getattr(sys.stdin, "buffer", None)
    raw = stdin.read() if stdin is not None else sys.stdin.read().encode("utf-8")
    text, problem = decode_bib(raw, STDIN)
    if text is None:
        _print_problems([problem])
        sys.exit(1)
    addition, problems = _run(lambda: plan_addition(root, text, file))
    _print_problems(problems)
    if addition is None:
        click.echo("the entry was not added; no file was changed", err=True)
        sys.exit(1)
    _run(lambda: write_atomically(addition.path, addition.text))
    click.echo(f"Added '{addition.key}' to {addition.relpath}:{addition.line}")


@main.command()
@click.argument("key")
@click.option("--from", "source", metavar="URL|FILE",
              help="Save from this address or file (default: an archived copy the publication names, else the entry's url).")
@click.option("--date", "saved", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="The day the copy was made (default: today).")
@click.option("--force", is_flag=True, help="Replace the saved copy of KEY if there is one.")
@click.option("--timeout", default=30, show_default=True, type=click.IntRange(1, 600), metavar="SECONDS",
              help="Give up on a server that has not sent everything by then.")
@click.pass_obj
def snapshot(root: Path, key: str, source: str | None, saved, force: bool, timeout: int) -> None:
    """Save the readable text of KEY's source to citations/snapshots/KEY.md, for quote verification."""
    from builder.config.settings import load_settings
    from builder.evidence.saving import UnknownKey, save_snapshot
    from builder.text import suggestion

    settings, _ = _run(lambda: load_settings(root))
    try:
        result = _run(lambda: save_snapshot(settings.root, key, source, saved=saved.date() if saved else None,
                                            force=force, timeout=timeout))
    except UnknownKey as unknown:
        click.echo(f"error: no entry in citations/*.bib has the key '{key}'{suggestion(unknown.suggestions)}", err=True)
        sys.exit(1)
    replaced = f", replacing {', '.join(result.replaced)}" if result.replaced else ""
    click.echo(f"Saved {result.relpath}: {result.characters:,} characters of the {result.kind} at {result.address}{replaced}")


def run() -> None:
    """The `dossier` program (and `python -m builder`): main() in a process of its own. A build makes
    millions of objects that live until it ends, and few cycles: with Python's thresholds the
    collector scans them all again and again (0.1 s of a 1.4 s rebuild at 1,000 articles), so they
    are raised here, for the program, not for a process that calls main() among other work.
    Young objects are still collected every 50,000 allocations."""
    gc.set_threshold(50_000, 20, 100)
    main()
