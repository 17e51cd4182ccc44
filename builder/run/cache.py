"""The build cache in .dossier-cache/: results keyed by a hash of everything they depend on.

A result is found only under the exact hash of its inputs, so a stale entry is never
used; an entry that does not parse or whose checksum does not match is ignored and
recomputed; a cache written by another version of Dossier is discarded whole.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from builder import __version__
from builder.run.lock import LOCK_NAME
from builder.run.write import replace_file

CACHE_DIR = ".dossier-cache"    # in the publication's folder
TRUST_VARIABLE = "DOSSIER_TRUST_CACHE"   # =1: a cache from another folder (restored by CI) is used, not emptied

FORMAT = "6"   # 6: an entry is its checksum, then its JSON; 5: heading ids avoid the page's own ids; 4: bodies sanitised anew (hardening)


def digest(value: object) -> str:
    """A stable hash of JSON-serialisable data."""
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def text_digest(value: object, text: str) -> str:
    """A stable hash of JSON-serialisable data and a long text (a document's body), the text not
    written as JSON: a fifth of the time (the value's JSON is complete before the text begins)."""
    hashed = hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode())
    hashed.update(b"\0")
    hashed.update(text.encode("utf-8", "surrogatepass"))
    return hashed.hexdigest()


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def remove_links(folder: Path) -> None:
    """Remove every symbolic link under the cache folder (and the folder itself if it is one):
    the cache is written and read without looking, so no entry of it may lead elsewhere."""
    try:
        if folder.is_symlink():
            folder.unlink()
            return
        pending = [folder]
        while pending:          # os.scandir knows links without a stat per entry: ~5,000 entries in 10 ms
            with os.scandir(pending.pop()) as entries:
                for entry in entries:
                    if entry.is_symlink():
                        os.unlink(entry.path)
                    elif entry.is_dir():
                        pending.append(Path(entry.path))
    except OSError:
        pass


def _stamp(folder: Path) -> str:
    info = folder.stat()
    return f"dossier {__version__} cache {FORMAT} folder {info.st_dev}:{info.st_ino}\n"


class Cache:
    """JSON results by namespace and key; a disabled cache stores nothing."""

    def __init__(self, folder: Path | None, memory: dict | None = None):
        """memory: entries kept from earlier builds of this process (`dossier serve`), which this
        build adds to; sweep() then keeps only those this build used."""
        self.folder = folder
        self.memory = memory
        self._used: set[tuple[str, str]] = set()
        if folder is not None:
            self._claim(folder)

    def sweep(self) -> None:
        """Forget the entries held in memory that this build did not use."""
        if self.memory is not None:
            for entry in [entry for entry in self.memory if entry not in self._used]:
                del self.memory[entry]

    def _claim(self, folder: Path) -> None:
        """Use folder if this Dossier made it here, else empty it. The stamp names the folder's
        device and inode, so a cache that arrives with the publication (committed by a pull
        request, copied from elsewhere) is never trusted: its HTML would skip the sanitiser."""
        stamp = folder / "VERSION"
        try:
            found = stamp.read_text(encoding="utf-8")
            if found == _stamp(folder):
                return
            if os.environ.get(TRUST_VARIABLE) == "1" and found.split(" folder ")[0] == _stamp(folder).split(" folder ")[0]:
                # Restored by CI (actions/cache) from this publication's own earlier builds: a new
                # folder, so a new inode, but a cache the workflow vouches for. Bound to this folder now.
                stamp.write_text(_stamp(folder), encoding="utf-8")
                return
        except OSError:
            pass
        try:
            if folder.is_dir() and not folder.is_symlink():
                # A foreign or damaged cache is rebuilt, never trusted; the lock file of the
                # build running now (builder/run/lock.py) stays, or a second build could take it.
                for entry in folder.iterdir():
                    if entry.name == LOCK_NAME:
                        continue
                    if entry.is_dir() and not entry.is_symlink():
                        shutil.rmtree(entry)
                    else:
                        entry.unlink()
            elif folder.exists() or folder.is_symlink():
                folder.unlink()
            folder.mkdir(parents=True, exist_ok=True)
            stamp.write_text(_stamp(folder), encoding="utf-8")
        except OSError:
            self.folder = None  # an unwritable cache only costs time

    def _path(self, namespace: str, key: str) -> Path:
        assert self.folder is not None
        return self.folder / namespace / key[:2] / f"{key}.json"

    def get(self, namespace: str, key: str):
        """The stored value, or None. A value kept in memory is the object an earlier get() or
        put() had: treat values as read-only."""
        if self.folder is None:
            return None
        if self.memory is not None:
            self._used.add((namespace, key))
            if (namespace, key) in self.memory:
                return self.memory[namespace, key]
            self.memory[namespace, key] = value = self._read(namespace, key)
            return value
        return self._read(namespace, key)

    def _read(self, namespace: str, key: str):
        """An entry is its value's checksum on the first line, then the value's JSON: the bytes are
        checked as read (a damaged entry is ignored), not the value written out again."""
        try:
            with open(f"{self.folder}/{namespace}/{key[:2]}/{key}.json", "rb") as stream:   # _path(), as a string: cheaper
                check, _, text = stream.read().partition(b"\n")
            if check.decode("ascii", "replace") != hashlib.sha256(text).hexdigest():
                return None
            return json.loads(text)
        except (OSError, ValueError):
            return None

    def put(self, namespace: str, key: str, value) -> None:
        if self.folder is None:
            return
        if self.memory is not None:
            self.memory[namespace, key] = value
            self._used.add((namespace, key))
        path = self._path(namespace, key)
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        try:
            replace_file(path, hashlib.sha256(text).hexdigest().encode("ascii") + b"\n" + text)
        except OSError:
            pass
