"""builder/csl/citations.py: a document's .bib entries reach pandoc once.

Knowing which keys a request's BibLaTeX holds (CitationFormatter.convert notes them), the build
leaves their CSL-JSON out of the request and tells citeproc.lua so, which then does not read the
BibLaTeX a first time only to find them (~6 of ~33 ms of pandoc's time per document). The result
must be byte-identical to the request that sends everything and lets pandoc sort it out: each
document's citations, notes and bibliography, and the list of sources, on the shared corpus, the
pandoc agreement fixtures and the benchmark corpus, in author-date (chicago-author-date, apa),
numeric (ieee) and note (chicago-notes-bibliography) styles.

The benchmark corpus has DOSSIER_BIBLATEX_ONCE_ARTICLES articles (30 by default, which keeps this
file near 40 s; 200 to check what issue 17 names, a few minutes).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from builder import build as build_module
from builder.csl import citations
from builder.csl.styles import compact_style, is_note_style, resolve_style
from helpers import REPOSITORY
from test_pandoc_agreement import agreement

STYLES = ["chicago-author-date", "apa", "ieee", "chicago-notes-bibliography"]
BENCHMARK_ARTICLES = int(os.environ.get("DOSSIER_BIBLATEX_ONCE_ARTICLES", "30"))


@pytest.fixture(scope="module")
def styles():
    """Each style as the build hands it to pandoc, and whether it is a note style."""
    with tempfile.TemporaryDirectory(prefix="dossier-styles-") as folder:
        found = {}
        for name in STYLES:
            path, problem = resolve_style(Path(folder), name)
            assert problem is None, problem
            path = compact_style(path, Path(folder))
            found[name] = (path, is_note_style(path))
        yield found


class Comparison:
    """Wraps format_document and format_sources: every request the build makes is formatted in each
    style both ways, and each difference is kept (what, style, the two results)."""

    def __init__(self, styles: dict[str, tuple[Path, bool]]):
        self.styles = styles
        self.differences: list[tuple[str, str, object, object]] = []
        self.apart = self.read = 0      # requests with their entries apart / with in_biblatex unknown
        self.formatted: dict[str, object] = {}

    def install(self, monkeypatch) -> None:
        document, sources = citations.format_document, citations.format_sources

        def format_document(engine, clusters, items, style, language, notes=False, **options):
            # a document built again (the agreement benchmark brings missing files and rebuilds) is compared once
            request = repr((clusters, sorted(items.items()), style.read_bytes(), language, notes, sorted(options.items())))
            if request not in self.formatted:
                self._count(options)
                for name, (path, note_style) in self.styles.items():
                    apart = document(engine, clusters, items, path, language, note_style, **options)
                    read = document(engine, clusters, items, path, language, note_style,
                                    **dict(options, in_biblatex=None))
                    if apart != read:
                        self.differences.append(("document", name, apart, read))
                self.formatted[request] = document(engine, clusters, items, style, language, notes, **options)
            return self.formatted[request]

        def format_sources(engine, items, style, language, biblatex="", in_biblatex=None):
            self._count({"biblatex": biblatex, "in_biblatex": in_biblatex})
            for name, (path, _) in self.styles.items():
                apart = sources(engine, items, path, language, biblatex, in_biblatex)
                read = sources(engine, items, path, language, biblatex, None)
                if (apart.order, apart.references, apart.labels) != (read.order, read.references, read.labels):
                    self.differences.append(("sources", name, apart, read))
            return sources(engine, items, style, language, biblatex, in_biblatex)

        monkeypatch.setattr(citations, "format_document", format_document)
        monkeypatch.setattr(citations, "format_sources", format_sources)

    def _count(self, options: dict) -> None:
        if options.get("biblatex"):
            if options.get("in_biblatex") is None:
                self.read += 1
            else:
                self.apart += 1


def _build(root: Path) -> None:
    """Build root; the citations are formatted (and compared) before the bodies are rendered, so a
    failure past them (a theme being edited) leaves the comparison whole, and the asserts on its counts say so."""
    from builder.errors import BuildFailed

    try:
        build_module.build(root, write=False, pdf=False, use_cache=False)
    except BuildFailed as failed:
        if any("citation" in str(problem) or "pandoc" in str(problem) for problem in failed.problems):
            raise


def test_the_shared_corpus_and_the_agreement_fixtures(tmp_path, monkeypatch, styles):
    groups = ["corpus", "fixtures"] if (agreement.DEFAULT_CORPUS / "manifest.json").is_file() else ["fixtures"]
    corpus = agreement.load_corpus() if "corpus" in groups else None
    comparison = Comparison(styles)
    comparison.install(monkeypatch)
    built = 0
    for source in agreement.sources(corpus, groups):
        root = tmp_path / source.group / source.name
        # parsed for a note style, so that each cluster's place among the notes is read as well
        article = agreement.make_publication(source, "chicago-notes-bibliography", Path(), False, root)
        page, refusal = agreement.dossier_page(root, article)     # as the agreement benchmark builds it
        built += bool(page)
    assert built == len(agreement.sources(corpus, groups))
    assert comparison.differences == []
    assert comparison.apart >= built and comparison.read == 0
    if "corpus" not in groups:
        pytest.skip(f"only the fixtures: no shared corpus at {agreement.DEFAULT_CORPUS} (set DOSSIER_CORPUS)")


def test_the_benchmark_corpus(tmp_path, monkeypatch, styles):
    root = tmp_path / "benchmark"
    subprocess.run([sys.executable, str(REPOSITORY / "benchmarks" / "make_corpus.py"), str(root),
                    "--articles", str(BENCHMARK_ARTICLES)], check=True, capture_output=True)
    settings = (root / "dossier.yml").read_text(encoding="utf-8")
    assert "csl: chicago-author-date" in settings
    # parsed for a note style, so that each cluster's place among the notes is read as well
    (root / "dossier.yml").write_text(settings.replace("csl: chicago-author-date", "csl: chicago-notes-bibliography"),
                                      encoding="utf-8")
    comparison = Comparison(styles)
    comparison.install(monkeypatch)
    _build(root)
    assert comparison.differences == []
    assert comparison.apart >= BENCHMARK_ARTICLES and comparison.read == 0
