"""Process pools for CPU-bound stages (parsing, page rendering): forked, so workers inherit
the parser, templates and views instead of receiving them pickled. The function a pool runs may
be any callable, a closure too: the workers inherit it, as they inherit everything else."""

from __future__ import annotations

import os
import signal
from typing import Callable, Iterable, Iterator

from builder.errors import BuildFailed, error

PARALLEL_WORKERS = 8    # at most, whatever the core count
_JOB: Callable | None = None   # what the workers forked by forked_map run, each on its tasks


def workers() -> int:
    """How many processes a parallel stage uses here: one per core; 1 where fork is missing."""
    return min(os.cpu_count() or 1, PARALLEL_WORKERS) if hasattr(os, "fork") else 1


def forked_map(function: Callable, tasks: Iterable, processes: int, chunksize: int, path: str,
               doing: str) -> Iterator:
    """function(task) for each task, in processes forked now, each result in order as soon as it is ready.

    A worker that dies (killed, out of memory) fails the build at path with a message rather
    than leaving it waiting forever. Workers leave interruption to the build: Ctrl-C (sent to
    the terminal's whole process group) is ignored by them, and SIGTERM ends them silently
    instead of running the build's handler."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    global _JOB
    _JOB = function         # set before the pool forks: every worker has it
    executor = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork"), initializer=_quiet)
    try:
        yield from executor.map(_run, tasks, chunksize=chunksize)
    except BrokenProcessPool:
        raise BuildFailed([error(path, 1, 1, f"a worker process {doing} stopped unexpectedly (killed, or out of "
                                             "memory); nothing was written")]) from None
    finally:
        executor.shutdown(wait=False, cancel_futures=True)
        _JOB = None


def end_workers() -> None:
    """End the worker processes of this process's pools now (`dossier serve` stopping while a build it
    leaves unfinished runs): a pool's workers run their tasks to the end otherwise, and the
    interpreter's exit waits for them."""
    import multiprocessing

    for child in multiprocessing.active_children():
        child.terminate()


def _run(task):
    return _JOB(task)


def _quiet() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
