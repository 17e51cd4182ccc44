"""A journal of the moves that update a site folder in place, so that an update that does not
finish is undone whole.

An update works from a folder beside the site (.NAME.update-PID next to the site NAME): new/
holds what is to be moved in (files, or whole folders: the search bundles), old/ what it
replaces or what is removed, and `journal` one line per move, written before the move is made.
Until commit(), undo() puts back what was moved, whatever point the moves reached; a build killed
midway leaves the folder, and the next build undoes it first (recover()), so the site is always
the one the last finished build left, or that site again one build later.

A file replaced is kept in old/ as a second link to it, and its new version renamed over it: a
reader never finds it missing. Nothing outside the site folder and the update's folder is moved
or removed: every path is checked as the write gate checks it (run/write.py's site_file).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

KIND = "update"                 # the update folder: .NAME.update-PID
_ADD, _REPLACE, _REMOVE, _COMMIT = "add", "replace", "remove", "commit"


class Journal:
    """The moves of one update of the site folder `site`, noted in folder/journal."""

    def __init__(self, site: Path, folder: Path):
        self.site, self.folder = site, folder
        self.new, self.old = folder / "new", folder / "old"
        self._log: int | None = None

    @classmethod
    def begin(cls, site: Path) -> Journal:
        """A new update of site (a folder of its own, made here, with its journal still empty)."""
        journal = cls(site, site.with_name(f".{site.name}.{KIND}-{os.getpid()}"))
        journal.folder.mkdir()
        journal.new.mkdir()
        journal.old.mkdir()
        journal._log = os.open(journal.folder / "journal", os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND
                               | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0), 0o644)
        return journal

    def move_in(self, path: str) -> None:
        """Put new/path (a file or a folder) at the site's path; what was there is kept in old/."""
        live, kept = _inside(self.site, path), _inside(self.old, path)
        if os.path.lexists(live):
            self._note(_REPLACE, path)
            kept.parent.mkdir(parents=True, exist_ok=True)
            if live.is_dir() and not live.is_symlink():
                os.replace(live, kept)
            else:
                os.link(live, kept, follow_symlinks=False)
        else:
            self._note(_ADD, path)
            live.parent.mkdir(parents=True, exist_ok=True)
        os.replace(_inside(self.new, path), live)

    def remove(self, path: str) -> None:
        """Take the site's file or folder at path out of the site (kept in old/ until commit())."""
        live, kept = _inside(self.site, path), _inside(self.old, path)
        self._note(_REMOVE, path)
        kept.parent.mkdir(parents=True, exist_ok=True)
        os.replace(live, kept)
        _prune(live.parent, self.site)

    def commit(self) -> None:
        """The update is done: forget what it replaced."""
        self._note(_COMMIT, "")
        self.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def undo(self) -> None:
        """Put the site back as it was before the first move (nothing if it was committed), and
        remove the update's folder."""
        self.close()
        steps = _read(self.folder / "journal")
        if (_COMMIT, "") not in steps:
            for step, path in reversed(steps):
                self._undo(step, path)
        shutil.rmtree(self.folder, ignore_errors=True)

    def close(self) -> None:
        if self._log is not None:
            os.close(self._log)
            self._log = None

    def _note(self, step: str, path: str) -> None:
        os.write(self._log, (json.dumps([step, path], ensure_ascii=False) + "\n").encode("utf-8"))

    def _undo(self, step: str, path: str) -> None:
        try:
            live, kept, fresh = _inside(self.site, path), _inside(self.old, path), _inside(self.new, path)
        except ValueError:
            return                      # not a path an update writes: never acted on
        if step == _ADD:
            if os.path.lexists(live) and not os.path.lexists(fresh):
                _delete(live)           # moved in, where nothing was
            _prune(live.parent, self.site)      # the folders made for it
        elif step in (_REPLACE, _REMOVE) and os.path.lexists(kept):
            if live.is_dir() and not live.is_symlink():
                shutil.rmtree(live)     # a folder moved in over the one kept
            live.parent.mkdir(parents=True, exist_ok=True)
            os.replace(kept, live)


def recover(site: Path) -> None:
    """Undo the updates of site that builds killed midway left beside it (folders .NAME.update-PID
    holding a journal; only one build of a publication runs at a time, so none is still running)."""
    for folder in sorted(site.parent.glob(f".{site.name}.{KIND}-*")):
        if not folder.name.rsplit("-", 1)[1].isdigit() or folder.is_symlink() or not folder.is_dir():
            continue
        if (folder / "journal").is_file() and not (folder / "journal").is_symlink() and site.is_dir():
            Journal(site, folder).undo()
        else:
            shutil.rmtree(folder, ignore_errors=True)


def _inside(base: Path, path: str) -> Path:
    """base/path, for a site-relative path that stays in base (no empty, '.' or '..' part, no
    part that is a link): ValueError if not."""
    parts = path.split("/")
    if any(part in ("", ".", "..") or "\x00" in part for part in parts):
        raise ValueError(path)
    folder = base
    for part in parts[:-1]:
        folder = folder / part
        if folder.is_symlink():
            raise ValueError(path)
    return base.joinpath(*parts)


def _read(journal: Path) -> list[tuple[str, str]]:
    """The steps noted; a line cut short by a kill (the last) is a step not taken."""
    steps = []
    try:
        lines = journal.read_text(encoding="utf-8", errors="replace").split("\n")
    except OSError:
        return []
    for line in lines:
        try:
            step, path = json.loads(line)
        except (ValueError, TypeError):
            continue
        if step in (_ADD, _REPLACE, _REMOVE, _COMMIT) and isinstance(path, str):
            steps.append((step, path))
    return steps


def _delete(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def _prune(folder: Path, site: Path) -> None:
    """Remove folder and the folders above it that are left empty, up to the site's."""
    while folder != site and folder.is_relative_to(site):
        try:
            folder.rmdir()              # only when empty
        except OSError:
            return
        folder = folder.parent
