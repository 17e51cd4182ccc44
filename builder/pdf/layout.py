"""WeasyPrint, run with a cache: print HTML laid out once into a Part (its PDF, pages, where each
citation falls and its internal links, and WeasyPrint's warnings about the theme's print CSS),
looked up by a hash of the HTML and the images it uses; and the theme's page numbers as pages to
stamp onto laid-out ones. Parts are tagged PDFs (a structure tree, the PDF variant's metadata);
the page numbers are not, being stamped on as artifacts. The fetcher reads only the site's own files."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import sys
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import unquote

from builder.errors import Problem, line_col, sorted_problems, warning
from builder.pdf.printhtml import WORD_JOINER, keep_hangul_words
from builder.run.confinement import real_path

CACHE_VERSION = "4"      # 4: parts are tagged
PX_TO_PT = 0.75


@dataclass(frozen=True)
class Part:
    """One laid-out piece of the edition (cached)."""

    pdf: bytes
    pages: int
    citations: dict = field(default_factory=dict)   # key -> sorted 0-based page indexes
    links: list = field(default_factory=list)        # (page index, target anchor, rect in pt)
    problems: tuple[Problem, ...] = ()               # WeasyPrint's warnings about the theme's print CSS


@dataclass(frozen=True, slots=True)
class Stylesheet:
    """The theme's print CSS, which the print templates inline in a <style> element, and its file."""

    path: str       # as messages name it, e.g. themes/house/static/print.css
    text: str


class Layout:
    """Runs WeasyPrint with a cache and a fetcher that reads only inside the site folder.

    Pages are laid out at their public URLs (site_url), not at the site folder's path: the
    folder is a fresh staging folder in every build, and WeasyPrint names images by URL,
    so file URLs would make two builds of the same input differ."""

    def __init__(self, site_dir: Path, site_url: str, cache_dir: Path, variant: str,
                 stylesheet: Stylesheet | None = None, reading: Callable[[Path], Path | None] | None = None):
        """reading(path): where the file of the site at path (inside site_dir, links followed) is read
        from, None for none (a site being updated: run/inplace.py); without it, path itself."""
        self.site_dir = site_dir.resolve()
        self.reading = reading or _itself
        self.site_url = site_url
        self.cache_dir = cache_dir
        self.variant = variant
        self.stylesheet = stylesheet   # whose warnings become problems; None: report none
        self.engine = version("weasyprint")   # without importing it: cached layouts need no WeasyPrint
        self.runs = 0
        self.used: set[str] = set()   # cache keys of this run's parts
        self.problems: set[Problem] = set()   # of every part of this run, laid out or cached: each once
        self._fresh: dict[str, Part] = {}     # laid out ahead by lay_out_ahead(), by key
        self._keys: dict[tuple[str, Path, bool], tuple[str, str, str | None]] = {}   # _key() of each page asked for

    def _fetcher(self):
        """A WeasyPrint URL fetcher that reads the site's own files and nothing else, but for the
        theme's pictures, SVG drawn into the page as data: URLs (no network, no file)."""
        from weasyprint.urls import URLFetcher

        site_dir, site_url, reading = self.site_dir, self.site_url, self.reading

        class SiteFetcher(URLFetcher):
            def fetch(self, url, headers=None):
                if url.startswith("data:image/svg+xml;"):    # the theme's pictures (templates/_charts.html)
                    return super().fetch(url, headers)
                if url.startswith(site_url):
                    path = (site_dir / unquote(url.removeprefix(site_url).split("#")[0].split("?")[0])).resolve()
                    path = reading(path) if path.is_relative_to(site_dir) else None
                    if path is not None and path.is_file():
                        return super().fetch(path.as_uri(), headers)
                raise ValueError(f"not fetched: {url} (only files of the site are used in PDFs)")

        return SiteFetcher()

    def part(self, html: str, base: Path, citation_ids: dict | None = None, tagged: bool = True) -> Part:
        """Lay out html (base: the file its relative URLs resolve against), from cache when possible;
        tagged (in the variant) or not (a plain PDF, for page numbers)."""
        key, where, variant = self._key(html, base, tagged)
        self.used.add(key)
        part = self._fresh.pop(key, None) or self._load(key)
        if part is None:
            part = self._lay_out(html, where, citation_ids or {}, variant)
            self._store(key, part)
        self.problems.update(part.problems)
        return part

    def lay_out_ahead(self, pages: list[tuple[str, Path, dict]], progress=None) -> set[int]:
        """Lay out those of pages ((html, base, citation ids), tagged) the cache lacks, in a process per
        core (WeasyPrint uses one), for part() to take; the indexes of those laid out.
        progress(done, total, pages): articles laid out, to lay out, and the pages they made so far."""
        from builder.run.parallel import forked_map, workers

        keys = [self._key(html, base, True) for html, base, _ in pages]
        missing = [index for index, (key, _, _) in enumerate(keys) if not (self.cache_dir / f"{key}.json").is_file()]
        processes = min(workers(), len(missing))
        if processes < 2:
            return set()

        def lay_out(index: int) -> Part:
            html, _, citation_ids = pages[index]
            _, where, variant = keys[index]
            return self._lay_out(html, where, citation_ids, variant)

        pages_made = 0
        with closing(forked_map(lay_out, missing, processes, 1, "content", "laying out PDFs")) as parts:
            for done, (index, part) in enumerate(zip(missing, parts), 1):
                self.runs += 1
                pages_made += part.pages
                self._fresh[keys[index][0]] = part
                self._store(keys[index][0], part)
                if progress:
                    progress(done, len(missing), pages_made)
        return set(missing)

    def _key(self, html: str, base: Path, tagged: bool) -> tuple[str, str, str | None]:
        """The cache key of html laid out at base, base's place in the site, and the variant (each
        worked out once: lay_out_ahead() and part() ask for the same pages' keys)."""
        known = self._keys.get((html, base, tagged))
        if known is None:
            known = self._keys[html, base, tagged] = self._new_key(html, base, tagged)
        return known

    def _new_key(self, html: str, base: Path, tagged: bool) -> tuple[str, str, str | None]:
        where = base.resolve().relative_to(self.site_dir).as_posix()
        stylesheet = self.stylesheet.path if self.stylesheet else None     # the problems name it
        variant = self.variant if tagged else None
        key = hashlib.sha256(json.dumps([CACHE_VERSION, self.engine, variant, self.site_url, where, stylesheet,
                                         html, _referenced_files(html, base, self.site_dir, self.reading)]).encode()).hexdigest()
        return key, where, variant

    def _lay_out(self, html: str, where: str, citation_ids: dict, variant: str | None) -> Part:
        import weasyprint

        self.runs += 1
        with stylesheet_problems(self.stylesheet) as problems:
            document = weasyprint.HTML(string=keep_hangul_words(html), base_url=self.site_url + where,
                                       url_fetcher=self._fetcher()).render()
            for page in document.pages:     # headings' words are joined too: not their bookmarks
                page.bookmarks = [(level, label.replace(WORD_JOINER, ""), *rest) for level, label, *rest in page.bookmarks]
            citations, links = _citations_and_links(document, citation_ids)
            # Tags whatever the variant (a PDF/A one has none of its own): every part is tagged.
            pdf = document.write_pdf(pdf_variant=variant, pdf_tags=True) if variant else document.write_pdf()
        return Part(pdf, len(document.pages), citations, links, tuple(sorted_problems(list(set(problems)))))

    def _load(self, key: str) -> Part | None:
        meta, data = self.cache_dir / f"{key}.json", self.cache_dir / f"{key}.pdf"
        try:
            info = json.loads(meta.read_text(encoding="utf-8"))
            pdf = data.read_bytes()
            if info["sha256"] != hashlib.sha256(pdf).hexdigest():
                return None  # a corrupt or foreign cache entry is laid out again, never trusted
            return Part(pdf, info["pages"], info["citations"], [tuple(link) for link in info["links"]],
                        tuple(Problem.from_record(problem) for problem in info["problems"]))
        except (OSError, ValueError, LookupError, TypeError):
            return None

    def _store(self, key: str, part: Part) -> None:
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            (self.cache_dir / f"{key}.pdf").write_bytes(part.pdf)
            (self.cache_dir / f"{key}.json").write_text(json.dumps(
                {"sha256": hashlib.sha256(part.pdf).hexdigest(), "pages": part.pages,
                 "citations": part.citations, "links": part.links,
                 "problems": [problem.record() for problem in part.problems]}), encoding="utf-8")
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


def _citations_and_links(document, citation_ids: dict) -> tuple[dict, list]:
    """Where each citation falls (key -> page indexes) and the internal links to other parts, of a laid-out document."""
    citations: dict[str, list[int]] = {}
    links = []
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            for cited in citation_ids.get(anchor, ()):
                citations.setdefault(cited, [])
                if index not in citations[cited]:
                    citations[cited].append(index)
        height = page.height * PX_TO_PT
        for kind, target, (x1, y1, x2, y2), _box in page.links:
            if kind == "internal" and target not in page.anchors:
                links.append((index, target, (x1 * PX_TO_PT, height - y2 * PX_TO_PT, x2 * PX_TO_PT, height - y1 * PX_TO_PT)))
    return citations, links


def _itself(path: Path) -> Path:
    return path


def _referenced_files(html: str, base: Path, site_dir: Path, reading: Callable[[Path], Path | None]) -> list[str]:
    """Hashes of the local images html uses, so changing an image lays the article out again."""
    hashes = []
    for src in sorted(set(re.findall(r'src="([^":]+)"', html))):
        path = real_path(base.parent / src)
        path = reading(path) if path is not None and path.is_relative_to(site_dir) else None
        try:
            if path is not None and path.is_file():
                hashes.append(f"{src}:{hashlib.sha256(path.read_bytes()).hexdigest()}")
        except OSError:         # a name too long for the file system, say: no such image
            continue
    return hashes


class PageNumbers:
    """The theme's page numbers as PDF pages to stamp onto laid-out ones: page p of one
    document of blank pages carries the number p (and p's left or right margins), its content
    drawn as an artifact (builder/pdf/structure.py, Assembly.stamp). Its length is rounded up, so that the
    same layout serves every article and most editions."""

    STEP = 64

    def __init__(self, css: str, layout: Layout):
        self.css = css
        self.layout = layout
        self.numbers = None             # the laid-out numbers (a pikepdf Pdf)
        self.forms: list = []           # its pages as form XObjects

    def pages(self, first: int, count: int) -> list:
        """The number pages first..first+count-1, each as a form XObject (made once) to stamp."""
        import pikepdf

        last = first + count - 1
        if self.numbers is None or len(self.forms) < last:
            pdf = self.layout.part(self._html(last), self.layout.site_dir / "index.html", tagged=False).pdf
            self.numbers = pikepdf.open(io.BytesIO(pdf))
            self.forms = [page.as_form_xobject() for page in self.numbers.pages]
        return self.forms[first - 1:last]

    def keep(self, last: int) -> None:
        """Keep in the cache the layout that numbers pages up to last, as a PDF kept from the last
        build was numbered with it (and will be again when it changes)."""
        self.layout.used.add(self.layout._key(self._html(last), self.layout.site_dir / "index.html", False)[0])

    def _html(self, last: int) -> str:
        size = -(-last // self.STEP) * self.STEP
        return (f"<html><head><style>{self.css}</style></head><body class=\"print page-numbers\">"
                + '<div style="break-after: page"></div>' * (size - 1) + "<div></div></body></html>")


@contextmanager
def stylesheet_problems(stylesheet: Stylesheet | None) -> Iterator[list[Problem]]:
    """Collect, while WeasyPrint runs in the block, its warnings about the theme's print CSS, as
    problems at their line:col in stylesheet's file.

    WeasyPrint logs each declaration, rule or selector it ignores ("Ignored `colr: red` at 3:5,
    unknown property."), at its place in the stylesheet it is parsing: here the text of a <style>
    element of the print HTML, which holds the theme's CSS and, after it, Dossier's own @page
    rules. A warning becomes a problem when it is logged while such a text is parsed and its place
    lies in the theme's part of it. The rest of what WeasyPrint logs is left out on purpose:
    - fetch errors and the warnings they cause (a font-face that cannot be loaded): the fetcher
      refuses every URL outside the site (an article's outside images, a theme's web fonts), so
      that a PDF never depends on the network; a refusal is meant, not something to fix;
    - warnings about the articles' HTML (style attributes, anchors defined twice) and about layout
      (features WeasyPrint does not support), and warnings about Dossier's own @page rules: they
      name no place in a file the publication can change.
    None (the publication has no print.css of its own) reports nothing: the shipped print.css is
    Dossier's, checked by tests/test_pdf_css_problems.py. The logger is as it was afterwards."""
    problems: list[Problem] = []
    handler = _StylesheetWarnings(stylesheet, problems)
    logger = logging.getLogger("weasyprint")
    level, propagate = logger.level, logger.propagate
    logger.setLevel(logging.WARNING)
    logger.propagate = False       # what is left out is not printed either
    logger.addHandler(handler)
    try:
        yield problems
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


class _StylesheetWarnings(logging.Handler):
    """Turns WeasyPrint's warnings about stylesheet into problems, as stylesheet_problems says."""

    def __init__(self, stylesheet: Stylesheet | None, problems: list[Problem]):
        super().__init__(logging.WARNING)
        self.stylesheet = stylesheet
        self.css = _as_parsed(stylesheet.text) if stylesheet else ""
        self.problems = problems

    def emit(self, record: logging.LogRecord) -> None:
        if self.stylesheet is None or not self.css or record.levelno != logging.WARNING:
            return
        parsed = _stylesheet_being_parsed()
        if parsed is None:
            return
        parsed = _as_parsed(parsed)
        start = parsed.find(self.css)
        if start < 0:
            return                      # a stylesheet of the template's or an article's own
        located = _position(record, parsed) or _selector_position(record, parsed)
        if located is None or not start <= located[0] < start + len(self.css):
            return
        line, col = line_col(self.css, located[0] - start)
        reason = located[1][:1].lower() + located[1][1:].rstrip(".")
        self.problems.append(warning(self.stylesheet.path, line, col,
                                     f"the PDF edition cannot use this CSS as written: {reason}; correct or remove it"))


def _stylesheet_being_parsed() -> str | None:
    """The text of the stylesheet WeasyPrint is parsing as it logs (a <style> element's), read from
    the frame of the weasyprint.CSS(string=...) call that logs: the message does not say which
    stylesheet its line:col is in. None outside one, or for a stylesheet read from a URL."""
    from weasyprint import CSS

    frame = sys._getframe(1)
    while frame is not None and frame.f_code is not CSS.__init__.__code__:
        frame = frame.f_back
    text = frame.f_locals.get("string") if frame is not None else None
    return text if isinstance(text, str) else None


def _as_parsed(css: str) -> str:
    """css with line breaks as tinycss2 counts lines, so that its line:col are this text's."""
    return css.replace("\0", "\ufffd").replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")


_PLACE = " at %d:%d"
_CONVERSION = re.compile(r"%(?:%|[-#0 +]*\d*(?:\.\d+)?[a-zA-Z])")


def _position(record: logging.LogRecord, css: str) -> tuple[int, str] | None:
    """(offset in css, message without the place) of a warning that names its line:col ("at %d:%d")."""
    message, args = record.msg, record.args
    if not isinstance(message, str) or not isinstance(args, tuple) or _PLACE not in message:
        return None
    at = message.index(_PLACE)
    index = sum(1 for conversion in _CONVERSION.finditer(message, 0, at) if conversion.group() != "%%")
    try:
        line, col = args[index:index + 2]
        reason = (message[:at] + message[at + len(_PLACE):]) % (args[:index] + args[index + 2:])
        return _offset(css, int(line), int(col)), reason
    except (TypeError, ValueError):
        return None


def _offset(css: str, line: int, col: int) -> int:
    """The character offset of 1-based line:col in css."""
    start = 0
    for _ in range(line - 1):
        start = css.find("\n", start) + 1
        if start == 0:
            return -1
    return start + col - 1


_SELECTOR = re.compile(r"'(.*?)'(?=,|$)", re.S)


def _selector_position(record: logging.LogRecord, css: str) -> tuple[int, str] | None:
    """(offset in css, message) of a selector WeasyPrint cannot use: its message quotes the
    selector but names no place, so the place is where a rule with that selector starts."""
    if record.msg != "Invalid or unsupported selector, %s" or not record.args:
        return None
    reason = str(record.args[0])
    quoted = _SELECTOR.match(reason)
    selector = quoted.group(1).strip() if quoted else ""
    rule = re.search(r"(?<![^\s};/])" + re.escape(selector) + r"\s*\{", css) if selector else None
    if rule is None:
        return None
    return rule.start(), f"invalid or unsupported selector '{' '.join(selector.split())}'{reason[quoted.end():]}"
