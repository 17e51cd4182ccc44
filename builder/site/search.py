"""Full-text search with Pagefind, run on the finished site folder (its CLI: one process, no service round trips)."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

from builder.errors import BuildFailed, error


ALL_LANGUAGES = "pagefind-all"


def index_site(site_dir: Path, language: str) -> int:
    """Write the Pagefind bundle into site_dir/pagefind/ for the HTML in site_dir; the page count.
    Each page is indexed in its own language (its <html lang>): Pagefind writes an index per
    language, stems words by that language's rules, and a search loads its page's language.
    When pages are in more than one language, pagefind-all/ holds one index of every page (in
    the publication's language), for a search of all languages."""
    pages = _run_pagefind(site_dir, "pagefind")
    if len(list((site_dir / "pagefind").glob("pagefind.*.pf_meta"))) > 1:
        _run_pagefind(site_dir, ALL_LANGUAGES, "--force-language", language.split("-")[0].lower())
    return pages


def _run_pagefind(site_dir: Path, folder: str, *options: str) -> int:
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--output-subdir", folder, *options]
    try:
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise BuildFailed([error(str(site_dir), 1, 1, f"search indexing failed: {exc}")]) from None
    if completed.returncode != 0:
        detail = (completed.stderr or completed.stdout).strip().splitlines()[-1:] or ["no output"]
        raise BuildFailed([error(str(site_dir), 1, 1, f"search indexing failed: {detail[0]}")])
    _canonicalize_filters(site_dir / folder)
    match = re.search(r"Indexed (\d+) page", completed.stdout)
    return int(match.group(1)) if match else 0


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
