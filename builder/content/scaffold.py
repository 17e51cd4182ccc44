"""Files for `dossier new` and `dossier init`."""

from __future__ import annotations

import datetime as dt
import json
import os
import unicodedata
from pathlib import Path

from builder.errors import BuildFailed, error
from builder.content.romanize import romanize_hangul
from builder.model import Settings
from builder.run.confinement import inside
from builder.run.write import write_new
from builder.text import slugify


def today() -> dt.date:
    """Today, or the day of SOURCE_DATE_EPOCH when set (reproducible output)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return dt.date.today()


def new_article(settings: Settings, title: str, slug: str | None = None) -> Path:
    """Create content/articles/SLUG.md from the title, or from the slug asked for; refuse to overwrite.
    A Korean title gives its Revised Romanization (an address anyone can type and read aloud); other
    scripts keep their letters."""
    _check_title(title)
    if slug is not None:
        _check_title(slug, "--slug")
        slug = slugify(slug)
        if not slug:
            raise BuildFailed([error("--slug", 1, 1, "the slug gives an empty file name: use letters or digits")])
    slug = slug or slugify(romanize_hangul(title))
    if not slug:
        raise BuildFailed([error("<title>", 1, 1, "the title gives an empty file name: use letters or digits")])
    path = settings.root / "content" / "articles" / f"{slug}.md"
    relpath = path.relative_to(settings.root).as_posix()
    authors = ", ".join(json.dumps(a.name, ensure_ascii=False) for a in settings.authors)
    text = ("---\n"
            f"title: {json.dumps(title, ensure_ascii=False)}\n"
            f"date: {today().isoformat()}\n"
            f"authors: [{authors}]\n"
            "tags: []\n"
            'summary: ""\n'
            "draft: true\n"
            "---\n\n"
            "Write the analysis here. Set `draft: false` to publish it.\n")
    if not _create(path, text, relpath, settings.root):
        raise BuildFailed([error(relpath, 1, 1, "an article with this name exists already")])
    return path


def _check_title(title: str, what: str = "<title>") -> None:
    """A title (or slug) fit for a file name and front matter: no control characters (a pasted form feed)."""
    for index, char in enumerate(title):
        if unicodedata.category(char) in ("Cc", "Cs") or char in "\u2028\u2029":
            raise BuildFailed([error(what, 1, index + 1, f"the title holds a control character "
                                     f"(U+{ord(char):04X}): remove it")])


def _create(path: Path, text: str, relpath: str, root: Path) -> bool:
    """Write a new file at path, never replacing one (nor following a link); False if something is there.
    Its folder must lie in root, links followed: a linked content/articles/ leads nowhere else."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not inside(root, path.parent):
            reason = "its folder is a link to a place outside the publication folder"
            raise BuildFailed([error(relpath, 1, 1, f"cannot create the file ({reason})")])
        write_new(path, text.encode("utf-8"))
    except OSError as exc:
        if isinstance(exc, FileExistsError) and (path.exists() or path.is_symlink()):
            return False
        reason = f"{path.parent.name} is not a folder" if isinstance(exc, FileExistsError) else exc.strerror or exc
        raise BuildFailed([error(relpath, 1, 1, f"cannot create the file ({reason})")]) from None
    return True


def init_publication(directory: Path, title: str) -> tuple[list[Path], list[Path]]:
    """A small publication that builds: settings, an example article with its sources and a saved copy
    of one, About and Methodology pages, a .gitignore and a workflow that publishes the site.

    In a folder that holds a publication already, only the setup files that are missing (.gitignore,
    the workflow) are added: its content stays its own. Returns (files created, files kept): a file
    of the starter's names that exists is never replaced."""
    from builder.content.starter import SETUP_FILES, starter_files

    _check_title(title)
    if directory.is_symlink() and not directory.exists():
        raise BuildFailed([error(str(directory), 1, 1, "cannot start a publication here: it is a link to nothing")])
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BuildFailed([error(str(directory), 1, 1, "cannot start a publication here "
                                 f"({exc.strerror or exc})")]) from None
    files = starter_files(title, today())
    existing = (directory / "dossier.yml").exists() or (directory / "dossier.yml").is_symlink()
    if existing:
        files = {name: text for name, text in files.items() if name in (*SETUP_FILES, "dossier.yml")}
    created, kept = [], []
    # dossier.yml last: a publication exists only once everything it names is in place.
    for name, text in files.items():
        path = directory / name
        (created if _create(path, text, str(path), directory) else kept).append(path)
    try:
        if not existing:
            (directory / "content" / "assets").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BuildFailed([error(str(directory / "content" / "assets"), 1, 1, "cannot start a publication here "
                                 f"({exc.strerror or exc})")]) from None
    return created, kept
