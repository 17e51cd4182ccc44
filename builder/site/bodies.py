"""Document bodies: Markdown parsed, citations formatted, evidence verified, HTML rendered.

Evidence is verified by what the page shows: each body is sanitised with marks around its quotes,
their visible text read from it (evidence/shown.py) and checked (evidence/checks.py), and only
then do the captions, which say whether a quote was verified, go in (each sanitised on its own).

Each document is parsed once and rendered at once into a draft: its HTML with a marker
where each citation cluster and each evidence box's caption go, since those wait for the
citations to be formatted. Holding drafts, not tokens, keeps memory small (tokens of
1,000 articles took ~0.7 GB) without parsing anything twice.

Each document's result is cached under a hash of everything it depends on, in two steps
so an unchanged document is neither parsed nor formatted again:

- the parse, keyed by the body, its place in the file and the set of documents and assets
  its links may point to, records the citation keys and evidence sources it uses;
- the rendered body, keyed by that parse, the CSL-JSON of those keys, the style, the
  snapshots its evidence is checked against, the URLs of its sources' pages and what its
  front matter asks of its citations (`nocite`, `lang`, ...).

The bibliography goes where pandoc puts it (markdown/refs.py): into the author's `::: {#refs}`,
else after a last heading, rendered there with the theme's templates/_reference_list.html;
else the page's references section shows it (RenderedDocument.references_in_body).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import asdict, dataclass
from html import escape
from typing import Callable

import jinja2
from markupsafe import Markup

from builder.bib.bibliography import Bibliography
from builder.content.links import PublicationLinks, relative_url
from builder.content.sanitize import sanitize
from builder.csl.citations import CitationFormatter, unknown_keys
from builder.csl.contexts import citation_uses
from builder.csl.metadata import document_request, nocite_keys
from builder.errors import BuildFailed, Problem, Severity
from builder.evidence.boxes import Snapshots, caption_views, language_name
from builder.evidence.checks import verify_boxes
from builder.evidence.shown import shown_quotes
from builder.markdown import MarkdownResult, create_parser, parse_markdown, render_parsed
from builder.markdown.citations import Cluster
from builder.markdown.evidence import EvidenceBox
from builder.model import CitationUse, Document, EvidenceRecord, Heading, RenderedDocument, Settings
from builder.run.cache import Cache, digest, file_digest, text_digest
from builder.site.theme import page_ids
from builder.site.views import ReferenceView
from builder.site.words import N_
from builder.text import html_text, in_language

CACHE_FORMAT = "5"
CAPTION_TEMPLATES = ("_evidence_caption.html", "_macros.html")    # the first imports the second
REFERENCES_TEMPLATE = "_reference_list.html"
PARALLEL_FROM = 64      # from this many documents to parse, a process per core parses them

# Markers in a draft; markdown-it turns any NUL of the input into U+FFFD, so only these have one.
_CLUSTER, _CAPTION = "\x00C{}\x00", "\x00E{}\x00"
_PLACES = {"div": "\x00R0\x00", "heading": "\x00R1\x00"}     # where the bibliography may go (markdown/refs.py)
_NUMBER_LABELS = {"fig": N_("Figure %(number)s"), "tbl": N_("Table %(number)s"), "ev": N_("Evidence %(number)s"),
                  "notes": N_("Notes"), "note-back": N_("Back to reference %(number)s")}
_MARKER = re.compile("\x00([CENR])(\\d+)\x00")
# Where each box's quote (Q) and original (O) start (s) and end (e): in the draft, then as text
# no author can guess (dossier-TOKEN-Q0s-), which the sanitiser keeps where the page shows it.
_QUOTE_MARKER = re.compile("\x00([QO])(\\d+)([se])\x00")
_MOVED = re.compile("\x00M\x00(.*?)\x00m\x00", re.DOTALL)    # punctuation moved into a narrative citation (notes)
_LINK_TAG = re.compile(r"</?a\b[^>]*>")      # a citation in a link's text keeps its words, not its links
_ENDS_WITH_PUNCTUATION = re.compile(r"[.,;:!?]\s*(?:<[^>]*>\s*)*$")


@dataclass(frozen=True)
class _Draft:
    """A document rendered before its citations are formatted."""

    result: MarkdownResult          # html and first paragraph hold markers
    clusters: list[Cluster]
    evidence: list[EvidenceBox]


@dataclass(frozen=True)
class ParsedBody:
    """What a document's parse found: the citation keys and evidence sources it uses."""

    document: Document
    parse_key: str
    keys: list[str]
    evidence_sources: list[str]
    draft: _Draft | None = None     # None when the cache knew the parse
    nocite: tuple[str, ...] = ()    # keys its `nocite:` lists (also in keys)


class BodyRenderer:
    """Parses and renders the bodies of a build's documents, reusing what the cache holds."""

    def __init__(self, settings: Settings, links: PublicationLinks, bibliography: Bibliography, cache: Cache,
                 env: jinja2.Environment, notes: bool = False):
        self.settings, self.links, self.bibliography, self.cache = settings, links, bibliography, cache
        ids = page_ids(settings)        # the theme's: no id of a body may take one
        self.md = create_parser(ids, notes=notes, language=settings.language)
        self._site_map = digest([sorted(links.site_map()), sorted(ids)])
        self._env = env
        # The theme's caption of an evidence box and list of references are part of a body, so their
        # templates are part of the key.
        self._captions = digest([[_source(env, name) for name in (*CAPTION_TEMPLATES, REFERENCES_TEMPLATE)],
                                 env.globals["words"].signature()])

    def parse(self, documents: list[Document], progress: Callable) -> tuple[list[ParsedBody], list[Problem]]:
        """Every document's citation keys (parsing only what the cache does not know)."""
        progress("Parsing Markdown", 0, len(documents))
        keys = [text_digest([CACHE_FORMAT, d.relpath, d.body_line, self._site_map], d.body) for d in documents]
        known = [self.cache.get("parse", key) for key in keys]
        known = [k if k is not None and all(c in self.bibliography for c in k["keys"]) else None for k in known]
        drafts = iter(self._drafts([d for d, k in zip(documents, known) if k is None],
                                   lambda done, total: progress("Parsing Markdown", done, total)))
        bodies, problems = [], []
        for document, key, cached in zip(documents, keys, known):
            nocite, found = nocite_keys(document, self.bibliography)
            problems += found
            if cached is not None:
                bodies.append(ParsedBody(document, key, sorted({*cached["keys"], *nocite}), cached["evidence"],
                                         nocite=nocite))
                problems += [Problem.from_record(p) for p in cached["problems"]]
                continue
            draft = next(drafts)
            severity = Severity.WARNING if self.settings.unknown_citation_keys == "warn" else Severity.ERROR
            found = list(draft.result.problems) + unknown_keys(document.relpath, document.body_line - 1,
                                                               draft.clusters, self.bibliography, severity)
            cited = sorted({k for cluster in draft.clusters for k in cluster.keys})
            evidence = sorted({box.source for box in draft.evidence if box.source})
            if not any(p.is_error for p in found):     # an unknown key (a warning) is kept: it is parsed again
                self.cache.put("parse", key, {"keys": cited, "evidence": evidence, "problems": [p.record() for p in found]})
            cited = [k for k in cited if k in self.bibliography]
            bodies.append(ParsedBody(document, key, sorted({*cited, *nocite}), evidence, draft, nocite))
            problems += found
        return bodies, problems

    def _drafts(self, documents: list[Document], done: Callable) -> list[_Draft]:
        """The documents' drafts, in order; many documents are parsed by a process per core."""
        from builder.run.parallel import forked_map, workers

        processes = workers()
        drafts: list[_Draft] = []
        if len(documents) < PARALLEL_FROM or processes < 2:
            for document in documents:
                drafts.append(self._draft(document))
                done(len(drafts), len(documents))
            return drafts
        for draft in forked_map(lambda index: self._draft(documents[index]), range(len(documents)), processes, 8,
                                "content", "parsing documents"):
            drafts.append(draft)
            done(len(drafts), len(documents))
        return drafts

    def render(self, bodies: list[ParsedBody], items: dict[str, dict[str, dict]], formatter: CitationFormatter,
               source_urls: dict[str, str], strict: bool, progress: Callable,
               memo: dict | None = None) -> tuple[list[RenderedDocument], list[Problem]]:
        """Every document rendered, in order; problems are the evidence checks' (cached ones included).
        items: the CSL-JSON of the cited entries by language tag, '' for the publication's.
        memo (`dossier serve`): each URL's last RenderedDocument, reused when made from the same objects."""
        snapshots = Snapshots(self.settings.root)
        strict = strict or self.settings.verify_quotes != "warn"
        items_of = [items.get(body.document.language, items[""]) for body in bodies]
        item_digests: dict[tuple[int, str], str] = {}       # each entry's digest, once per language
        keys = [self._render_key(body, body_items, item_digests, formatter, snapshots, source_urls, strict)
                for body, body_items in zip(bodies, items_of)]
        self.keys = {body.document.url: key for body, key in zip(bodies, keys)}     # what each body is made from
        cached = [self.cache.get("body", key) for key in keys]
        missing = [index for index, stored in enumerate(cached) if stored is None]
        drafts = {index: bodies[index].draft for index in missing}
        unparsed = [index for index in missing if drafts[index] is None]    # known from the cache until now
        for index, draft in zip(unparsed, self._drafts([bodies[index].document for index in unparsed],
                                                       lambda done, total: progress("Parsing Markdown", done, total))):
            drafts[index] = draft
        requests = [document_request(bodies[index].document, drafts[index].clusters, bodies[index].nocite,
                                     items_of[index], self._biblatex(drafts[index].clusters, bodies[index].nocite))
                    for index in missing]
        formatted = iter(formatter.documents(requests, done=lambda done, total: progress("Formatting citations",
                                                                                         done, total)))
        rendered, problems = [], []
        for index, (body, key, stored) in enumerate(zip(bodies, keys, cached)):
            if stored is None:
                with in_language(body.document.language or self.settings.language):     # its captions' words, dates
                    stored = self._render_one(body.document, drafts.pop(index), next(formatted), source_urls, snapshots,
                                              strict)
                self.cache.put("body", key, stored)
            problems += [Problem.from_record(p) for p in stored["problems"]]
            rendered.append(_remembered(memo, body.document, stored))
        if memo is not None:
            for gone in set(memo) - {r.document.url for r in rendered}:
                del memo[gone]
        return rendered, problems

    def _draft(self, document: Document) -> _Draft:
        with in_language(document.language or self.settings.language):     # the theme's words in the body
            return self._draft_in_language(document)

    def _draft_in_language(self, document: Document) -> _Draft:
        parsed = parse_markdown(self.md, document.body, path=document.relpath, line_offset=document.body_line - 1,
                                resolve_link=self.links.resolver_for(document))
        boxes = {id(box): index for index, box in enumerate(parsed.evidence)}
        markers = tuple(_CLUSTER.format(index) for index in range(len(parsed.clusters)))
        result = render_parsed(self.md, parsed, markers, lambda box, _: _CAPTION.format(boxes[id(box)]), _PLACES,
                               self._original_label, self._number_label,
                               lambda box, part, edge: f"\x00{'Q' if part == 'quote' else 'O'}{boxes[id(box)]}{edge[0]}\x00")
        return _Draft(result, parsed.clusters, parsed.evidence)

    def _number_label(self, kind: str, number: int) -> str:
        """'Figure 2', 'Table 1', 'Evidence 3' in the document's language (set around its draft)."""
        return self._env.globals["words"].gettext(_NUMBER_LABELS[kind], number=number)

    def _original_label(self, box: EvidenceBox) -> str:
        """The theme's words above a translated box's original: 'Original (Korean)'."""
        return self._env.globals["words"]("evidence.original", language=language_name(box.get("translated")))

    def _render_key(self, body: ParsedBody, items, item_digests: dict, formatter: CitationFormatter,
                    snapshots: Snapshots, source_urls, strict: bool) -> str:
        snapshot_digests = []
        for source in body.evidence_sources:
            path = snapshots.find(source)
            snapshot_digests.append([source, file_digest(path) if path else ""])
        for key in body.keys:
            if (id(items), key) not in item_digests:
                item_digests[id(items), key] = digest(items.get(key))
        return digest([CACHE_FORMAT, body.parse_key, formatter.signature, [item_digests[id(items), k] for k in body.keys],
                       snapshot_digests, [source_urls.get(k, "") for k in body.keys], strict,
                       self.settings.unsafe_html, self.settings.language, self.settings.translator, self._captions, list(body.nocite),
                       body.document.language, asdict(body.document.citation_metadata)])

    def _biblatex(self, clusters, nocite) -> str:
        """The BibLaTeX of the .bib entries a document cites or lists, for pandoc to read as a .bib; in
        the files' order, the order pandoc lists entries a document lists without citing them in."""
        wanted = {key for cluster in clusters for key in cluster.keys} | set(nocite)
        return self.bibliography.biblatex_for([key for key in self.bibliography.entries if key in wanted]) if wanted else ""

    def _captions_of(self, document: Document, draft: _Draft, records, source_urls: dict[str, str],
                     citations_html: tuple[str, ...]) -> list[str]:
        """Each box's caption, from the theme's templates/_evidence_caption.html."""
        try:
            caption = self._env.get_template(CAPTION_TEMPLATES[0]).module.evidence_caption
            return [str(caption(view)) for view in caption_views(document, draft.evidence, records, source_urls,
                                                                   tuple(Markup(html) for html in citations_html),
                                                                   self._env.globals["words"].gettext)]
        except Exception as exc:    # the theme's error (its caption template or an expression in it)
            raise _caption_problem(self._env, exc, self.settings.root) from None

    def _render_one(self, document: Document, draft: _Draft, citations, source_urls, snapshots: Snapshots,
                    strict: bool) -> dict:
        result = draft.result
        clusters = [citations.clusters[index] if index < len(citations.clusters)
                    else f'<span class="citation">{escape(cluster.source)}</span>'
                    for index, cluster in enumerate(draft.clusters)]
        clusters = [_LINK_TAG.sub("", html) if cluster.in_link else html for html, cluster in zip(clusters, draft.clusters)]
        notes = [citations.notes[index] if index < len(citations.notes) else "" for index in range(len(clusters))]
        placed, in_body = self._placed_references(document, result.html, citations.bibliography, source_urls)
        # The theme's list goes in once the body is sanitised, as the page around the body does.
        stand_ins = [f"dossier-references-{secrets.token_hex(8)}" if html else "" for html in placed]
        # What each quote shows is read from the page as sanitised, before the captions that say whether
        # it is verified go in (each sanitised too: it holds a citation formatted from the .bib).
        token = secrets.token_hex(8)
        stand_for_captions = [f"dossier-{token}-E{index}-" for index in range(len(draft.evidence))]
        pieces = {"C": clusters, "E": stand_for_captions, "N": notes, "R": stand_ins}
        html = _with_moved_punctuation(_MARKER.sub(lambda m: pieces[m[1]][int(m[2])], result.html))
        html = _QUOTE_MARKER.sub(lambda m: f"dossier-{token}-{m[1]}{m[2]}{m[3]}-", html)
        html = html if self.settings.unsafe_html else sanitize(html)
        marks = re.compile(f"dossier-{token}-([QO])(\\d+)([se])-")
        evidence, evidence_problems = verify_boxes(document, draft.evidence, shown_quotes(html, marks), self.bibliography,
                                                   snapshots, strict, self.settings.translator, tuple(citations.clusters))
        captions = self._captions_of(document, draft, evidence, source_urls, citations.clusters)
        captions = captions if self.settings.unsafe_html else [sanitize(caption) for caption in captions]
        html = re.sub(f"dossier-{token}-E(\\d+)-", lambda m: captions[int(m[1])], marks.sub("", html))
        for stand_in, references in zip(stand_ins, placed):
            html = html.replace(stand_in, references) if stand_in else html
        plain = [html_text(cluster) for cluster in clusters]
        def as_read(text: str) -> str:        # citations as plain text, captions left out
            return " ".join(_with_moved_punctuation(_MARKER.sub(lambda m: plain[int(m[2])] if m[1] == "C" else "",
                                                                text)).split())

        uses = citation_uses(draft.clusters, citations.clusters)
        return {"html": html, "toc": [[h.level, h.anchor, as_read(h.text)] for h in result.toc],
                "words": result.word_count, "first": as_read(result.first_paragraph),
                "bibliography": [list(pair) for pair in citations.bibliography],
                "references_in_body": in_body, "references_title": self._references_title(document),
                "uses": [[u.key, u.context] for u in uses],
                "evidence": [_evidence_record(r) for r in evidence],
                "problems": [p.record() for p in evidence_problems]}


    def _placed_references(self, document: Document, draft_html: str, entries, source_urls: dict[str, str]):
        """What each place of the bibliography in the body holds (_PLACES' order), and whether it
        holds the list. Pandoc's rule: the end of the author's `::: {#refs}` div; else, unless
        `reference-section-title` asks for a section at the end, after a heading the body ends with;
        else nowhere in the body (the theme's references section shows it)."""
        metadata = document.citation_metadata
        has = {place: marker in draft_html for place, marker in _PLACES.items()}
        place = "div" if has["div"] else "heading" if has["heading"] and not metadata.reference_section_title else ""
        if not entries or metadata.suppress_bibliography or not place:
            return ["", ""], False
        views = [ReferenceView(key, Markup(html), relative_url(document.url, source_urls[key]) if key in source_urls
                               else "") for key, html in entries]
        try:
            macro = self._env.get_template(REFERENCES_TEMPLATE).module.placed_references
            html = str(macro(views, "", "refs" if place == "heading" else ""))
        except Exception as exc:    # the theme's error (its template or an expression in it)
            raise _template_failure(self._env, REFERENCES_TEMPLATE, exc, self.settings.root) from None
        return [html if name == place else "" for name in _PLACES], True

    def _references_title(self, document: Document) -> str:
        """`reference-section-title` as HTML (pandoc reads it as Markdown), '' for none."""
        title = document.citation_metadata.reference_section_title
        return sanitize(self.md.renderInline(title, {})) if title else ""


def _with_moved_punctuation(html: str) -> str:
    """Punctuation a note style moved into a narrative citation, unless what the citation shows
    already ends with some ('Smith et al.' then keeps its one period), as pandoc does."""
    if "\x00M\x00" not in html:
        return html
    return _MOVED.sub(lambda m: "" if _ENDS_WITH_PUNCTUATION.search(html[max(0, m.start() - 400):m.start()]) else m[1],
                      html)


def _source(env: jinja2.Environment, name: str) -> str:
    """A template's text; what stops it being read (a template not found, not UTF-8) is reported
    before any body is rendered."""
    try:
        return env.loader.get_source(env, name)[0]
    except (jinja2.TemplateError, UnicodeDecodeError, OSError) as exc:
        return repr(exc)


def _caption_problem(env: jinja2.Environment, exc: Exception, root) -> BuildFailed:
    return _template_failure(env, CAPTION_TEMPLATES[0], exc, root)


def _template_failure(env: jinja2.Environment, name: str, exc: Exception, root) -> BuildFailed:
    from builder.site.render import template_problem

    return BuildFailed([template_problem(env, name, exc, root)])


def _remembered(memo: dict | None, document: Document, data: dict) -> RenderedDocument:
    """The document rendered from data; the same object as in the last build if both are."""
    if memo is not None:
        last = memo.get(document.url)
        if last is not None and last[0] is document and last[1] is data:
            return last[2]
    rendered = _rendered(document, data)
    if memo is not None:
        memo[document.url] = (document, data, rendered)
    return rendered


def _rendered(document: Document, data: dict) -> RenderedDocument:
    # The body as Markup from here on: its view shows it as is, without another copy of every body.
    return RenderedDocument(document, Markup(data["html"]), tuple(Heading(*h) for h in data["toc"]), data["words"],
                            data["first"], tuple(tuple(pair) for pair in data["bibliography"]),
                            tuple(CitationUse(*u) for u in data["uses"]),
                            evidence=tuple(EvidenceRecord(**r) for r in data["evidence"]),
                            references_in_body=data["references_in_body"], references_title=data["references_title"])


def _evidence_record(record: EvidenceRecord) -> dict:
    return {name: getattr(record, name) for name in EvidenceRecord.__slots__}
