"""What each view of site/views.py is made from, so that `dossier serve` keeps a view while its
inputs are the same (run/digests.py Remembered): a document's RenderedDocument object (kept
from the last build while its file and cache entry are, site/bodies.py) and the values the view
reads besides, views it holds compared as the same objects (Same)."""

from __future__ import annotations

from builder.run.digests import Same, digest_of


class ViewInputs:
    def __init__(self, enabled: bool, settings, words, with_pdf: bool, source_urls: dict, sources, bibliography,
                 documents: dict):
        self.enabled = enabled
        self.settings_digest = digest_of(settings) if enabled else ""
        self.words, self.with_pdf, self.source_urls, self.sources = words, with_pdf, source_urls, sources
        self.bibliography, self.documents = bibliography, documents     # documents: the views made so far, by URL

    def article(self, rendered, cite_this: str) -> tuple | None:
        if not self.enabled:
            return None
        keys = [key for key, _ in rendered.bibliography]
        return (self.settings_digest, self.with_pdf, cite_this, [self.source_urls.get(key) for key in keys],
                [self.sources.items.get(key) for key in keys], [self.sources.labels.get(key) for key in keys])

    def group(self, group) -> tuple | None:
        if not self.enabled:
            return None
        return group.name, group.detail, tuple(Same(self.documents[a.document.url]) for a in group.articles)

    def source(self, source) -> tuple | None:
        if not self.enabled:
            return None
        uses, key = source.uses + source.evidence, source.key
        return (self.settings_digest, self.words.signature(), key, source.url, tuple(Same(u.document) for u in uses),
                tuple(Same(self.documents[u.document.document.url]) for u in uses),
                tuple(u.contexts for u in source.uses), tuple(u.record for u in source.evidence),
                self.bibliography.entries.get(key), self.sources.items.get(key), self.sources.labels.get(key),
                self.sources.references.get(key))
