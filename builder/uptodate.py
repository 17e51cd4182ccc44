"""Whether a build has anything to do, answered before the build's stages are imported.

A build hashes everything it would read (run/fingerprint.py), each file's digest reused while
its size, times and inode are those the last build saw (.dossier-cache/inputs.json), and
compares the hash and the output folder with what the last successful build recorded
(.dossier-cache/last-build.json). `dossier build` asks here first: on an unchanged publication
it imports only settings, style and run (~70 ms), not the parser, citations, templates and PDF
stages (~230 ms). builder/build.py asks the same questions through the same functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from builder.config.settings import load_settings
from builder.config.themes import theme_dirs
from builder.csl.styles import style_files
from builder.errors import BuildFailed, Problem
from builder.model import Settings
from builder.run.cache import CACHE_DIR, Cache, remove_links
from builder.run.fingerprint import input_fingerprint, read_digests, write_digests
from builder.run.last_build import LastBuild
from builder.run.lock import publication_lock
from builder.run.output import output_folder

DIGESTS = "inputs.json"     # in the cache folder: the digest of each input file (read_digests)


@dataclass
class Inputs:
    """What a build reads, hashed; record is the last build's (None: a build that records nothing)."""

    record: LastBuild | None
    fingerprint: str
    flags: dict
    read: list[Path]            # files and folders read besides the publication's own: theme, style
    files: dict | None          # each file's digest (run/fingerprint.py), kept for the next build
    read_again: bool = False    # some file was read and hashed again (its digests changed)

    def unchanged(self, out_dir: Path, search: bool) -> bool:
        return self.record is not None and self.record.unchanged(self.fingerprint, out_dir, search)

    def again(self, root: Path, out_dir: Path, listed: list[str]) -> str:
        """The fingerprint once the build knows which bibliographies its documents name."""
        if self.record is not None and [root / path for path in listed] != self.record.listed(root):
            self.fingerprint = input_fingerprint(root, out_dir, self.flags, self.read + [root / p for p in listed],
                                                 self.files)
        return self.fingerprint

    def keep(self, root: Path, session_kept: bool) -> None:
        """Save the digests for the next `dossier build` (`dossier serve` keeps them in memory)."""
        if self.files is not None and not session_kept:
            write_digests(root / CACHE_DIR / DIGESTS, self.files)


def hash_inputs(settings: Settings, out_dir: Path, flags: dict, *, record: bool,
                files: dict | None = None) -> Inputs:
    """Hash the build's inputs (when it keeps a record: with the cache, writing a site). files: the
    digests `dossier serve` keeps; else those the last build saved."""
    root = settings.root
    read = theme_dirs(settings) + style_files(root, settings.csl)
    if not record:
        return Inputs(None, "", flags, read, None)
    last = LastBuild(root / CACHE_DIR / "last-build.json")
    files = files if files is not None else read_digests(root / CACHE_DIR / DIGESTS)
    before = dict(files)
    fingerprint = input_fingerprint(root, out_dir, flags, read + last.listed(root), files)
    return Inputs(last, fingerprint, flags, read, files, files != before)


def build_flags(drafts: bool, pdf: bool, strict: bool, out_dir: Path) -> dict:
    """The options a build's output depends on, as its fingerprint holds them."""
    return {"drafts": drafts, "pdf": pdf, "strict": strict, "out": str(out_dir)}


@dataclass(frozen=True)
class UpToDate:
    """The site a build would make is there already: what the last build said of it."""

    out_dir: Path
    warnings: list[Problem]
    documents: int
    unchanged: bool = True      # as BuildResult says it


def up_to_date(root: Path, *, drafts: bool, out: Path | None, pdf: bool,
               waiting: Callable[[], None]) -> UpToDate | None:
    """For `dossier build`: the last build's record if nothing changed since, else None (also for
    a publication with errors in its settings or output folder: the build then says what they are)."""
    root = root.absolute()
    try:
        settings, problems = load_settings(root, keep_going=True)
        if any(problem.is_error for problem in problems):
            return None
        out_dir = output_folder(settings, out)
    except BuildFailed:
        return None
    with publication_lock(root / CACHE_DIR, waiting):
        remove_links(root / CACHE_DIR)      # what the cache holds is read without looking
        Cache(root / CACHE_DIR)             # claimed first: a cache that came with the publication is emptied
        inputs = hash_inputs(settings, out_dir, build_flags(drafts, pdf, False, out_dir), record=True)
        if not inputs.unchanged(out_dir, search=True):
            return None
        assert inputs.record is not None
        if inputs.read_again:       # files touched but the same (a checkout): not read again next time
            inputs.keep(root, False)
        return UpToDate(out_dir, inputs.record.warnings, inputs.record.data.get("documents", 0))
