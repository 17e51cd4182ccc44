"""`dossier serve`: build, serve the site on 127.0.0.1, rebuild on every change and reload the browser.

Besides the caller's, the threads are: the HTTP server's (builder/serve/http.py; one more per
request), two watchers (content/, citations/ and themes/ below; the publication folder itself for
dossier.yml), and one builder that turns batches of changes into builds, one at a time. A failed
build leaves the last good site in place and being served; its problems go to the terminal and,
through the event stream, to an overlay in every open page.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Callable

import watchfiles

from builder.build import BuildResult, build
from builder.run.cache import CACHE_DIR
from builder.run.last_build import LastBuild
from builder.run.parallel import end_workers
from builder.run.update import site_files
from builder.run.write import is_site
from builder.session import Session
from builder.config.settings import load_settings
from builder.errors import BuildFailed, Problem, error
from builder.site.search import Indexing, reindex
from builder.serve.http import BuildState, BuildStatus, SiteLocation, SiteServer, base_path_of

WATCHED_FOLDERS = ("content", "citations", "themes")
SETTINGS_FILE = "dossier.yml"
QUIET_SECONDS = 0.02    # changes closer together than this make one rebuild
WATCH_STEP_MS = 20      # watchfiles yields changes after this long without another (its default, 50, is felt)
JOIN_SECONDS = 10.0     # how long stop() waits for a build in progress and its threads, in all

# output(line, is_problem): problems go to standard error, the rest to standard output.
Output = Callable[[str, bool], None]


def print_line(line: str, is_problem: bool = False) -> None:
    print(line, file=sys.stderr if is_problem else sys.stdout, flush=True)


class SourceFilter(watchfiles.DefaultFilter):
    """Changes that can alter the site: not editors' swap, backup and lock files, nor the build's own output."""

    ignore_entity_patterns = watchfiles.DefaultFilter.ignore_entity_patterns + (
        r"^#.*#$",              # Emacs auto-save
        r"^4913$",              # Vim's probe for a writable folder
        r"\.(tmp|temp|bak|orig|crswap|kate-swp)$",
        r"^\.goutputstream-",   # GNOME's atomic save
        r"^\.~lock\.",          # LibreOffice
    )


class LiveSite:
    """The serve loop: build once, serve the output folder, rebuild when a source changes.

    Use as a context manager, or start() and stop(); url is the site's address once started."""

    def __init__(self, root: Path, *, port: int = 8000, drafts: bool = False, pdf: bool = False,
                 output: Output = print_line):
        self.root = root.absolute()
        self.port = port
        self.drafts = drafts
        self.pdf = pdf
        self.output = output
        self.status = BuildStatus()
        self.server: SiteServer | None = None
        self.builds = 0                 # good builds so far
        self._changes: queue.Queue[set[str]] = queue.Queue()
        self._stopping = threading.Event()
        self._rewatch = threading.Event()
        self._threads: list[threading.Thread] = []
        self._session = f"{os.getpid():x}{time.time_ns():x}"    # a restarted server's builds differ
        self._indexer: threading.Thread | None = None     # remaking the search index of the last build
        self._indexing: Indexing | None = None              # its run, to stop on a newer save
        self._kept = Session()          # what each build keeps for the next (builder/session.py)
        self.warm = threading.Event()   # set once the session holds the publication (_warm_up)

    @property
    def url(self) -> str:
        assert self.server is not None, "start() first"
        return self.server.url

    def start(self) -> None:
        """Listen on 127.0.0.1:port, build once (failing or not), then serve, watch and rebuild in threads."""
        self.server = SiteServer(self._first_location(), self.status, self.port)
        # Watching starts before the first build, so that edits made during it are not missed.
        self._spawn("dossier-watch-folders", self._watch_folders)
        self._spawn("dossier-watch-settings", self._watch_settings)
        self.rebuild()
        self._spawn("dossier-http", lambda: self.server.serve_forever(poll_interval=0.2))
        self._spawn("dossier-rebuild", self._rebuild_on_change)

    def stop(self, *, wait_for_warm_up: bool = True) -> bool:
        """End the event streams, the server and the watchers; wait for a build in progress (and for the
        warm-up build, which writes nothing, unless not wait_for_warm_up). Whether every thread ended."""
        self._stopping.set()
        self._stop_indexing()
        self.status.close()
        if self.server is not None:
            if any(t.name == "dossier-http" for t in self._threads):
                self.server.shutdown()
            self.server.server_close()
        deadline = time.monotonic() + JOIN_SECONDS     # for them all: a build in progress is waited for once
        warming = not self.warm.is_set()
        for thread in self._threads:
            if thread.name != "dossier-rebuild" or wait_for_warm_up or not warming:
                thread.join(max(0.0, deadline - time.monotonic()))
        ended = not any(thread.is_alive() for thread in self._threads)
        self._threads.clear()
        return ended

    def __enter__(self) -> LiveSite:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def wait(self, timeout: float | None = None) -> bool:
        """True once stop() was called; returns after timeout otherwise (so Ctrl-C gets through)."""
        return self._stopping.wait(timeout)

    def rebuild(self, changed: set[str] | None = None) -> bool:
        """Build now; on success serve the new site and tell the pages to reload, else tell them the problems."""
        started = time.perf_counter()
        self._stop_indexing()       # a newer save: the index it was making is of an older site
        try:
            # After the first good build, search is indexed once the pages are reloaded (_index).
            # The first build may find the site up to date and do nothing: _warm_up() fills the session.
            result = build(self.root, drafts=self.drafts, pdf=self.pdf, use_cache=True, search=not self.builds,
                           session=self._kept if self.builds else None)
        except BuildFailed as failed:
            self._report_failure(failed.problems)
            return False
        except Exception as exc:     # a bug in Dossier, not in the input: say so, keep serving
            self._report_failure([self._internal_error(exc)])
            return False
        self._report_success(result, changed, time.perf_counter() - started)
        return True

    def _report_success(self, result: BuildResult, changed: set[str] | None, elapsed: float) -> None:
        for problem in result.warnings:
            self.output(str(problem), True)
        assert self.server is not None
        cause = f"{_describe(changed, self.root)} changed; " if changed else ""
        if result.unchanged and self.builds:
            # The inputs are as at the last good build (a broken edit undone): nothing was written,
            # so the pages need no reload, but the overlay of the failed build in between goes.
            self.status.publish(BuildState(self.status.state.build))
            self.output(f"{cause}the site is as it was; checked in {elapsed:.2f} s", False)
            return
        self.server.location = SiteLocation(result.out_dir, base_path_of(result.settings.base_url))
        number = self.builds + 1
        indexing = number > 1
        self.status.publish(BuildState(f"{self._session}-{number}", indexing=indexing))
        self.builds = number        # counted once its state is out: a watcher of both never sees them apart
        if indexing:
            self._indexing = Indexing()
            self._indexer = threading.Thread(target=self._index, args=(result, self._indexing), name="dossier-index",
                                             daemon=True)
            self._indexer.start()
        counts = f"{result.documents} documents, {result.files} files"
        if result.unchanged:
            self.output(f"The site is up to date ({counts}); checked in {elapsed:.2f} s", False)
        else:
            self.output(f"{cause}{'rebuilt' if changed else 'Built'} {counts} in {elapsed:.2f} s", False)

    def _index(self, result: BuildResult, run: Indexing) -> None:
        """Remake the search index of the site just served; say so when done (no reload: the
        search page reloads itself, builder/serve/livereload.js)."""
        started = time.perf_counter()
        try:
            pages = reindex(result.out_dir, result.settings.language, run)
        except BuildFailed as failed:
            problems = failed.problems
        except OSError as exc:
            problems = [error(str(result.out_dir), 1, 1, f"search indexing failed: {exc.strerror or exc}")]
        except Exception as exc:     # a bug in Dossier: say so, keep serving, and say indexing is over
            problems = [self._internal_error(exc)]
        else:
            problems = []
            if pages is None:        # a newer save stopped it; that save's run says what happened
                return
            LastBuild(self.root / CACHE_DIR / "last-build.json").indexed(result.out_dir)   # the next build may skip
            self.output(f"search index updated in {time.perf_counter() - started:.2f} s", False)
        for problem in problems:
            self.output(str(problem), True)
        if not run.stopped:
            state = self.status.state
            self.status.publish(BuildState(state.build, state.ok, state.problems, indexing=False))

    def _stop_indexing(self) -> None:
        """Stop the search indexing of an older build, if it is running, and wait for it to end.
        Should it not end in time, it cannot harm the next: it writes apart and swaps nothing in."""
        if self._indexer is None or self._indexing is None:
            return
        self._indexing.stop()
        self._indexer.join(JOIN_SECONDS)
        self._indexer = None
        self._indexing = None

    def _internal_error(self, exc: Exception) -> Problem:
        """A bug in Dossier met while serving: the traceback to the terminal, a short line for the pages."""
        self.output(traceback.format_exc().rstrip(), True)
        return error("dossier", 1, 1, f"internal error (the traceback is in the terminal): {type(exc).__name__}: {exc}")

    def _report_failure(self, problems: list[Problem]) -> None:
        for problem in problems:
            self.output(str(problem), True)
        errors = sum(p.is_error for p in problems)
        served = "still serving the last good build" if self.builds or self._has_site() else "nothing to serve yet"
        self.output(f"{errors} error{'s' if errors != 1 else ''}; {served}", True)
        self.status.publish(BuildState(self.status.state.build, ok=False, problems=tuple(problems)))

    def _has_site(self) -> bool:
        return self.server is not None and (self.server.location.folder / "index.html").is_file()

    def _first_location(self) -> SiteLocation:
        """Where the site is before the first build: the output folder of dossier.yml if it passes
        the build's checks and holds a site Dossier built; else nothing (until a build succeeds)."""
        from builder.build import output_folder

        nothing = SiteLocation(self.root / CACHE_DIR / "nothing-built")
        try:
            settings, _ = load_settings(self.root)
            folder = output_folder(settings, None)
        except BuildFailed:
            if not (self.root / SETTINGS_FILE).is_file():
                raise       # not a publication: nothing to watch
            return nothing
        if not is_site(folder, legacy=True):
            return nothing
        return SiteLocation(folder, base_path_of(settings.base_url))

    def _spawn(self, name: str, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _warm_up(self) -> None:
        """Fill the session before any save is handled, so that the first save reuses what it holds
        (the first build of a site already up to date reads nothing): a build that writes nothing,
        so a save made meanwhile is built and reloaded as any other; a failure is left to the saves."""
        try:
            if self.builds and not self._kept.documents and not self.pdf:
                result = build(self.root, drafts=self.drafts, pdf=False, use_cache=True, search=False, write=False,
                               session=self._kept)
                if is_site(result.out_dir):     # what the site holds now: the first save updates it in place
                    self._kept.paths = site_files(result.out_dir)
        except BuildFailed:
            pass
        finally:
            self.warm.set()

    def _rebuild_on_change(self) -> None:
        """Wait for changes; once they pause for QUIET_SECONDS, rebuild; changes during a build make one more."""
        self._warm_up()
        while not self._stopping.is_set():
            try:
                changed = set(self._changes.get(timeout=0.2))
            except queue.Empty:
                continue
            while True:
                try:
                    changed |= self._changes.get(timeout=QUIET_SECONDS)
                except queue.Empty:
                    break
            if not self._stopping.is_set():
                self.rebuild(changed)

    def _watch_folders(self) -> None:
        """Watch content/, citations/ and themes/ recursively; start again when one appears or goes."""
        ignored = [self.root / CACHE_DIR, self.server.location.folder] if self.server else [self.root / CACHE_DIR]
        source_filter = SourceFilter(ignore_paths=[str(p) for p in ignored])
        until = _EitherEvent(self._stopping, self._rewatch)
        while not self._stopping.is_set():
            self._rewatch.clear()
            folders = [self.root / name for name in WATCHED_FOLDERS if (self.root / name).is_dir()]
            if not folders:
                until.wait(0.5)
                continue
            try:
                for changes in watchfiles.watch(*folders, watch_filter=source_filter, stop_event=until,
                                                step=WATCH_STEP_MS, raise_interrupt=False):
                    self._changes.put({path for _, path in changes})
            except FileNotFoundError:       # a folder went between listing and watching
                until.wait(0.2)

    def _watch_settings(self) -> None:
        """Watch the publication folder itself, not below: dossier.yml, and watched folders appearing or going."""
        names = {SETTINGS_FILE, *WATCHED_FOLDERS}

        def wanted(change: watchfiles.Change, path: str) -> bool:
            return Path(path).name in names and Path(path).parent == self.root

        for changes in watchfiles.watch(self.root, watch_filter=wanted, recursive=False, step=WATCH_STEP_MS,
                                        stop_event=self._stopping, raise_interrupt=False):
            if any(Path(path).name in WATCHED_FOLDERS for _, path in changes):
                self._rewatch.set()
            self._changes.put({path for _, path in changes})


class _EitherEvent:
    """Set when either event is: stops a watch for good or to start it again on other folders."""

    def __init__(self, *events: threading.Event):
        self.events = events

    def is_set(self) -> bool:
        return any(event.is_set() for event in self.events)

    def wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not self.is_set() and time.monotonic() < deadline:
            time.sleep(0.05)


def _describe(changed: set[str], root: Path) -> str:
    names = sorted(os.path.relpath(path, root) for path in changed)
    return names[0] if len(names) == 1 else f"{len(names)} files"


def serve(root: Path, *, port: int = 8000, drafts: bool = False, pdf: bool = False,
          output: Output = print_line) -> None:
    """Run `dossier serve` until Ctrl-C; raise OSError when the port is taken, BuildFailed when root is no publication."""
    live = LiveSite(root, port=port, drafts=drafts, pdf=pdf, output=output)
    try:
        live.start()
        output(f"Serving {live.url} (127.0.0.1 only); rebuilding on changes. Press Ctrl-C to stop.", False)
        while not live.wait(0.5):
            pass
    except KeyboardInterrupt:
        output("Stopping.", False)
    finally:
        try:
            ended = live.stop(wait_for_warm_up=False)
        except KeyboardInterrupt:   # a second Ctrl-C: the threads are daemons, leave now
            ended = False
    if not ended:       # a build still running: its worker processes would hold the exit until their tasks end
        end_workers()
