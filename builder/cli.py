"""The `dossier` command line; turns BuildFailed into messages and exit status 1."""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import click

from builder import __version__
from builder.errors import BuildFailed, Problem


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
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)
        yield update


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-C", "directory", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              help="Run in this publication folder.")
@click.version_option(__version__, prog_name="dossier")
@click.pass_context
def main(ctx: click.Context, directory: Path) -> None:
    """Dossier: build a searchable site and a PDF edition from sourced research."""
    ctx.obj = directory


def _run(action):
    """Run action(); print problems and exit 1 on BuildFailed."""
    try:
        return action()
    except BuildFailed as failed:
        _print_problems(failed.problems)
        errors = sum(p.is_error for p in failed.problems)
        click.echo(f"{errors} error{'s' if errors != 1 else ''}; nothing was written", err=True)
        sys.exit(1)


@main.command()
@click.option("--drafts", is_flag=True, help="Include articles marked draft: true.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Output folder (default: _site).")
@click.pass_obj
def build(root: Path, drafts: bool, out: Path | None) -> None:
    """Build the site into _site/."""
    from builder.build import build as run_build

    started = time.perf_counter()
    with _progress() as progress:
        result = _run(lambda: run_build(root, drafts=drafts, out=out, progress=progress))
    _print_problems(result.warnings)
    elapsed = time.perf_counter() - started
    where = os.path.relpath(result.out_dir) if result.out_dir.is_relative_to(Path.cwd()) else str(result.out_dir)
    click.echo(f"Built {result.documents} documents, {len(result.outputs)} files into {where}/ in {elapsed:.2f} s")


@main.command()
@click.option("--drafts", is_flag=True, help="Check drafts too.")
@click.pass_obj
def check(root: Path, drafts: bool) -> None:
    """Check front matter, links and Markdown without writing anything."""
    from builder.build import build as run_build

    result = _run(lambda: run_build(root, drafts=drafts, write=False))
    _print_problems(result.warnings)
    click.echo(f"Checked {result.documents} documents: no errors")


@main.command()
@click.argument("title")
@click.pass_obj
def new(root: Path, title: str) -> None:
    """Start a new article (a draft) from TITLE."""
    from builder.config import load_settings
    from builder.scaffold import new_article

    settings, _ = _run(lambda: load_settings(root))
    path = _run(lambda: new_article(settings, title))
    click.echo(f"Created {os.path.relpath(path)}")


@main.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default="My publication", help="The publication's title.")
@click.pass_obj
def init(root: Path, directory: Path | None, title: str) -> None:
    """Start a new publication in DIRECTORY (default: here)."""
    from builder.scaffold import init_publication

    target = directory if directory is not None else root
    created = _run(lambda: init_publication(target, title))
    for path in created:
        click.echo(f"Created {os.path.relpath(path)}")
