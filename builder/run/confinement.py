"""The read gate: a build reads the publication's own files only.

Every file a publication names — documents, assets, .bib files, saved sources, theme files,
the CSL style, link targets — is checked with inside() before it is read: with every link
followed, it must lie in the publication folder. A link that loops is never inside.
"""

from __future__ import annotations

import os
from pathlib import Path

from builder.errors import Problem, error


def real_path(path: Path) -> Path | None:
    """path with every link followed (it need not exist); None for a link that loops."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):     # Python 3.11 raises RuntimeError on a loop, later ones OSError
        return None


def inside(root: Path, path: Path) -> bool:
    """Whether path, links followed, lies in root (root itself included)."""
    real, real_root = real_path(path), real_path(root)
    return real is not None and real_root is not None and real.is_relative_to(real_root)


def links_outside(root: Path, folders: list[Path]) -> list[Problem]:
    """An error for each of folders, or file or folder under them, that is a link resolving outside root."""
    problems = []
    for folder in folders:
        if not (folder.exists() or folder.is_symlink()):
            continue
        if not inside(root, folder):
            problems.append(_outside(folder, root))
            continue
        for directory, folder_names, file_names in os.walk(folder):
            for name in sorted(folder_names + file_names):
                path = Path(directory) / name
                if path.is_symlink() and not inside(root, path):
                    problems.append(_outside(path, root))
    return sorted(problems)


def _outside(path: Path, root: Path) -> Problem:
    relpath = path.relative_to(root).as_posix()
    if real_path(path) is None:
        return error(relpath, 1, 1, "is a link that leads back to itself (a loop): replace it with the file")
    what = "folder" if path.is_dir() else "file"
    return error(relpath, 1, 1, f"{what} is a link to a place outside the publication folder: copy what it holds into the publication")
