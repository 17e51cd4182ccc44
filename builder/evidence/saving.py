"""`dossier snapshot KEY [--from URL|FILE]`: a source's readable text saved to
citations/snapshots/KEY.md, and the evidence whose source has no saved copy (`dossier check`).

The address is --from's, else an archived copy (an evidence box's `archived=`, else the entry's
archive field), else the entry's `url`. A file named with --from may lie anywhere: the user names
it, so reading it is their act; what is written goes only into citations/snapshots/ of the
publication, in one step (a temporary file renamed), and nothing is written when anything fails.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from builder.bib.bibliography import BibEntry, load_bibliography
from builder.bib.csljson import CslItem
from builder.errors import BuildFailed, Problem, error
from builder.evidence.extract import Extracted, readable_text
from builder.evidence.fetch import MAX_BYTES, TIMEOUT, SnapshotFailed, fetch, raw_archive_address, read_local
from builder.evidence.snapshots import SNAPSHOT_SUFFIXES
from builder.run.confinement import inside
from builder.text import close_matches

__all__ = ["Saved", "UnknownKey", "UnsavedBox", "save_snapshot", "unsaved_evidence"]

SNAPSHOTS = "citations/snapshots"
# Fields in which a .bib entry (or CSL item) may give an archived copy's address.
ARCHIVE_FIELDS = ("archiveurl", "archive_url", "urlarchive", "archived", "archive")


class UnknownKey(Exception):
    """No bibliography entry has the key; suggestions are the closest keys."""

    def __init__(self, key: str, suggestions: list[str]):
        super().__init__(key)
        self.key, self.suggestions = key, suggestions


@dataclass(frozen=True, slots=True)
class Saved:
    """What `dossier snapshot` wrote."""

    path: Path
    relpath: str                # citations/snapshots/KEY.md
    address: str                # where the text came from: an address, or the file as given
    kind: str                   # "web page" | "PDF" | "text"
    characters: int
    replaced: tuple[str, ...] = ()      # saved copies of the key it replaced (with --force)


@dataclass(frozen=True, slots=True)
class UnsavedBox:
    """An evidence box whose source has no saved copy, at its source key."""

    path: str
    line: int
    col: int
    key: str
    box_id: str


@dataclass(frozen=True, slots=True)
class _Address:
    text: str                   # an http(s) address, or a file path
    place: tuple[str, int, int]  # where it is written, for messages: a .bib entry, a box, or the command line
    original: str = ""          # the entry's own url, when the copy comes from elsewhere
    is_file: bool = False


def save_snapshot(root: Path, key: str, source: str | None = None, *, saved: dt.date | None = None,
                  force: bool = False, timeout: float = TIMEOUT, max_bytes: int = MAX_BYTES) -> Saved:
    """Fetch (or read) the source of key and save its readable text as citations/snapshots/KEY.md.

    UnknownKey when no entry has key; BuildFailed with the problem otherwise, nothing written."""
    bibliography, _ = load_bibliography(root)   # its problems are `dossier cite check`'s to report
    entry = bibliography.entries.get(key)
    if entry is None:
        raise UnknownKey(key, close_matches(key, bibliography.entries))
    target, existing = _target(root, key, entry, force)
    address = _address(root, key, entry, source)
    try:
        if address.is_file:
            fetched = read_local(Path(address.text), max_bytes=max_bytes)
        else:
            fetched = fetch(address.text, timeout=timeout, max_bytes=max_bytes)
        extracted = readable_text(fetched)
    except SnapshotFailed as failed:
        raise BuildFailed([error(*address.place, f"cannot save a copy of '{key}' from {address.text}: "
                                 f"{failed.reason}")]) from None
    text = snapshot_text(extracted, address, saved or dt.date.today())
    _write(root, target, text)
    for old in existing:
        if old != target:
            old.unlink(missing_ok=True)
    return Saved(target, f"{SNAPSHOTS}/{target.name}", address.text, extracted.kind, len(extracted.text),
                 tuple(f"{SNAPSHOTS}/{old.name}" for old in existing))


def snapshot_text(extracted: Extracted, address: _Address, saved: dt.date) -> str:
    """The .md a snapshot is saved as: front matter (saved, the address, the original's, the title), then the text."""
    lines = ["---", f"saved: {saved.isoformat()}"]
    if address.is_file:
        lines.append(f"file: {_yaml_string(Path(address.text).name)}")
    else:
        lines.append(f"url: {_yaml_string(address.text)}")
    if address.original and address.original != address.text:
        lines.append(f"original: {_yaml_string(address.original)}")
    if extracted.title:
        lines.append(f"title: {_yaml_string(extracted.title)}")
    return "\n".join(lines) + "\n---\n\n" + extracted.text


def _yaml_string(value: str) -> str:
    """value as a YAML double-quoted scalar (JSON's string syntax, which YAML reads), non-ASCII kept."""
    return json.dumps(value, ensure_ascii=False)


def _entry_place(entry: BibEntry | CslItem) -> tuple[str, int, int]:
    return entry.path, entry.line, entry.col


def _target(root: Path, key: str, entry: BibEntry | CslItem, force: bool) -> tuple[Path, list[Path]]:
    """citations/snapshots/KEY.md, and the saved copies of key there already (refused without force)."""
    if not key or key.startswith(".") or any(char in key for char in '/\\\x00') or len(key.encode()) > 200:
        raise BuildFailed([error(*_entry_place(entry), f"citation key '{key}' cannot be a file name in {SNAPSHOTS}/, so "
                                 "no saved copy of it is read: choose a key without '/', '\\' or a leading '.'")])
    folder = root / SNAPSHOTS
    existing = [folder / f"{key}{suffix}" for suffix in SNAPSHOT_SUFFIXES
                if (folder / f"{key}{suffix}").exists() or (folder / f"{key}{suffix}").is_symlink()]
    if existing and not force:
        raise BuildFailed([error(f"{SNAPSHOTS}/{existing[0].name}", 1, 1, f"a saved copy of '{key}' exists already: "
                                 "pass --force to replace it")])
    return folder / f"{key}.md", existing


def _address(root: Path, key: str, entry: BibEntry | CslItem, source: str | None) -> _Address:
    """Where to save the copy from: --from, else an archived copy, else the entry's url."""
    original = (entry.field("url") or "").strip()
    if source:
        is_url = "://" in source or source.lower().startswith(("http:", "https:"))
        return _Address(source, (source, 1, 1), original, is_file=not is_url)
    for text, place in _archived_copies(root, key, entry):
        return _Address(raw_archive_address(text), place, original)
    if original:
        return _Address(original, _entry_place(entry))
    raise BuildFailed([error(*_entry_place(entry), f"entry '{key}' has no url to save a copy from: add one "
                             "(url = {https://...}), or give the address or a file with --from")])


def _archived_copies(root: Path, key: str, entry: BibEntry | CslItem) -> list[tuple[str, tuple[str, int, int]]]:
    """Archived copies' http(s) addresses with where each is written: the boxes' archived= in
    reading order, then the entry's archive field."""
    found = [(box.get("archived").strip(), (document.relpath, document.body_line + box.line, col))
             for document, box, col in _boxes(root, include_drafts=True, attribute="archived") if box.source == key]
    for name in ARCHIVE_FIELDS:
        value = (entry.field(name) or "").strip()
        if value:
            found.append((value, _entry_place(entry)))
    return [(text, place) for text, place in found if text.lower().startswith(("http://", "https://"))]


def _boxes(root: Path, *, include_drafts: bool, attribute: str = "source"):
    """(document, box, 1-based column of `attribute=` on its opening line) for every evidence box."""
    from builder.content.documents import load_documents
    from builder.markdown import create_parser, parse_markdown

    documents, _ = load_documents(root, include_drafts)
    md = create_parser()
    for document in documents:
        body = parse_markdown(md, document.body, path=document.relpath, line_offset=document.body_line - 1)
        lines = document.body.split("\n")
        for box in body.evidence:
            text = lines[box.line] if box.line < len(lines) else ""
            at = text.find(f"{attribute}=")
            if at == -1:
                col = 1
            else:
                col = at + len(attribute) + 2 + (text[at + len(attribute) + 1:at + len(attribute) + 2] in "\"'")
            yield document, box, col


def unsaved_evidence(root: Path, *, drafts: bool = False) -> list[UnsavedBox]:
    """Every evidence box whose source has no saved copy in citations/snapshots/, in reading order."""
    from builder.evidence.boxes import Snapshots

    snapshots = Snapshots(root)
    unsaved = []
    for document, box, col in _boxes(root, include_drafts=drafts):
        if box.source and snapshots.find(box.source) is None:
            unsaved.append(UnsavedBox(document.relpath, document.body_line + box.line, col, box.source, box.id))
    return unsaved


def _write(root: Path, target: Path, text: str) -> None:
    """Write target in one step, inside the publication only: citations/ and its snapshots/ folder
    must not be links leading out of it (they are made when missing)."""
    from builder.run.write import replace_file

    for folder in (root / "citations", root / SNAPSHOTS):
        if (folder.exists() or folder.is_symlink()) and not inside(root, folder):
            raise BuildFailed([_outside(root, folder)])
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if not inside(root, target.parent):
            raise BuildFailed([_outside(root, target.parent)])
        replace_file(target, text.encode("utf-8"), durable=True)
    except OSError as exc:
        raise BuildFailed([error(f"{SNAPSHOTS}/{target.name}", 1, 1,
                                 f"cannot write the file ({exc.strerror or exc}); it is unchanged")]) from None


def _outside(root: Path, folder: Path) -> Problem:
    return error(folder.relative_to(root).as_posix(), 1, 1,
                 "is a link to a place outside the publication folder: nothing is written there")
