"""Fingerprints of a build's inputs and output, to skip a rebuild that nothing invalidated."""

from __future__ import annotations

import hashlib
import json
import os
import time
from functools import cache
from pathlib import Path

import builder
from builder.run.confinement import inside, real_path

_PACKAGE = Path(builder.__file__).parent
_SETTLED_NS = 2_000_000_000     # a file's digest is remembered once it has not changed for this long


def _walk(folder: Path, skip: set[Path], within: Path | None = None):
    """Every file under folder, in order. Links to folders are followed once each, and with
    within only to folders inside it (the read gate), so a link out, or in a loop, ends there."""
    seen: set[Path] = set()

    def visit(directory: Path):
        real = real_path(directory)
        if real is None or real in seen or (within is not None and not inside(within, directory)):
            return
        seen.add(real)
        try:
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError:
            return
        for entry in entries:
            path = Path(entry.path)
            try:
                is_folder = entry.is_dir()
            except OSError:
                is_folder = False
            if is_folder:
                if path not in skip and not entry.name.startswith(".dossier-"):
                    yield from visit(path)
            else:
                yield path

    if folder.is_dir():
        yield from visit(folder)


def _digest(path: Path, within: Path | None, memo: dict | None) -> bytes:
    if memo is None:
        return hashlib.sha256(_content(path, within)).digest()
    try:
        own, target = os.lstat(path), os.stat(path)
        key = (own.st_mode, own.st_size, own.st_mtime_ns, own.st_ctime_ns, own.st_ino, target.st_ino, target.st_mtime_ns)
    except OSError:
        key = None
    found = memo.get(path)
    if key is None or found is None or found[0] != key:
        # A file changed in the last seconds may change again within its time stamp's granularity
        # without its key changing (git's "racy clean" files): its digest is not trusted next time.
        recent = time.time_ns() - max(own.st_mtime_ns, own.st_ctime_ns) < _SETTLED_NS if key else True
        found = memo[path] = (None if recent else key, hashlib.sha256(_content(path, within)).digest())
    return found[1]


def _content(path: Path, within: Path | None) -> bytes:
    """What stands for path in the fingerprint: its bytes if it is a regular file the build may
    read, else where it links to (a link out, to nothing, or to a device is never read)."""
    if path.is_file() and (within is None or inside(within, path)):
        try:
            return path.read_bytes()
        except OSError:
            return b""
    try:
        return b"link:" + os.fsencode(os.readlink(path))
    except OSError:
        return b""


def input_fingerprint(root: Path, out_dir: Path, flags: dict, read: list[Path], memo: dict | None = None) -> str:
    """A hash of every file a build reads (the publication, the folders and files in read: theme,
    citation style; Dossier itself) and its options. memo: each file's digest by path, reused
    while the file is as it was (same size, times and inode), and left holding only the files
    read now; `dossier serve` keeps it in memory, `dossier build` in the cache (read_digests)."""
    hasher = hashlib.sha256(json.dumps(flags, sort_keys=True).encode())
    seen: set[Path] = set()
    skip = {out_dir, root / ".dossier-cache", root / ".git"}
    folders = [root / "dossier.yml", root / "content", root / "citations", _PACKAGE, *read]
    for folder in folders:
        within = root if inside(root, folder) or folder.is_relative_to(root) else None   # the publication's own
        paths = [folder] if not folder.is_dir() else _walk(folder, skip, within)
        for path in paths:
            if path.suffix in (".pyc",) or "__pycache__" in path.parts:
                continue
            hasher.update(str(path).encode() + b"\0" + _digest(path, within, memo))
            seen.add(path)
    if memo is not None:
        for gone in memo.keys() - seen:
            del memo[gone]
    return hasher.hexdigest()


def read_digests(path: Path) -> dict:
    """The memo of input_fingerprint as write_digests saved it; empty if it is not that. An entry
    is only ever used for a file whose size, times and inode are those recorded: a copied or
    checked-out cache matches no file (its inodes and change times differ)."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    memo = {}
    for name, entry in data.items() if isinstance(data, dict) else ():
        if (isinstance(entry, list) and len(entry) == 8 and all(type(part) is int for part in entry[:7])
                and isinstance(entry[7], str) and len(entry[7]) == 64):
            try:
                memo[Path(name)] = (tuple(entry[:7]), bytes.fromhex(entry[7]))
            except ValueError:
                continue
    return memo


def write_digests(path: Path, memo: dict) -> None:
    """Save input_fingerprint's memo for the next build (a failure to only costs that build time)."""
    from builder.run.write import replace_file

    entries = {str(name): [*key, digest.hex()] for name, (key, digest) in sorted(memo.items()) if key is not None}
    try:
        replace_file(path, json.dumps(entries, separators=(",", ":")).encode("utf-8"))
    except OSError:
        pass


@cache
def code_digest() -> str:
    """A hash of Dossier's own code (its Python and Lua files), once per process."""
    hasher = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*")):
        if path.suffix in (".py", ".lua") and path.is_file():
            hasher.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return hasher.hexdigest()


def theme_digest(folders: list[Path]) -> str:
    """A hash of the theme folders' files (names and bytes): templates, catalogues, static files.
    Names are taken within their folder, so a copy of the publication elsewhere hashes the same."""
    hasher = hashlib.sha256()
    for number, folder in enumerate(folders):
        for directory, names, files in os.walk(folder):
            names.sort()
            for name in sorted(files):
                path = os.path.join(directory, name)
                named = f"{number}/{os.path.relpath(path, folder)}".encode("utf-8", "surrogateescape") + b"\0"
                try:
                    with open(path, "rb") as stream:
                        hasher.update(named + hashlib.sha256(stream.read()).digest())
                except OSError:
                    hasher.update(named + b"?")
    return hasher.hexdigest()


def output_fingerprint(out_dir: Path) -> tuple[str, int]:
    """A cheap fingerprint of the built site (paths, sizes, modification times) and its number of
    files. Links are not followed: a link in the site (which no build makes) counts as itself.
    The lines are sorted once, not each folder's entries (15,000 files in ~45 ms, not ~75)."""
    lines = []
    pending = [(str(out_dir), "")]
    while pending:
        folder, shown = pending.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    name = shown + entry.name
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            pending.append((entry.path, name + "/"))
                            continue
                        info = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    lines.append(f"{name}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_mode}\n")
        except OSError:
            continue
    lines.sort()
    return hashlib.sha256("".join(lines).encode("utf-8", "surrogateescape")).hexdigest(), len(lines)
