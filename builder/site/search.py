"""Full-text search with Pagefind, run on the finished site folder (its CLI: one process, no service round trips)."""

from __future__ import annotations

import functools
import gzip
import hashlib
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Callable

from dataclasses import dataclass

from builder.errors import BuildFailed, error
from builder.run.write import SEARCH_BUNDLES


@dataclass(frozen=True, slots=True)
class SearchFacet:
    name: str                 # tag, author, source, year, type
    value: str

    @property
    def indexed(self) -> str:
        """The value as the template writes it for Pagefind (which escapes it once more).

        Pagefind decodes a filter value twice (as an attribute, then its entities again) and
        its UI shows filter values as HTML: escaped three times in all, a value reaches the
        reader as the text it is, never as markup (tests/test_xss_browser.py)."""
        from html import escape

        return escape(escape(self.value, quote=False), quote=False)


BUNDLE, ALL_LANGUAGES = SEARCH_BUNDLES


def index_site(site_dir: Path, into: Path | None = None, *, language: str) -> int:
    """Write the Pagefind bundle into into/pagefind/ (into: site_dir unless given) for the HTML in
    site_dir; the page count. Each page is indexed in its own language (its <html lang>): Pagefind
    writes an index per language, stems words by that language's rules, and a search loads its
    page's language. When pages are in more than one language, pagefind-all/ holds one index of
    every page (in the publication's language), for a search of all languages."""
    into = into or site_dir
    pages = _run_pagefind(site_dir, into / BUNDLE)
    if len(list((into / BUNDLE).glob("pagefind.*.pf_meta"))) > 1:
        _run_pagefind(site_dir, into / ALL_LANGUAGES, "--force-language", language.split("-")[0].lower())
    return pages


class Indexing:
    """One run of reindex(), which a newer save stops: its Pagefind processes are killed, and it
    neither starts another nor swaps its bundle in. stop() may come from any thread at any time."""

    _runs = itertools.count(1)

    def __init__(self) -> None:
        self.number = next(self._runs)      # names its folders apart from an older run still ending
        self._stopped = threading.Event()
        self._processes: list[subprocess.Popen] = []

    @property
    def stopped(self) -> bool:
        return self._stopped.is_set()

    def stop(self) -> None:
        self._stopped.set()
        for process in list(self._processes):
            if process.poll() is None:
                process.kill()

    def started(self, process: subprocess.Popen) -> None:
        # Noted before the check: a stop() in between kills it either here or there.
        self._processes.append(process)
        if self._stopped.is_set() and process.poll() is None:
            process.kill()


def reindex(site_dir: Path, language: str, run: Indexing) -> int | None:
    """Index a site again where it is served (`dossier serve`, after the page is reloaded): each
    bundle is written aside (.pagefind-next-N, N the run's own) and swapped in whole, so that a
    search never loads half of one. The page count; None when the run was stopped, its folders
    removed and the served bundles untouched."""
    aside = {name: f".{name}-next-{run.number}" for name in SEARCH_BUNDLES}
    try:
        pages = _run_pagefind(site_dir, site_dir / aside[BUNDLE], started=run.started)
        if run.stopped:
            return None
        if len(list((site_dir / aside[BUNDLE]).glob("pagefind.*.pf_meta"))) > 1:
            _run_pagefind(site_dir, site_dir / aside[ALL_LANGUAGES], "--force-language", language.split("-")[0].lower(),
                          started=run.started)
        if run.stopped:
            return None
        for name in SEARCH_BUNDLES:
            fresh, target, old = site_dir / aside[name], site_dir / name, site_dir / f".{name}-old-{run.number}"
            if target.is_dir():
                os.replace(target, old)
            if fresh.is_dir():
                os.replace(fresh, target)
            shutil.rmtree(old, ignore_errors=True)
        return pages
    except BuildFailed:
        if run.stopped:             # killed on purpose: not a failure to report
            return None
        raise
    finally:
        for folder in aside.values():
            shutil.rmtree(site_dir / folder, ignore_errors=True)


def _run_pagefind(site_dir: Path, bundle: Path, *options: str,
                  started: Callable[[subprocess.Popen], None] | None = None) -> int:
    command = _ending_with_us([sys.executable, "-m", "pagefind", "--site", str(site_dir), "--output-path", str(bundle),
                               *options])
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as exc:
        raise BuildFailed([error(str(site_dir), 1, 1, f"search indexing failed: {exc}")]) from None
    if started is not None:
        started(process)
    try:
        stdout, stderr = process.communicate()
    except BaseException:       # the build stopped (Ctrl-C, SIGTERM): so does its indexer, before its folder goes
        process.kill()
        process.wait()
        raise
    if process.returncode != 0:
        detail = (stderr or stdout).strip().splitlines()[-1:] or ["no output"]
        raise BuildFailed([error(str(site_dir), 1, 1, f"search indexing failed: {detail[0]}")])
    _canonicalize_filters(bundle)
    match = re.search(r"Indexed (\d+) page", stdout)
    return int(match.group(1)) if match else 0


def _ending_with_us(command: list[str]) -> list[str]:
    """command, run so that it ends when the thread starting it does: a build killed outright (the
    OOM killer, `kill -9`) would leave Pagefind running, writing into a work folder the next build
    removes. Linux's parent-death signal, set by util-linux's setpriv, which then becomes the command
    (exec; `python -m pagefind` becomes Pagefind the same way, keeping it); as it is elsewhere."""
    if shutil.which(command[0]) is None:
        return command          # starting it fails as it would without setpriv, with the same message
    return [*_death_signal(), *command]


@functools.cache
def _death_signal() -> tuple[str, ...]:
    setpriv = shutil.which("setpriv") if sys.platform.startswith("linux") else None
    try:
        usage = subprocess.run([setpriv, "--help"], capture_output=True, text=True, timeout=10).stdout if setpriv else ""
    except (OSError, subprocess.SubprocessError):
        usage = ""
    return (setpriv, "--pdeathsig", "KILL", "--") if "--pdeathsig" in usage else ()


_HEADER = b"pagefind_dcd"


def _canonicalize_filters(bundle: Path) -> None:
    """Make the bundle byte-identical between builds of the same input.

    Pagefind writes each filter's values in hash-map order, which changes from run to run
    (its maintainers call the filter indexes not yet stable), and the languages of a site in more
    than one likewise. Sorting them, naming each filter file after its content and updating the
    two files that refer to them fixes that.
    """
    import cbor2

    for meta_path in sorted(bundle.glob("pagefind.*.pf_meta")):
        language = meta_path.name.split(".")[1].rsplit("_", 1)[0]
        meta = _read(meta_path)
        renamed = []
        for name, old_hash in meta[3]:
            old_path = bundle / "filter" / f"{old_hash}.pf_filter"
            filter_name, values = _read(old_path)
            content = cbor2.dumps([filter_name, sorted(([v, sorted(pages)] for v, pages in values), key=lambda x: x[0])])
            new_hash = f"{language}_{hashlib.sha256(content).hexdigest()[:7]}"
            old_path.unlink()
            _write(bundle / "filter" / f"{new_hash}.pf_filter", content)
            renamed.append([name, new_hash])
        meta[3] = sorted(renamed)
        content = cbor2.dumps(meta)
        meta_hash = f"{language}_{hashlib.sha256(content).hexdigest()[:10]}"
        meta_path.unlink()
        _write(bundle / f"pagefind.{meta_hash}.pf_meta", content)
        entry_path = bundle / "pagefind-entry.json"
        entry = json.loads(entry_path.read_text(encoding="utf-8"))
        for info in entry.get("languages", {}).values():
            if info.get("hash", "").rsplit("_", 1)[0] == language:
                info["hash"] = meta_hash
        # the languages too come in hash-map order: a site in two languages needs them sorted
        entry["languages"] = dict(sorted(entry.get("languages", {}).items()))
        entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _read(path: Path):
    import cbor2

    raw = gzip.decompress(path.read_bytes())
    return cbor2.loads(raw[len(_HEADER):])


def _write(path: Path, content: bytes) -> None:
    path.write_bytes(gzip.compress(_HEADER + content, mtime=0))
