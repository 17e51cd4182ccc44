"""One edition's PDF, assembled from laid-out parts: its cover and contents, its articles numbered
in their place, its index of sources, bookmarks and working links; and an article's own PDF, its
part numbered from 1. A PDF whose parts are the last build's is not assembled again: the
assembled PDF is kept by a hash of everything in it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Callable

import jinja2
from markupsafe import Markup

from builder.errors import BuildFailed, error
from builder.model import Edition, Settings
from builder.pdf.layout import Layout, PageNumbers, Part
from builder.pdf.structure import Assembly
from builder.pdf.views import ContentsEntry, IndexedSource, PrintDocument, PrintEdition, SourceUse
from builder.text import long_date, parse_date

ASSEMBLY_VERSION = "4"     # 2: a PDF embeds each font once (pdf/fonts.py), written compact; 3-4: put together by qpdf


FRONT_PAGES_GUESS = 3      # a cover, its blank back and a page of contents: one layout of the front, mostly


class AssembledEditions:
    """Assembled edition PDFs kept in folder by the hash of their parts; the build keeps those it used."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.used: set[str] = set()

    def get(self, digest: str) -> bytes | None:
        self.used.add(digest)
        try:
            data = (self.folder / f"{digest}.pdf").read_bytes()
        except OSError:
            return None
        return data if data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF") else None

    def put(self, digest: str, data: bytes) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / f"{digest}.pdf").write_bytes(data)
        except OSError:
            pass    # the cache only saves time

    def prune(self) -> None:
        try:
            for path in self.folder.glob("*.pdf"):
                if path.stem not in self.used:
                    path.unlink(missing_ok=True)
        except OSError:
            pass


def append_numbered(assembly: Assembly, part: Part, first: int, numbers: PageNumbers, language: str | None = None) -> None:
    """Append part (its bookmarks, its structure in language if not the whole's) numbered from first."""
    start = assembly.pages
    assembly.append(part.pdf, language=language)
    for index, number in zip(range(start, assembly.pages), numbers.pages(first, part.pages)):
        assembly.stamp(index, number)


def numbered_article(part: Part, numbers: PageNumbers, language: str, css: str, kept: AssembledEditions) -> bytes:
    """An article's own PDF: its pages numbered from 1, its metadata, language and structure; the
    last build's when its part and page numbers are the same."""
    digest = hashlib.sha256(json.dumps([ASSEMBLY_VERSION, "article", language, _sha(css.encode()),
                                        _sha(part.pdf)]).encode()).hexdigest()
    data = kept.get(digest)
    if data is not None:
        numbers.keep(part.pages)
    else:
        assembly = Assembly()
        append_numbered(assembly, part, 1, numbers)
        data = assembly.finish(language)
        kept.put(digest, data)
    return data


def assemble_edition(edition: Edition, order: list, parts: dict[str, Part], sources: list[dict], site,
                     settings: Settings, env: jinja2.Environment, css: str, site_dir: Path, layout: Layout,
                     numbers: PageNumbers, kept: AssembledEditions, gettext: Callable[..., str],
                     charts: Callable | None = None) -> tuple[bytes, int, bool]:
    """The edition's PDF (order: its PdfArticles), its pages, and whether it was assembled (not kept)."""
    base = site_dir / "index.html"
    with_index = bool(sources) and any(parts[article.slug].citations for article in order)
    front, front_pages = settle_front(lambda planned: layout.part(_front(
        env, site, css, edition, order, settings, _page_plan(planned, order, parts), with_index, gettext), base))
    if front is None:
        raise BuildFailed([error("dossier.yml", *settings.position("pdf"), f"the cover and contents of edition "
                                 f"'{edition.slug}' come out longer each time they are laid out with the page numbers "
                                 "of the last layout; the theme's print/front.html or print.css must not make their "
                                 "length depend on the numbers")])
    starts, index_page = _page_plan(front_pages, order, parts)
    index = None
    if with_index:
        timeline, over_time = charts([source["view"] for source in sources if "view" in source],
                                     {article.view.url for article in order}) if charts else (None, None)
        index_html = env.get_template("print/sources.html").render(
            site=site, pdf=PrintDocument(Markup(css)),
            edition=PrintEdition(index_page, sources=_source_index(order, parts, sources, starts), timeline=timeline,
                                 over_time=over_time))
        index = layout.part(index_html, base)
    index_title = gettext("Index of sources")
    digest = hashlib.sha256(json.dumps([
        ASSEMBLY_VERSION, settings.language, index_title, _sha(css.encode()), _sha(front.pdf), front.links,
        [(a.slug, a.view.language, a.view.title, _sha(parts[a.slug].pdf)) for a in order],
        _sha(index.pdf) if index else None]).encode()).hexdigest()
    data = kept.get(digest)
    if data is not None:
        numbers.keep(starts[order[-1].slug] + parts[order[-1].slug].pages - 1)     # the last page it numbers
        return data, _pages_of(starts[order[0].slug] - 1, order, parts, index), False

    assembly = Assembly()
    link_elements = assembly.append(front.pdf, bookmarks=False)
    assembly.pad(starts[order[0].slug] - 1)        # a front shorter than planned is padded to its plan
    for article in order:
        language = article.view.language if article.view.language != settings.language else None
        append_numbered(assembly, parts[article.slug], starts[article.slug], numbers, language)  # its h1 is its top bookmark
        assembly.pad()
    if index is not None:
        assembly.append(index.pdf, outline_item=index_title)
    anchors = {f"article-{a.slug}": starts[a.slug] - 1 for a in order}
    anchors["source-index"] = index_page - 1
    descriptions = {f"article-{a.slug}": a.view.title for a in order}
    descriptions["source-index"] = index_title
    targets = list(dict.fromkeys(target for _, target, _ in front.links))
    # The contents' entries, in order: each entry's text is in one of the front's /Link elements, in the same order.
    elements = dict(zip(targets, (element for _, element in link_elements))) if len(targets) == len(link_elements) else {}
    for page_index, target, rect in front.links:
        if target in anchors and anchors[target] < assembly.pages:
            assembly.link(page_index, rect, anchors[target], descriptions[target], elements.get(target))
    assembly.page_mode = "/UseOutlines"
    data = assembly.finish(settings.language)
    kept.put(digest, data)
    return data, assembly.pages, True


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _pages_of(front_pages: int, order: list, parts: dict[str, Part], index: Part | None) -> int:
    """The pages of the assembled edition: its front as planned, each article padded to an even count, as
    assembly pads them."""
    counts = [parts[a.slug].pages for a in order]
    return front_pages + sum(count + count % 2 for count in counts) + (index.pages if index else 0)


def settle_front(lay_out: Callable[[int], Part], tries: int = 6) -> tuple[Part | None, int]:
    """The edition's front laid out by lay_out(length planned), and the length its plan is for (at least
    its own: the articles start on the first right-hand page after it, which the contents print).
    Laid out for a guessed length, then again for the length it came to, until its plan holds: it comes
    to a length with the same first right-hand page after it, or, after a retry, it comes out shorter
    than planned (a front whose length flips between two plans), and is padded to the plan. None if
    it grows at every try."""
    planned = FRONT_PAGES_GUESS
    for attempt in range(tries):
        front = lay_out(planned)
        if _even(front.pages) == _even(planned) or (attempt and front.pages < planned):
            return front, _even(planned)
        planned = front.pages
    return None, planned


def _even(pages: int) -> int:
    return pages + pages % 2


def _page_plan(front_pages: int, order: list, parts: dict[str, Part]) -> tuple[dict[str, int], int]:
    """First page of each article (always a right-hand, odd page) and of the source index."""
    page = front_pages + 1 + (front_pages % 2)
    starts = {}
    for article in order:
        starts[article.slug] = page
        pages = parts[article.slug].pages
        page += pages + (pages % 2)
    return starts, page


def _front(env, site, css: str, edition: Edition, order: list, settings: Settings, start: tuple[dict[str, int], int],
           with_index: bool, gettext: Callable[..., str]) -> str:
    """The cover and contents; start: the first pages of the articles and of the index."""
    starts, index_page = start
    toc = tuple(ContentsEntry(f"article-{a.slug}", a.view.title, starts[a.slug], ", ".join(author.name for author in a.view.authors))
                for a in order)
    latest = max(a.date for a in order)
    authors = tuple(sorted({author.name for a in order for author in a.view.authors}))
    if edition.title == settings.title:      # the edition of everything
        kicker, heading = gettext("Edition"), settings.title
        title = gettext("%(title)s: edition of %(date)s", title=settings.title, date=latest)
    else:                                   # an issue: its own title on the cover, the publication's above it
        kicker, heading = settings.title, edition.title
        title = gettext("%(title)s: %(edition)s", title=settings.title, edition=edition.title)
    view = PrintEdition(index_page if with_index else 0, toc, kicker, long_date(parse_date(latest)),
                        settings.pdf.get("cover_image", ""), title=title, authors=authors, heading=heading)
    return env.get_template("print/front.html").render(site=site, pdf=PrintDocument(Markup(css), created=latest), edition=view)


def _source_index(order: list, parts: dict[str, Part], sources: list[dict],
                  starts: dict[str, int]) -> tuple[IndexedSource, ...]:
    entries = []
    for source in sources:
        uses = []
        for article in order:
            pages = parts[article.slug].citations.get(source["key"], [])
            if pages:
                uses.append(SourceUse(article.view.title, ", ".join(str(starts[article.slug] + p) for p in sorted(pages))))
        if uses:
            entries.append(IndexedSource(source["reference"], tuple(uses)))
    return tuple(entries)
