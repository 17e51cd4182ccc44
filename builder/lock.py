"""One build of a publication at a time: `dossier serve` rebuilding while `dossier build` runs
would otherwise write the same cache and swap the same site folder."""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

_held = threading.local()     # how deep this thread is in builds holding the lock (build_pdfs calls build)


@contextmanager
def publication_lock(folder: Path, waiting: Callable[[], None]) -> Iterator[None]:
    """Hold folder/lock while the block runs; if another process holds it, call waiting() and wait.
    Not locked: a nested build of this thread, a folder whose parent (the publication) does not
    exist (the build then says so), and a publication where the lock file cannot be made.

    POSIX record locks (lockf) belong to the process, not to its forked workers, and end with
    it: a killed build never leaves the publication locked."""
    depth = getattr(_held, "depth", 0)
    try:
        import fcntl
    except ImportError:         # no POSIX locks here (Windows): builds are not serialised
        fcntl = None
    descriptor = None
    if not depth and fcntl is not None and folder.parent.is_dir():
        try:
            folder.mkdir(exist_ok=True)
            descriptor = os.open(folder / "lock", os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        except OSError:         # a read-only publication: it can be built, not locked
            descriptor = None
    if descriptor is None:
        _held.depth = depth + 1
        try:
            yield
        finally:
            _held.depth = depth
        return
    try:
        try:
            fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            waiting()
            fcntl.lockf(descriptor, fcntl.LOCK_EX)
        _held.depth = 1
        try:
            yield
        finally:
            _held.depth = 0
    finally:
        os.close(descriptor)    # releases the lock
