"""What a document's pandoc metadata asks of its citations: the entries `nocite:` adds to its
bibliography, the entries converted as read for its language (`lang:`), and the request that
formats its citations (link-citations, link-bibliography)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from builder.bib.bibliography import Bibliography, load_bib_files, load_bibliography
from builder.bib.source import CITATIONS
from builder.errors import Problem, error, warning
from builder.markdown.citations import Cluster
from builder.markdown.refs import nocite_citations
from builder.content.metadata import own_bibliographies
from builder.model import Document
from builder.text import did_you_mean


@dataclass(frozen=True)
class DocumentRequest:
    """One document's citations to format, with what its front matter asks of them."""

    clusters: list[Cluster]
    items: dict[str, dict]              # CSL-JSON by key, read for the document's language
    language: str                       # its language tag ('' for the publication's)
    nocite: tuple[str, ...] = ()        # keys its bibliography lists without citing them, as read
    link_citations: bool = True
    link_bibliography: bool = True
    biblatex: str = ""                  # the BibLaTeX of its .bib entries, which pandoc reads as it reads a .bib

    def cache_parts(self) -> list:
        """What its result depends on besides its clusters, items and the style."""
        return [self.language, list(self.nocite), self.link_citations, self.link_bibliography, self.biblatex]


def document_request(document: Document, clusters: list[Cluster], nocite: tuple[str, ...],
                     items: dict[str, dict], biblatex: str = "") -> DocumentRequest:
    metadata = document.citation_metadata
    # Pandoc links a citation to its entry only when there is a bibliography to link to.
    return DocumentRequest(clusters, items, document.language, nocite,
                           metadata.link_citations and not metadata.suppress_bibliography, metadata.link_bibliography,
                           biblatex)


def publication_bibliography(root: Path, documents: list[Document]) -> tuple[Bibliography, list[Problem]]:
    """citations/ and, read after it, the files documents name in `bibliography:`, as one bibliography
    (a key defined in both: the later definition, as pandoc reads a list of files)."""
    listed = [root / path for path in own_bibliographies(documents)]
    if not listed:
        return load_bibliography(root)
    from builder.bib.source import bibliography_files

    files = bibliography_files(root)
    return load_bib_files(files + [path for path in listed if path not in files], root)


def nocite_keys(document: Document, bibliography: Bibliography) -> tuple[tuple[str, ...], list[Problem]]:
    """The keys `nocite:` lists ('@*': every entry of the document's bibliography, citations/ and the
    files its `bibliography:` names) in the order the entries are read, which is the order pandoc
    lists those not cited in (in a style that does not sort). An error at each unknown key."""
    metadata = document.citation_metadata
    found = nocite_citations(metadata.nocite)
    keys: list[str] = []
    problems: list[Problem] = []
    for key, line, col in found:
        if key in bibliography or key == "*":
            keys.append(key)
        else:
            problems.append(error(document.relpath, line, col,
                                  f"unknown citation key '{key}'{did_you_mean(key, bibliography.entries)}"))
    if "*" in keys:
        own = set(metadata.bibliography)
        keys = [name for name, entry in bibliography.entries.items() if name not in bibliography.withheld
                and (entry.path.startswith(CITATIONS + "/") or entry.path in own)]
    keys = sorted(set(keys), key=lambda name: _written_at(bibliography, name))
    if metadata.nocite and not found:
        first = metadata.nocite[0]
        problems.append(warning(document.relpath, first.line, first.col, "'nocite' holds no citation, so it lists "
                                "nothing: write each key with an @, as in '@key, @other', or '@*' for every entry"))
    return tuple(keys), problems


def _written_at(bibliography: Bibliography, key: str) -> tuple[int, int, int]:
    """Where an entry is written, in the order the files are read."""
    entry = bibliography.entries[key]
    files = bibliography.files
    return (files.index(entry.path) if entry.path in files else len(files), entry.line, entry.col)


def items_by_language(formatter, bibliography: Bibliography, items: dict[str, dict],
                      cited: list[tuple[str, list[str]]]) -> tuple[dict[str, dict[str, dict]], list[Problem]]:
    """The CSL-JSON of the entries each language's documents cite (cited: each document's language tag
    and keys), read for that language, as pandoc's BibTeX reader makes English titles sentence case and
    leaves others as written: items (read for the publication's language) under '' and that language,
    formatter.convert() for each other language."""
    wanted: dict[str, set[str]] = {}
    for language, keys in cited:
        wanted.setdefault(language, set()).update(keys)
    found: dict[str, dict[str, dict]] = {"": items, formatter.language: items}
    problems: list[Problem] = []
    for language in sorted(wanted):
        if language not in found:
            found[language], more = formatter.convert(bibliography, sorted(wanted[language]), language)
            problems += [problem for problem in more if problem not in problems]
    return found, problems
