"""The whole built site of a small publication, compared with a stored copy.

tests/golden/NAME/ holds what building tests/fixtures/NAME gives, file by file: text files
as they are; each PDF as the text of its pages (pdf/NAME.pdf.txt); the search index as its
pages' URLs, titles, filters and text (pagefind.txt), since Pagefind's own files are named
by hashes (its scripts are Pagefind's, not Dossier's output); the theme's own files copied
into theme/, and other files (images, fonts), by their SHA-256 (binary.txt).
A change to any output shows as a readable diff of the files it touched.

After an intended change of the output, write the stored copies anew and read their diff:

    .venv/bin/python tests/test_golden.py
"""

from __future__ import annotations

import difflib
import gzip
import hashlib
import json
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import FIXTURES, REPOSITORY  # noqa: E402

GOLDEN = REPOSITORY / "tests" / "golden"
PUBLICATIONS = ["evidence-basic"]
_TEXT = {".html", ".xml", ".txt", ".json", ".css", ".js", ".bib", ".ris", ".svg", ".csv"}


def site_texts(site: Path) -> dict[str, str]:
    """Every file of a built site as text to compare, by its stored name."""
    texts: dict[str, str] = {}
    digests, fragments = [], []
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        name = path.relative_to(site).as_posix()
        if name.startswith("pagefind/"):        # the rest is Pagefind's own code, or named by hashes
            if name.startswith("pagefind/fragment/"):
                fragments.append(json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd"):]))
        elif path.suffix == ".pdf":
            texts[name + ".txt"] = _pdf_text(path)
        elif path.suffix in _TEXT and not name.startswith("theme/"):     # theme/ copies the theme's files
            texts[name] = path.read_text(encoding="utf-8")
        else:
            digests.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {name}")
    texts["pagefind.txt"] = "".join(
        f"{f['url']}\n  title: {f['meta'].get('title', '')}\n  filters: {json.dumps(f.get('filters', {}), sort_keys=True, ensure_ascii=False)}\n"
        f"  {f['content']}\n" for f in sorted(fragments, key=lambda f: f["url"]))
    texts["binary.txt"] = "".join(line + "\n" for line in digests)
    return texts


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    pages = PdfReader(path).pages
    return "".join(f"--- page {number} ---\n{page.extract_text()}\n" for number, page in enumerate(pages, 1))


def build_texts(name: str, scratch: Path) -> dict[str, str]:
    from builder.build import build

    root = scratch / name
    shutil.copytree(FIXTURES / name, root, symlinks=True)
    result = build(root, use_cache=False)
    return site_texts(result.out_dir)


def stored_texts(name: str) -> dict[str, str]:
    folder = GOLDEN / name
    return {path.relative_to(folder).as_posix(): path.read_text(encoding="utf-8")
            for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.mark.slow
@pytest.mark.parametrize("name", PUBLICATIONS)
def test_the_built_site_is_the_stored_one(name, tmp_path):
    built, stored = build_texts(name, tmp_path), stored_texts(name)
    differences = []
    for file in sorted(set(built) | set(stored)):
        if built.get(file) != stored.get(file):
            differences += difflib.unified_diff(stored.get(file, "").splitlines(), built.get(file, "").splitlines(),
                                                f"stored/{file}", f"built/{file}", n=1, lineterm="")
    assert not differences, ("the site differs from tests/golden/" + name + " (if intended, run "
                             ".venv/bin/python tests/test_golden.py and read the diff):\n"
                             + "\n".join(differences[:200]))


def write_golden() -> None:
    import tempfile

    for name in PUBLICATIONS:
        with tempfile.TemporaryDirectory() as scratch:
            texts = build_texts(name, Path(scratch))
        folder = GOLDEN / name
        shutil.rmtree(folder, ignore_errors=True)
        for file, text in texts.items():
            (folder / file).parent.mkdir(parents=True, exist_ok=True)
            (folder / file).write_text(text, encoding="utf-8")
        print(f"wrote {len(texts)} files into {folder.relative_to(REPOSITORY)}")


if __name__ == "__main__":
    write_golden()
