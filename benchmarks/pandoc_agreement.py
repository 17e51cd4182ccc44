"""How far Dossier's citations agree with pandoc's, on the real-world corpus.

For each document of the corpus (shared/corpus beside the repository, or $DOSSIER_CORPUS)
and each CSL style, the Markdown body (front matter stripped) goes through Dossier's own
pipeline: create_parser() and parse_markdown(), the .bib files converted to CSL-JSON,
format_document() for that style and the document's `lang`, render_parsed(); pandoc's
bibliography markup is appended. The corpus's extract_citations.py then reads in-text
citations and bibliography entries out of Dossier's HTML and out of pandoc 3.9's
reference HTML, and the two are compared as normalized text (with --emphasis, italics
and bold too).

Citations are aligned in reading order and entries matched by key; a total counts each
citation or entry found in either output once. Unresolved citations (no key in the .bib:
pandoc-crossref's @fig:x and @tbl:x, Quarto's @fig-x, the deliberate @nonexistent) are
left out on both sides, as extract_citations.py --drop-unresolved does: pandoc renders
them "(key?)", and Dossier reads @fig-x as its own cross-reference. Their counts are
shown. Like pandoc, Dossier does not read citations in code blocks, which is what the
MyST directives of armeni-encoders-report are to CommonMark.

    .venv/bin/python benchmarks/pandoc_agreement.py [--json] [--emphasis] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import difflib
import importlib.util
import json
import os
import re
import sys
import time
from dataclasses import asdict, dataclass, field
from html import escape
from pathlib import Path
from types import ModuleType

import yaml
from markdown_it import MarkdownIt

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

from builder.bib.bibliography import load_bib_files  # noqa: E402
from builder.csl.citations import convert_references, format_document  # noqa: E402
from builder.csl.pandoc import Citeproc  # noqa: E402
from builder.markdown import ParsedMarkdown, create_parser, parse_markdown, render_parsed  # noqa: E402

# The shared corpus sits in shared/ beside the repository (on CI too); DOSSIER_CORPUS overrides.
DEFAULT_CORPUS = Path(os.environ.get("DOSSIER_CORPUS") or REPOSITORY.parent / "shared" / "corpus")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
DEFAULT_LANG = "en-US"   # pandoc's locale when a document sets no `lang`


@dataclass
class Difference:
    """One citation or entry that differs: Dossier's text against pandoc's (None if missing)."""

    where: str          # "citation 12" (pandoc's 12th), "our citation 3" or "entry KEY"
    keys: str
    ours: str | None
    pandoc: str | None


@dataclass
class Comparison:
    """Agreement for one document in one style."""

    document: str
    style: str
    citations_same: int = 0
    citations_total: int = 0
    entries_same: int = 0
    entries_total: int = 0
    unresolved_ours: int = 0
    unresolved_pandoc: int = 0
    differences: list[Difference] = field(default_factory=list)


@dataclass(frozen=True)
class Corpus:
    """The corpus folder, its manifest, and its extract_citations.py as a module."""

    root: Path
    manifest: dict
    extractor: ModuleType

    @property
    def styles(self) -> list[str]:
        return list(self.manifest["styles"])

    @property
    def documents(self) -> list[str]:
        return list(self.manifest["docs"])


def load_corpus(root: Path = DEFAULT_CORPUS) -> Corpus:
    """The corpus's manifest and its extract_citations module, imported from the corpus."""
    spec = importlib.util.spec_from_file_location("corpus_extract_citations", root / "extract_citations.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    return Corpus(root, manifest, module)


def split_front_matter(text: str) -> tuple[dict, str, int]:
    """(front matter, body, number of lines before the body) of a Markdown file."""
    match = _FRONT_MATTER.match(text)
    if match is None:
        return {}, text, 0
    front = yaml.safe_load(match.group(1)) or {}
    return (front if isinstance(front, dict) else {}), text[match.end():], text.count("\n", 0, match.end())


@dataclass
class Prepared:
    """One document parsed by Dossier, with its cited entries in CSL-JSON."""

    parsed: ParsedMarkdown
    items: dict[str, dict]
    language: str


def prepare(corpus: Corpus, name: str, md: MarkdownIt, engine: Citeproc) -> Prepared:
    """Parse a document's body and convert the entries it cites, as a build does."""
    spec = corpus.manifest["docs"][name]
    text = (corpus.root / spec["doc"]).read_text(encoding="utf-8")
    front, body, line_offset = split_front_matter(text)
    parsed = parse_markdown(md, body, path=spec["doc"], line_offset=line_offset)
    bibliography, _ = load_bib_files([corpus.root / p for p in spec["bibliography"]], corpus.root)
    cited = sorted({key for cluster in parsed.clusters for key in cluster.keys if key in bibliography})
    language = str(front.get("lang") or DEFAULT_LANG)
    items, _ = convert_references(engine, bibliography, cited, language)
    return Prepared(parsed, items, language)


def dossier_html(corpus: Corpus, document: Prepared, style: str, md: MarkdownIt, engine: Citeproc) -> str:
    """A document rendered by Dossier in one style, with pandoc's bibliography markup appended."""
    formatted = format_document(engine, document.parsed.clusters, document.items,
                                corpus.root / "csl" / f"{style}.csl", document.language)
    html = render_parsed(md, document.parsed, formatted.clusters).html
    entries = "".join(f'<div id="ref-{escape(key)}" class="csl-entry">{entry}</div>\n'
                      for key, entry in formatted.bibliography)
    return f'{html}<div id="refs" class="references csl-bib-body">\n{entries}</div>\n'


def extract(corpus: Corpus, html: str, emphasis: bool) -> dict:
    """Citations and entries of an HTML page, read with extract_citations.py's defaults (pandoc's
    markup); unresolved citations are kept, marked, so that they can be counted."""
    options = argparse.Namespace(citation_selector="span.citation", keys_attr="data-cites",
                                 entry_selector="#refs .csl-entry", entry_id_attr="id",
                                 entry_id_prefix="ref-", emphasis=emphasis, drop_unresolved=False)
    return corpus.extractor.extract(html, options)


def compare(corpus: Corpus, name: str, style: str, ours_html: str, emphasis: bool = False) -> Comparison:
    """Compare one document's citations and bibliography with pandoc's reference output."""
    reference = (corpus.root / corpus.manifest["docs"][name]["reference"][style]).read_text(encoding="utf-8")
    theirs = extract(corpus, reference, emphasis)
    ours = extract(corpus, ours_html, emphasis)
    result = Comparison(name, style)
    result.unresolved_ours = sum(c["resolved"] is False for c in ours["citations"])
    result.unresolved_pandoc = sum(c["resolved"] is False for c in theirs["citations"])
    _compare_citations(result, [c for c in ours["citations"] if c["resolved"] is not False],
                       [c for c in theirs["citations"] if c["resolved"] is not False])
    _compare_entries(result, ours["bibliography"], theirs["bibliography"])
    return result


def _compare_citations(result: Comparison, ours: list[dict], theirs: list[dict]) -> None:
    """Align the two sequences of citations by keys and text; a citation agrees when both are equal.

    Where the sequences differ, citations with the same keys are paired (their texts differ);
    the others are reported as found on one side only.
    """
    def signature(citation: dict) -> tuple[str, str]:
        return " ".join(citation["keys"]), citation["text"]

    mine, other = [signature(c) for c in ours], [signature(c) for c in theirs]
    matcher = difflib.SequenceMatcher(None, mine, other, autojunk=False)
    paired = 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            result.citations_same += i2 - i1
            continue
        unmatched = list(range(i1, i2))
        for j in range(j1, j2):
            twin = next((i for i in unmatched if mine[i][0] == other[j][0]), None)
            if twin is None:
                result.differences.append(Difference(f"citation {j + 1}", other[j][0], None, other[j][1]))
            else:
                unmatched.remove(twin)
                paired += 1
                result.differences.append(Difference(f"citation {j + 1}", other[j][0], mine[twin][1], other[j][1]))
        for i in unmatched:
            result.differences.append(Difference(f"our citation {i + 1}", mine[i][0], mine[i][1], None))
    result.citations_total = len(mine) + len(other) - result.citations_same - paired


def _compare_entries(result: Comparison, ours: list[dict], theirs: list[dict]) -> None:
    """Entries are matched by key; order is the style's, and is checked as well."""
    mine = {e["id"]: e["text"] for e in ours}
    other = {e["id"]: e["text"] for e in theirs}
    keys = list(other) + [k for k in mine if k not in other]
    result.entries_total = len(keys)
    for key in keys:
        if mine.get(key) == other.get(key):
            result.entries_same += 1
        else:
            result.differences.append(Difference(f"entry {key}", key, mine.get(key), other.get(key)))
    common = [k for k in other if k in mine]
    if [k for k in mine if k in other] != common:
        result.differences.append(Difference("bibliography order", "", " ".join(k for k in mine if k in other),
                                             " ".join(common)))


def run(corpus: Corpus, emphasis: bool = False) -> list[Comparison]:
    """Every document in every style, with one parser and one pandoc worker for all of them."""
    md = create_parser()
    engine = Citeproc()
    try:
        results = []
        for name in corpus.documents:
            document = prepare(corpus, name, md, engine)
            for style in corpus.styles:
                html = dossier_html(corpus, document, style, md, engine)
                results.append(compare(corpus, name, style, html, emphasis))
        return sorted(results, key=lambda r: (corpus.styles.index(r.style), corpus.documents.index(r.document)))
    finally:
        engine.close()


def totals(results: list[Comparison], style: str) -> dict:
    """Summed counts and percentages for one style."""
    chosen = [r for r in results if r.style == style]
    summary = {key: sum(getattr(r, key) for r in chosen)
               for key in ("citations_same", "citations_total", "entries_same", "entries_total",
                           "unresolved_ours", "unresolved_pandoc")}
    summary["citations_percent"] = _percent(summary["citations_same"], summary["citations_total"])
    summary["entries_percent"] = _percent(summary["entries_same"], summary["entries_total"])
    return summary


def _percent(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 2) if whole else 100.0


def print_table(results: list[Comparison], styles: list[str], seconds: float) -> None:
    """The agreement table, then every difference."""
    header = f"{'document':32} {'style':20} {'in-text':>10} {'%':>7} {'bibliography':>13} {'%':>7} {'unresolved':>10}"
    print(header)
    print("-" * len(header))
    for result in results:
        print(f"{result.document:32} {result.style:20} "
              f"{result.citations_same:>4} / {result.citations_total:<3} "
              f"{_percent(result.citations_same, result.citations_total):>7.2f} "
              f"{result.entries_same:>6} / {result.entries_total:<4} "
              f"{_percent(result.entries_same, result.entries_total):>7.2f} "
              f"{result.unresolved_ours:>4} / {result.unresolved_pandoc:<4}")
    print("-" * len(header))
    for style in styles:
        t = totals(results, style)
        print(f"{'ALL':32} {style:20} {t['citations_same']:>4} / {t['citations_total']:<3} "
              f"{t['citations_percent']:>7.2f} {t['entries_same']:>6} / {t['entries_total']:<4} "
              f"{t['entries_percent']:>7.2f} {t['unresolved_ours']:>4} / {t['unresolved_pandoc']:<4}")
    print("\nunresolved = citations with no known key (ours / pandoc's), left out of both sides.")
    print(f"{len(results)} comparisons in {seconds:.1f} s\n")
    for result in results:
        for diff in result.differences:
            print(f"{result.document} [{result.style}] {diff.where} ({diff.keys})")
            print(f"    ours:   {diff.ours}")
            print(f"    pandoc: {diff.pandoc}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--emphasis", action="store_true", help="compare italics and bold as well")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus folder [%(default)s]")
    options = parser.parse_args(argv)
    if not (options.corpus / "manifest.json").is_file():
        print(f"no corpus at {options.corpus}", file=sys.stderr)
        return 0
    corpus = load_corpus(options.corpus)
    started = time.perf_counter()
    results = run(corpus, options.emphasis)
    seconds = time.perf_counter() - started
    if options.json:
        json.dump({"totals": {style: totals(results, style) for style in corpus.styles},
                   "results": [asdict(r) for r in results], "seconds": round(seconds, 2)},
                  sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        print_table(results, corpus.styles, seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
