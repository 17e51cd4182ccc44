"""Frozen dataclasses handed from stage to stage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_BASE_URL = "http://127.0.0.1:8000/"


@dataclass(frozen=True, slots=True)
class Author:
    name: str
    slug: str
    affiliation: str = ""
    orcid: str = ""


@dataclass(frozen=True, slots=True)
class Settings:
    """dossier.yml, validated."""

    root: Path
    title: str
    description: str = ""
    base_url: str = DEFAULT_BASE_URL
    language: str = "en"
    authors: tuple[Author, ...] = ()
    theme: str = "default"
    output: str = "_site"
    csl: str = "chicago-author-date"
    index_articles: int = 10
    unsafe_html: bool = False
    unknown_citation_keys: str = "error"     # or "warn": built as pandoc builds a missing key
    menu: tuple[str, ...] | None = None
    feed_full_content: bool = True
    translator: str = ""                      # who translated evidence boxes that name no translator
    verify_quotes: str = "error"              # or "warn": a misquote builds, its box marked as differing
    history_url: str = ""                     # each article's change history: a URL pattern with {path} or {slug}
    pdf: dict = field(default_factory=dict)   # variant, order, cover_image, editions (EditionSpecs, or 'all')
    extra: dict = field(default_factory=dict)
    positions: dict = field(default_factory=dict, compare=False)   # setting -> (line, col) in dossier.yml

    def position(self, key: str) -> tuple[int, int]:
        return self.positions.get(key, (1, 1))

    @property
    def theme_dir(self) -> Path:
        return self.root / "themes" / self.theme


@dataclass(frozen=True, slots=True)
class EditionSpec:
    """One edition as `pdf: {editions: [...]}` defines it. An article belongs to it if it matches every
    criterion given (any of its tags, any of its authors); `articles` lists them instead, in its order.
    No criterion at all: every article."""

    slug: str                 # its PDF is pdf/SLUG.pdf
    title: str
    start: dt.date | None = None
    end: dt.date | None = None
    tags: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()
    position: tuple[int, int] = (1, 1)                         # of its slug in dossier.yml
    article_positions: tuple[tuple[int, int], ...] = ()        # of each entry of `articles`


@dataclass(frozen=True, slots=True)
class Edition:
    """An edition with its articles chosen: their slugs in the edition's order."""

    slug: str
    title: str
    articles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MetaText:
    """A front matter value read as Markdown (as pandoc reads its metadata), and where its text starts."""

    text: str
    line: int                 # 1-based, in the document's file
    col: int                  # of the text's first character; a block scalar's lines all start there


@dataclass(frozen=True, slots=True)
class CitationMetadata:
    """What a document's front matter asks of its citations, read as pandoc reads its metadata."""

    nocite: tuple[MetaText, ...] = ()        # citations listed without being cited ('@*': every entry)
    link_citations: bool = True              # Dossier's default; pandoc's is false
    link_bibliography: bool = True
    suppress_bibliography: bool = False
    reference_section_title: str = ""        # Markdown; '' for the theme's own heading
    bibliography: tuple[str, ...] = ()       # its own bibliography files, relative to the publication root


@dataclass(frozen=True, slots=True)
class Notice:
    """A dated correction or update of a document, from its front matter (`corrections:`, `updates:`)."""

    date: dt.date
    text: str                 # plain text, as written


@dataclass(frozen=True, slots=True)
class Document:
    """One Markdown file with its front matter validated."""

    source: Path              # absolute path of the .md file
    relpath: str              # path relative to the publication root, for messages
    kind: str                 # "article" or "page"
    slug: str
    url: str                  # site-relative, e.g. "articles/slug/"
    title: str
    body: str
    body_line: int            # 1-based line of the body's first line in the file
    subtitle: str = ""
    date: dt.date | None = None
    updated: dt.date | None = None
    authors: tuple[Author, ...] = ()
    tags: tuple[str, ...] = ()
    summary: str = ""
    draft: bool = False
    extra: dict = field(default_factory=dict)
    language: str = ""        # `language:` or `lang:`, a language tag; '' for the publication's
    citation_metadata: CitationMetadata = CitationMetadata()
    translation_of: MetaText | None = None    # the slug of the article this one translates, where written
    corrections: tuple[Notice, ...] = ()      # newest first
    updates: tuple[Notice, ...] = ()          # newest first

    @property
    def modified(self) -> dt.date | None:
        """The day it last changed: the latest of `updated` and its corrections' and updates' dates."""
        days = [day for day in (self.updated, *(n.date for n in self.corrections + self.updates)) if day]
        return max(days) if days else None


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    anchor: str
    text: str


@dataclass(frozen=True, slots=True)
class RenderedDocument:
    """A document's body as HTML, with what the theme needs to show around it."""

    document: Document
    html: str
    toc: tuple[Heading, ...]
    word_count: int
    first_paragraph: str = ""
    bibliography: tuple[tuple[str, str], ...] = ()   # (key, entry HTML) in the style's order
    citations: tuple["CitationUse", ...] = ()
    references_in_body: bool = False      # the body shows the bibliography (`::: {#refs}`, a last heading)
    references_title: str = ""            # HTML of `reference-section-title`; '' for the theme's heading
    evidence: tuple["EvidenceRecord", ...] = ()

    @property
    def reading_minutes(self) -> int:
        return max(1, round(self.word_count / 230))


@dataclass(frozen=True, slots=True)
class CitationUse:
    """Where a document cites a source: the key and the sentence around the citation."""

    key: str
    context: str


@dataclass(frozen=True, slots=True)
class Asset:
    """A file copied into the site as it is."""

    source: Path
    target: str               # site-relative output path


@dataclass(frozen=True, slots=True)
class Output:
    """One file of the built site: bytes to write, or a file to copy."""

    path: str                 # site-relative, posix
    content: bytes | None = None
    source: Path | None = None
    kept: bool = False        # source is the previous site's file at path, known to be what this build makes


@dataclass(frozen=True, slots=True)
class EvidenceRecord:
    """An evidence box as the site's indexes show it."""

    id: str
    number: int
    source: str
    quote: str
    grade: str            # "B2", a source's default reliability "B", or ""
    date: str
    status: str           # "verified" | "not-found" | "no-snapshot" | "no-original" (translated, not verifiable)
    saved: str = ""       # date the snapshot was saved, when verified or found to differ
    original: str = ""    # a translated box's original wording (the quote is its translation)
    language: str = ""    # the language tag of the original, when translated
    translator: str = ""  # who translated it, the box's or the publication's, when translated
    locator: str = ""     # where in the source: 'para. 3'
    url: str = ""         # the source's address and an archived copy's, as the box gives them (http(s) only)
    archived: str = ""
    note: str = ""
    citation: str = ""    # the box's citation as the style formats it, as plain text: '(Yonhap 2016, para. 3)'
    written_id: bool = True   # the author gave the id; False for evidence-N, which a box added before it changes
