"""Nothing a writer puts in a publication reads files outside it.

Links, images, assets, documents, .bib files, snapshots, theme files, the CSL style and the
PDF cover image that lead outside the publication folder are errors at the exact
path:line:col, and nothing outside is ever copied into the site: a canary file next to the
publication must not turn up in any output file (pages, search index, PDFs).
"""

from __future__ import annotations

import gzip
import os
import uuid
from pathlib import Path

import pytest

from builder.build import build
from builder.errors import BuildFailed
from helpers import snapshot, write

CANARY = "CANARY-" + uuid.uuid4().hex


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder next to the publication holding canary files of every kind a build might read."""
    folder = tmp_path / "outside"
    write(folder / "canary.txt", CANARY + "\n")
    write(folder / "canary.md", f"---\ntitle: {CANARY}\ndate: 2016-01-01\n---\n\n{CANARY} body.\n")
    write(folder / "canary.bib", f"@book{{canary, title = {{{CANARY}}}, author = {{Canary, C.}}, year = {{2016}}}}\n")
    write(folder / "canary.svg", f'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="0" y="20">{CANARY}</text></svg>\n')
    write(folder / "canary.css", f'body::after {{ content: "{CANARY}"; }}\n')
    write(folder / "canary.html", f"<p>{CANARY}</p>\n")
    write(folder / "dir" / "inside.txt", CANARY + "\n")
    return folder


def write_publication(root: Path, body: str = "Text.\n", settings: str = "") -> Path:
    write(root / "dossier.yml", "title: Paths\nbase_url: https://example.org/\n" + settings)
    write(root / "content" / "articles" / "a.md", f"---\ntitle: A\ndate: 2016-01-01\n---\n\n{body}")
    write(root / "content" / "pages" / "about.md", "---\ntitle: About\n---\n\nAbout.\n")
    write(root / "content" / "assets" / "map.png", b"\x89PNG\r\n\x1a\n")
    write(root / "citations" / "sources.bib", "@book{kim2016, title = {Markets}, author = {Kim, A.}, year = {2016}}\n")
    return root


def problems_of(root: Path, **options) -> list[str]:
    with pytest.raises(BuildFailed) as failed:
        build(root, pdf=False, use_cache=False, **options)
    return [str(problem) for problem in failed.value.problems]


def canary_files(site: Path) -> list[str]:
    """Every file of the site (PDF text, gzipped search index included) that holds the canary."""
    from pypdf import PdfReader

    found = []
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        if path.suffix == ".pdf":
            data += "".join(page.extract_text() for page in PdfReader(path).pages).encode()
        if CANARY.encode() in data:
            found.append(path.relative_to(site).as_posix())
    return found


# --- Links and images in Markdown ---------------------------------------------------------

LINKS = """\
[1](../../../outside/canary.txt) [2](/etc/passwd) [3](file:///etc/passwd)
[4](%2e%2e%2f%2e%2e%2f%2e%2e%2foutside%2fcanary.txt) [5](%252e%252e%252f%252e%252e%252f%252e%252e%252foutside%252fcanary.txt)
[6](..\\..\\..\\outside\\canary.txt) ![7](../../../outside/canary.svg) ![8](<../../../outside/canary.svg>)
[9](FILE:///etc/passwd) [10](..%2F..%2F..%2Foutside%2Fcanary.txt) [11](./../../../outside/canary.txt#top)
![12](%2Fetc%2Fpasswd) [13](<file:///etc/passwd>) [14](../assets/../../../outside/canary.txt)

[ref]: ../../../outside/canary.html
[15][ref]
"""


def test_every_link_out_of_the_publication_is_an_error_where_it_is_written(tmp_path, outside):
    root = write_publication(tmp_path / "pub", LINKS)
    path = "content/articles/a.md"
    assert problems_of(root) == [
        f"{path}:6:5: error: link '../../../outside/canary.txt' points outside the publication folder",
        f"{path}:6:38: error: link to absolute path '/etc/passwd': write a path relative to this file",
        f"{path}:6:55: error: 'file:///etc/passwd' is not a usable link target",
        f"{path}:7:5: error: link '%2e%2e%2f%2e%2e%2f%2e%2e%2foutside%2fcanary.txt' points outside the publication folder",
        f"{path}:7:58: error: link target '%252e%252e%252f%252e%252e%252f%252e%252e%252foutside%252fcanary.txt' does not exist",
        f"{path}:8:5: error: link target '......%5Coutside%5Ccanary.txt' does not exist",
        f"{path}:8:39: error: link '../../../outside/canary.svg' points outside the publication folder",
        f"{path}:8:74: error: link '../../../outside/canary.svg' points outside the publication folder",
        f"{path}:9:5: error: 'FILE:///etc/passwd' is not a usable link target",
        f"{path}:9:30: error: link '..%2F..%2F..%2Foutside%2Fcanary.txt' points outside the publication folder",
        f"{path}:9:72: error: link './../../../outside/canary.txt#top' points outside the publication folder",
        f"{path}:10:7: error: link to absolute path '%2Fetc%2Fpasswd': write a path relative to this file",
        f"{path}:10:30: error: 'file:///etc/passwd' is not a usable link target",
        f"{path}:10:56: error: link '../assets/../../../outside/canary.txt' points outside the publication folder",
        f"{path}:12:8: error: link '../../../outside/canary.html' points outside the publication folder",
    ]
    assert not (root / "_site").exists()


# --- Links on disk: documents, assets, .bib files, snapshots, themes ----------------------


def link(path: Path, target: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, path)


def test_every_file_that_links_out_of_the_publication_is_an_error(tmp_path, outside):
    root = write_publication(tmp_path / "pub", "See [the map](../assets/map.png).\n")
    link(root / "content" / "articles" / "leak.md", outside / "canary.md")
    link(root / "content" / "pages" / "leak.md", outside / "canary.md")
    link(root / "content" / "assets" / "leak.txt", outside / "canary.txt")
    link(root / "content" / "assets" / "leakdir", outside / "dir")
    link(root / "citations" / "leak.bib", outside / "canary.bib")
    link(root / "citations" / "snapshots" / "kim2016.txt", outside / "canary.txt")
    link(root / "themes" / "default" / "static" / "leak.css", outside / "canary.css")
    link(root / "themes" / "default" / "templates" / "page.html", outside / "canary.html")
    outside_link = "is a link to a place outside the publication folder: copy what it holds into the publication"
    assert problems_of(root) == [
        "citations/leak.bib:1:1: error: file " + outside_link,
        "citations/snapshots/kim2016.txt:1:1: error: file " + outside_link,
        "content/articles/leak.md:1:1: error: document is a link to a file outside the publication folder",
        "content/assets/leak.txt:1:1: error: asset is a link to a file outside the publication folder",
        "content/assets/leakdir:1:1: error: asset is a link to a file outside the publication folder",
        "content/pages/leak.md:1:1: error: document is a link to a file outside the publication folder",
        "themes/default/static/leak.css:1:1: error: file " + outside_link,
        "themes/default/templates/page.html:1:1: error: file " + outside_link,
    ]
    assert not (root / "_site").exists()


def test_a_theme_folder_that_links_out_of_the_publication_is_an_error(tmp_path, outside):
    root = write_publication(tmp_path / "pub", settings="theme: borrowed\n")
    link(root / "themes" / "borrowed", outside)
    assert problems_of(root) == ["themes/borrowed:1:1: error: folder is a link to a place outside the publication "
                                 "folder: copy what it holds into the publication"]


@pytest.mark.parametrize("theme", ["../../outside", "/etc", "..", "a/b"])
def test_a_theme_named_by_path_is_an_error(tmp_path, outside, theme):
    root = write_publication(tmp_path / "pub", settings=f"theme: '{theme}'\n")
    assert problems_of(root) == [f"dossier.yml:3:8: error: 'theme' must be the name of a folder in themes/, not '{theme}'"]


def test_links_inside_the_publication_are_fine(tmp_path):
    root = write_publication(tmp_path / "pub", "See [the map](../assets/map.png) and ![again](../assets/alias.png).\n")
    link(root / "content" / "assets" / "alias.png", root / "content" / "assets" / "map.png")
    link(root / "content" / "articles" / "b.md", root / "content" / "articles" / "a.md")
    result = build(root, pdf=False, use_cache=False)
    assert "assets/alias.png" in [o.path for o in result.outputs]
    assert (result.out_dir / "articles" / "b" / "index.html").is_file()


def test_a_folder_or_broken_link_named_like_a_document_is_an_error(tmp_path):
    root = write_publication(tmp_path / "pub")
    (root / "content" / "articles" / "folder.md").mkdir()
    link(root / "content" / "articles" / "gone.md", root / "content" / "articles" / "nothing-here.md")
    assert problems_of(root) == [
        "content/articles/folder.md:1:1: error: not a readable file (a folder, or a link to nothing)",
        "content/articles/gone.md:1:1: error: not a readable file (a folder, or a link to nothing)",
    ]


def test_cite_commands_neither_read_nor_rewrite_a_bib_file_outside(tmp_path, outside, cli):
    root = write_publication(tmp_path / "pub", "As @kim2016 shows.\n")
    link(root / "citations" / "leak.bib", outside / "canary.bib")
    before = (outside / "canary.bib").read_bytes()
    result = cli("-C", root, "cite", "check")
    assert result.exit_code == 1
    assert ("citations/leak.bib:1:1: error: file is a link to a place outside the publication folder: "
            "copy what it holds into the publication") in result.output
    assert CANARY not in result.output
    cli("-C", root, "cite", "fmt")
    assert (root / "citations" / "leak.bib").is_symlink()
    assert (outside / "canary.bib").read_bytes() == before


# --- Settings that name files ---------------------------------------------------------------


def test_a_csl_file_outside_the_publication_is_an_error(tmp_path, outside):
    write(outside / "style.csl", "<style/>\n")
    root = write_publication(tmp_path / "pub", settings="csl: ../outside/style.csl\n")
    assert problems_of(root) == ["dossier.yml:3:6: error: csl file '../outside/style.csl' is outside the publication folder"]


def test_a_csl_file_that_links_out_of_the_publication_is_an_error(tmp_path, outside):
    write(outside / "style.csl", "<style/>\n")
    root = write_publication(tmp_path / "pub", settings="csl: styles/house.csl\n")
    link(root / "styles" / "house.csl", outside / "style.csl")
    assert problems_of(root) == ["dossier.yml:3:6: error: csl file 'styles/house.csl' is outside the publication folder"]


@pytest.mark.parametrize("image", ["../../outside/canary.svg", "/etc/passwd", "file:///etc/passwd",
                                   "https://example.org/cover.jpg", "assets/missing.jpg", "content/assets/map.png"])
def test_a_cover_image_that_is_not_a_file_of_the_site_is_an_error(tmp_path, outside, image):
    root = write_publication(tmp_path / "pub", settings=f"pdf:\n  variant: null\n  cover_image: '{image}'\n")
    assert problems_of(root) == [
        f"dossier.yml:5:16: error: pdf cover_image '{image}' is not a file of the site: put the image in "
        "content/assets/ and write its path from there, e.g. assets/cover.jpg"]


def test_a_cover_image_among_the_assets_is_fine(tmp_path):
    root = write_publication(tmp_path / "pub", settings="pdf:\n  cover_image: assets/map.png\n")
    build(root, pdf=False, write=False, use_cache=False)


# --- Nothing outside reaches the site -------------------------------------------------------

RAW_HTML = """\
<img src="../../../outside/canary.svg"> <img src="file://{outside}/canary.svg">
<a href="file://{outside}/canary.txt">local</a> <iframe src="../../../outside/canary.html"></iframe>
<object data="file://{outside}/canary.svg"></object> <embed src="{outside}/canary.svg">
<link rel="stylesheet" href="file://{outside}/canary.css">
<style>@import url("file://{outside}/canary.css");</style>
<img src="/{outside}/canary.svg">

A [[link]](../assets/map.png) and ![the map](../assets/map.png).
"""


@pytest.mark.parametrize("unsafe_html", [False, True])
def test_raw_html_pointing_outside_copies_nothing_into_the_site(tmp_path, outside, unsafe_html):
    """Raw HTML is not resolved like Markdown links, but neither the site nor the PDFs read through it."""
    root = write_publication(tmp_path / "pub", RAW_HTML.format(outside=outside.as_posix()),
                       settings="unsafe_html: true\n" if unsafe_html else "")
    result = build(root, use_cache=False)
    site = result.out_dir
    assert (site / "pdf" / "a.pdf").is_file() and (site / "pdf" / "2016.pdf").is_file()   # the year's edition
    assert canary_files(site) == []
    assert (site / "assets" / "map.png").read_bytes() == b"\x89PNG\r\n\x1a\n"


def test_a_failed_build_leaves_the_previous_site(tmp_path, outside):
    root = write_publication(tmp_path / "pub")
    site = build(root, pdf=False, use_cache=False).out_dir
    before = snapshot(site)
    link(root / "content" / "articles" / "leak.md", outside / "canary.md")
    problems_of(root)
    assert snapshot(site) == before
    assert canary_files(site) == []
