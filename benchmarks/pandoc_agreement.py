"""How far Dossier's citations agree with pandoc's, on real documents and on inputs of our own.

Two groups of documents: the real-world corpus (shared/corpus beside the repository, or
$DOSSIER_CORPUS: its manifest.json and pandoc 3.9's reference outputs), and the small documents
of tests/fixtures/pandoc-compat/ (one folder each: a .md and its bibliography files), written to
exercise each point of issue 14's "What breaks today". Three styles: chicago-author-date, apa and
chicago-notes-bibliography.

Each document is built as a one-article publication, as a user migrating would set it up, by a
real build (builder.build.build, without the PDF and search stages and without writing the site):

- dossier.yml sets `unknown_citation_keys: warn`, pandoc's handling of a key no bibliography defines
  (a warning, and the key shown in bold with '?'), as a user migrating a document that cites one
  would, to build it first; Dossier's default makes it an error.
- dossier.yml names the style: a corpus style (csl/STYLE.csl) is copied into the publication as
  styles/STYLE.csl; the others are asked for by name (`csl: chicago-notes-bibliography`).
- the bibliography files go into citations/, except those a fixture's front matter names in
  `bibliography:`, which are put where it says, beside the document.
- a corpus document keeps its body; its front matter, written for other tools, is replaced by a
  title, a date and the pandoc metadata that concerns citations (lang, nocite, link-citations,
  link-bibliography, suppress-bibliography, reference-section-title, notes-after-punctuation);
  its `lang` is also the publication's `language`. A fixture is built exactly as written.
- the corpus and the fixtures hold no images: a file the build reports missing (or outside content/assets/) is
  put into content/assets/ as an empty placeholder, the link rewritten to it, and the build run
  again, as a user who brings the images would do.

A build that still fails is a refused document; its first error is printed. Two figures:

- **strict**: every document counts; a refused document counts as 0 identical for every citation
  and entry of pandoc's output;
- **non-strict** (the figure measured before issue 14): a refused document is built again with the
  build's errors ignored (the same stages, builder.build._fail_on_errors made a no-op), and
  compared like any other.

pandoc's side is the corpus's stored reference output for chicago-author-date and apa; for a
fixture, or the notes style, it is made at run time by the local pandoc 3.9, as the corpus made
its own: `pandoc DOC -f markdown -t html5 --citeproc --csl STYLE.csl --bibliography BIB...` in the
document's folder (no --bibliography when the front matter names the files), with the style file
Dossier resolves for the style's name.

What is compared, as normalized text (with --emphasis, italics and bold too), with the corpus's
extract_citations.py: in-text citations (span.citation) in reading order, and the bibliography
entries inside the page's first id="refs" (an id is unique: a second one is not read), matched
by key, Dossier's "Source page" link left out; a citation inside a link (`[see [@k]](url)`) is
marked so, as pandoc keeps it there. In a note style each note is compared instead of
each in-text citation, in order: its text without the back-link, after the text a narrative
citation leaves in the sentence ("Kim | Korea, 3."), keyed by the citation that made it (or the
citations inside an author's own note). Unresolved citations (no key in the bibliography:
pandoc-crossref's @fig:x, Quarto's @fig-x, the deliberate @nonexistent), and notes made of one,
are left out on both sides, as extract_citations.py --drop-unresolved does; their counts are
shown. A total counts each citation or entry found in either output once.

    .venv/bin/python benchmarks/pandoc_agreement.py [--json] [--emphasis] [--corpus DIR]
        [--style NAME]... [--group corpus|fixtures]
"""

from __future__ import annotations

import argparse
import copy
import difflib
import importlib.util
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from unittest import mock

import yaml
from bs4 import BeautifulSoup, NavigableString

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

import builder.build as build_module  # noqa: E402
from builder.csl.pandoc import pandoc_path  # noqa: E402
from builder.csl.styles import resolve_style  # noqa: E402
from builder.errors import BuildFailed  # noqa: E402

# The shared corpus sits in shared/ beside the repository (on CI too); DOSSIER_CORPUS overrides.
DEFAULT_CORPUS = Path(os.environ.get("DOSSIER_CORPUS") or REPOSITORY.parent / "shared" / "corpus")
FIXTURES = REPOSITORY / "tests" / "fixtures" / "pandoc-compat"
STYLES = ["chicago-author-date", "apa", "chicago-notes-bibliography"]
GROUPS = ["corpus", "fixtures"]
BIBLIOGRAPHY_SUFFIXES = {".bib", ".bibtex", ".json", ".yaml", ".yml"}
# Pandoc metadata a corpus document keeps: what changes its citations or bibliography.
CITATION_METADATA = ("lang", "nocite", "link-citations", "link-bibliography", "suppress-bibliography",
                     "reference-section-title", "notes-after-punctuation")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_PUNCTUATION = re.compile(r"\s*[.,;:!?]+\s*")
_MISSING_FILE = re.compile(r"^link(?: target)? '(.+?)' (?:does not exist|points to a file that is not published)")


@dataclass
class Difference:
    """One citation, note or entry that differs: Dossier's text against pandoc's (None if missing)."""

    where: str          # "citation 12" (pandoc's 12th), "our citation 3", "note 4", "entry KEY"
    keys: str
    ours: str | None
    pandoc: str | None


@dataclass
class Comparison:
    """Agreement for one document in one style. The counts are the non-strict figure's; the strict
    figure is the same for a document that builds, and 0 of pandoc's counts for one refused."""

    group: str
    document: str
    style: str
    refused: str = ""               # the build's first error; "" when the document builds
    citations_same: int = 0         # in a note style: notes
    citations_total: int = 0
    entries_same: int = 0
    entries_total: int = 0
    unresolved_ours: int = 0
    unresolved_pandoc: int = 0
    pandoc_citations: int = 0       # pandoc's own counts (resolved), what a refused document loses
    pandoc_entries: int = 0
    seconds: float = 0.0
    differences: list[Difference] = field(default_factory=list)

    @property
    def strict(self) -> tuple[int, int, int, int]:
        """(citations same, total, entries same, total) counting a refused document as 0 identical."""
        if self.refused:
            return 0, self.pandoc_citations, 0, self.pandoc_entries
        return self.citations_same, self.citations_total, self.entries_same, self.entries_total


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


@dataclass(frozen=True)
class Source:
    """One input document: its Markdown, bibliography files and stored reference outputs."""

    group: str
    name: str
    document: Path
    bibliography: tuple[Path, ...]
    references: dict          # style -> pandoc's stored output (corpus styles only)


def load_corpus(root: Path = DEFAULT_CORPUS) -> Corpus:
    """The corpus's manifest and its extract_citations module, imported from the corpus."""
    spec = importlib.util.spec_from_file_location("corpus_extract_citations", root / "extract_citations.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    return Corpus(root, manifest, module)


def sources(corpus: Corpus, groups: list[str] = GROUPS) -> list[Source]:
    """The corpus's documents, then the fixtures (tests/fixtures/pandoc-compat/NAME/)."""
    found = []
    if "corpus" in groups:
        for name, spec in corpus.manifest["docs"].items():
            found.append(Source("corpus", name, corpus.root / spec["doc"],
                                tuple(corpus.root / p for p in spec["bibliography"]),
                                {style: corpus.root / path for style, path in spec["reference"].items()}))
    if "fixtures" in groups:
        for folder in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
            documents = sorted(folder.glob("*.md"))
            if len(documents) != 1:
                raise SystemExit(f"{folder}: a fixture holds one .md document, found {len(documents)}")
            bibliography = tuple(sorted(p for p in folder.iterdir() if p.suffix.lower() in BIBLIOGRAPHY_SUFFIXES))
            found.append(Source("fixtures", folder.name, documents[0], bibliography, {}))
    return found


def split_front_matter(text: str) -> tuple[dict, str, int]:
    """(front matter, body, number of lines before the body) of a Markdown file."""
    match = _FRONT_MATTER.match(text)
    if match is None:
        return {}, text, 0
    front = yaml.safe_load(match.group(1)) or {}
    return (front if isinstance(front, dict) else {}), text[match.end():], text.count("\n", 0, match.end())


def _named_bibliography(front: dict) -> list[str]:
    named = front.get("bibliography") or []
    return [named] if isinstance(named, str) else [str(p) for p in named]


# --- pandoc's side ---------------------------------------------------------------------------

@lru_cache(maxsize=None)
def style_file(corpus_root: Path, style: str) -> Path:
    """The CSL file of a style: the corpus's, else the one Dossier resolves for the name."""
    stored = corpus_root / "csl" / f"{style}.csl"
    if stored.is_file():
        return stored
    with tempfile.TemporaryDirectory(prefix="dossier-style-") as empty:
        path, problem = resolve_style(Path(empty), style)
    if path is None:
        raise SystemExit(f"style {style}: {problem}")
    return path


def pandoc_reference(source: Source, style: str, style_path: Path) -> str:
    """pandoc's HTML for a document in a style: stored in the corpus, or made now as the corpus made it."""
    stored = source.references.get(style)
    if stored is not None:
        return stored.read_text(encoding="utf-8")
    front, _, _ = split_front_matter(source.document.read_text(encoding="utf-8"))
    command = [pandoc_path(), source.document.name, "-f", "markdown", "-t", "html5", "--citeproc",
               "--csl", str(style_path)]
    if "link-citations" not in front:
        # Dossier links citations unless a document says not to; with links, pandoc leaves a
        # note's closing period outside a quotation mark ("Title".) that it moves in without.
        command += ["-M", "link-citations=true"]
    if source.group == "corpus" or not _named_bibliography(front):
        for path in source.bibliography:
            command += ["--bibliography", str(path)]
    done = subprocess.run(command, cwd=source.document.parent, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise SystemExit(f"pandoc failed on {source.document}: {done.stderr.strip()}")
    return done.stdout


# --- Dossier's side --------------------------------------------------------------------------

def make_publication(source: Source, style: str, style_path: Path, stored_style: bool, root: Path) -> Path:
    """A one-article publication for the document in the style; returns the article's path."""
    text = source.document.read_text(encoding="utf-8")
    front, body, _ = split_front_matter(text)
    settings = {"title": "Agreement", "base_url": "https://example.org/", "csl": style,
                "unknown_citation_keys": "warn"}
    if stored_style:
        (root / "styles").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(style_path, root / "styles" / f"{style}.csl")
        settings["csl"] = f"styles/{style}.csl"
    article = root / "content" / "articles" / f"{source.name}.md"
    article.parent.mkdir(parents=True, exist_ok=True)
    named = {Path(p).name: p for p in ([] if source.group == "corpus" else _named_bibliography(front))}
    for path in source.bibliography:
        target = article.parent / named[path.name] if path.name in named else root / "citations" / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    if source.group == "corpus":
        kept = {key: front[key] for key in CITATION_METADATA if key in front}
        if "lang" in front:
            settings["language"] = str(front["lang"])
        title = front.get("title") if isinstance(front.get("title"), str) else source.name
        header = yaml.safe_dump({"title": title, "date": "2026-01-01", **kept}, allow_unicode=True, sort_keys=False)
        text = f"---\n{header}---\n{body}"
    (root / "dossier.yml").write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    article.write_text(text, encoding="utf-8")
    return article


def _bring_files(root: Path, article: Path, errors) -> bool:
    """Put each file a link names that the build misses into content/assets/ (empty) and point the
    link there; False when no error is of that kind."""
    lines = article.read_text(encoding="utf-8").split("\n")
    relpath = article.relative_to(root).as_posix()
    moved = False
    for problem in errors:
        match = _MISSING_FILE.match(problem.message)
        if match is None or problem.path != relpath or not 0 < problem.line <= len(lines):
            continue
        target = match[1]
        name = target.split("#")[0].split("?")[0].lstrip("/")
        if not name or ".." in Path(name).parts:
            continue
        placeholder = root / "content" / "assets" / name
        placeholder.parent.mkdir(parents=True, exist_ok=True)
        placeholder.touch()
        line = lines[problem.line - 1]
        places = [at for at in _occurrences(line, target) if not line[:at].endswith("../assets/")]
        at = next((at for at in places if at >= problem.col - 1), places[0] if places else -1)
        if at >= 0:
            lines[problem.line - 1] = f"{line[:at]}../assets/{target}{line[at + len(target):]}"
            moved = True
    article.write_text("\n".join(lines), encoding="utf-8")
    return moved


def _occurrences(text: str, part: str) -> list[int]:
    found, at = [], text.find(part)
    while at >= 0:
        found.append(at)
        at = text.find(part, at + 1)
    return found


def _build(root: Path):
    return build_module.build(root, write=False, pdf=False, use_cache=False)


def dossier_page(root: Path, article: Path) -> tuple[str, str]:
    """(the article's page, the refusal: the build's first error, '' when it builds). A refused
    document's page is the one the same build makes with its errors ignored ('' if even that fails)."""
    refusal = "the build failed"
    for _ in range(3):
        try:
            result = _build(root)
            return _page(result.outputs, article), ""
        except BuildFailed as failed:
            errors = [p for p in failed.problems if p.is_error] or failed.problems
            refusal = str(errors[0]) if errors else refusal
            if not _bring_files(root, article, errors):
                break
        except Exception as exc:   # noqa: BLE001 - a crash refuses the document as surely as an error
            return "", f"the build crashed: {type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
    try:
        with mock.patch.object(build_module, "_fail_on_errors", lambda problems: None):
            return _page(_build(root).outputs, article), refusal
    except Exception as exc:   # noqa: BLE001 - the page cannot be had even so
        return "", f"{refusal} (and with its errors ignored: {type(exc).__name__}: {' '.join(str(exc).split())[:200]})"


def _page(outputs, article: Path) -> str:
    wanted = f"articles/{article.stem}/index.html"
    for output in outputs:
        if output.path == wanted:
            return output.content.decode("utf-8")
    raise LookupError(f"the build wrote no {wanted}")


def page_fragment(html: str) -> str:
    """What the comparison reads of Dossier's page: the article body (with its notes) and the
    bibliography, without the page's furniture (each entry's "Source page" link)."""
    soup = BeautifulSoup(html, "html.parser")
    parts = [soup.select_one(".article-body")]
    parts += [refs for refs in soup.select('[id="refs"]') if refs.find_parent(class_="article-body") is None]
    for part in parts:
        for link in part.select("a.source-link") if part is not None else []:
            link.decompose()
    return "\n".join(str(part) for part in parts if part is not None)


# --- Reading both sides ----------------------------------------------------------------------

def read_output(corpus: Corpus, html: str, emphasis: bool, notes: bool) -> dict:
    """Citations (or notes) and entries of an HTML page, each citation marked resolved or not."""
    soup = BeautifulSoup(html, "html.parser")
    for extra in soup.select('[id="refs"]')[1:]:        # an id is unique: only the first is read
        del extra["id"]
    html = str(soup)
    options = argparse.Namespace(citation_selector="span.citation", keys_attr="data-cites",
                                 entry_selector="#refs .csl-entry", entry_id_attr="id",
                                 entry_id_prefix="ref-", emphasis=emphasis, drop_unresolved=False)
    found = corpus.extractor.extract(html, options)
    if not notes:       # a citation that is (part of) a link's text: the link is part of what it shows
        for citation, span in zip(found["citations"], soup.select(options.citation_selector)):
            link = span.find_parent("a", href=True)
            if link is not None and not link["href"].startswith("#"):
                citation["text"] = f"[link] {citation['text']}"
    if notes:
        known = {e["id"] for e in found["bibliography"] if e["id"]}
        found["citations"] = _notes(corpus.extractor, soup, known, emphasis)
    return found


def _notes(extractor: ModuleType, soup: BeautifulSoup, known: set[str], emphasis: bool) -> list[dict]:
    """Each footnote in order: text, the keys of the citation that made it (or of those inside it),
    resolved as extract_citations.py tells it; a narrative citation's text in the sentence comes first."""
    def text(node) -> str:
        return extractor.normalize(extractor.node_text(node, emphasis))

    made_by: dict[str, tuple[list[str], str]] = {}
    for anchor in soup.select('a[href^="#fn"]'):
        if anchor.find_parent("section", class_="footnotes") is not None:
            continue
        note = anchor["href"][1:]
        citation = anchor.find_parent("span", class_="citation")
        in_text = ""
        if citation is not None:            # pandoc: <span class="citation">Kim<a><sup>2</sup></a></span>
            shown = copy.copy(citation)
            for ref in shown.select('a[href^="#fn"]'):
                ref.decompose()
            in_text = text(shown)
        elif "footnote-ref" not in (anchor.get("class") or []):    # Dossier's <sup class="footnote-ref"><a>
            citation, moved = _citation_before(anchor)
            in_text = text(citation) + moved.strip() if citation is not None and text(citation) else ""
        if citation is not None:
            made_by[note] = ((citation.get("data-cites") or "").split(), in_text)
    notes = []
    for item in soup.select('section.footnotes li[id^="fn"]'):
        item = copy.copy(item)
        for back in item.select('a[href^="#fnref"]'):
            back.decompose()
        keys, in_text = made_by.get(item["id"], (None, ""))
        if keys is None:
            keys = [k for cite in item.select("span.citation") for k in (cite.get("data-cites") or "").split()]
        note = text(item)
        resolved = any(k in known for k in keys) if keys and known else None
        notes.append({"text": f"{in_text} | {note}" if in_text else note, "keys": keys, "resolved": resolved})
    return notes


def _citation_before(anchor) -> tuple[object | None, str]:
    """Dossier's note reference comes after its citation: <span class="citation">Kim</span>, then
    punctuation moved before the note, then <sup class="footnote-ref"><a href="#fnN">. (The citation
    and the reference, inside a link, may be parted by the link's end.) The citation, or None when
    text or another note reference comes between; and the punctuation between them."""
    moved = ""
    for node in anchor.previous_elements:
        if isinstance(node, NavigableString):
            owner = node.find_parent("span", class_="citation")
            if owner is not None:
                return owner, moved
            if not _PUNCTUATION.fullmatch(str(node)) and str(node).strip():
                return None, ""
            moved = str(node) + moved
        elif node.name == "span" and "citation" in (node.get("class") or []):
            return node, moved
        elif node.name == "a" and (node.get("href") or "").startswith("#fn"):
            return None, ""
        elif node.name not in ("sup", "a"):
            return None, ""
    return None, ""


# --- Comparing -------------------------------------------------------------------------------

def compare(group: str, name: str, style: str, ours: dict | None, theirs: dict, refused: str = "") -> Comparison:
    """Compare one document's citations (or notes) and bibliography with pandoc's."""
    result = Comparison(group, name, style, refused)
    resolved_theirs = [c for c in theirs["citations"] if c["resolved"] is not False]
    result.unresolved_pandoc = len(theirs["citations"]) - len(resolved_theirs)
    result.pandoc_citations, result.pandoc_entries = len(resolved_theirs), len(theirs["bibliography"])
    if ours is None:            # not even a page with the errors ignored: nothing is identical
        result.citations_total, result.entries_total = result.pandoc_citations, result.pandoc_entries
        return result
    resolved_ours = [c for c in ours["citations"] if c["resolved"] is not False]
    result.unresolved_ours = len(ours["citations"]) - len(resolved_ours)
    _compare_citations(result, resolved_ours, resolved_theirs, "note" if style_is_note(style) else "citation")
    _compare_entries(result, ours["bibliography"], theirs["bibliography"])
    return result


def style_is_note(style: str) -> bool:
    return "notes" in style or "note-" in style


def _compare_citations(result: Comparison, ours: list[dict], theirs: list[dict], what: str = "citation") -> None:
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
                result.differences.append(Difference(f"{what} {j + 1}", other[j][0], None, other[j][1]))
            else:
                unmatched.remove(twin)
                paired += 1
                result.differences.append(Difference(f"{what} {j + 1}", other[j][0], mine[twin][1], other[j][1]))
        for i in unmatched:
            result.differences.append(Difference(f"our {what} {i + 1}", mine[i][0], mine[i][1], None))
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


def measure(corpus: Corpus, source: Source, style: str, emphasis: bool = False) -> Comparison:
    """One document in one style: built by Dossier, compared with pandoc's output."""
    started = time.perf_counter()
    style_path = style_file(corpus.root, style)
    notes = style_is_note(style)
    theirs = read_output(corpus, pandoc_reference(source, style, style_path), emphasis, notes)
    with tempfile.TemporaryDirectory(prefix="dossier-agreement-") as folder:
        root = Path(folder)
        stored = style_path == corpus.root / "csl" / f"{style}.csl"
        article = make_publication(source, style, style_path, stored, root)
        page, refused = dossier_page(root, article)
    ours = read_output(corpus, page_fragment(page), emphasis, notes) if page else None
    result = compare(source.group, source.name, style, ours, theirs, refused)
    result.seconds = round(time.perf_counter() - started, 2)
    return result


def run(corpus: Corpus, emphasis: bool = False, styles: list[str] = STYLES, groups: list[str] = GROUPS,
        workers: int | None = None) -> list[Comparison]:
    """Every document of the groups in every style, a few at a time (most of the time goes in
    waiting for pandoc: the reference outputs, the build's workers starting)."""
    jobs = [(source, style, emphasis) for source in sources(corpus, groups) for style in styles]
    for style in styles:
        style_file(corpus.root, style)          # resolved once, before the workers fork
    workers = workers or min(4, (os.cpu_count() or 1) + 1)
    if workers < 2 or len(jobs) < 2:
        results = [measure(corpus, *job) for job in jobs]
    else:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                                 initargs=(corpus.root,)) as pool:
            results = list(pool.map(_measure_job, jobs))
    return sorted(results, key=lambda r: (GROUPS.index(r.group), styles.index(r.style)))


_WORKER_CORPUS: Corpus | None = None


def _start_worker(root: Path) -> None:
    global _WORKER_CORPUS
    _WORKER_CORPUS = load_corpus(root)


def _measure_job(job: tuple) -> Comparison:
    return measure(_WORKER_CORPUS, *job)


def totals(results: list[Comparison], style: str, group: str = "corpus") -> dict:
    """Summed counts and percentages for one style and group: non-strict, and strict_*."""
    chosen = [r for r in results if r.style == style and r.group == group]
    summary = {key: sum(getattr(r, key) for r in chosen)
               for key in ("citations_same", "citations_total", "entries_same", "entries_total",
                           "unresolved_ours", "unresolved_pandoc")}
    summary["citations_percent"] = _percent(summary["citations_same"], summary["citations_total"])
    summary["entries_percent"] = _percent(summary["entries_same"], summary["entries_total"])
    strict = [r.strict for r in chosen]
    for index, key in enumerate(("citations_same", "citations_total", "entries_same", "entries_total")):
        summary[f"strict_{key}"] = sum(s[index] for s in strict)
    summary["strict_citations_percent"] = _percent(summary["strict_citations_same"], summary["strict_citations_total"])
    summary["strict_entries_percent"] = _percent(summary["strict_entries_same"], summary["strict_entries_total"])
    summary["documents"] = len(chosen)
    summary["refused"] = sorted(r.document for r in chosen if r.refused)
    return summary


def _percent(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 2) if whole else 100.0


def _figure(same: int, total: int) -> str:
    return f"{same:>4} / {total:<4} {_percent(same, total):>6.2f}%"


def print_table(results: list[Comparison], styles: list[str], seconds: float) -> None:
    """Each document, the totals (strict and non-strict) per group and style, the refused
    documents with their first error, then every difference."""
    header = (f"{'document':32} {'style':27} {'build':7} {'in-text / notes':>18} "
              f"{'bibliography':>18} {'unresolved':>10} {'s':>5}")
    print(header)
    print("-" * len(header))
    for r in results:
        print(f"{r.document:32} {r.style:27} {'REFUSED' if r.refused else 'ok':7} "
              f"{_figure(r.citations_same, r.citations_total):>18} {_figure(r.entries_same, r.entries_total):>18} "
              f"{r.unresolved_ours:>4} / {r.unresolved_pandoc:<4} {r.seconds:>5.1f}")
    print("\nnon-strict: refused documents built with their errors ignored; strict: a refused document "
          "is 0 identical.\nIn a note style, in-text = each note. unresolved = citations with no known key "
          "(ours / pandoc's), left out of both sides.\n")
    header = (f"{'group':9} {'style':27} {'docs':>4} {'refused':>7}   {'in-text strict':>20} "
              f"{'non-strict':>20}   {'bibliography strict':>20} {'non-strict':>20}")
    print(header)
    print("-" * len(header))
    for group in GROUPS:
        for style in styles:
            t = totals(results, style, group)
            if not t["documents"]:
                continue
            print(f"{group:9} {style:27} {t['documents']:>4} {len(t['refused']):>7}   "
                  f"{_figure(t['strict_citations_same'], t['strict_citations_total']):>20} "
                  f"{_figure(t['citations_same'], t['citations_total']):>20}   "
                  f"{_figure(t['strict_entries_same'], t['strict_entries_total']):>20} "
                  f"{_figure(t['entries_same'], t['entries_total']):>20}")
    print(f"\n{len(results)} comparisons in {seconds:.1f} s\n")
    refused: dict[tuple[str, str, str], list[str]] = {}
    for r in results:
        if r.refused:
            refused.setdefault((r.group, r.document, r.refused), []).append(r.style)
    if refused:
        print("Refused:")
        for (group, document, reason), in_styles in refused.items():
            which = "all styles" if len(in_styles) == len(styles) else ", ".join(in_styles)
            print(f"  [{group}] {document} ({which}): {reason}")
        print()
    for r in results:
        for diff in r.differences:
            print(f"{r.document} [{r.style}] {diff.where} ({diff.keys})")
            print(f"    ours:   {diff.ours}")
            print(f"    pandoc: {diff.pandoc}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--emphasis", action="store_true", help="compare italics and bold as well")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus folder [%(default)s]")
    parser.add_argument("--style", action="append", choices=STYLES, help="only this style (repeatable)")
    parser.add_argument("--group", action="append", choices=GROUPS, help="only this group (repeatable)")
    options = parser.parse_args(argv)
    if not (options.corpus / "manifest.json").is_file():
        print(f"no corpus at {options.corpus}", file=sys.stderr)
        return 0
    corpus = load_corpus(options.corpus)
    styles, groups = options.style or STYLES, options.group or GROUPS
    started = time.perf_counter()
    results = run(corpus, options.emphasis, styles, groups)
    seconds = time.perf_counter() - started
    if options.json:
        json.dump({"totals": {group: {style: totals(results, style, group) for style in styles} for group in groups},
                   "results": [{**asdict(r), "strict": r.strict} for r in results], "seconds": round(seconds, 2)},
                  sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        print_table(results, styles, seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
