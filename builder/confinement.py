"""A build reads the publication's own files only: none of its inputs may link outside its folder."""

from __future__ import annotations

import os
from pathlib import Path

from builder.errors import Problem, error


def links_outside(root: Path, folders: list[Path]) -> list[Problem]:
    """An error for each of folders, or file or folder under them, that is a link resolving outside root."""
    real_root = root.resolve()
    problems = []
    for folder in folders:
        if not (folder.exists() or folder.is_symlink()):
            continue
        if not folder.resolve().is_relative_to(real_root):
            problems.append(_outside(folder, root))
            continue
        for directory, folder_names, file_names in os.walk(folder):
            for name in sorted(folder_names + file_names):
                path = Path(directory) / name
                if path.is_symlink() and not path.resolve().is_relative_to(real_root):
                    problems.append(_outside(path, root))
    return sorted(problems)


def _outside(path: Path, root: Path) -> Problem:
    what = "folder" if path.is_dir() else "file"
    return error(path.relative_to(root).as_posix(), 1, 1,
                 f"{what} is a link to a place outside the publication folder: copy what it holds into the publication")
