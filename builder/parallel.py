"""Process pools for CPU-bound stages (parsing, page rendering): forked, so workers inherit
the parser, templates and views instead of receiving them pickled."""

from __future__ import annotations

import os
import signal

PARALLEL_WORKERS = 8    # at most, whatever the core count


def workers() -> int:
    """How many processes a parallel stage uses here: one per core; 1 where fork is missing."""
    return min(os.cpu_count() or 1, PARALLEL_WORKERS) if hasattr(os, "fork") else 1


def fork_pool(processes: int):
    """A pool of forked workers that leave interruption to the build: Ctrl-C (sent to the whole
    terminal's process group) is ignored by them, and SIGTERM, with which the pool is shut down
    when the build is interrupted, ends them silently instead of running the build's handler."""
    import multiprocessing

    return multiprocessing.get_context("fork").Pool(processes, initializer=_quiet)


def _quiet() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
