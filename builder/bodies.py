"""Document bodies: Markdown parsed, citations formatted, evidence verified, HTML rendered.

Each document's result is cached under a hash of everything it depends on, in two steps
so an unchanged document is neither parsed nor formatted again:

- the parse, keyed by the body, its place in the file and the set of documents and assets
  its links may point to, records the citation keys and evidence sources it uses;
- the rendered body, keyed by that parse, the CSL-JSON of those keys, the style, the
  snapshots its evidence is checked against and the URLs of its sources' pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from builder.bibliography import Bibliography
from builder.cache import Cache, digest, file_digest
from builder.citations import CitationFormatter, citation_uses, unknown_keys
from builder.errors import Problem, Severity
from builder.evidence import Snapshots, caption_renderer, verify_boxes
from builder.linking import PublicationLinks
from builder.markdown import ParsedMarkdown, parse_markdown, render_parsed
from builder.model import CitationUse, Document, EvidenceRecord, Heading, RenderedDocument, Settings
from builder.sanitize import sanitize

CACHE_FORMAT = "1"
KEEP_PARSED = 100       # up to this many documents, keep their tokens between parse and render


@dataclass
class _Body:
    document: Document
    parse_key: str
    keys: list[str]
    evidence_sources: list[str]
    parsed: ParsedMarkdown | None = None
    clusters: list | None = None        # the citation clusters, kept when the tokens are not


class Bodies:
    """Parses and renders the bodies of a build's documents, reusing what the cache holds."""

    def __init__(self, md, settings: Settings, links: PublicationLinks, bibliography: Bibliography, cache: Cache):
        self.md, self.settings, self.links, self.bibliography, self.cache = md, settings, links, bibliography, cache
        self._site_map = digest(sorted(links.site_map()))

    def parse(self, documents: list[Document], report: Callable) -> tuple[list[_Body], list[Problem]]:
        """Every document's citation keys (parsing only what the cache does not know)."""
        bodies, problems = [], []
        for index, document in enumerate(documents):
            report("Parsing Markdown", index, len(documents))
            key = digest([CACHE_FORMAT, document.relpath, document.body_line, document.body, self._site_map])
            known = self.cache.get("parse", key)
            if known is not None and all(k in self.bibliography for k in known["keys"]):
                bodies.append(_Body(document, key, known["keys"], known["evidence"]))
                problems += [_problem(p) for p in known["problems"]]
                continue
            parsed = parse_markdown(self.md, document.body, path=document.relpath,
                                    line_offset=document.body_line - 1, resolve_link=self.links.resolver_for(document))
            found = list(parsed.problems) + unknown_keys(document.relpath, document.body_line - 1, parsed.clusters,
                                                          self.bibliography)
            keys = sorted({k for cluster in parsed.clusters for k in cluster.keys})
            evidence = sorted({box.source for box in parsed.evidence if box.source})
            if not any(p.is_error for p in found):
                self.cache.put("parse", key, {"keys": keys, "evidence": evidence, "problems": [_record(p) for p in found]})
            # The tokens are dropped and the body parsed again when rendered: holding every
            # document's tokens at once cost ~0.7 GB at 1,000 articles; a second parse costs ~5%.
            bodies.append(_Body(document, key, keys, evidence, parsed if len(documents) <= KEEP_PARSED else None,
                                parsed.clusters))
            problems += found
        return bodies, problems

    def render(self, bodies: list[_Body], items: dict[str, dict], formatter: CitationFormatter,
               source_urls: dict[str, str], own: dict[str, str], strict: bool,
               report: Callable) -> tuple[list[RenderedDocument], list[Problem]]:
        """Every document rendered, in order; problems are the evidence checks' (cached ones included)."""
        snapshots = Snapshots(self.settings.root)
        keys = [self._render_key(body, items, formatter, snapshots, source_urls, strict) for body in bodies]
        cached = [self.cache.get("body", key) for key in keys]
        missing = [body for body, hit in zip(bodies, cached) if hit is None]
        clusters = []
        for body in missing:
            if body.clusters is None:   # known from the cache until now: parse it
                body.parsed = self._parse(body.document)
                body.clusters = body.parsed.clusters
                if len(missing) > KEEP_PARSED:
                    body.parsed = None
            clusters.append(body.clusters)
        formatted = iter(formatter.documents(clusters, items,
                                             done=lambda done, total: report("Formatting citations", done, total)))
        rendered, problems = [], []
        for body, key, hit in zip(bodies, keys, cached):
            if hit is None:
                if body.parsed is None:
                    body.parsed = self._parse(body.document)
                hit = self._render_one(body, next(formatted), source_urls, snapshots, strict)
                body.parsed = None
                self.cache.put("body", key, hit)
            problems += [_problem(p) for p in hit["problems"]]
            rendered.append(_rendered(body.document, hit, own.get(body.document.slug, "")))
        return rendered, problems

    def _parse(self, document: Document) -> ParsedMarkdown:
        return parse_markdown(self.md, document.body, path=document.relpath, line_offset=document.body_line - 1,
                              resolve_link=self.links.resolver_for(document))

    def _render_key(self, body: _Body, items, formatter: CitationFormatter, snapshots: Snapshots,
                    source_urls, strict: bool) -> str:
        snapshot_digests = []
        for source in body.evidence_sources:
            path = snapshots.find(source)
            snapshot_digests.append([source, file_digest(path) if path else ""])
        return digest([CACHE_FORMAT, body.parse_key, formatter.signature, [items.get(k) for k in body.keys],
                       snapshot_digests, [source_urls.get(k, "") for k in body.keys], strict,
                       self.settings.unsafe_html, self.settings.language])

    def _render_one(self, body: _Body, citations, source_urls, snapshots: Snapshots, strict: bool) -> dict:
        document, parsed = body.document, body.parsed
        evidence, evidence_problems = verify_boxes(document, parsed.evidence, self.bibliography, snapshots, strict)
        result = render_parsed(self.md, parsed, citations.clusters, caption_renderer(document, evidence, source_urls))
        html = result.html if self.settings.unsafe_html else sanitize(result.html)
        uses = citation_uses(parsed.clusters, citations.clusters)
        return {"html": html, "toc": [[h.level, h.anchor, h.text] for h in result.toc],
                "words": result.word_count, "first": result.first_paragraph,
                "bibliography": [list(pair) for pair in citations.bibliography],
                "uses": [[u.key, u.context] for u in uses],
                "evidence": [_evidence_record(r) for r in evidence],
                "problems": [_record(p) for p in evidence_problems]}


def _rendered(document: Document, data: dict, own: str) -> RenderedDocument:
    return RenderedDocument(document, data["html"], tuple(Heading(*h) for h in data["toc"]), data["words"],
                            data["first"], tuple(tuple(pair) for pair in data["bibliography"]),
                            tuple(CitationUse(*u) for u in data["uses"]), own if document.kind == "article" else "",
                            tuple(EvidenceRecord(**r) for r in data["evidence"]))


def _evidence_record(record: EvidenceRecord) -> dict:
    return {name: getattr(record, name) for name in EvidenceRecord.__slots__}


def _record(problem: Problem) -> list:
    return [problem.path, problem.line, problem.col, problem.message, problem.severity.value]


def _problem(data: list) -> Problem:
    return Problem(data[0], data[1], data[2], data[3], Severity(data[4]))
