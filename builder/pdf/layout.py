"""WeasyPrint, run with a cache: print HTML laid out once into a Part (its PDF, pages, where each
citation falls and its internal links), looked up by a hash of the HTML and the images it uses;
and the theme's page numbers as pages to stamp onto laid-out ones. The fetcher reads only the
site's own files."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from urllib.parse import unquote

from builder.run.confinement import real_path

CACHE_VERSION = "1"
PX_TO_PT = 0.75


@dataclass(frozen=True)
class Part:
    """One laid-out piece of the edition (cached)."""

    pdf: bytes
    pages: int
    citations: dict = field(default_factory=dict)   # key -> sorted 0-based page indexes
    links: list = field(default_factory=list)        # (page index, target anchor, rect in pt)


class Layout:
    """Runs WeasyPrint with a cache and a fetcher that reads only inside the site folder.

    Pages are laid out at their public URLs (site_url), not at the site folder's path: the
    folder is a fresh staging folder in every build, and WeasyPrint names images by URL,
    so file URLs would make two builds of the same input differ."""

    def __init__(self, site_dir: Path, site_url: str, cache_dir: Path, variant: str | None):
        self.site_dir = site_dir.resolve()
        self.site_url = site_url
        self.cache_dir = cache_dir
        self.variant = variant
        self.engine = version("weasyprint")   # without importing it: cached layouts need no WeasyPrint
        self.runs = 0
        self.used: set[str] = set()   # cache keys of this run's parts

    def _fetcher(self):
        """A WeasyPrint URL fetcher that reads the site's own files and nothing else."""
        from weasyprint.urls import URLFetcher

        site_dir, site_url = self.site_dir, self.site_url

        class SiteFetcher(URLFetcher):
            def fetch(self, url, headers=None):
                if url.startswith(site_url):
                    path = (site_dir / unquote(url.removeprefix(site_url).split("#")[0].split("?")[0])).resolve()
                    if path.is_relative_to(site_dir) and path.is_file():
                        return super().fetch(path.as_uri(), headers)
                raise ValueError(f"not fetched: {url} (only files of the site are used in PDFs)")

        return SiteFetcher()

    def part(self, html: str, base: Path, citation_ids: dict | None = None) -> Part:
        """Lay out html (base: the file its relative URLs resolve against), from cache when possible."""
        where = base.resolve().relative_to(self.site_dir).as_posix()
        key = hashlib.sha256(json.dumps([CACHE_VERSION, self.engine, self.variant, self.site_url, where,
                                         html, _referenced_files(html, base, self.site_dir)]).encode()).hexdigest()
        self.used.add(key)
        cached = self._load(key)
        if cached is not None:
            return cached
        import weasyprint

        self.runs += 1
        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        document = weasyprint.HTML(string=html, base_url=self.site_url + where, url_fetcher=self._fetcher()).render()
        citations: dict[str, list[int]] = {}
        links = []
        for index, page in enumerate(document.pages):
            for anchor in page.anchors:
                for cited in (citation_ids or {}).get(anchor, ()):
                    citations.setdefault(cited, [])
                    if index not in citations[cited]:
                        citations[cited].append(index)
            height = page.height * PX_TO_PT
            for kind, target, (x1, y1, x2, y2), _box in page.links:
                if kind == "internal" and target not in page.anchors:
                    links.append((index, target, (x1 * PX_TO_PT, height - y2 * PX_TO_PT, x2 * PX_TO_PT, height - y1 * PX_TO_PT)))
        pdf = document.write_pdf(pdf_variant=self.variant) if self.variant else document.write_pdf()
        part = Part(pdf, len(document.pages), citations, links)
        self._store(key, part)
        return part

    def _load(self, key: str) -> Part | None:
        meta, data = self.cache_dir / f"{key}.json", self.cache_dir / f"{key}.pdf"
        try:
            info = json.loads(meta.read_text(encoding="utf-8"))
            pdf = data.read_bytes()
            if info["sha256"] != hashlib.sha256(pdf).hexdigest():
                return None  # a corrupt or foreign cache entry is laid out again, never trusted
            return Part(pdf, info["pages"], info["citations"], [tuple(link) for link in info["links"]])
        except (OSError, ValueError, LookupError, TypeError):
            return None

    def _store(self, key: str, part: Part) -> None:
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            (self.cache_dir / f"{key}.pdf").write_bytes(part.pdf)
            (self.cache_dir / f"{key}.json").write_text(json.dumps(
                {"sha256": hashlib.sha256(part.pdf).hexdigest(), "pages": part.pages,
                 "citations": part.citations, "links": part.links}), encoding="utf-8")
        except OSError:
            pass  # the cache only saves time; a read-only cache folder must not fail the build

    def prune(self) -> None:
        """Delete the entries this run did not use: the cache holds the latest edition, not every edit's."""
        try:
            for path in self.cache_dir.glob("*"):
                if path.suffix in (".pdf", ".json") and path.stem not in self.used:
                    path.unlink(missing_ok=True)
        except OSError:
            pass


def _referenced_files(html: str, base: Path, site_dir: Path) -> list[str]:
    """Hashes of the local images html uses, so changing an image lays the article out again."""
    hashes = []
    for src in sorted(set(re.findall(r'src="([^":]+)"', html))):
        path = real_path(base.parent / src)
        try:
            if path is not None and path.is_relative_to(site_dir) and path.is_file():
                hashes.append(f"{src}:{hashlib.sha256(path.read_bytes()).hexdigest()}")
        except OSError:         # a name too long for the file system, say: no such image
            continue
    return hashes


class PageNumbers:
    """The theme's page numbers as PDF pages to stamp onto laid-out ones: page p of one
    document of blank pages carries the number p (and p's left or right margins). Its length
    is rounded up, so that the same layout serves every article and most editions."""

    STEP = 64

    def __init__(self, css: str, layout: Layout):
        self.css = css
        self.layout = layout
        self.reader = None

    def pages(self, first: int, count: int) -> list:
        """The number pages first..first+count-1."""
        from pypdf import PdfReader

        last = first + count - 1
        if self.reader is None or len(self.reader.pages) < last:
            size = -(-last // self.STEP) * self.STEP
            html = (f"<html><head><style>{self.css}</style></head><body class=\"print page-numbers\">"
                    + '<div style="break-after: page"></div>' * (size - 1) + "<div></div></body></html>")
            self.reader = PdfReader(io.BytesIO(self.layout.part(html, self.layout.site_dir / "index.html").pdf))
        return [self.reader.pages[index] for index in range(first - 1, last)]
