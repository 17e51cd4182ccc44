"""One build of a publication at a time: `dossier serve` rebuilding while `dossier build` runs
would otherwise write the same cache and swap the same site folder. And one build writing beside
an output folder at a time: two publications built into the same --out would each take the
other's unfinished update for one a killed build left, and undo it (run/journal.py)."""

from __future__ import annotations

import errno
import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

LOCK_NAME = "lock"            # in the cache folder; the cache keeps it when it clears itself
_held = threading.local()     # how deep this thread is in builds holding the locks (build_pdfs calls build)


@contextmanager
def publication_lock(folder: Path, waiting: Callable[[], None]) -> Iterator[None]:
    """Hold folder/lock while the block runs; if another process holds it, call waiting() and wait.

    Not locked: a nested build of this thread, a folder whose parent (the publication) does not
    exist (the build then says so), a publication where the lock file cannot be made, and a file
    system without locks. POSIX record locks (lockf) belong to the process, not to its forked
    workers, and end with it: a killed build never leaves the publication locked."""
    depth = getattr(_held, "depth", 0)
    descriptor = None if depth else _locked(folder, waiting)
    _held.depth = depth + 1
    try:
        yield
    finally:
        _held.depth = depth
        if descriptor is not None:
            os.close(descriptor)    # releases the lock


def _locked(folder: Path, waiting: Callable[[], None]) -> int | None:
    """A descriptor of folder/lock holding the lock, or None where there is no lock to take."""
    try:
        import fcntl
    except ImportError:         # no POSIX locks here (Windows): builds are not serialised
        return None
    if not folder.parent.is_dir():
        return None
    try:
        if folder.is_symlink():     # the publication's own cache, never a way out of it
            folder.unlink()
        folder.mkdir(exist_ok=True)
        if (folder / LOCK_NAME).is_symlink():
            (folder / LOCK_NAME).unlink()
        descriptor = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
                             | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except OSError:             # a read-only publication: it can be built, not locked
        return None
    try:
        try:
            fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            waiting()
            fcntl.lockf(descriptor, fcntl.LOCK_EX)
    except OSError:             # no locks on this file system (NFS without lockd, some FUSE mounts)
        os.close(descriptor)
        return None
    return descriptor


@contextmanager
def build_lock(cache: Path, out_dir: Path, progress: Callable[[str, int, int], None]) -> Iterator[None]:
    """What a build holds: its publication's lock (in its cache folder), then its output folder's."""
    with publication_lock(cache, lambda: progress("Waiting for another build of this publication to finish", 0, 1)), \
            output_lock(out_dir, lambda: progress("Waiting for another build writing beside the output folder", 0, 1)):
        yield


@contextmanager
def output_lock(out_dir: Path, waiting: Callable[[], None]) -> Iterator[None]:
    """Hold a lock on the folder out_dir is in (made if missing: the build makes it anyway) while
    the block runs; if another process holds it, call waiting() and wait. Builds write their work
    folders beside the output folder (.NAME.new-*, .NAME.update-*), so that is what is locked: two
    sites in one folder are built one after the other. The lock (flock, on the folder itself: no
    file is added there) ends with the process: the processes it forks (parsing, rendering) close
    their copy of it at once, or one outliving a killed build would hold it for good. A nested build
    of this thread does not lock again, nor does a system or file system without locks, nor a
    folder that cannot be opened for reading (the build says what is wrong with it)."""
    depth = getattr(_held, "output", 0)
    descriptor = None if depth else _folder_locked(Path(os.path.realpath(out_dir)).parent, waiting)
    _held.output = depth + 1
    if descriptor is not None:
        _HELD_FOLDERS.add(descriptor)
    try:
        yield
    finally:
        _held.output = depth
        if descriptor is not None:
            _HELD_FOLDERS.discard(descriptor)
            os.close(descriptor)


_HELD_FOLDERS: set[int] = set()     # the descriptors holding output locks in this process


def _close_in_child() -> None:
    """In a forked process: close the output locks' descriptors (an flock belongs to the open file,
    which a fork shares; closing this copy leaves the parent's lock as it is)."""
    for descriptor in _HELD_FOLDERS:
        try:
            os.close(descriptor)
        except OSError:
            pass
    _HELD_FOLDERS.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_in_child)


def _folder_locked(folder: Path, waiting: Callable[[], None]) -> int | None:
    try:
        import fcntl
    except ImportError:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:             # the build says what is wrong with the folder
        return None
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise
            waiting()
            fcntl.flock(descriptor, fcntl.LOCK_EX)
    except OSError:
        os.close(descriptor)
        return None
    return descriptor
