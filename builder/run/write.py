"""The write gate (site_file), and a site written whole: aside, then swapped in. Besides this module only
run/inplace.py and run/journal.py (a rebuild: the changes moved in under a journal) and run/update.py
(`dossier serve`: file by file) touch the output folder."""

from __future__ import annotations

import filecmp
import os
import shutil
import signal
import stat
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from builder.errors import BuildFailed, error
from builder.model import Output
from builder.run.journal import WHOLE, made_here, recover as recover_updates, remove as remove_work, work_folder


def check_unique(outputs: list[Output]) -> None:
    """Refuse two outputs at one path, or a file where another output needs a folder: one would
    silently replace the other, or the site could not be written."""
    seen: dict[str, Output] = {}
    problems = []
    for output in outputs:
        if output.path in seen:
            first = seen[output.path]
            what = str(output.source or first.source or "a generated page")
            problems.append(error(what, 1, 1, f"two files would be written to {output.path}"))
        seen[output.path] = output
    for output in outputs:
        folders = output.path.split("/")[:-1]
        for depth in range(1, len(folders) + 1):
            folder = "/".join(folders[:depth])
            if folder in seen:
                what = str(seen[folder].source or output.source or "a generated page")
                problems.append(error(what, 1, 1, f"{folder} would be both a file and the folder of {output.path}"))
                break
    if problems:
        raise BuildFailed(problems)


def site_file(site: Path, path: str, real_folders: dict[Path, bool]) -> Path:
    """The place of the site-relative path in the site folder, its folders made: the one gate every
    file of a site is written through. A path that is absolute, has an empty, '.' or '..' part,
    or leads through a link out of the site is refused (real_folders caches the folders checked)."""
    parts = path.split("/")
    if any(part in ("", ".", "..") or "\x00" in part for part in parts):
        raise BuildFailed([error(str(site), 1, 1, f"refusing to write '{path}': the path would leave the site folder")])
    target = site.joinpath(*parts)
    folder = target.parent
    if folder not in real_folders:      # checked before it is made: no folder is made through a link
        real_folders[folder] = Path(os.path.realpath(folder)).is_relative_to(os.path.realpath(site))
        if real_folders[folder]:
            folder.mkdir(parents=True, exist_ok=True)
    if not real_folders[folder] or target.is_symlink():
        raise BuildFailed([error(str(site), 1, 1, f"refusing to write '{path}': the path would leave the site folder")])
    return target


# Written into every site Dossier builds: a folder is replaced whole only if it holds this file.
MARKER = ".dossier-site"
SEARCH_BUNDLES = ("pagefind", "pagefind-all")     # the folders the search indexer writes (site/search.py)
MARKER_TEXT = b"This folder is built by Dossier: each build rewrites it. Do not keep other files here.\n"


def site_folder(out_dir: Path, *, legacy: bool = False) -> Path:
    """The folder a site is written to, made ready: check_site_folder(), and what a killed build
    left beside it put right."""
    out_dir = check_site_folder(out_dir, legacy=legacy)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    _recover(out_dir)
    return check_site_folder(out_dir, legacy=legacy)


def check_site_folder(out_dir: Path, *, legacy: bool = False) -> Path:
    """The folder a site is written to: out_dir, or where it links to (a symlinked _site is kept
    and its target updated). Refused unless absent, empty, or a site Dossier built (its marker;
    with legacy also an index.html and a search index, for a publication's own output built
    before markers)."""
    out_dir = Path(os.path.realpath(out_dir.absolute()))
    if out_dir.exists() and not out_dir.is_dir():
        raise BuildFailed([error(str(out_dir), 1, 1, "refusing to replace this file: the output must be a folder")])
    if out_dir.is_dir() and not is_site(out_dir, legacy=legacy) and any(out_dir.iterdir()):
        raise BuildFailed([error(str(out_dir), 1, 1, "refusing to replace this folder: it is not empty and Dossier "
                                 f"did not build it (no {MARKER} file); empty it or choose another output folder")])
    return out_dir


def is_site(folder: Path, *, legacy: bool = False) -> bool:
    """Whether folder is a site Dossier built, which a build may replace whole."""
    marker = folder / MARKER
    if marker.is_file() and not marker.is_symlink():
        return True
    # Sites built before the marker: a home page and a search index (every build made one).
    return legacy and (folder / "index.html").is_file() and (folder / "pagefind" / "pagefind-entry.json").is_file()


def mark_site(folder: Path) -> None:
    """Make folder (absent or empty, or a site already) a site of Dossier's: what `dossier pdf`
    does before adding PDFs to a publication not built yet. A marker that is a link is replaced."""
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / MARKER
    if marker.is_file() and not marker.is_symlink():
        return
    if marker.is_symlink():
        marker.unlink()
    write_new(marker, MARKER_TEXT)


def write_new(path: Path, content: bytes) -> None:
    """Create path with content; never through a link, never over an existing file."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
                         | getattr(os, "O_CLOEXEC", 0), 0o644)
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(content)


def replace_file(path: Path, data: bytes, *, durable: bool = False) -> None:
    """Replace path with data in one step: a new file beside it, renamed over it, so a reader
    never finds it half written and a failure (a full disk) leaves it as it was (OSError is
    raised). An existing file's mode is kept; a new one gets 0o666 less the umask, applied by
    the system (reading the umask would mean setting it, which races with serve's threads).
    durable: on the disk before this returns (a user's file, not a cache entry)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else None
    temporary = path.with_name(f".{path.name}.{os.urandom(4).hex()}.tmp")
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_site(outputs: list[Output], out_dir: Path, *, legacy: bool = False) -> None:
    """Write outputs to a fresh folder next to out_dir and swap it in only when all succeeded."""
    with stage_site(outputs, out_dir, legacy=legacy) as staged:
        staged.publish()


class StagedSite:
    """The next site, written aside next to the output folder (its folder): later stages add to it
    (the PDFs, the search index), publish() swaps it in. Used as a context manager, it is removed
    if it was not published, whatever happened, and problems naming files in it name the site's."""

    def __init__(self, out_dir: Path, work: Path, previous: Path | None, real: dict[Path, bool],
                 outputs: frozenset[str] = frozenset()):
        self.out_dir, self.previous, self._real = out_dir, previous, real
        self.work, self.folder = work, work / "new"     # run/journal.py's work_folder()
        self._outputs = outputs
        self._published = False

    def __enter__(self) -> StagedSite:
        return self

    def __exit__(self, kind, exc, traceback) -> None:
        if self._published:
            return
        remove_work(self.work)
        as_failure(exc, self.folder, self.out_dir)


    def carry(self, name: str) -> None:
        """The previous site's folder name (a search bundle a build did not remake), hard-linked
        into the staged site; nothing when there is none."""
        source = self.previous / name if self.previous is not None else None
        if source is None or not source.is_dir() or source.is_symlink() or (self.folder / name).exists():
            return

        def link(src: str, dst: str) -> None:
            try:
                os.link(src, dst)
            except OSError:
                shutil.copy2(src, dst)

        shutil.copytree(source, self.folder / name, symlinks=False, copy_function=link)

    def for_pdf(self) -> tuple[Path, Path, Callable[[Path], Path | None]]:
        """(the site the PDF stage reads, the folder it writes into, where a file of the site is read
        from): the staged folder, whose outputs only are read (not the marker, nor the PDFs being
        written), as an update reads them (run/inplace.py)."""
        return self.folder, self.folder, self._reading

    def _reading(self, path: Path) -> Path | None:
        if not path.is_relative_to(self.folder):
            return None
        return path if path.relative_to(self.folder).as_posix() in self._outputs else None

    def ready(self) -> tuple[Path, Path]:
        """(the new site as the later stages read it, the folder they write into): both the staged folder."""
        return self.folder, self.folder

    def carry_search(self) -> None:
        """The previous site's search bundles (site/search.py), for a build that does not index."""
        for name in SEARCH_BUNDLES:
            self.carry(name)

    def publish(self) -> None:
        """Swap the staged folder in for the site, in one step where the system can."""
        out_dir, staging = self.out_dir, self.folder
        if self.previous is not None:        # what the PDF stage and the search indexer wrote
            for folder in ("pdf", *SEARCH_BUNDLES):
                _relink_unchanged(self.previous, staging, folder, self._real)
        retired = self.work / "old"
        with uninterruptible():
            try:
                if out_dir.exists() and _exchange(staging, out_dir):
                    self._published = True
                    remove_work(self.work)  # new/ is the previous site now: out_dir was never missing
                    return
                if out_dir.exists():
                    os.replace(out_dir, retired)
                os.replace(staging, out_dir)
            except OSError as exc:
                kept = "the previous site is unchanged"
                if not os.path.lexists(out_dir) and any(retired.iterdir()):    # moved aside: put back
                    try:
                        os.replace(retired, out_dir)
                    except OSError:
                        kept = f"the previous site is in {retired}, and the next build puts it back"
                if kept.endswith("unchanged"):
                    remove_work(self.work)
                self._published = True      # nothing left to discard
                raise BuildFailed([error(str(out_dir), 1, 1, f"cannot write the site ({exc.strerror or exc}); {kept}")]) from None
            self._published = True
            remove_work(self.work)


def stage_site(outputs: list[Output], out_dir: Path, *, legacy: bool = False) -> StagedSite:
    """Write outputs to a fresh folder next to out_dir (hard-linking the previous site's files
    that did not change); nothing of the site changes until the result is published."""
    check_unique(outputs)
    out_dir = site_folder(out_dir, legacy=legacy)
    previous = out_dir if out_dir.is_dir() else None
    real: dict[Path, bool] = {}     # folders of the previous site: reached without a symlink?
    try:
        work = work_folder(out_dir, WHOLE)
    except OSError as exc:
        raise BuildFailed([error(str(out_dir), 1, 1, f"cannot write the site ({exc.strerror or exc}); "
                                 "the previous site is unchanged")]) from None
    staged = StagedSite(out_dir, work, previous, real, frozenset(output.path for output in outputs))
    staging = staged.folder
    try:
        mark_site(staging)
        folders: dict[Path, bool] = {}
        for output in sorted(outputs, key=lambda o: o.path):
            target = site_file(staging, output.path, folders)
            if output.kept and _link(output.source, target):
                continue
            if previous is not None and _link_unchanged(previous / output.path, target, output, real):
                continue
            if output.content is not None:
                target.write_bytes(output.content)
            else:
                shutil.copyfile(output.source, target)
    except BaseException:       # interrupted (Ctrl-C, SIGTERM) or a bug too: leave nothing half-made
        with staged:            # not published: removed, and an OSError becomes the build's error
            raise
    return staged


def _exchange(new: Path, current: Path) -> bool:
    """Swap two folders in one step (Linux's renameat2 RENAME_EXCHANGE), so a server reading
    the site never finds it missing; False where the system or file system cannot."""
    import ctypes
    import errno
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_cwd, exchange = -100, 2
    if renameat2(at_cwd, os.fsencode(new), at_cwd, os.fsencode(current), exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(current))


def as_failure(exc: BaseException | None, folder: Path, out_dir: Path) -> None:
    """Raise what went wrong while the next site was made in folder, now gone, as the build's
    failure: problems naming its files name the site's, an OSError is an error of the site."""
    if isinstance(exc, BuildFailed):
        raise BuildFailed([named_in_site(problem, folder, out_dir) for problem in exc.problems]) from None
    if isinstance(exc, OSError):
        raise BuildFailed([error(str(out_dir), 1, 1, f"cannot write the site ({exc.strerror or exc}); "
                                 "the previous site is unchanged")]) from None


def named_in_site(problem, staging: Path, out_dir: Path):
    """problem, its path moved from the staging folder to the site folder it was to become."""
    from dataclasses import replace

    path = Path(problem.path)
    if path == staging or path.is_relative_to(staging):
        return replace(problem, path=str(out_dir / path.relative_to(staging)))
    return problem


def _link_unchanged(old: Path, target: Path, output: Output, real: dict[Path, bool]) -> bool:
    """Hard-link the previous site's file to target if it holds exactly the output's bytes; False if not done.

    A rebuild then writes only the files that changed, and retiring the previous site frees
    only their blocks: on an edit of one article ~30 files of ~10,000. Only a regular file
    that no other name links to is shared, so the new site never shares an inode with
    anything but the site it replaces."""
    try:
        info = old.lstat()
        if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
            return False
        if old.parent not in real:
            real[old.parent] = Path(os.path.realpath(old.parent)) == old.parent
        if not real[old.parent]:    # reached through a symlinked folder: maybe outside the site
            return False
        if output.content is not None:
            if info.st_size != len(output.content) or old.read_bytes() != output.content:
                return False
        elif info.st_size != output.source.stat().st_size or not filecmp.cmp(old, output.source, shallow=False):
            return False
        os.link(old, target)
        return True
    except OSError:             # gone, unreadable, or no hard links on this file system: write it
        return False


def _link(kept: Path, target: Path) -> bool:
    """Hard-link a file of the previous site that a build knows to be unchanged (site/memo.py)."""
    try:
        os.link(kept, target)
        return True
    except OSError:
        return False


def _relink_unchanged(previous: Path, staging: Path, name: str, real: dict[Path, bool]) -> None:
    """Swap the files of staging/name (written by a tool: the search indexer, the PDF stage) for hard
    links to identical ones of the previous site, so their fresh copies are freed before they reach the disk."""
    folder = staging / name
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            spare = path.with_name(f".{path.name}.link")
            if _link_unchanged(previous / path.relative_to(staging), spare, Output("", source=path), real):
                os.replace(spare, path)


_STOPS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def uninterruptible(*, stop_after: bool = False):
    """Hold back Ctrl-C and SIGTERM while a site is swapped or moved in: once it begins, it
    finishes. A request to stop that came meanwhile is dropped (the build is complete), or with
    stop_after made once it is over (more is to come, which the stop then undoes)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    came: list[int] = []
    previous = {stop: signal.signal(stop, lambda signum, frame: came.append(signum)) for stop in _STOPS}
    try:
        yield
    finally:
        for stop, handler in previous.items():
            signal.signal(stop, handler if handler is not None else signal.SIG_DFL)
        if stop_after and came:
            signal.raise_signal(came[0])


def _recover(out_dir: Path) -> None:
    """Undo what a build killed midway left beside the site (a site written whole, the previous one put
    back if moved aside; an update in place), in folders this machine made for it (run/journal.py)."""
    for work, _ in made_here(out_dir, WHOLE):
        retired = work / "old"
        if not os.path.lexists(out_dir) and retired.is_dir() and any(retired.iterdir()):    # the site, moved aside
            os.replace(retired, out_dir)
        remove_work(work)
    recover_updates(out_dir)

