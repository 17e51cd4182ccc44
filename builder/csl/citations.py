"""Format each document's citations and bibliography, and the publication's list of sources."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import unquote

from builder.bib.bibliography import BibEntry, Bibliography
from builder.content.sanitize import sanitize
from builder.csl.metadata import DocumentRequest
from builder.csl.pandoc import Citeproc
from builder.csl.references import convert_references, printable_items
from builder.errors import Problem, Severity
from builder.markdown.citations import Cluster
from builder.text import did_you_mean, strip_tags


@dataclass(frozen=True, slots=True)
class DocumentCitations:
    clusters: tuple[str, ...] = ()                    # HTML of each cluster, in reading order
    bibliography: tuple[tuple[str, str], ...] = ()    # (key, entry HTML) in the style's order
    notes: tuple[str, ...] = ()                       # a note style: each cluster's footnote ('' if none)


@dataclass(frozen=True)
class Sources:
    """Every cited source: the style's order and its full reference."""

    order: tuple[str, ...] = ()
    references: dict[str, str] = field(default_factory=dict)
    items: dict[str, dict] = field(default_factory=dict)   # CSL-JSON by key
    labels: dict[str, str] = field(default_factory=dict)   # short citation text, disambiguated publication-wide


def unknown_keys(path: str, line_offset: int, clusters: list[Cluster], bibliography: Bibliography,
                 severity: Severity = Severity.ERROR) -> list[Problem]:
    """A problem for each cited key no bibliography defines, with the closest keys suggested: an
    error, or with `unknown_citation_keys: warn` a warning (the key is then cited as pandoc cites it)."""
    problems = []
    for cluster in clusters:
        for key, line, col in zip(cluster.keys, cluster.key_lines, cluster.key_cols):
            if key in bibliography:
                continue
            shown = " (shown as pandoc shows it, in bold with '?')" if severity is Severity.WARNING else ""
            problems.append(Problem(path, line_offset + line + 1, col + 1,
                                    f"unknown citation key '{key}'{did_you_mean(key, bibliography.entries)}{shown}",
                                    severity))
    return problems


def format_document(engine: Citeproc, clusters: list[Cluster], items: dict[str, dict],
                    style: Path, language: str, notes: bool = False, *, nocite: tuple[str, ...] = (),
                    link_citations: bool = True, link_bibliography: bool = True, biblatex: str = "",
                    in_biblatex: frozenset[str] | None = None) -> DocumentCitations:
    """Format one document's clusters together, so disambiguation sees all of them; with notes (a
    note style), each cluster in the text gets its footnote, and those in the author's notes stay
    there, as pandoc places them. nocite: keys its bibliography lists uncited (pandoc's `nocite`), as read.
    in_biblatex: the keys whose entries biblatex holds, if known: their CSL-JSON, which pandoc would
    leave out for them, is not sent (nor the BibLaTeX read a second time to find them)."""
    if not clusters and not nocite:
        return DocumentCitations()
    cited = sorted({key for cluster in clusters for key in cluster.keys})
    uncited = set(nocite) - set(cited)
    keys = cited + [key for key in nocite if key in uncited]
    apart = in_biblatex is not None and bool(biblatex)
    references = [items[k] for k in keys if k in items and not (apart and k in in_biblatex)]
    placed = note_places(clusters) if notes else None
    formatted = engine.format([c.source for c in clusters], references, style, language,
                              notes=placed, keys=[list(c.keys) for c in clusters] if notes else None,
                              nocite=bool(nocite), links=(link_citations, link_bibliography), biblatex=biblatex,
                              apart=apart)
    unknown = {key for key in cited if key not in items}      # unknown_citation_keys: warn
    return DocumentCitations(tuple(sanitize(_unlinked(html, unknown)) for html in formatted.citations),
                             tuple((key, sanitize(html)) for key, html in formatted.bibliography),
                             tuple(sanitize(_unlinked(html, unknown)) if html else "" for html in formatted.notes))


_REF_LINK = re.compile(r'<a href="#ref-([^"]*)" role="doc-biblioref">(.*?)</a>', re.DOTALL)


def _unlinked(html: str, unknown: set[str]) -> str:
    """html without pandoc's links to the entries of unknown keys, which the page does not hold."""
    if not unknown:
        return html
    return _REF_LINK.sub(lambda m: m.group(2) if unquote(unescape(m.group(1))) in unknown else m.group(0), html)


def note_places(clusters: list[Cluster]) -> list[dict]:
    """Where each cluster stands, for a note style: in the author's note n, with its text; in the
    text after the author's first n notes; or apart (an evidence box's caption, an image's
    description), formatted as a note's text but making no note (citeproc.lua's format_notes)."""
    return [{"in": c.note, "note": c.note_text} if c.note else {"text": c.notes_before} if c.in_text else {"apart": True}
            for c in clusters]


_NAME_VARIABLES = ("author", "editor", "translator", "container-author", "collection-editor", "composer",
                   "director", "editorial-director", "illustrator", "interviewer", "original-author",
                   "recipient", "reviewed-author", "chair", "compiler", "contributor", "curator",
                   "executive-producer", "guest", "host", "narrator", "organizer", "performer",
                   "producer", "script-writer", "series-creator")


def name_keys(item: dict) -> set[str]:
    """What a style may tell this item apart from others by: every family name (or literal
    name) it has, or, without names, the first word of the title that stands in for them."""
    keys = set()
    for variable in _NAME_VARIABLES:
        for name in item.get(variable) or ():
            if isinstance(name, dict):
                keys.add("name:" + str(name.get("family") or name.get("literal") or "").casefold())
    if not keys:
        title = str(item.get("title") or "").casefold().split()
        keys.add("title:" + (title[0] if title else ""))
    return keys


def separate_names(entries: list, item_of) -> list[list]:
    """entries in groups, in order, no two items of a group sharing a name_keys() key (first fit)."""
    groups: list[tuple[set[str], list]] = []
    for entry in entries:
        keys = name_keys(item_of(entry))
        for used, members in groups:
            if not used & keys:
                used |= keys
                members.append(entry)
                break
        else:
            groups.append((set(keys), [entry]))
    return [members for _, members in groups]


def format_sources(engine: Citeproc, items: dict[str, dict], style: Path, language: str, biblatex: str = "",
                   in_biblatex: frozenset[str] | None = None) -> Sources:
    """Every cited source's full reference, in the style's bibliography order (in_biblatex: as format_document's)."""
    if not items:
        return Sources()
    keys = sorted(items)
    apart = in_biblatex is not None and bool(biblatex)
    formatted = engine.format([f"[@{{{k}}}]" for k in keys], [items[k] for k in keys if not (apart and k in in_biblatex)],
                              style, language, nocite=True, biblatex=biblatex, apart=apart)
    labels = {key: _label(html) for key, html in zip(keys, formatted.citations)}
    references = {key: sanitize(html) for key, html in formatted.bibliography}
    return Sources(tuple(key for key, _ in formatted.bibliography), references, items, labels)


def _label(html: str) -> str:
    """'(J. Kim 2016)' -> 'J. Kim 2016': a source's name in lists and search facets."""
    from html import unescape

    text = unescape(strip_tags(html)).strip()
    return text[1:-1] if text.startswith("(") and text.endswith(")") else text


class CitationFormatter:
    """Formats a build's citations: cached by a hash of their inputs, spread over worker processes.

    A document's citations depend only on its own clusters, the CSL-JSON of the sources it
    cites, the style and the language (disambiguation is per document), so that is the key.
    """

    def __init__(self, style: Path, language: str, cache, workers: int = 2):
        import tempfile
        import threading

        from builder.run.cache import file_digest
        from builder.csl.styles import compact_style, is_note_style

        self.language, self.cache, self.workers = language, cache, max(1, workers)
        self._style_digest = file_digest(style)
        self._folder = tempfile.TemporaryDirectory(prefix="dossier-csl-")
        self.style = compact_style(style, Path(self._folder.name))     # what pandoc reads: the same style, parsed faster
        # Numbered entries (or a dependent style, whose parent may number them) are formatted one per request.
        self._numbered = any(mark in self.style.read_bytes() for mark in (b"citation-number", b"independent-parent"))
        self.notes = is_note_style(self.style)
        self._local = threading.local()
        self._read_from_bib: dict[str, bool] = {}     # by key: whether the BibLaTeX pandoc is given holds it
        self._engines: list[Citeproc] = []
        self._lock = threading.Lock()

    def _engine(self) -> Citeproc:
        engine = getattr(self._local, "engine", None)
        if engine is None:
            engine = self._local.engine = Citeproc()
            with self._lock:
                self._engines.append(engine)
        return engine

    @property
    def signature(self) -> str:
        """What every formatted result depends on besides its own input: style and language."""
        return f"{self._style_digest}:{self.language}"

    def _key(self, *parts) -> str:
        from builder.run.cache import digest

        return digest([self._style_digest, self.language, *parts])

    def convert(self, bibliography: Bibliography, keys: list[str], language: str = "") -> tuple[dict[str, dict], list[Problem]]:
        """CSL-JSON of the cited entries (cached by the BibLaTeX text and CSL items they come from) read for language
        ('': the publication's), without characters no page can hold, with a warning at each entry that had some."""
        language = language or self.language
        self._note_origins(bibliography, keys)
        key = self._key("convert", bibliography.biblatex_for(keys), [e.item for e in bibliography.csl_items(keys)])
        key = key if language == self.language else self._key(key, language)
        cached = self.cache.get("csl-json", key)
        if cached is not None:
            self._note_origins(bibliography, list(cached))     # with the crossref parents read with them
            return printable_items(cached, bibliography)
        items, problems = convert_references(self._engine(), bibliography, keys, language)
        self._note_origins(bibliography, list(items))
        if not problems:
            self.cache.put("csl-json", key, items)
        items, warnings = printable_items(items, bibliography)
        return items, problems + warnings

    def _note_origins(self, bibliography: Bibliography, keys: list[str]) -> None:
        """Remember which of keys are entries Bibliography.biblatex() gives pandoc (a .bib entry, not withheld)."""
        for key in keys:
            entry = bibliography.entries.get(key)
            if entry is not None:
                self._read_from_bib[key] = (isinstance(entry, BibEntry) and entry.block is not None
                                            and key not in bibliography.withheld)

    def _in_biblatex(self, keys: list[str], items: dict[str, dict]) -> frozenset[str] | None:
        """The keys among keys whose entries a document's BibLaTeX holds, or None if one's is not known."""
        if any(key in items and key not in self._read_from_bib for key in keys):
            return None
        return frozenset(key for key in keys if self._read_from_bib.get(key))

    def documents(self, requests: list[DocumentRequest], done=None) -> list[DocumentCitations]:
        """Each document's formatted clusters and bibliography, in the given order."""
        from concurrent.futures import ThreadPoolExecutor

        def one(request: DocumentRequest) -> DocumentCitations:
            if not (clusters := request.clusters) and not request.nocite:
                return DocumentCitations()
            items = request.items
            keys = sorted({k for cluster in clusters for k in cluster.keys} | set(request.nocite))
            key = self._key("document", [c.source for c in clusters], [items.get(k) for k in keys],
                            note_places(clusters) if self.notes else None, request.cache_parts())
            cached = self.cache.get("citations", key)
            if cached is not None:
                return DocumentCitations(tuple(cached[0]), tuple(tuple(pair) for pair in cached[1]), tuple(cached[2]))
            result = format_document(self._engine(), clusters, items, self.style, request.language or self.language,
                                     self.notes, nocite=request.nocite, link_citations=request.link_citations,
                                     link_bibliography=request.link_bibliography, biblatex=request.biblatex,
                                     in_biblatex=self._in_biblatex(keys, items))
            self.cache.put("citations", key, [list(result.clusters), [list(pair) for pair in result.bibliography],
                                              list(result.notes)])
            return result

        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            results = []
            try:
                for index, result in enumerate(pool.map(one, requests)):
                    results.append(result)
                    if done:
                        done(index + 1, len(requests))
            except BaseException:      # interrupted: do not format the documents still waiting
                pool.shutdown(wait=False, cancel_futures=True)
                raise
        return results

    def own_references(self, own_items: list[dict], languages: list[str] | None = None) -> list[str]:
        """Each document's recommended citation (its own entry in the style), in its language
        (languages[i], '' for the publication's): a Korean article's date reads 4월 12일.

        Entries are formatted many to a request (a request's fixed cost is ten times an entry's),
        but never two that share a name: a bibliography disambiguates entries by the same
        names (year suffixes, 'same author' dashes), so each entry is formatted among others
        it cannot be confused with and reads as it would alone."""
        from concurrent.futures import ThreadPoolExecutor

        languages = [language or self.language for language in (languages or [""] * len(own_items))]
        keys = [self._key("own", item, language) for item, language in zip(own_items, languages)]
        found = {key: self.cache.get("own-reference", key) for key in set(keys)}
        missing = {key: (item, language) for key, item, language in zip(keys, own_items, languages) if found[key] is None}

        def batch(group: list[tuple[str, tuple[dict, str]]]) -> None:
            items = [dict(item, id=f"own{index}") for index, (_, (item, _)) in enumerate(group)]
            language = group[0][1][1]
            formatted = dict(self._engine().format([], items, self.style, language, nocite=True).bibliography)
            for index, (key, _) in enumerate(group):
                found[key] = sanitize(formatted.get(f"own{index}", ""))
                self.cache.put("own-reference", key, found[key])

        by_language: dict[str, list] = {}
        for pair in missing.items():
            by_language.setdefault(pair[1][1], []).append(pair)
        # In a numeric style an entry's number is its place in the bibliography: one per request.
        groups = [group for pairs in by_language.values()
                  for group in ([[pair] for pair in pairs] if self._numbered else separate_names(pairs, lambda pair: pair[1][0]))]
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            try:
                list(pool.map(batch, groups))
            except BaseException:      # interrupted: do not format the items still waiting
                pool.shutdown(wait=False, cancel_futures=True)
                raise
        return [found[key] for key in keys]

    def sources(self, items: dict[str, dict], biblatex: str = "") -> Sources:
        """The publication's list of sources (cached by every cited item and the .bib text pandoc reads)."""
        key = self._key("sources", [items[k] for k in sorted(items)], biblatex)
        cached = self.cache.get("sources", key)
        if cached is not None:
            return Sources(tuple(cached["order"]), cached["references"], items, cached["labels"])
        result = format_sources(self._engine(), items, self.style, self.language, biblatex,
                                self._in_biblatex(sorted(items), items))
        self.cache.put("sources", key, {"order": list(result.order), "references": result.references,
                                        "labels": result.labels})
        return result

    def close(self) -> None:
        for engine in self._engines:
            engine.close()
        self._folder.cleanup()
