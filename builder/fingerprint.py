"""Fingerprints of a build's inputs and output, to skip a rebuild that nothing invalidated."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import builder
from builder.styles import style_files

_PACKAGE = Path(builder.__file__).parent


def _walk(folder: Path, skip: set[Path]):
    if not folder.exists():
        return
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=True):
        current = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if current / d not in skip and not d.startswith(".dossier-"))
        for name in sorted(filenames):
            yield current / name


def input_fingerprint(root: Path, out_dir: Path, flags: dict, theme_dirs: list[Path], csl: str) -> str:
    """A hash of every file a build reads (publication, theme, citation style, Dossier itself) and its options."""
    hasher = hashlib.sha256(json.dumps(flags, sort_keys=True).encode())
    skip = {out_dir, root / ".dossier-cache", root / ".git"}
    folders = [root / "dossier.yml", root / "content", root / "citations", *theme_dirs, _PACKAGE,
               *style_files(root, csl)]
    for folder in folders:
        paths = [folder] if folder.is_file() else _walk(folder, skip)
        for path in paths:
            if path.suffix in (".pyc",) or "__pycache__" in path.parts:
                continue
            try:
                data = path.read_bytes()
            except OSError:
                continue
            hasher.update(str(path).encode() + b"\0" + hashlib.sha256(data).digest())
    return hasher.hexdigest()


def output_fingerprint(out_dir: Path) -> str:
    """A cheap fingerprint of the built site (paths, sizes, modification times)."""
    hasher = hashlib.sha256()
    for path in _walk(out_dir, set()):
        try:
            info = path.stat()
        except OSError:
            continue
        hasher.update(f"{path.relative_to(out_dir)}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return hasher.hexdigest()
