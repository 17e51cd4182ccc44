"""One build of a publication at a time: `dossier serve` rebuilding while `dossier build` runs
would otherwise write the same cache and swap the same site folder."""

from __future__ import annotations

import errno
import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

LOCK_NAME = "lock"            # in the cache folder; the cache keeps it when it clears itself
_held = threading.local()     # how deep this thread is in builds holding the lock (build_pdfs calls build)


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
