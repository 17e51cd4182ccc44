"""A journal of the moves that update a site folder in place, so that an update that does not
finish is undone whole.

An update works from a folder beside the site (.NAME.update-RANDOM next to the site NAME): new/
holds what is to be moved in (files, or whole folders: the search bundles), old/ what it
replaces or what is removed, and `journal` one line per move, written before the move is made.
Until commit(), undo() puts back what was moved, whatever point the moves reached; a build killed
midway leaves the folder, and the next build undoes it first (recover()), so the site is always
the one the last finished build left, or that site again one build later.

A file replaced is kept in old/ as a second link to it, and its new version renamed over it: a
reader never finds it missing. Nothing outside the site folder and the update's folder is moved
or removed: every path is checked as the write gate checks it (run/write.py's site_file).

Only an update this machine began is undone: its folder holds a stamp naming the folder's own
device and inode, which a folder that arrives with the publication (a pull request can add
anything beside _site/) cannot match, as the cache's stamp (run/cache.py). Any other folder of
that name is left alone, untouched.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import tempfile
from pathlib import Path

KIND = "update"                 # the update folder: .NAME.update-RANDOM
WHOLE = "new"                   # a site written whole beside the site (run/write.py): .NAME.new-RANDOM
STAMP = "stamp"
_ADD, _REPLACE, _REMOVE, _COMMIT = "add", "replace", "remove", "commit"


class Journal:
    """The moves of one update of the site folder `site`, noted in folder/journal."""

    def __init__(self, site: Path, folder: Path):
        self.site, self.folder = site, folder
        self.new, self.old = folder / "new", folder / "old"
        self._log: int | None = None
        self._synced = False

    @classmethod
    def begin(cls, site: Path) -> Journal:
        """A new update of site (a folder of its own, made here, with its journal still empty); OSError
        if it cannot be made."""
        journal = cls(site, work_folder(site, KIND))
        try:
            journal._log = _create(journal.folder / "journal", b"", keep_open=True)
        except BaseException:
            journal.close()
            shutil.rmtree(journal.folder, ignore_errors=True)
            raise
        return journal

    def apply(self, moved_in: list[str], removed: list[str]) -> None:
        """Put each new/PATH of moved_in (a file or a folder) at the site's PATH, and take each PATH
        of removed out of the site; what was there is kept in old/ until commit(). The journal says
        all of them, on disk, before the first is made: a power cut cannot leave a move it does not
        know (a journaling file system keeps the moves that follow in their order)."""
        steps = [(_REPLACE if os.path.lexists(_inside(self.site, path)) else _ADD, path) for path in moved_in]
        steps += [(_REMOVE, path) for path in removed]
        if not steps:
            return
        # ASCII escapes: a file name that is not UTF-8 (a surrogate escape) is written and read back as it is
        _write_all(self._log, "".join(json.dumps(step) + "\n" for step in steps).encode("ascii"))
        self._sync()
        for step, path in steps:
            if step == _REMOVE:
                self._take_out(path)
            else:
                self._put_in(path, step)

    def _put_in(self, path: str, step: str) -> None:
        live, kept = _inside(self.site, path), _inside(self.old, path)
        if step == _REPLACE:
            kept.parent.mkdir(parents=True, exist_ok=True)
            if live.is_dir() and not live.is_symlink():
                os.replace(live, kept)
            else:
                try:
                    os.link(live, kept, follow_symlinks=False)
                except OSError:         # no hard links here (FAT, some network shares): moved, then missing a moment
                    os.replace(live, kept)
        else:
            live.parent.mkdir(parents=True, exist_ok=True)
        os.replace(_inside(self.new, path), live)

    def _take_out(self, path: str) -> None:
        live, kept = _inside(self.site, path), _inside(self.old, path)
        kept.parent.mkdir(parents=True, exist_ok=True)
        os.replace(live, kept)
        _prune(live.parent, self.site)

    def commit(self) -> None:
        """The update is done: forget what it replaced (OSError if the journal cannot say so)."""
        _write_all(self._log, (json.dumps([_COMMIT, ""]) + "\n").encode("ascii"))
        self._sync()
        self.close()
        remove(self.folder)

    def undo(self) -> None:
        """Put the site back as it was before the first move (nothing if it was committed), and
        remove the update's folder. A step that cannot be undone is passed over: the file it
        left differs from what the last build recorded, so the next build writes it again."""
        self.close()
        steps = _read(self.folder / "journal")
        if (_COMMIT, "") not in steps:
            for step, path in reversed(steps):
                try:
                    self._undo(step, path)
                except OSError:
                    continue
        remove(self.folder)

    def close(self) -> None:
        if self._log is not None:
            os.close(self._log)
            self._log = None

    def _sync(self) -> None:
        """The journal on disk, and (the first time) its name in the update's folder."""
        os.fsync(self._log)
        if not self._synced:
            folder = os.open(self.folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
            self._synced = True

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
            elif os.path.lexists(live) and kept.is_dir() and not kept.is_symlink():
                live.unlink()           # a file moved in where a folder was
            live.parent.mkdir(parents=True, exist_ok=True)
            os.replace(kept, live)


def work_folder(site: Path, kind: str) -> Path:
    """A folder of this machine's own beside site, for an update (KIND) or a site written whole
    (WHOLE): stamped first (a kill before that leaves it empty, and made_here() removes it), then
    new/ and old/ made in it. OSError if it cannot be made."""
    folder = Path(tempfile.mkdtemp(prefix=f".{site.name}.{kind}-", dir=site.parent))
    try:
        stamp = _stamp(folder, site) if kind == KIND else _stamp(folder, None, kind) + "\n"
        _create(folder / STAMP, stamp.encode())
        (folder / "new").mkdir()
        (folder / "old").mkdir()
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


def made_here(site: Path, kind: str) -> list[tuple[Path, str]]:
    """The folders of kind beside site that this machine made (work_folder()), with their stamps;
    an empty one (a build killed as it made it) is removed, any other left as it is."""
    pattern = re.compile(re.escape(f".{site.name}.{kind}-") + r"[a-z0-9_]{8}")
    try:
        candidates = sorted(path for path in site.parent.iterdir() if pattern.fullmatch(path.name))
    except OSError:
        return []
    found = []
    for folder in candidates:
        try:
            stamp = os.lstat(folder / STAMP)
            if stat.S_ISREG(stamp.st_mode) and stamp.st_size == 0 and os.listdir(folder) == [STAMP]:
                os.unlink(folder / STAMP)   # killed as it wrote the stamp: an empty file is all there is
        except OSError:
            pass
        try:
            folder.rmdir()              # a build killed as it made the folder: only an empty one goes
            continue
        except OSError:
            pass
        whose = _owner(folder)
        if whose is not None and whose.rstrip("\n").split(" of ")[0] == _stamp(folder, None, kind):
            found.append((folder, whose))
    return found


def recover(site: Path) -> None:
    """Undo the updates of site that builds killed midway left beside it: folders .NAME.update-*
    this machine made for this site folder (their stamp); only one build of a publication runs at
    a time, so none is still running. An update of a site folder since removed is removed; a
    folder this machine did not make is left as it is."""
    for folder, whose in made_here(site, KIND):
        if not site.is_dir() or site.is_symlink():
            continue
        if whose == _stamp(folder, site):
            Journal(site, folder).undo()
        else:
            remove(folder)              # made here for a site folder that is gone: nothing to put back


def _owner(folder: Path) -> str | None:
    """The stamp of folder, if it is an update this machine began: a folder (not a link) holding a
    stamp naming the folder itself, and no new/ or old/ that is anything but a folder of its own."""
    try:
        if folder.is_symlink() or not folder.is_dir():
            return None
        if any(os.path.lexists(part) and (part.is_symlink() or not part.is_dir())
               for part in (folder / "new", folder / "old")):
            return None
        descriptor = os.open(folder / STAMP, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0)
                             | getattr(os, "O_CLOEXEC", 0))
        try:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                return None             # a pipe would never answer
            found = os.read(descriptor, 300).decode("ascii", "replace")
        finally:
            os.close(descriptor)
        return found if found.startswith("dossier ") else None
    except OSError:
        return None


def _stamp(folder: Path, site: Path | None, kind: str = KIND) -> str:
    """What a folder of kind says of itself (its device and inode) and of the site folder it updates."""
    info = os.lstat(folder)
    mine = f"dossier {kind} {info.st_dev}:{info.st_ino}"
    if site is None:
        return mine
    of = os.lstat(site)
    return f"{mine} of {of.st_dev}:{of.st_ino}\n"


def remove(folder: Path) -> None:
    """Remove a work_folder(), its stamp last: one half removed by a kill is still known as ours."""
    for entry in ("journal", "new", "old"):
        path = folder / entry
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        elif os.path.lexists(path):
            path.unlink()
    (folder / STAMP).unlink(missing_ok=True)
    try:
        folder.rmdir()
    except OSError:                     # something else in it: a whole removal
        shutil.rmtree(folder, ignore_errors=True)


def _write_all(descriptor: int, data: bytes) -> None:
    """Write all of data (a write to a nearly full disk may write part of it; OSError if the rest cannot be)."""
    view = memoryview(data)
    while view:
        written = os.write(descriptor, view)
        if written <= 0:
            raise OSError(28, "No space left on device")
        view = view[written:]


def _create(path: Path, content: bytes, keep_open: bool = False) -> int | None:
    """Create path (never through a link, never over a file) with content; its descriptor if keep_open."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0)
                         | getattr(os, "O_CLOEXEC", 0), 0o644)
    _write_all(descriptor, content)
    if keep_open:
        return descriptor
    os.close(descriptor)
    return None


def _inside(base: Path, path: str) -> Path:
    """base/path, for a site-relative path that stays in base (no empty, '.' or '..' part, no
    part that is a link): ValueError if not."""
    parts = path.split("/")
    if any(part in ("", ".", "..") or "\x00" in part or (os.sep != "/" and ("\\" in part or ":" in part))
           for part in parts):
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
        lines = journal.read_text(encoding="ascii", errors="replace").split("\n")
    except OSError:
        return []
    for line in lines:
        try:
            step, path = json.loads(line) if len(line) < 65536 else (None, None)
        except (ValueError, TypeError, RecursionError):
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
