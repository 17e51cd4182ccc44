"""Load citations/*.bib with bibtexparser, keeping each entry's file and line."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from builder.errors import Problem, error

_ENTRY_HEAD = re.compile(r"@\s*([A-Za-z_]+)\s*[{(]\s*([^,\s{}()]*)")


@dataclass(frozen=True, slots=True)
class BibEntry:
    """One entry as written: fields keep the file's spelling; names are lower-cased."""

    key: str
    entry_type: str
    fields: tuple[tuple[str, str], ...]
    path: str                  # relative to the publication root
    line: int                  # 1-based line of '@type{key'
    raw: str

    def field(self, name: str) -> str | None:
        name = name.lower()
        for key, value in self.fields:
            if key.lower() == name:
                return value
        return None


@dataclass(frozen=True)
class Bibliography:
    entries: dict[str, BibEntry] = field(default_factory=dict)
    strings: tuple[str, ...] = ()          # raw @string blocks, needed to read entries
    files: tuple[str, ...] = ()

    def __contains__(self, key: str) -> bool:
        return key in self.entries

    def biblatex_for(self, keys: list[str]) -> str:
        """BibLaTeX text holding the entries for keys, their crossref/xdata parents and the @strings."""
        wanted: list[str] = []
        pending = list(keys)
        while pending:
            key = pending.pop(0)
            if key in wanted or key not in self.entries:
                continue
            wanted.append(key)
            entry = self.entries[key]
            for parent_field in ("crossref", "xdata"):
                parents = entry.field(parent_field)
                if parents:
                    pending.extend(p.strip() for p in parents.split(","))
        return "\n".join([*self.strings, *(self.entries[k].raw for k in wanted)]) + "\n"


def load_bibliography(root: Path) -> tuple[Bibliography, list[Problem]]:
    """Every citations/*.bib, merged; problems for unreadable entries and duplicate keys."""
    # A link outside the publication is never read (builder.confinement reports it); a folder is no .bib.
    files = [path for path in sorted((root / "citations").glob("*.bib"))
             if path.is_file() and path.resolve().is_relative_to(root.resolve())]
    return load_bib_files(files, root)


def load_bib_files(files: list[Path], root: Path) -> tuple[Bibliography, list[Problem]]:
    """The given .bib files, merged in order; paths in messages are relative to root."""
    import bibtexparser

    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    entries: dict[str, BibEntry] = {}
    strings: list[str] = []
    problems: list[Problem] = []
    for path in files:
        relpath = _relative(path, root)
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
            problems.append(error(relpath, line, col, "file is not valid UTF-8 (save it as UTF-8)"))
            continue
        library = bibtexparser.parse_string(text)
        strings.extend(block.raw for block in library.strings)
        for entry in library.entries:
            item = BibEntry(entry.key, entry.entry_type.lower(),
                            tuple((f.key, str(f.value)) for f in entry.fields),
                            relpath, entry.start_line + 1, entry.raw)
            if not entry.key:
                problems.append(error(relpath, item.line, 1, "entry has no citation key"))
            elif entry.key in entries:
                first = entries[entry.key]
                problems.append(error(relpath, item.line, 1,
                                      f"citation key '{entry.key}' is defined twice: first at {first.path}:{first.line}"))
            else:
                entries[entry.key] = item
        for block in library.failed_blocks:
            problems.append(_failed_block_problem(relpath, block, entries))
    return Bibliography(entries, tuple(strings), tuple(_relative(p, root) for p in files)), problems


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _failed_block_problem(relpath: str, block, entries: dict[str, BibEntry]) -> Problem:
    line = block.start_line + 1
    head = _ENTRY_HEAD.search(block.raw)
    key = head.group(2) if head else ""
    kind = type(block).__name__
    if kind == "DuplicateBlockKeyBlock":
        first = entries.get(key)
        where = f": first at {first.path}:{first.line}" if first else ""
        return error(relpath, line, 1, f"citation key '{key}' is defined twice{where}")
    if kind == "DuplicateFieldKeyBlock":
        names = ", ".join(sorted(getattr(block, "_duplicate_keys", ()) or ())) or "a field"
        return error(relpath, line, 1, f"entry '{key}' sets {names} twice")
    failure = getattr(block, "error", None)
    reason = getattr(failure, "abort_reason", None) or str(failure or "") or "cannot read this block"
    reason = re.sub(r"\s+", " ", reason).strip()
    what = f"entry '{key}'" if key else "block"
    return error(relpath, line, 1, f"cannot read {what}: {reason}")
