"""Two builds of the same input give the same bytes: every file, PDFs and the search bundle included.

The same publication is copied to two folders and built with the command line at different
moments (a second apart, so that any clock reading differs), each with a cold cache and a
different time zone; a third build reuses the first folder's warm cache.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import FIXTURES, REPOSITORY, snapshot, write

EXTRA_ARTICLE = """\
---
title: "Evidence and sources"
subtitle: "Quotes, grades and a table"
date: 2016-05-02
updated: 2016-05-09
authors: [{name: Test Author, affiliation: Example Institute}]
tags: [evidence, 북한]
summary: "A second article with evidence boxes, footnotes and Korean text."
---

Cadres are afraid (@ev-fear), as @yonhap2016 reported.[^note]

::: {.evidence #ev-fear source=yonhap2016 date=2016-04-08 grade=B2 locator="para. 2"}
The workers had worked at a restaurant in Ningbo.
:::

| Year | Value |
|---|---|
| 2015 | 1 |
| 2016 | 2 |

: Values by year {#tbl-values}

See @tbl-values. 평양 시장은 아침에 열린다.

[^note]: A footnote with a [link](https://example.org/).
"""

SOURCES = """
@online{yonhap2016,
  author      = {{Yonhap News Agency}},
  title       = {Thirteen Restaurant Workers Defect},
  date        = {2016-04-08},
  url         = {https://example.org/yonhap},
  reliability = {B},
}
"""


def _publication(root: Path) -> Path:
    shutil.copytree(FIXTURES / "pdf-edition", root)
    write(root / "content" / "articles" / "evidence-and-sources.md", EXTRA_ARTICLE)
    with open(root / "citations" / "sources.bib", "a", encoding="utf-8") as bib:
        bib.write(SOURCES)
    write(root / "citations" / "snapshots" / "yonhap2016.txt",
          "Saved: 2016-04-09\n\nThe workers had worked at a restaurant in Ningbo, a port city.\n")
    return root


def _build(root: Path, zone: str) -> None:
    result = subprocess.run([sys.executable, "-m", "builder", "-C", str(root), "build"], capture_output=True, text=True,
                            timeout=300, cwd=root.parent,
                            env=dict(os.environ, CI="true", TZ=zone, PYTHONPATH=str(REPOSITORY)))
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory) -> tuple[Path, Path]:
    first = _publication(tmp_path_factory.mktemp("reproducible-one") / "publication")
    second = _publication(tmp_path_factory.mktemp("a-different-folder") / "elsewhere" / "pub")
    _build(first, "UTC")
    time.sleep(1.1)
    _build(second, "Pacific/Kiritimati")
    return first / "_site", second / "_site"


def test_every_file_is_byte_identical(two_builds):
    first, second = snapshot(two_builds[0]), snapshot(two_builds[1])
    assert [path for path in first if first[path] != second.get(path)] == []
    assert sorted(first) == sorted(second)


def test_the_comparison_covers_pdfs_and_the_search_bundle(two_builds):
    files = snapshot(two_builds[0])
    assert {"pdf/edition.pdf", "pdf/evidence-and-sources.pdf"} <= set(files)
    assert any(path.startswith("pagefind/fragment/") for path in files)
    assert any(path.endswith(".pf_filter") for path in files)
    assert any(path.endswith(".pf_meta") for path in files)
    assert "feed.xml" in files and "sitemap.xml" in files


def test_no_output_names_the_folder_it_was_built_in(two_builds):
    import gzip

    for site in two_builds:
        folder = str(site.parent).encode()
        for path in site.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                data = gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
                assert folder not in data, path


def test_a_rebuild_with_a_warm_cache_gives_the_same_bytes(two_builds):
    site = two_builds[0]
    before = snapshot(site)
    article = site.parent / "content" / "articles" / "evidence-and-sources.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text + "\nA change.\n", encoding="utf-8")
    _build(site.parent, "UTC")
    article.write_text(text, encoding="utf-8")       # back as it was: the same input again
    _build(site.parent, "America/New_York")
    assert snapshot(site) == before


def test_parsing_and_rendering_in_worker_processes_give_the_same_bytes(tmp_path, monkeypatch):
    # Large publications are parsed and rendered by a process per core; the example publication
    # is small, so the thresholds are lowered to compare both paths on it.
    import builder.site.bodies
    import builder.site.render
    from builder.build import build

    build(REPOSITORY, out=tmp_path / "serial", pdf=False, use_cache=False)
    monkeypatch.setattr(builder.site.bodies, "PARALLEL_FROM", 1)
    monkeypatch.setattr(builder.site.render, "PARALLEL_FROM", 1)
    build(REPOSITORY, out=tmp_path / "parallel", pdf=False, use_cache=False)
    serial, parallel = snapshot(tmp_path / "serial"), snapshot(tmp_path / "parallel")
    assert len(serial) > 100 and serial == parallel
