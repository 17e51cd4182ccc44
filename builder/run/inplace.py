"""`dossier build`'s rebuild of a site: the changed files moved into it, not the whole site written aside.

Writing every build's site aside and swapping it in (run/write.py's stage_site) costs a folder and
a link for every file of the site even when one article changed (~1 s at 1,000 articles: 5,400
folders, 7,400 links, then the old site's removal). A rebuild of a site Dossier built, holding
nothing but folders and regular files, is an update instead: the files whose bytes changed are
written into the update's folder beside the site, the later stages add to it (the PDF stage its
pdf/ folder and the editions page, the search indexer its bundles), and the moves into the site
are made at the end under a journal (run/journal.py), so that a failure anywhere, or Ctrl-C, leaves
the previous site, and a build killed during the moves is undone by the next. Files the new site
does not hold are removed, so the result is the site a build from nothing writes, byte for byte.
"""

from __future__ import annotations

import filecmp
import os
import shutil
from pathlib import Path

from builder.model import Output
from builder.urls import EDITIONS
from builder.run.journal import Journal
from builder.run.write import MARKER, SEARCH_BUNDLES, StagedSite, as_failure, check_unique, is_site, site_file, \
    site_folder, stage_site, uninterruptible

WHOLE = ("pdf", *SEARCH_BUNDLES)        # folders a later stage writes whole: moved in as one


def write_aside(outputs: list[Output], out_dir: Path, *, legacy: bool = False, pdf: bool = False) -> SiteUpdate | StagedSite:
    """The next site, made ready to publish: an update of the site in out_dir where it can be one
    (it holds only folders and regular files), else the whole site written aside. pdf: the PDF
    stage follows, which writes the editions page besides the pdf/ folder."""
    check_unique(outputs)
    site = site_folder(out_dir, legacy=legacy)     # what a killed build left is put right first
    live = _live_files(site) if is_site(site) else None
    if live is None or not _fits(outputs, *live):
        return stage_site(outputs, out_dir, legacy=legacy)
    update = SiteUpdate(site, Journal.begin(site), live[0], frozenset({EDITIONS + "index.html"} if pdf else ()))
    try:
        update.write(outputs)
    except BaseException:       # interrupted, or the disk full: nothing of the site was touched
        with update:
            raise
    return update


class SiteUpdate:
    """The changes to the site in out_dir, with the interface of write.StagedSite: folder (where the
    later stages write), ready(), carry_search(), publish(); as a context manager, undone unless
    published."""

    def __init__(self, out_dir: Path, journal: Journal, live: set[str], later: frozenset[str]):
        self.out_dir, self.journal, self.folder = out_dir, journal, journal.new
        self._live = live                   # the site's files, but its marker and WHOLE folders
        self._later = later                 # paths a later stage may write: not removed before it runs
        self._outputs: set[str] = set()
        self._changed: set[str] = set()     # the outputs written into folder
        self._settled: set[str] = set()     # the files of folder moved in (or found in the site already)
        self._removed: set[str] = set()
        self._carried = False
        self._done = False

    def __enter__(self) -> SiteUpdate:
        return self

    def __exit__(self, kind, exc, traceback) -> None:
        if self._done:
            return
        self._done = True
        self.journal.undo()
        as_failure(exc, self.folder, self.out_dir)

    def write(self, outputs: list[Output]) -> None:
        """Write into folder each output whose bytes the site's file does not hold already."""
        folders: dict[Path, bool] = {}
        for output in sorted(outputs, key=lambda o: o.path):
            self._outputs.add(output.path)
            if output.kept or (output.path in self._live and _holds(self.out_dir / output.path, output)):
                continue
            target = site_file(self.folder, output.path, folders)
            if output.content is not None:
                target.write_bytes(output.content)
            else:
                shutil.copyfile(output.source, target)
            self._changed.add(output.path)

    def ready(self) -> tuple[Path, Path]:
        """(the new site as the later stages read it, the folder they write into): what is in folder
        is moved into the site first, and the files the new site does not have are removed, but
        those a later stage may write (all of it undone if a later stage fails)."""
        self._move_in(final=False)
        return self.out_dir, self.folder

    def carry_search(self) -> None:
        """Keep the site's search bundles (a build that does not index)."""
        self._carried = True

    def publish(self) -> None:
        """Move the rest of the changes into the site, then forget what they replaced."""
        self._move_in(final=True)
        whole = [name for name in WHOLE if (self.folder / name).is_dir()]
        dropped = [name for name in WHOLE if name not in whole and (self.out_dir / name).exists()
                   and not (self._carried and name in SEARCH_BUNDLES)]
        with uninterruptible():
            for name in whole:
                self.journal.move_in(name)
            for name in dropped:
                self.journal.remove(name)
        self._done = True
        self.journal.commit()

    def _move_in(self, final: bool) -> None:
        """Move in what folder holds (outputs, and what the later stages wrote: unless the site has
        those bytes there already), and remove the files gone (with final, those of later too)."""
        written = _files_under(self.folder, skip=WHOLE) - self._settled
        self._settled |= {path for path in written if path not in self._changed and path in self._live
                          and _holds(self.out_dir / path, Output(path, source=self.folder / path))}
        gone = self._live - self._outputs - written - self._settled - self._removed - (set() if final else self._later)
        # A stop during the moves comes once they are made, and undoes them (at the end: the build is done)
        with uninterruptible(stop_after=not final):
            for path in sorted(written - self._settled):
                self.journal.move_in(path)
                self._settled.add(path)
            for path in sorted(gone):
                self.journal.remove(path)
                self._removed.add(path)


def _live_files(site: Path) -> tuple[set[str], set[str]] | None:
    """The site's files and folders (site-relative), but its marker and WHOLE folders; None if it
    holds anything else than folders and regular files (a link, a socket): then it is written whole."""
    files: set[str] = set()
    folders: set[str] = set()
    pending = [("", site)]
    while pending:
        prefix, folder = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return None
        for entry in entries:
            path = prefix + entry.name
            if not prefix and (entry.name == MARKER or entry.name in WHOLE):
                if entry.is_symlink() or not (entry.is_dir() if entry.name in WHOLE else entry.is_file()):
                    return None
                continue
            if entry.is_symlink():
                return None
            if entry.is_dir(follow_symlinks=False):
                folders.add(path)
                pending.append((path + "/", Path(entry.path)))
            elif entry.is_file(follow_symlinks=False):
                files.add(path)
            else:
                return None
    return files, folders


def _fits(outputs: list[Output], files: set[str], folders: set[str]) -> bool:
    """Whether each output can take its place in the site file by file: no output where the site
    has a folder, none under a file of the site, none named as the marker or a WHOLE folder."""
    for output in outputs:
        parts = output.path.split("/")
        if output.path in folders or parts[0] in (MARKER, *WHOLE):
            return False
        if any("/".join(parts[:depth]) in files for depth in range(1, len(parts))):
            return False
    return True


def _holds(file: Path, output: Output) -> bool:
    """Whether the site's file holds exactly what output would write."""
    try:
        size = os.lstat(file).st_size
        if output.content is not None:
            return size == len(output.content) and file.read_bytes() == output.content
        return size == output.source.stat().st_size and filecmp.cmp(file, output.source, shallow=False)
    except OSError:
        return False


def _files_under(folder: Path, skip: tuple[str, ...]) -> set[str]:
    """The files under folder (site-relative), but those in its top-level folders named in skip."""
    found = set()
    for directory, folders, files in os.walk(folder):
        relative = os.path.relpath(directory, folder)
        if relative == ".":
            folders[:] = [name for name in folders if name not in skip]
        found.update(name if relative == "." else f"{relative}/{name}" for name in files)
    return found
