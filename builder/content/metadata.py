"""Pandoc's metadata for citations in a document's front matter: `nocite`, `link-citations`,
`link-bibliography`, `suppress-bibliography`, `reference-section-title`, `lang` (or `language`) and
`bibliography`,
each checked where it is written. What they mean is decided later (csl.metadata, site.bodies).
"""

from __future__ import annotations

import re
from pathlib import Path

from builder.errors import Problem, error, warning
from builder.model import CitationMetadata, Document, MetaText
from builder.run.confinement import inside, real_path

KEYS = frozenset({"nocite", "link-citations", "link-bibliography", "suppress-bibliography",
                  "reference-section-title", "lang", "language", "bibliography"})
BIBLIOGRAPHY_SUFFIXES = (".bib", ".json", ".yaml", ".yml")

_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")      # as dossier.yml's `language`
# Pandoc reads these words (any case) as true, and any other text as false.
_YES, _NO = {"true", "yes", "on"}, {"false", "no", "off"}


def read_citation_metadata(data: dict, front: str, where, relpath: str, source: Path, root: Path,
                           problems: list[Problem]) -> tuple[str, CitationMetadata]:
    """The document's language ('' for the publication's) and its citation metadata. data: the
    front matter read; front: its text; where(*path) -> (line, col) of a value in the file."""
    lines = front.split("\n")
    switches = {}
    for key, default in (("link-citations", True), ("link-bibliography", True), ("suppress-bibliography", False)):
        switches[key] = _switch(data, key, default, where, relpath, problems)
    title = data.get("reference-section-title")
    if title is not None and (not isinstance(title, (str, int, float)) or isinstance(title, bool)):
        problems.append(error(relpath, *where("reference-section-title"), "'reference-section-title' must be text"))
        title = None
    metadata = CitationMetadata(
        nocite=_nocite(data, lines, where, relpath, problems), link_citations=switches["link-citations"],
        link_bibliography=switches["link-bibliography"], suppress_bibliography=switches["suppress-bibliography"],
        reference_section_title=str(title).strip() if title is not None else "",
        bibliography=_bibliography(data, where, relpath, source, root, problems))
    return _language(data, where, relpath, problems), metadata


def _switch(data: dict, key: str, default: bool, where, relpath: str, problems: list[Problem]) -> bool:
    value = data.get(key)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _YES | _NO:
        return value.strip().lower() in _YES
    problems.append(error(relpath, *where(key), f"'{key}' must be true or false"))
    return default


def _language(data: dict, where, relpath: str, problems: list[Problem]) -> str:
    """`language:` (dossier.yml's word) or pandoc's `lang:` as a language tag (pandoc also reads
    'de_DE' as 'de-DE'); a value that is none is passed over with a warning, as pandoc passes over
    a language it has no locale for. Both, saying different languages, is an error."""
    tags = {}
    for key in ("language", "lang"):
        value = data.get(key)
        if value is None:
            continue
        tag = str(value).strip().replace("_", "-") if isinstance(value, str) else ""
        if not _LANGUAGE_TAG.fullmatch(tag):
            problems.append(warning(relpath, *where(key), f"'{key}' must be a language tag such as 'en' or 'pt-BR', "
                                                          f"not {value!r}: the publication's language is used"))
            continue
        tags[key] = tag
    if len(tags) == 2 and tags["language"].lower() != tags["lang"].lower():
        problems.append(error(relpath, *where("lang"), f"'lang: {tags['lang']}' says another language than "
                                                       f"'language: {tags['language']}': keep one of them"))
    return tags.get("language", tags.get("lang", ""))


def _nocite(data: dict, lines: list[str], where, relpath: str, problems: list[Problem]) -> tuple[MetaText, ...]:
    """`nocite:` text (or a list of texts) holding citations, each with where its text starts."""
    value = data.get("nocite")
    if value is None:
        return ()
    paths = [("nocite", index) for index in range(len(value))] if isinstance(value, list) else [("nocite",)]
    texts = []
    for path in paths:
        text = value[path[1]] if len(path) > 1 else value
        if not isinstance(text, str):
            problems.append(error(relpath, *where(*path), "'nocite' must be citations such as '@key' or '@*', "
                                                           "or a list of them"))
            continue
        line, col = _text_start(lines, *where(*path))
        texts.append(MetaText(text, line, col))
    return tuple(texts)


def _text_start(lines: list[str], line: int, col: int) -> tuple[int, int]:
    """Where a YAML string's text starts, given where its value does: after a quote, or on the
    line after a block scalar's '|' or '>' (lines: the front matter, which starts on line 2)."""
    index = line - 2
    text = lines[index] if 0 <= index < len(lines) else ""
    mark = text[col - 1:col]
    if mark in ("'", '"'):
        return line, col + 1
    if mark in ("|", ">"):
        for following in range(index + 1, len(lines)):
            if lines[following].strip():
                return following + 2, len(lines[following]) - len(lines[following].lstrip()) + 1
    return line, col


def _bibliography(data: dict, where, relpath: str, source: Path, root: Path,
                  problems: list[Problem]) -> tuple[str, ...]:
    """`bibliography:` files (a path or a list), relative to the document's folder as pandoc run
    there reads them; each must be a bibliography file inside the publication."""
    value = data.get("bibliography")
    if value is None:
        return ()
    paths = [("bibliography", index) for index in range(len(value))] if isinstance(value, list) else [("bibliography",)]
    found: list[str] = []
    for path in paths:
        name = value[path[1]] if len(path) > 1 else value
        if not isinstance(name, str) or not name.strip():
            problems.append(error(relpath, *where(*path), "'bibliography' must be a file name, or a list of them"))
            continue
        problem = _bibliography_problem(name.strip(), source, root)
        if problem:
            problems.append(error(relpath, *where(*path), problem))
            continue
        listed = (source.parent / name.strip()).resolve().relative_to(real_path(root)).as_posix()
        if listed not in found:
            found.append(listed)
    return tuple(found)


def _bibliography_problem(name: str, source: Path, root: Path) -> str:
    """Why the file a document's bibliography names cannot be read ('' if it can)."""
    path = source.parent / name
    if not inside(root, path):
        return (f"bibliography '{name}' is outside the publication folder: only its own files are read; "
                "copy the file into the publication, e.g. into citations/")
    if path.suffix not in BIBLIOGRAPHY_SUFFIXES:
        return (f"bibliography '{name}' is not a file Dossier reads: write a .bib (BibTeX or BibLaTeX), "
                ".json (CSL-JSON) or .yaml (CSL-YAML) file")
    if not path.is_file():
        return f"bibliography '{name}' not found (paths are relative to the document's folder)"
    return ""


def own_bibliographies(documents: list[Document]) -> list[str]:
    """The files documents name in `bibliography:` (relative to the root), in order, once each."""
    return list(dict.fromkeys(path for document in documents for path in document.citation_metadata.bibliography))
