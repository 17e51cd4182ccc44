"""Entries from .bib files reach pandoc as BibLaTeX, read as pandoc reads a .bib (citeproc.lua's
references_of), not through CSL-JSON, which loses what it cannot say: a {Protected} word keeps
its case, LaTeX accents and particles read as pandoc reads them."""

from __future__ import annotations

import re
import subprocess

import pytest

from builder.build import build
from builder.csl.pandoc import pandoc_path
from builder.csl.styles import resolve_style
from builder.text import html_text
from helpers import write

BIB = r"""@article{smith2010, author={Smith, Jo}, title={{Community abundance data} for Reef Fish},
  journal={Zeitschrift f{\"u}r Physik}, year={2010}}
@book{udhri2011, author={al-'Udhr{\=\i}, Ahmad}, title={Routes of the {Hajj}}, publisher={P}, year={2011}}
@book{kim2016, author={Kim, Suk Hi}, title={North Korea at a Crossroads}, publisher={McFarland}, year={2016}}
"""
BODY = "See [@smith2010; @udhri2011] and [@kim2016].\n"


def entries(html: str) -> list[str]:
    return [html_text(entry) for entry in re.findall(r'<div id="ref-[^"]+" class="csl-entry"[^>]*>(.*?)</div>', html, re.DOTALL)]


@pytest.mark.parametrize("style", ["chicago-author-date", "apa"])
def test_bibliography_entries_read_as_pandoc_reads_the_bib(tmp_path, style):
    root = tmp_path / "pub"
    write(root / "dossier.yml", f"title: B\nbase_url: https://example.org/\ncsl: {style}\n")
    write(root / "citations" / "refs.bib", BIB)
    write(root / "content" / "articles" / "doc.md", f"---\ntitle: Doc\ndate: 2016-01-01\n---\n\n{BODY}")
    page = (build(root, pdf=False).out_dir / "articles" / "doc" / "index.html").read_text(encoding="utf-8")
    ours = [re.sub(r"\s*Source page$", "", text) for text in entries(page)]
    path, _ = resolve_style(root, style)
    theirs = entries(subprocess.run([pandoc_path(), "-f", "markdown", "-t", "html5", "--citeproc", "-M", "link-citations=true",
                                     "--csl", str(path), "--bibliography", str(root / "citations" / "refs.bib")],
                                    input=BODY, capture_output=True, text=True, check=True).stdout)
    assert ours == theirs
    assert any("Community abundance data for" in text for text in ours)      # the protected words keep their case
    assert any("Zeitschrift für Physik" in text for text in ours)
