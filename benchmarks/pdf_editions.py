"""The PDF stage at scale (issue 20): cold (every article laid out, the default editions assembled),
laid out in a process per core and in one; then one edit. WeasyPrint's own time on the same print
HTML is the floor: the time spent inside WeasyPrint (render and write) for the articles.

    .venv/bin/python benchmarks/make_corpus.py /tmp/corpus --articles 40
    .venv/bin/python benchmarks/pdf_editions.py /tmp/corpus

Prints two lines per run: seconds of the PDF stage, articles laid out, pages, pages per second,
WeasyPrint's seconds for the articles and for every part it laid out (the articles, each edition's
cover, contents and index of sources, the page numbers), editions assembled and their sizes; the
stage's time as a multiple of both WeasyPrint times divided over the cores; then the size of the
largest edition against one continuous WeasyPrint layout of its articles' print HTML (issue 20's
font target: at most 1.3 times; the edition also has its cover, contents and index of sources).
The corpus is built in place (its .dossier-cache/ and _site/ are replaced).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def pdf_stage(root: Path, cores: int, pages: Path | None = None) -> dict:
    """One build of root with the given number of layout processes; what its PDF stage did.
    pages: a folder the layout processes write each article's print HTML into (SLUG.html)."""
    import builder.run.parallel as parallel
    from builder.build import build
    from builder.pdf.layout import Layout

    import builder.pdf.typeset as typeset

    weasyprint = {"seconds": 0.0, "pages": 0, "all_seconds": 0.0}
    lay_out = Layout._lay_out
    count = iter(range(1 << 30))
    making: list[str] = []          # the edition being made, in this process
    assemble = typeset.assemble_edition

    def assemble_noted(edition, *args, **kwargs):
        making[:] = [edition.slug]
        return assemble(edition, *args, **kwargs)

    def timed(self, html, where, citation_ids, variant):
        start = time.perf_counter()
        part = lay_out(self, html, where, citation_ids, variant)
        seconds = time.perf_counter() - start
        kind = "article" if where.startswith("articles/") else "other"     # other: an edition's front or index, numbers
        if pages is not None:       # written by whichever process laid it out
            if kind == "article":
                slug = where.split("/")[1]
                (pages / f"{slug}.html").write_text(html, encoding="utf-8")
                (pages / "layout.json").write_text(json.dumps([self.site_url, variant]), encoding="utf-8")
            (pages / f"{kind}-{os.getpid()}-{next(count)}.seconds").write_text(json.dumps([seconds, part.pages]))
            for marker, name in (('class="print edition-front"', "front"), ('class="print edition-index"', "index")):
                if making and marker in html:     # the last layout of each is the one the edition holds
                    (pages / f"{making[0]}.{name}.html").write_text(html, encoding="utf-8")
        weasyprint["all_seconds"] += seconds
        if kind == "article":
            weasyprint["seconds"] += seconds
            weasyprint["pages"] += part.pages
        return part

    Layout._lay_out = timed          # in the workers too: they are forked after this
    typeset.assemble_edition = assemble_noted
    original = parallel.workers
    parallel.workers = lambda: cores
    try:
        result = build(root)
    finally:
        Layout._lay_out, parallel.workers, typeset.assemble_edition = lay_out, original, assemble
    if pages is not None:               # the workers' WeasyPrint times too
        timed_parts = {path.name: json.loads(path.read_text()) for path in pages.glob("*.seconds")}
        articles = [value for name, value in timed_parts.items() if name.startswith("article-")]
        weasyprint = {"seconds": sum(t for t, _ in articles), "pages": sum(n for _, n in articles),
                      "all_seconds": sum(t for t, _ in timed_parts.values())}
        for path in pages.glob("*.seconds"):
            path.unlink()
    seconds = dict(result.timings)["pdf"]
    summary = result.pdf
    return {"seconds": seconds, "laid_out": len(summary.laid_out_articles), "pages": summary.edition_pages,
            "weasyprint_seconds": weasyprint["seconds"], "weasyprint_pages": weasyprint["pages"],
            "weasyprint_all_seconds": weasyprint["all_seconds"], "cores": cores,
            "assembled": sum(e.assembled for e in summary.editions), "editions": len(summary.editions),
            "megabytes": sum(e.size for e in summary.editions) / 1e6, "made": summary.editions,
            "largest": max((e.size for e in summary.editions), default=0) / 1e6}


def report(name: str, run: dict, ratios: bool = True) -> None:
    rate = run["pages"] / run["seconds"] if run["seconds"] else 0
    print(f"{name:<22} {run['seconds']:7.1f} s  {run['laid_out']:4d} laid out  {run['pages']:5d} edition pages "
          f"({rate:5.1f}/s)  WeasyPrint {run['weasyprint_seconds']:6.1f} s of CPU for {run['weasyprint_pages']} "
          f"article pages, {run['weasyprint_all_seconds']:.1f} s for every part  {run['assembled']}/{run['editions']} "
          f"editions assembled, {run['megabytes']:.1f} MB (largest {run['largest']:.1f} MB)", flush=True)
    if ratios and run["weasyprint_seconds"]:
        cores = run["cores"]
        print(f"{'':<22} {run['seconds'] / (run['weasyprint_seconds'] / cores):.2f}x WeasyPrint's time for the articles over "
              f"{cores} core(s), {run['seconds'] / (run['weasyprint_all_seconds'] / cores):.2f}x its time for every part "
              "laid out (the articles, each edition's cover, contents and index of sources, the page numbers)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--cores", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--no-single", action="store_true",
                        help="skip the run in one process (at 1,000 articles it alone takes ~15 min)")
    args = parser.parse_args()
    root = args.corpus.resolve()
    pages = Path(tempfile.mkdtemp(prefix="dossier-print-"))
    for cores in sorted({args.cores} if args.no_single else {1, args.cores}):
        shutil.rmtree(root / ".dossier-cache", ignore_errors=True)
        shutil.rmtree(root / "_site", ignore_errors=True)
        build_site_only(root)
        run = pdf_stage(root, cores, pages)
        report(f"cold, {cores} process{'es' if cores > 1 else ''}", run)
    continuous(root, max(run["made"], key=lambda made: made.size), pages)
    article = sorted((root / "content" / "articles").glob("*.md"))[len(list((root / "content" / "articles").glob("*.md"))) // 2]
    article.write_text(article.read_text(encoding="utf-8") + "\nOne sentence added for the benchmark.\n", encoding="utf-8")
    report("one edit", pdf_stage(root, args.cores), ratios=False)


def continuous(root: Path, made, pages: Path) -> None:
    """The largest edition's size against one WeasyPrint layout of it: its articles one after the
    other; and the whole edition (cover and contents, each article from a right-hand page as the
    edition puts it, index of sources) in one document."""
    import re

    from builder.config.settings import load_settings
    from builder.content.documents import load_documents
    from builder.content.editions import choose_editions

    settings, _ = load_settings(root)
    documents, _ = load_documents(root, False)
    edition = next(e for e in choose_editions(settings, documents)[0] if e.slug == made.slug)
    htmls = [(pages / f"{slug}.html").read_text(encoding="utf-8") for slug in edition.articles]

    def body(html: str) -> str:
        return re.search(r"<body[^>]*>(.*)</body>", html, re.S).group(1)

    articles = htmls[0].replace("</body>", "".join(body(html) for html in htmls[1:]) + "</body>", 1)
    size, count, seconds = _one_layout(root, pages, articles, edition.articles[0])
    print(f"edition {made.slug}: {made.size / 1e6:.2f} MB, {made.pages} pages (with its cover, contents and index); "
          f"its {len(htmls)} articles in one continuous layout: {size / 1e6:.2f} MB, {count} pages ({made.size / size:.2f}x "
          f"the size, {made.size / made.pages / (size / count):.2f}x per page; laid out in {seconds:.1f} s)", flush=True)
    front, index = (pages / f"{made.slug}.front.html"), (pages / f"{made.slug}.index.html")
    if front.is_file():
        right = '<div style="break-before: right"></div>'
        parts = [body(front.read_text(encoding="utf-8"))] + [right + body(html) for html in htmls]
        parts += [right + body(index.read_text(encoding="utf-8"))] if index.is_file() else []
        whole = htmls[0].replace(body(htmls[0]), "".join(parts), 1)
        size, count, seconds = _one_layout(root, pages, whole, edition.articles[0])
        print(f"{'':<22} the whole edition in one continuous layout (cover, contents, each article from a right-hand "
              f"page, index): {size / 1e6:.2f} MB, {count} pages ({made.size / size:.2f}x the size; laid out in "
              f"{seconds:.1f} s)", flush=True)


def _one_layout(root: Path, pages: Path, html: str, first: str) -> tuple[int, int, float]:
    """One WeasyPrint layout of html as the PDF stage lays out parts: its size, pages and seconds."""
    import weasyprint

    from builder.pdf.layout import Layout, keep_hangul_words

    site = Layout.__new__(Layout)           # only for its fetcher of the site's files (CSS, fonts, pictures)
    (site.site_url, variant), site.site_dir = json.loads((pages / "layout.json").read_text()), (root / "_site").resolve()
    start = time.perf_counter()
    document = weasyprint.HTML(string=keep_hangul_words(html), base_url=f"{site.site_url}articles/{first}/",
                               url_fetcher=site._fetcher())
    rendered = document.render()
    size = len(rendered.write_pdf(pdf_variant=variant, pdf_tags=True) if variant else rendered.write_pdf())
    return size, len(rendered.pages), time.perf_counter() - start


def build_site_only(root: Path) -> None:
    """Everything but the PDFs, so that the cold runs time the PDF stage alone with the citations cached."""
    from builder.build import build

    build(root, pdf=False)


if __name__ == "__main__":
    main()
