"""A rebuild with PDFs and search updates the site in place (run/inplace.py), the PDF stage reading
the new site's files where they changed (beside the site) and not those it drops, and what it
leaves is, byte for byte, the site a build from nothing makes: after an edit of an article and of
an image, after dropping the PDFs (--no-pdf) and after bringing them back."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from builder.build import build
from helpers import FIXTURES

ARTICLE = "content/articles/short-note.md"


def _everything(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file()}


@pytest.fixture(scope="module")
def publication(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("inplace") / "pub"
    shutil.copytree(FIXTURES / "pdf-edition", root)
    build(root)
    return root


def _same_as_cold(root: Path, tmp_path: Path, *, pdf: bool) -> dict[str, bytes]:
    from builder.run import inplace

    site = root / "_site"
    updates = []
    original = inplace.SiteUpdate.publish

    def publish(update):
        updates.append(update)
        original(update)

    inplace.SiteUpdate.publish = publish
    try:
        build(root, pdf=pdf)
    finally:
        inplace.SiteUpdate.publish = original
    assert len(updates) == 1                        # updated in place, not written aside
    build(root, pdf=pdf, use_cache=False, out=tmp_path / "cold")
    got, cold = _everything(site), _everything(tmp_path / "cold")
    assert sorted(got) == sorted(cold)
    assert [path for path in cold if got[path] != cold[path]] == []
    assert sorted(p.name for p in root.iterdir() if p.name.startswith("._site.")) == []
    return got


def test_an_edit_with_pdfs(publication, tmp_path):
    article = publication / ARTICLE
    article.write_text(article.read_text(encoding="utf-8") + "\nA sentence added in place.\n", encoding="utf-8")
    files = _same_as_cold(publication, tmp_path, pdf=True)
    assert "pdf/short-note.pdf" in files and "editions/index.html" in files


def test_an_image_changed_is_the_one_the_pdf_shows(publication, tmp_path):
    """The PDF stage runs before the changes are moved in: it reads the changed image beside the site."""
    from PIL import Image

    image = publication / "content" / "assets" / "prices.png"
    Image.new("RGB", (40, 20), (200, 30, 30)).save(image)
    files = _same_as_cold(publication, tmp_path, pdf=True)
    assert files["assets/prices.png"] == image.read_bytes()


def test_dropping_the_pdfs_then_bringing_them_back(publication, tmp_path):
    files = _same_as_cold(publication, tmp_path / "without", pdf=False)
    assert not [path for path in files if path.startswith(("pdf/", "editions/"))]
    files = _same_as_cold(publication, tmp_path / "with", pdf=True)
    assert "pdf/short-note.pdf" in files and "editions/index.html" in files
