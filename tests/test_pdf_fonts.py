"""builder/pdf/fonts.py: a PDF put together from articles' PDFs embeds each font once, with the
glyphs of all of them, and draws every page as before; a font it cannot take from the system as
the articles had it stays as they embedded it.

tests/fixtures/pdf-edition holds three articles, one in Korean (Noto Serif and Sans CJK)."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader, PdfWriter

from builder.build import build
from builder.pdf import fonts
from helpers import FIXTURES, write


@pytest.fixture(scope="module")
def edition(tmp_path_factory) -> bytes:
    root = tmp_path_factory.mktemp("fonts") / "pub"
    shutil.copytree(FIXTURES / "pdf-edition", root)
    write(root / "dossier.yml", 'title: "Print Ledger"\nbase_url: https://example.org/print/\nauthors: [Test Author]\n'
                                "pdf:\n  editions: all\n")
    site = build(root).out_dir
    return _the_edition(site)


def _the_edition(site: Path) -> bytes:
    pdfs = sorted((site / "pdf").glob("*.pdf"), key=lambda path: len(PdfReader(path).pages))
    return pdfs[-1].read_bytes()          # the edition holds every article: the most pages


def programs(data: bytes) -> dict[str, set[tuple[int, int]]]:
    """Each font (by its name without the subset tag) -> the font programs embedded for it."""
    found: dict[str, set] = defaultdict(set)
    for obj in PdfWriter(clone_from=io.BytesIO(data))._objects:
        if isinstance(obj, dict) and obj.get("/Type") == "/FontDescriptor":
            for key in ("/FontFile2", "/FontFile3"):
                if key in obj:
                    found[str(obj["/FontName"]).split("+")[-1]].add(obj.raw_get(key).idnum)
    return found


def rendered(data: bytes, folder: Path) -> list[bytes]:
    folder.mkdir()
    (folder / "in.pdf").write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "40", "-gray", str(folder / "in.pdf"), str(folder / "page")], check=True)
    return [path.read_bytes() for path in sorted(folder.glob("page*.pgm"))]


def test_an_edition_embeds_each_font_once(edition):
    found = programs(edition)
    assert any("CJK" in name for name in found) and any(name.startswith("Noto-Serif") for name in found)
    assert {name: len(ids) for name, ids in found.items() if len(ids) > 1} == {}


def test_shared_fonts_draw_every_page_as_the_articles_own_subsets_do(edition, tmp_path, monkeypatch):
    from builder.pdf import structure

    monkeypatch.setattr(structure, "share_fonts", lambda pdf: fonts.FontSharing())
    root = tmp_path / "pub"
    shutil.copytree(FIXTURES / "pdf-edition", root)
    write(root / "dossier.yml", 'title: "Print Ledger"\nbase_url: https://example.org/print/\nauthors: [Test Author]\n'
                                "pdf:\n  editions: all\n")
    unshared = _the_edition(build(root, use_cache=False).out_dir)
    several = {name: len(ids) for name, ids in programs(unshared).items() if len(ids) > 1}
    assert several, "the fixture's articles embed their own subsets of the same fonts"
    assert len(edition) < len(unshared) * 0.8
    assert rendered(edition, tmp_path / "shared") == rendered(unshared, tmp_path / "own")


def test_a_font_the_system_does_not_have_stays_as_embedded(edition, monkeypatch):
    unshared = _unshared_copy(edition)
    monkeypatch.setattr(fonts, "system_fonts", lambda: {})
    report = fonts.share_fonts(pikepdf.open(io.BytesIO(unshared)))
    assert report.shared == 0 and report.kept and all("not a font of this system" in why for why in report.kept)


def test_a_system_font_other_than_the_embedded_one_is_not_used(edition, monkeypatch):
    unshared = _unshared_copy(edition)
    system = fonts.system_fonts()
    # every name now leads to another font's file: its outlines differ from what the articles drew
    other = system["NotoSans-Regular"]
    monkeypatch.setattr(fonts, "system_fonts", lambda: {name: other for name in system if name != "NotoSans-Regular"}
                        | {"NotoSans-Regular": system["NotoSerif-Regular"]})
    report = fonts.share_fonts(pikepdf.open(io.BytesIO(unshared)))
    assert report.shared == 0 and report.kept
    assert all("is not the one the articles embedded" in why for why in report.kept), report.kept


def test_descriptors_that_list_their_glyphs_are_left_alone(edition, monkeypatch):
    pdf = pikepdf.open(io.BytesIO(_unshared_copy(edition)))
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
            obj.CIDSet = pdf.make_stream(b"")
    report = fonts.share_fonts(pdf)
    assert report.shared == 0 and all("CIDSet" in why for why in report.kept)


def _unshared_copy(edition: bytes) -> bytes:
    """The edition with a font program of its own again for each font dictionary (each a copy of
    the shared one, as the articles' own subsets were separate streams)."""
    from pypdf.generic import NameObject

    writer = PdfWriter(clone_from=io.BytesIO(edition))
    for obj in list(writer._objects):
        if isinstance(obj, dict) and obj.get("/Type") == "/FontDescriptor":
            for key in ("/FontFile2", "/FontFile3"):
                if key in obj:
                    stream = obj[key].get_object()
                    copy = stream.clone(writer, force_duplicate=True)
                    obj[NameObject(key)] = copy.indirect_reference
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_a_font_file_that_went_missing_keeps_the_font_as_embedded(edition, monkeypatch):
    unshared = _unshared_copy(edition)
    system = fonts.system_fonts()
    monkeypatch.setattr(fonts, "system_fonts", lambda: {name: ("/nonexistent/font.ttf", 0) for name in system})
    report = fonts.share_fonts(pikepdf.open(io.BytesIO(unshared)))
    assert report.shared == 0 and report.kept
