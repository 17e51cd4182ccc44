"""The canonical form of a .bib file, as `dossier cite fmt` writes it. It loses nothing.

- Entries: `@type{key,` with the type in lower case, then one `name = value,` line per
  field, indented two spaces, field names in lower case; `author`, `editor`, `title` and
  the other fields of HEAD_FIELDS first, in that order, then the rest alphabetically.
- Values: `{...}` and numbers are written `{...}`; `"..."` becomes `{...}` when its braces
  balance; @string names (`month = apr`) and `#` concatenations stay as written, with
  ` # ` between the parts. The text inside a value is never changed.
- @string definitions are written `@string{name = value}`; @preamble and @comment blocks
  and the comments between blocks are kept as written.
- Blocks are separated by one blank line; the file ends with one newline.
- A block bibtexparser cannot read, or an entry that cannot be rewritten safely (a field
  name that is not a name, a key with spaces, a field set twice), is kept as written.
- With sort=True, @string and @preamble blocks move to the top (so that every use
  follows its definition) and entries follow in order of key, each with the comments
  written just before it; comments before the first block stay first.
"""

from __future__ import annotations

from dataclasses import dataclass

from builder.bib.keys import is_valid_key
from builder.bib.source import (BibFile, SourceBlock, braces_balanced, head_key, is_valid_field_name,
                                is_valid_type, parse_bib, split_value)
from builder.errors import Problem, warning

HEAD_FIELDS = ("author", "editor", "title", "subtitle", "booktitle", "journal", "journaltitle",
               "series", "volume", "number", "pages", "edition", "publisher", "institution", "school",
               "organization", "address", "location", "year", "month", "date", "doi", "isbn", "issn",
               "url", "urldate")
_RANK = {name: rank for rank, name in enumerate(HEAD_FIELDS)}


@dataclass(frozen=True, slots=True)
class Chunk:
    """One block of the output: its text, and for entries the key it sorts by."""

    kind: str           # "entry", "string", "preamble", "comment" or "verbatim"
    text: str
    key: str | None = None


def format_bib(text: str, sort: bool = False) -> str:
    """text in canonical form."""
    return format_file(parse_bib(text), sort)[0]


def format_file(bib: BibFile, sort: bool = False) -> tuple[str, list[Problem]]:
    """The file in canonical form, and a warning for each block kept as written."""
    chunks: list[Chunk] = []
    problems: list[Problem] = []
    for block in bib.blocks:
        chunk, reason = _format_block(bib, block)
        if reason:
            problems.append(warning(bib.path, block.line, block.col, f"{reason}; kept as written"))
        chunks.append(chunk)
    if sort:
        chunks = sort_chunks(chunks)
    return ("\n\n".join(chunk.text for chunk in chunks) + "\n") if chunks else "", problems


def _format_block(bib: BibFile, block: SourceBlock) -> tuple[Chunk, str]:
    written = bib.source(block)
    if block.kind == "entry":
        text, reason = format_entry(block.block)
        key = block.block.key
        return (Chunk("entry", text, key) if text is not None else Chunk("verbatim", written, key)), reason
    if block.kind == "string":
        return Chunk("string", _format_string(block.block) or written), ""
    if block.kind == "preamble":
        return Chunk("preamble", written), ""
    if block.kind == "comment":
        return Chunk("comment", written), ""
    return Chunk("verbatim", written, head_key(written) or None), "cannot read this block (see dossier cite check)"


def format_entry(entry) -> tuple[str | None, str]:
    """An entry in canonical form; None and the reason when it cannot be rewritten safely."""
    if not is_valid_type(entry.entry_type):
        return None, f"entry type '@{entry.entry_type}' is not a BibTeX name"
    if entry.key and not is_valid_key(entry.key):
        return None, f"citation key '{entry.key}' is not a valid key"
    names = []
    for item in entry.fields:
        if not is_valid_field_name(item.key):
            shown = item.key.splitlines()[0] if item.key.strip() else item.key
            return None, f"entry '{entry.key}': '{shown}' is not a field name"
        names.append(field_name(item.key))
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        return None, f"entry '{entry.key}' sets {', '.join(repeated)} twice"
    order = sorted(range(len(names)), key=lambda index: (_RANK.get(names[index], len(_RANK)), names[index]))
    lines = [f"@{entry.entry_type}{{{entry.key},"]
    lines += [f"  {names[index]} = {format_value(entry.fields[index].value)}," for index in order]
    lines.append("}")
    return "\n".join(lines), ""


def field_name(name: str) -> str:
    """A field name in lower case; a BibLaTeX annotation suffix (`author+an:role`) keeps its case."""
    base, plus, annotation = name.partition("+")
    return base.lower() + plus + annotation


def format_value(raw: str) -> str:
    """A value in canonical form: see the module's docstring."""
    pieces = split_value(raw)
    if pieces is None:
        return raw
    if not pieces:
        return "{}"
    if len(pieces) == 1:
        piece = pieces[0]
        if piece.kind in ("braced", "number") or (piece.kind == "quoted" and braces_balanced(piece.text)):
            return "{" + piece.text + "}"
    return " # ".join(_as_written(piece) for piece in pieces)


def _as_written(piece) -> str:
    if piece.kind == "braced":
        return "{" + piece.text + "}"
    if piece.kind == "quoted":
        return '"' + piece.text + '"'
    return piece.text


def _format_string(block) -> str | None:
    if not is_valid_field_name(block.key) or split_value(block.value) in (None, []):
        return None
    return f"@string{{{block.key} = {format_value(block.value)}}}"


def sort_chunks(chunks: list[Chunk]) -> list[Chunk]:
    """Definitions first, then entries by key, each with the comments written just before it."""
    header: list[Chunk] = []
    definitions: list[Chunk] = []
    entries: list[tuple[str, list[Chunk]]] = []
    unkeyed: list[Chunk] = []
    pending: list[Chunk] = []
    seen_block = False
    for chunk in chunks:
        if chunk.kind == "comment":
            (pending if seen_block else header).append(chunk)
            continue
        seen_block = True
        group, pending = pending + [chunk], []
        if chunk.kind in ("string", "preamble"):
            definitions += group
        elif chunk.key is not None:
            entries.append((chunk.key, group))
        else:
            unkeyed += group
    entries.sort(key=lambda item: (item[0].casefold(), item[0]))
    return header + definitions + [c for _, group in entries for c in group] + unkeyed + pending
