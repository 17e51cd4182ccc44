"""`dossier serve`'s writes after its first build: the site folder updated in place, file by file.

`dossier build` writes every site aside and swaps it in whole (run/write.py), so that a failure
leaves the previous site as it was. The server's rebuilds come after a build that succeeded, and
what they change is a handful of files of thousands: each is replaced in one step (a new file
renamed over the old one, so a reader never finds one half written), files the site no longer
has are removed, and nothing else is touched. The session remembers what it wrote where, so an
unchanged file is neither read nor written again.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from builder.errors import BuildFailed, error
from builder.model import Output
from builder.run.write import MARKER, SEARCH_BUNDLES, check_site_folder, check_unique, replace_file, site_file


def update_site(outputs: list[Output], out_dir: Path, written: dict, previous: set[str]) -> int:
    """Make the site in out_dir (one Dossier built, holding the files of previous) hold outputs;
    written: what earlier updates wrote, by path, kept up to date. Returns the files written."""
    check_unique(outputs)
    out_dir = check_site_folder(out_dir)
    folders: dict[Path, bool] = {}
    changed = 0
    try:
        for output in sorted(outputs, key=lambda o: o.path):
            if output.kept:          # the page memo found it there, as the last build left it
                continue
            what, last = _what(output), written.get(output.path)
            if last is not None and last[0] == what and _file_key(f"{out_dir}/{output.path}") == last[1]:
                continue             # as this session wrote it: only looked at, through no gate
            target = site_file(out_dir, output.path, folders)
            if last is None and _same_bytes(target, output):
                written[output.path] = (what, _file_key(target))
                continue
            replace_file(target, output.content if output.content is not None else output.source.read_bytes())
            written[output.path] = (what, _file_key(target))
            changed += 1
        for path in sorted(previous - {output.path for output in outputs}):
            written.pop(path, None)
            _remove(out_dir, path, folders)
    except OSError as exc:
        raise BuildFailed([error(str(out_dir), 1, 1, f"cannot update the site ({exc.strerror or exc}); "
                                 "the next build writes it whole")]) from None
    return changed


def site_files(out_dir: Path) -> set[str]:
    """The files of the site in out_dir that builds write as outputs (not its marker, PDFs or search
    bundles, nor what is being made beside them): what update_site() may remove."""
    found: set[str] = set()
    kept_apart = {MARKER, "pdf", *SEARCH_BUNDLES}
    for directory, folders, files in os.walk(out_dir):
        relative = os.path.relpath(directory, out_dir)
        if relative == ".":
            folders[:] = [name for name in folders if name not in kept_apart and not name.startswith(".")]
            files = [name for name in files if name not in kept_apart]
        found.update(name if relative == "." else f"{relative}/{name}" for name in files)
    return found


def _what(output: Output) -> tuple:
    """What is written: the bytes' digest, or the copied file as it is now."""
    if output.content is not None:
        return ("bytes", hashlib.sha256(output.content).hexdigest())
    info = output.source.stat()
    return ("file", str(output.source), info.st_size, info.st_mtime_ns, info.st_ino)


def _file_key(path: Path | str) -> tuple | None:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ino) if stat.S_ISREG(info.st_mode) else None


def _same_bytes(target: Path, output: Output) -> bool:
    """Whether target, a file this session has not written yet, holds what output would write."""
    if _file_key(target) is None:
        return False
    try:
        return target.read_bytes() == (output.content if output.content is not None else output.source.read_bytes())
    except OSError:
        return False


def _remove(site: Path, path: str, folders: dict[Path, bool]) -> None:
    """Remove the site's file at path (never through a link) and the folders it leaves empty."""
    target = site_file(site, path, folders)
    if target.is_file() or target.is_symlink():
        target.unlink()
    folder = target.parent
    while folder != site and folder.is_relative_to(site):
        try:
            folder.rmdir()          # only when empty
        except OSError:
            break
        folders.pop(folder, None)
        folder = folder.parent
