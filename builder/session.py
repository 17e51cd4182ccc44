"""What `dossier serve` keeps between its builds, so that a rebuild after a save reads, parses,
formats and writes again only what the save changed.

Each stage that can reuse its last result takes its part of the session: documents whose file
is as it was (same size, times and inode) are not read again; cache entries are kept in memory
(their files are not read and checked again); a document's view is kept while what it is made
from is the same object or equal; the page memo (site/memo.py) keeps the digests of the views
it kept; and the site folder is updated in place, file by file, since the last build wrote it.
A build given no session (`dossier build`) does all of it from the disk, as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Session:
    files: dict = field(default_factory=dict)         # path -> (its stat, digest): run/fingerprint.py
    templates: dict = field(default_factory=dict)     # compiled templates: site/theme.py
    documents: dict = field(default_factory=dict)     # relpath -> (file's stat, Document): content/documents.py
    cache: dict = field(default_factory=dict)         # (namespace, key) -> value: run/cache.py
    rendered: dict = field(default_factory=dict)      # URL -> (Document, cached body, RenderedDocument): site/bodies.py
    views: dict = field(default_factory=dict)         # URL -> (inputs, ArticleView): site/views.py
    digests: dict = field(default_factory=dict)       # id of a view -> (view, its digests): site/memo.py
    made: dict = field(default_factory=dict)          # name -> (source, inputs, files): site/memo.py
    data: dict = field(default_factory=dict)          # name -> (source, inputs, records or files): site/data.py
    written: dict = field(default_factory=dict)       # site path -> what was written there: run/write.py
    paths: set[str] | None = None                     # the site files the last build wrote; None before one
