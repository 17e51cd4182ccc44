"""The publication's evidence and sources as data, for researchers and their tools; pure, returns Outputs.

- data/evidence.json: one record per evidence box, described by data/evidence.schema.json (the
  schema shipped beside this module); each document with evidence has its own slice, evidence.json
  beside its page, of the same form;
- data/evidence.csv: the same records, one row each, nested fields flattened;
- data/sources.json: every cited source as CSL-JSON, each item's `custom` naming its page and the
  documents and boxes that cite it (CSL-JSON keeps extensions there, and readers of it pass over it);
- data/bibliography.bib: every cited .bib entry (and the entries and @strings it needs), as
  `dossier cite fmt --sort` writes them;
- evidence/feed.xml, the Atom feed of new evidence (evidence_feed.py).

Records are in the publication's language (the grades' meanings, the formatted references), and
say what the site's pages say: a box's id is its permalink's path, evidence/ARTICLE/BOX/.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from builder.bib.bibliography import BibEntry, Bibliography
from builder.csl.citations import Sources
from builder.evidence.grades import CREDIBILITY, RELIABILITY
from builder.model import Output, RenderedDocument, Settings
from builder.run.digests import Remembered, digest_of
from builder.site.evidence_feed import render_evidence_feed
from builder.site.structure import Site
from builder.site.words import Words
from builder.text import UNPRINTABLE, html_text, in_language
from builder.urls import EVIDENCE_DATA, evidence_url

DATA = "data/"
EVIDENCE_JSON, EVIDENCE_CSV, SCHEMA_JSON = EVIDENCE_DATA, "evidence.csv", "evidence.schema.json"
SOURCES_JSON, BIBLIOGRAPHY_BIB = "sources.json", "bibliography.bib"
SCHEMA = Path(__file__).with_name(SCHEMA_JSON)

CSV_COLUMNS = ("id", "box_id", "permalink", "article_slug", "article_title", "article_date", "quote", "original",
               "original_language", "translator", "source_key", "source_citation", "source_reference", "date",
               "locator", "grade", "reliability", "reliability_meaning", "credibility", "credibility_meaning",
               "status", "snapshot_date", "url", "archived", "note")


def render_data(site: Site, sources: Sources, bibliography: Bibliography, settings: Settings,
                words: Words, memo=None) -> list[Output]:
    """The data files of the site: nothing for a publication that cites nothing. memo (the build's
    site/memo.py PageMemo): a file made from the same records as in the last build is that build's
    file; with `dossier serve`'s session, a document's records are kept while made from the same
    objects and values (run/digests.py)."""
    if not site.sources:
        return []
    made = Remembered(memo.data if memo is not None else None)
    key = digest_of((settings, words.signature())) if made.memo is not None else None
    pages = {source.key: source.url for source in site.sources}

    def records_of(document: RenderedDocument) -> list[dict]:
        uses = tuple((r.source, sources.references.get(r.source), pages.get(r.source)) for r in document.evidence)
        return made(document.document.url, document, (key, uses) if made.memo is not None else None,
                    lambda: [_record(document, record, sources, pages, settings, words) for record in document.evidence])

    def file(path: str, values, make) -> Output:
        return memo.output(path, ("data", values), make) if memo is not None else Output(path, make())

    with in_language(settings.language):
        by_document = [(document, records_of(document)) for document in site.articles + site.pages]
    made.forget_others()
    records = [record for _, found in by_document for record in found]
    outputs = [file(document.document.url + EVIDENCE_JSON, found, lambda found=found: _evidence_json(found, settings))
               for document, found in by_document if found]
    if records:
        outputs += [file(DATA + EVIDENCE_JSON, records, lambda: _evidence_json(records, settings)),
                    file(DATA + EVIDENCE_CSV, records, lambda: evidence_csv(records)),
                    Output(DATA + SCHEMA_JSON, SCHEMA.read_bytes())]
    items = sources_items(site, sources, settings)
    outputs.append(file(DATA + SOURCES_JSON, items, lambda: _json(items)))
    cited = [key for key in (source.key for source in site.sources) if isinstance(bibliography.entries.get(key), BibEntry)]
    text = bibliography.biblatex_for(cited) if cited else ""
    outputs.append(file(DATA + BIBLIOGRAPHY_BIB, text, lambda: cited_bib(text)))
    return outputs + render_evidence_feed(site, settings, words)


def record_id(document: RenderedDocument, box_id: str) -> str:
    """A box's id in the publication's data: ARTICLE/BOX, its permalink's path under evidence/."""
    return evidence_url(document.document.slug, box_id).removeprefix("evidence/").rstrip("/")


def _record(rendered: RenderedDocument, record, sources: Sources, pages: dict[str, str], settings: Settings,
            words: Words) -> dict:
    document, base = rendered.document, settings.base_url
    return {
        "id": record_id(rendered, record.id), "box_id": record.id,
        "id_written": record.written_id,
        "number": record.number,
        "permalink": base + evidence_url(document.slug, record.id),
        "in_context": f"{base}{document.url}#{record.id}",
        "article": {"slug": document.slug, "title": document.title,
                    "date": document.date.isoformat() if document.date else None,
                    "url": base + document.url, "language": document.language or settings.language},
        "quote": record.quote,
        "original": {"text": record.original, "language": record.language, "translator": record.translator or None}
        if record.language else None,
        "source": {"key": record.source, "citation": record.citation,
                   "reference": html_text(sources.references.get(record.source, "")),
                   "page": base + pages[record.source]},
        "date": record.date or None, "locator": record.locator or None,
        "grade": _grade(record.grade, words),
        "verification": {"status": record.status, "snapshot_date": record.saved or None},
        "url": record.url or None, "archived": record.archived or None, "note": record.note or None,
    }


def _grade(grade: str, words: Words) -> dict | None:
    """A grade with its meanings in the publication's language; None for no grade."""
    if not grade:
        return None
    credibility = grade[1:]
    return {"code": grade, "reliability": grade[0], "reliability_meaning": words.gettext(RELIABILITY[grade[0]]),
            "credibility": int(credibility) if credibility else None,
            "credibility_meaning": words.gettext(CREDIBILITY[credibility]) if credibility else None}


def _evidence_json(records: list[dict], settings: Settings) -> bytes:
    return _json({"$schema": settings.base_url + DATA + SCHEMA_JSON,
                  "publication": {"title": settings.title, "url": settings.base_url, "language": settings.language},
                  "evidence": records})


def _json(data) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def evidence_csv(records: list[dict]) -> bytes:
    """The records as CSV (RFC 4180, UTF-8), one row per box, with a header row."""
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for record in records:
        article, source, original = record["article"], record["source"], record["original"] or {}
        grade, verification = record["grade"] or {}, record["verification"]
        row = {"id": record["id"], "box_id": record["box_id"], "permalink": record["permalink"],
               "article_slug": article["slug"], "article_title": article["title"], "article_date": article["date"],
               "quote": record["quote"], "original": original.get("text"), "original_language": original.get("language"),
               "translator": original.get("translator"), "source_key": source["key"],
               "source_citation": source["citation"], "source_reference": source["reference"],
               "date": record["date"], "locator": record["locator"], "grade": grade.get("code"),
               "reliability": grade.get("reliability"), "reliability_meaning": grade.get("reliability_meaning"),
               "credibility": grade.get("credibility"), "credibility_meaning": grade.get("credibility_meaning"),
               "status": verification["status"], "snapshot_date": verification["snapshot_date"],
               "url": record["url"], "archived": record["archived"], "note": record["note"]}
        writer.writerow(["" if row[column] is None else row[column] for column in CSV_COLUMNS])
    return stream.getvalue().encode("utf-8")


def sources_items(site: Site, sources: Sources, settings: Settings) -> list[dict]:
    """Every cited source's CSL-JSON, in the style's order, its `custom` saying where the site cites it."""
    items = []
    for source in site.sources:
        item = dict(sources.items.get(source.key) or {"id": source.key, "type": "document"})
        cited_in = [{"slug": use.document.document.slug, "title": use.document.document.title,
                     "url": settings.base_url + use.document.document.url} for use in source.uses]
        item["custom"] = {**(item.get("custom") if isinstance(item.get("custom"), dict) else {}),
                          "page": settings.base_url + source.url, "cited_in": cited_in,
                          "evidence": [record_id(use.document, use.record.id) for use in source.evidence]}
        items.append(item)
    return items


def cited_bib(biblatex: str) -> bytes:
    """The cited .bib entries (biblatex_for() of their keys: with the entries they cross-reference
    and the @strings they use; CSL-JSON and CSL-YAML sources are in sources.json only), as
    `dossier cite fmt --sort` writes them."""
    from builder.bib.format import format_bib

    if not biblatex:
        return b"% No cited source is a .bib entry: every one is in sources.json (CSL-JSON).\n"
    # Characters a .bib field should not hold (a form feed pasted from a PDF) are left out, as from the
    # references (a warning at the entry says so): no file of the site carries them.
    return UNPRINTABLE.sub("", format_bib(biblatex, sort=True)).encode("utf-8")
