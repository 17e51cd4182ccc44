"""`dossier cite`: check, format, search and extend citations/*.bib.

check, where and unused also cover the CSL-JSON and CSL-YAML files of citations/; fmt and add
write .bib files only (they say so when a CSL file is there, or named).

Each command is a function that reads the publication and returns data and problems;
the command line prints them and does the writing (write_atomically), so that a refused
or failed command never touches a file.
"""

from __future__ import annotations

import codecs
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from builder.bib.catalogue import Catalogue, Source, catalogue
from builder.bib.check import (check_entry, check_files, failed_block_problem, linked_keys, missing_fields,
                               near_duplicates, reading_problems)
from builder.bib.format import format_entry, format_file
from builder.bib.csljson import CslFile, CslItem
from builder.bib.source import (CITATIONS, CSL_SUFFIXES, BibFile, bib_files, bibliography_files, decode_bib, parse_bib,
                                read_bibliographies)
from builder.errors import BuildFailed, Problem, error, sorted_problems, warning
from builder.run.confinement import inside, links_outside, real_path
from builder.text import close_matches, decode_utf8, did_you_mean
DEFAULT_BIB = "citations/references.bib"
STDIN = "<stdin>"
# Fields naming other entries: an entry cited through them counts as used.
_LINK_FIELDS = ("crossref", "xdata", "related", "entryset")


@dataclass(frozen=True, slots=True)
class Citation:
    """One place that cites a key: a citation in the text, or an evidence box's source."""

    key: str
    path: str
    line: int
    col: int
    source: str        # as written, e.g. "[see @kim2016, p. 3]" or "source=kim2016"


@dataclass(frozen=True, slots=True)
class FormattedFile:
    path: Path
    relpath: str
    changed: bool
    text: str          # the canonical form
    first_change: int  # 1-based line of the first difference, 0 when unchanged


@dataclass(frozen=True, slots=True)
class Addition:
    path: Path
    relpath: str
    text: str          # the whole file with the entry inserted
    key: str
    line: int          # 1-based line of the new entry


@dataclass(frozen=True)
class WhereCited:
    key: str
    definition: Source | CslItem | None
    citations: tuple[Citation, ...]
    suggestions: tuple[str, ...]


def read_bib_files(root: Path) -> tuple[list[BibFile | CslFile], list[Problem]]:
    """Every bibliography file of citations/ read, in the build's order: .bib files split into blocks,
    CSL-JSON and CSL-YAML files into items; an error for each file that is not UTF-8."""
    return read_bibliographies(bibliography_files(root), root)


def find_citations(root: Path) -> tuple[list[Citation], list[Problem], bool]:
    """Every citation and evidence source in content/ (drafts included), by file, line and column, and
    whether every document was read (one that was not may cite what looks unused)."""
    from builder.content.documents import load_documents
    from builder.markdown import create_parser, parse_markdown

    documents, problems = load_documents(root, include_drafts=True)
    md = create_parser()
    citations: list[Citation] = []
    for document in documents:
        body = parse_markdown(md, document.body, path=document.relpath, line_offset=document.body_line - 1)
        boxes = _evidence_sources(document, body.tokens)
        # The evidence plugin may also add a cluster for each box's source: count the box once.
        box_lines = {(c.line, c.key) for c in boxes}
        for cluster in body.clusters:
            for key, line, col in zip(cluster.keys, cluster.key_lines, cluster.key_cols):
                if (document.body_line + line, key) not in box_lines:
                    citations.append(Citation(key, document.relpath, document.body_line + line, col + 1,
                                              cluster.source))
        citations += boxes
    citations.sort(key=lambda c: (c.path, c.line, c.col))
    read = {document.relpath for document in documents}
    unread = {p.path for p in problems if p.is_error and p.path.startswith("content/") and p.path.endswith(".md")} - read
    return citations, problems, not unread


def _evidence_sources(document, tokens) -> list[Citation]:
    """The source of each evidence box, positioned at the key in its opening line."""
    lines = document.body.split("\n")
    found = []
    for token in tokens:
        is_div = token.type in ("fenced_div_open", "evidence_open")   # the evidence plugin renames its divs
        attributes = token.meta.get("attributes") if is_div and token.meta else None
        if attributes is None or "evidence" not in attributes.classes or not attributes.get("source"):
            continue
        key = attributes.get("source")
        row = token.map[0] if token.map else 0
        text = lines[row] if row < len(lines) else ""
        at = text.find("source=")
        quoted = text[at + len("source="):at + len("source=") + 1] in ('"', "'")
        col = 1 if at == -1 else at + len("source=") + quoted + 1
        found.append(Citation(key, document.relpath, document.body_line + row, col, f"source={key}"))
    return found


def _settings(root: Path):
    from builder.config.settings import load_settings

    settings, _ = load_settings(root)     # raises BuildFailed when dossier.yml is missing or wrong
    return settings


def check_citations(root: Path) -> list[Problem]:
    """Every problem with citations/*.bib and with the keys content/ cites, in reading order (a wrong
    value in dossier.yml among them; a missing or unreadable dossier.yml alone)."""
    from builder.config.settings import load_settings

    _, settings_problems = load_settings(root, keep_going=True)
    files, problems = read_bib_files(root)
    problems += [problem for problem in settings_problems if problem.is_error]
    cat, found = check_files(files)
    citations, document_problems, complete = find_citations(root)
    problems += found + document_problems + unknown_citations(citations, cat)
    problems += links_outside(root, [root / CITATIONS])
    problems += [warning(s.path, s.line, s.col, f"entry '{s.key}' is not cited anywhere")
                 for s in (unused(cat, citations) if complete else [])]
    return sorted_problems(problems)


def unknown_citations(citations: list[Citation], cat: Catalogue) -> list[Problem]:
    """An error for each citation of a key no bibliography file defines, with the closest keys suggested."""
    problems = []
    keys = cat.keys()
    for citation in citations:
        if not cat.defines(citation.key):
            problems.append(error(citation.path, citation.line, citation.col,
                                  f"unknown citation key '{citation.key}'{did_you_mean(citation.key, keys)}"))
    return problems


def unused(cat: Catalogue, citations: list[Citation]) -> list[Source | CslItem]:
    """Entries no citation reaches, directly or through crossref, xdata, related or entryset, in reading order."""
    used: set[str] = set()
    pending = [c.key for c in citations]
    while pending:
        key = pending.pop()
        if key in used or not cat.defines(key):
            continue
        used.add(key)
        for source in cat.entries.get(key, ()):
            for name, span in source.fields():
                if name in _LINK_FIELDS:
                    pending += linked_keys(span.raw)
    found = [cat.defined(key)[0] for key in cat.keys() if key and key not in used]
    return sorted(found, key=lambda place: (cat.order.get(place.path, 0), place.line, place.col))


def unused_entries(root: Path) -> tuple[list[Source | CslItem], list[Problem]]:
    """Entries nothing cites, and the problems that may hide a citation (unreadable files)."""
    _settings(root)  # a missing or broken dossier.yml is reported first
    files, problems = read_bib_files(root)
    citations, document_problems, complete = find_citations(root)
    problems += document_problems + _unreadable_blocks(files)
    return (unused(catalogue(files), citations) if complete else []), sorted_problems(problems)


def where_cited(root: Path, key: str) -> tuple[WhereCited, list[Problem]]:
    """Every place that cites key, its definition, and close keys when it has none."""
    _settings(root)  # a missing or broken dossier.yml is reported first
    files, problems = read_bib_files(root)
    cat = catalogue(files)
    citations, document_problems, _ = find_citations(root)
    problems += document_problems + _unreadable_blocks(files)
    suggestions = () if cat.defines(key) else tuple(close_matches(key, cat.keys()))
    places = tuple(c for c in citations if c.key == key)
    definition = next(iter(cat.defined(key)), None)
    return WhereCited(key, definition, places, suggestions), sorted_problems(problems)


def _unreadable_blocks(files: list[BibFile | CslFile]) -> list[Problem]:
    """The blocks and items that cannot be read (they may hide a key)."""
    return [problem for file in files for problem in (
        [failed_block_problem(file, block) for block in file.blocks if block.kind == "failed"]
        if isinstance(file, BibFile) else [p for p in file.problems if p.is_error])]


def format_citations(root: Path, sort: bool = False) -> tuple[list[FormattedFile], list[Problem]]:
    """Every citations/*.bib in canonical form; errors for files that cannot be read, and a warning
    for each CSL-JSON or CSL-YAML file, which is left as it is."""
    _settings(root)
    results, problems = [], []
    for path in bibliography_files(root):
        relpath = path.relative_to(root).as_posix()
        if path.suffix in CSL_SUFFIXES:
            problems.append(warning(relpath, 1, 1, "dossier cite fmt formats .bib files only: "
                                                   "this file is left as it is"))
            continue
        raw = path.read_bytes()
        text, problem = decode_bib(raw, relpath)
        if text is None:
            problems.append(problem)
            continue
        formatted, kept = format_file(parse_bib(text, relpath), sort)
        problems += kept
        changed = formatted.encode("utf-8") != raw
        if changed and _read_only(path):
            problems.append(error(relpath, 1, 1, "file is read-only: make it writable to format it"))
        results.append(FormattedFile(path, relpath, changed, formatted,
                                     _first_difference(text, formatted) if changed else 0))
    return results, sorted_problems(problems)


def _first_difference(old: str, new: str) -> int:
    """The first line where new differs from old; 1 when only the encoding differs (BOM, CRLF)."""
    if old == new:
        return 1
    old_lines, new_lines = old.split("\n"), new.split("\n")
    for number, (a, b) in enumerate(zip(old_lines, new_lines), start=1):
        if a != b:
            return number
    return min(len(old_lines), len(new_lines))


def plan_addition(root: Path, entry_text: str, file: str | None = None) -> tuple[Addition | None, list[Problem]]:
    """The chosen .bib with one new entry inserted; None and the reasons when it is refused.

    Refused: text that is not exactly one readable entry, a key that exists, an unknown
    type, a missing required field, or any other error in the entry.
    """
    _settings(root)
    files, problems = read_bib_files(root)
    target, current, target_problem = _target_file(root, file)
    if target_problem is not None:
        return None, sorted_problems(problems + [target_problem])
    new_bib = parse_bib(entry_text.replace("\r\n", "\n").removeprefix("\ufeff"), STDIN)
    source, found = _the_one_entry(new_bib)
    problems += found
    if source is None:
        return None, sorted_problems(problems)
    at = (STDIN, source.block.line, source.block.col)
    cat = catalogue([*files, new_bib])
    problems += check_entry(source, cat, required_fields=False)
    # What would keep the files from being read once it is in: a crossref loop through it, a value past the limits.
    problems += [p for p in reading_problems(cat)[0] + near_duplicates(cat) if p.path == STDIN]
    missing = missing_fields(source, cat)
    if missing:
        problems.append(error(*at, f"entry '{source.key}' has no {', no '.join(missing)} "
                                   f"(required for @{source.block.block.entry_type})"))
    existing = next(iter(catalogue(files).defined(source.key)), None)
    if existing is not None:
        problems.append(error(*at, f"citation key '{source.key}' already exists at {existing.where}"))
    formatted, reason = format_entry(source.block.block)
    if formatted is None:
        problems.append(error(*at, f"cannot format the entry: {reason}"))
    if formatted is None or any(p.is_error for p in problems):
        return None, sorted_problems(problems)
    return _insert(root, target, current, source.key, formatted), sorted_problems(problems)


def _target_file(root: Path, file: str | None) -> tuple[Path, str | None, Problem | None]:
    """The .bib to add to, its current text (None if it does not exist yet), or why it cannot be used."""
    if file is None:
        existing = bib_files(root)
        path = existing[0] if existing else root / DEFAULT_BIB
    else:
        path = root / file
        if path.suffix in CSL_SUFFIXES:
            return path, None, error(file, 1, 1, "dossier cite add writes .bib files only: CSL-JSON and CSL-YAML "
                                                 "files are read, never written; name a .bib file in citations/")
        if (path.suffix != ".bib" or real_path(path.parent) != real_path(root / CITATIONS)
                or not inside(root, path)):
            return path, None, error(file, 1, 1,
                                     "--file must name a .bib file in citations/, e.g. citations/news.bib")
    if not inside(root, path):      # the default file, or citations/, a link leading out (or to nothing)
        return path, None, error(path.relative_to(root).as_posix(), 1, 1,
                                 "is a link to a place outside the publication folder: nothing is written there")
    if path.is_dir():
        return path, None, error(path.relative_to(root).as_posix(), 1, 1, "is a folder, not a .bib file")
    if not path.exists():
        return path, None, None
    if _read_only(path):
        return path, None, error(path.relative_to(root).as_posix(), 1, 1,
                                 "file is read-only: make it writable to add to it")
    raw = path.read_bytes()
    text, problem = decode_utf8(raw, path.relative_to(root).as_posix())
    if text is None:
        return path, None, problem
    # _insert writes the file back as it was, with its byte order mark and line endings.
    return path, ("\ufeff" if raw.startswith(codecs.BOM_UTF8) else "") + text, None


def _the_one_entry(bib: BibFile) -> tuple[Source | None, list[Problem]]:
    problems = [failed_block_problem(bib, b) for b in bib.blocks if b.kind == "failed"]
    entries = bib.entries()
    others = [b for b in bib.blocks if b.kind not in ("entry", "failed")]
    for block in others:
        problems.append(error(bib.path, block.line, block.col,
                              "dossier cite add takes one entry and nothing else: remove this text"))
    if len(entries) > 1:
        problems.append(error(bib.path, entries[1].line, entries[1].col,
                              f"dossier cite add takes one entry at a time; found {len(entries)}"))
    if not entries and not problems:
        problems.append(error(bib.path, 1, 1, "no BibTeX entry on standard input (e.g. @article{key, ...})"))
    if problems or not entries:
        return None, problems
    return Source(bib, entries[0]), []


def _insert(root: Path, path: Path, current: str | None, key: str, formatted: str) -> Addition:
    """current with the entry before the first larger key if the file is sorted, else at the end."""
    relpath = path.relative_to(root).as_posix()
    if current is None or not current.lstrip("\ufeff").strip():
        return Addition(path, relpath, formatted + "\n", key, 1)
    bom = "\ufeff" if current.startswith("\ufeff") else ""
    body = current[len(bom):]
    newline = "\r\n" if "\r\n" in body else "\n"
    entry = formatted.replace("\n", newline)
    at = _sorted_position(parse_bib(body.replace("\r\n", "\n")), key)
    if at is None:
        prefix = body + ("" if body.endswith(newline * 2) else newline if body.endswith(newline) else newline * 2)
        text = prefix + entry + newline
        line = prefix.count("\n") + 1
    else:
        offset = _offset(body, *at)
        text = body[:offset] + entry + newline * 2 + body[offset:]
        line = at[0]
    return Addition(path, relpath, bom + text, key, line)


def _sorted_position(bib: BibFile, key: str) -> tuple[int, int] | None:
    """(line, col) where an entry with key goes if the file is sorted by key, else None (at the end).

    As with `fmt --sort`, the comments just before an entry belong to it: the new entry goes
    before them, unless they open the file.
    """
    entries = bib.entries()
    keys = [(b.block.key.casefold(), b.block.key) for b in entries]
    if keys != sorted(keys):
        return None
    new = (key.casefold(), key)
    following = next((block for block, existing in zip(entries, keys) if existing > new), None)
    if following is None:
        return None
    index = bib.blocks.index(following)
    start = index
    while start > 0 and bib.blocks[start - 1].kind == "comment":
        start -= 1
    block = bib.blocks[start if start > 0 else index]
    return block.line, block.col


def _offset(text: str, line: int, col: int) -> int:
    """The offset of a 1-based line and column; lines end at '\\n' only, whatever else they hold."""
    lines = text.split("\n")
    return sum(len(item) + 1 for item in lines[:line - 1]) + col - 1


def _read_only(path: Path) -> bool:
    """Whether path is not meant to be written: no write permission for us, or for anyone (as root)."""
    return not os.access(path, os.W_OK) or not stat.S_IMODE(path.stat().st_mode) & 0o222


def write_atomically(path: Path, text: str) -> None:
    """Replace path with text in one step; a failed write (a full disk) leaves path as it was and
    raises BuildFailed. A path that is a link (citations/refs.bib -> ../zotero/library.bib) stays
    one: the file it leads to is replaced."""
    from builder.run.write import replace_file

    path = Path(os.path.realpath(path))
    try:
        replace_file(path, text.encode("utf-8"), durable=True)
    except OSError as exc:
        raise BuildFailed([error(str(path), 1, 1, f"cannot write the file ({exc.strerror or exc}); it is unchanged")]) from None

