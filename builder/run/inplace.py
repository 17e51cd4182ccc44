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
import unicodedata
from pathlib import Path
from typing import Callable

from builder.model import Output
from builder.urls import EDITIONS
from builder.run.journal import Journal
from builder.run.write import MARKER, MARKER_TEXT, SEARCH_BUNDLES, StagedSite, as_failure, check_unique, is_site, site_file, \
    site_folder, stage_site, uninterruptible

WHOLE = ("pdf", *SEARCH_BUNDLES)        # folders a later stage writes whole: moved in as one
_INDEXING = tuple(f".{name}-" for name in SEARCH_BUNDLES)    # site/search.py reindex()'s folders


def write_aside(outputs: list[Output], out_dir: Path, *, legacy: bool = False) -> SiteUpdate | StagedSite:
    """The next site, made ready to publish: an update of the site in out_dir where it can be one
    (a site Dossier built holding only what builds write), else the whole site written aside."""
    check_unique(outputs)
    site = site_folder(out_dir, legacy=legacy)     # what a killed build left is put right first
    live = _live_files(site) if is_site(site) else None
    if live is None or not _fits(outputs, live):
        return stage_site(outputs, out_dir, legacy=legacy)
    try:
        journal = Journal.begin(site)
    except OSError:                 # no room beside the site: written aside, it says why
        return stage_site(outputs, out_dir, legacy=legacy)
    update = SiteUpdate(site, journal, live)
    try:
        update.write(outputs)
    except BaseException:       # interrupted, or the disk full: nothing of the site was touched
        with update:
            raise
    return update


class SiteUpdate:
    """The changes to the site in out_dir, with the interface of write.StagedSite: folder (where the
    later stages write), for_pdf(), ready(), carry_search(), publish(); as a context manager,
    undone unless published. The PDF stage reads the new site through for_pdf() while the site is
    still the previous one (it takes minutes: readers meet no new page with old PDFs); the
    indexer reads it once ready() has moved the changes in."""

    def __init__(self, out_dir: Path, journal: Journal, live: set[str]):
        self.out_dir, self.journal, self.folder = out_dir, journal, journal.new
        self._live = live                   # the site's files, but its marker and WHOLE folders
        self._outputs: set[str] = set()
        self._changed: set[str] = set()     # the outputs written into folder
        self._moved = False
        self._carried = False
        self._done = False

    def __enter__(self) -> SiteUpdate:
        return self

    def __exit__(self, kind, exc, traceback) -> None:
        if self._done:
            return
        self._done = True
        with uninterruptible():             # a second Ctrl-C does not cut the undo short
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

    def for_pdf(self) -> tuple[Path, Path, Callable[[Path], Path | None]]:
        """(the site the PDF stage reads, the folder it writes into, where a file of the site is read
        from: the site's own, the changed one in folder, or None for one the new site does not have)."""
        return self.out_dir, self.folder, self._reading

    def _reading(self, path: Path) -> Path | None:
        """The file of the new site at path (a path in the site folder, links followed)."""
        if not path.is_relative_to(self.out_dir):
            return None
        relative = path.relative_to(self.out_dir).as_posix()
        if relative in self._changed:
            return self.folder / relative
        return path if relative in self._outputs else None

    def ready(self) -> tuple[Path, Path]:
        """(the new site as the search indexer reads it, the folder it writes into): the changes are
        moved into the site first (the outputs, and the editions page the PDF stage wrote unless the
        site has it already), and the files the new site does not have removed (undone if the
        indexing fails)."""
        self._move_in()
        return self.out_dir, self.folder

    def carry_search(self) -> None:
        """Keep the site's search bundles (a build that does not index)."""
        self._carried = True

    def publish(self) -> None:
        """Move the rest of the changes into the site (the search bundles), then forget what they
        replaced; the update is undone if that cannot be noted (a full disk)."""
        self._move_in()
        with uninterruptible():             # from here on the build is done: a stop is dropped
            self.journal.apply(*self._whole(SEARCH_BUNDLES, keep=self._carried))
            self.journal.commit()
            self._done = True

    def _move_in(self) -> None:
        """Move in the outputs changed, what the PDF stage wrote (the editions page unless the site
        has it already, pdf/ whole) and remove what the new site does not have."""
        if self._moved:
            return
        written = _files_under(self.folder, skip=WHOLE)
        same = {path for path in written - self._changed if path in self._live
                and _holds(self.out_dir / path, Output(path, source=self.folder / path))}
        gone = sorted(self._live - self._outputs - written)
        # A stop during the moves comes once they are made, and undoes them
        with uninterruptible(stop_after=True):
            self._moved = True
            whole_in, whole_out = self._whole(("pdf",), keep=False)
            self.journal.apply(sorted(written - same) + whole_in, gone + whole_out)

    def _whole(self, names: tuple[str, ...], keep: bool) -> tuple[list[str], list[str]]:
        """(the folders of names made in folder, to move in whole; those not made, to remove unless keep)."""
        made = [name for name in names if (self.folder / name).is_dir()]
        return made, [name for name in names if name not in made and not keep and os.path.lexists(self.out_dir / name)]


def _live_files(site: Path) -> set[str] | None:
    """The site's files (site-relative), but its marker and WHOLE folders; None if it holds anything
    but what builds write: a link, a socket, an empty folder, a name that is not UTF-8, a marker
    not Dossier's, a pdf/ folder with more than PDFs, search bundles with pages in them (the
    indexer would read them). Then it is written whole, as a first build writes it."""
    files: set[str] = set()
    pending = [("", site, "")]
    while pending:
        prefix, folder, whole = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return None
        if not entries and prefix and not whole:
            return None                 # (an empty pdf/: a publication with no article yet)
        for entry in entries:
            path = prefix + entry.name
            if entry.is_symlink() or not _utf8(entry.name) or (not prefix and entry.name.startswith(_INDEXING)):
                return None             # (a search index `dossier serve` is making beside its bundle)
            if entry.is_dir(follow_symlinks=False):
                pending.append((path + "/", Path(entry.path), whole or (entry.name if not prefix and entry.name in WHOLE
                                                                         else "")))
            elif not entry.is_file(follow_symlinks=False):
                return None
            elif whole:
                if entry.name.lower().endswith((".html", ".htm")) or (whole == "pdf" and not entry.name.endswith(".pdf")):
                    return None
            elif path == MARKER:
                if not _holds(Path(entry.path), Output(MARKER, MARKER_TEXT)):
                    return None
            elif not prefix and entry.name in WHOLE:
                return None             # a file where a whole folder goes
            else:
                files.add(path)
    return files


def _utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
        return True
    except UnicodeEncodeError:          # a byte that is not UTF-8, kept as a surrogate escape
        return False


def _fits(outputs: list[Output], files: set[str]) -> bool:
    """Whether each output, and the editions page the PDF stage may write, can take its place in
    the site file by file: none where the site has a folder or under a file of the site, none
    named as the marker or a WHOLE folder, none whose path, or a folder of it, differs from the
    site's only in case or Unicode form (one to a file system that folds them: the update would
    put one in place of the other)."""
    folders = {"/".join(path.split("/")[:depth]) for path in files for depth in range(1, path.count("/") + 1)}
    folded = {_folded(path): path for path in files | folders}
    for path in [output.path for output in outputs] + [EDITIONS + "index.html"]:
        parts = path.split("/")
        if path in folders or parts[0] in (MARKER, *WHOLE):
            return False
        for depth in range(1, len(parts) + 1):
            prefix = "/".join(parts[:depth])
            if (depth < len(parts) and prefix in files) or folded.get(_folded(prefix), prefix) != prefix:
                return False
    return True


def _folded(path: str) -> str:
    return unicodedata.normalize("NFC", path).casefold()


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
        relative = Path(directory).relative_to(folder).as_posix()
        if relative == ".":
            folders[:] = [name for name in folders if name not in skip]
        found.update(name if relative == "." else f"{relative}/{name}" for name in files)
    return found
