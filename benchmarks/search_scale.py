"""How Dossier's full-text search scales: index size, indexing time, bytes fetched per query.

Generates a synthetic publication with make_corpus.py (or takes one with --corpus), builds
it with `dossier build`, then reports

- the wall-clock time of the whole build, and of each build stage;
- the Pagefind bundle on disk (pagefind/: total bytes and files, by kind);
- the time Pagefind takes to index: builder.site.search.index_site() inside the build, and again
  on a copy of the built site (without its pagefind/ and pdf/ folders);
- the bytes a browser fetches for one query, measured in headless Chromium (Playwright)
  against the site served on 127.0.0.1: a fresh browser context opens /search/?q=WORD,
  waits for the results and for the network to go quiet, and sums the response bodies
  under /pagefind/ and for the whole page.

Queries default to a common word, a word found in about 5% of the articles and a rare word
(one of make_corpus.py's rare words that occurs in one article); --query replaces them.

    .venv/bin/python benchmarks/search_scale.py [--articles 1000] [--entries 300] [--seed 1]
        [--corpus DIR] [--work DIR] [--pdf] [--warm] [--query WORD ...] [--json] [--keep]

The PDF edition is left out (--no-pdf) unless --pdf is given: it is not part of search, and
typesetting a thousand articles takes far longer than everything else. The build is cold:
the publication's .dossier-cache/ is removed first, unless --warm is given.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, urlparse

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

# Runs `dossier build` in a child process, unchanged except for two timers: each stage of
# the build (from the progress callback) and Pagefind's index_site(). Afterwards it
# re-indexes a copy of the built site with the same records. Results go to argv[1] as JSON.
_BUILD_WRAPPER = r"""
import json, shutil, sys, tempfile, time
from pathlib import Path
import builder.build as build_module
from builder.cli import main

report_path, args = sys.argv[1], sys.argv[2:]
timings = {"stages": {}, "index_site": None}
captured = {}

# index_site(site_dir, language) -> page count; older builders took (site_dir, records, language)
# and returned IndexStats(pages, records): accept both.
original_index = build_module.index_site
def timed_index(folder, *rest, **named):
    started = time.perf_counter()
    stats = original_index(folder, *rest, **named)
    timings["index_site"] = time.perf_counter() - started
    timings["index_pages"] = stats if isinstance(stats, int) else getattr(stats, "pages", None)
    records = getattr(stats, "records", None)
    timings["index_records"] = records if isinstance(records, int) else 0
    captured.update(rest=rest, named=named)
    return stats
build_module.index_site = timed_index

current = {"stage": None, "since": 0.0}
def record_stage(stage, done, total):
    now = time.perf_counter()
    if stage != current["stage"]:
        if current["stage"] is not None:
            timings["stages"][current["stage"]] = timings["stages"].get(current["stage"], 0.0) + now - current["since"]
        current.update(stage=stage, since=now)

original_build = build_module.build
def build_with_timers(*positional, progress=None, **named):
    def both(stage, done, total):
        record_stage(stage, done, total)
        if progress is not None:
            progress(stage, done, total)
    try:
        return original_build(*positional, progress=both, **named)
    finally:
        record_stage("(end)", 0, 0)
build_module.build = build_with_timers

status = 0
try:
    main(args, prog_name="dossier", standalone_mode=False)
except SystemExit as exit:
    status = exit.code or 0
if status == 0 and captured:
    out = Path(args[args.index("--out") + 1])
    with tempfile.TemporaryDirectory(prefix="reindex-", dir=out.parent) as scratch:
        copy = Path(scratch) / "site"
        shutil.copytree(out, copy, ignore=shutil.ignore_patterns("pagefind", "pdf"))
        started = time.perf_counter()
        original_index(copy, *captured["rest"], **captured["named"])
        timings["reindex"] = time.perf_counter() - started
Path(report_path).write_text(json.dumps(timings))
sys.exit(status)
"""

_STOPWORDS = set("""the and that this with from have been were their there which when what than then into
about would could should other these those while where after before between because without rather
more most some such only also even over under each many much very them they over upon itself
""".split())
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")
_MARKUP = re.compile(r"^:::.*$|-?@[\w:.#$%&\-+?<>~/]+|\[\^\d+\]|\]\([^)]*\)", re.M)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--entries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--corpus", type=Path, help="use this publication instead of generating one")
    parser.add_argument("--work", type=Path, help="working folder (default: a temporary one, removed afterwards)")
    parser.add_argument("--pdf", action="store_true", help="build the PDF edition too")
    parser.add_argument("--warm", action="store_true",
                        help="keep the publication's .dossier-cache/ (default: remove it, for a cold build)")
    parser.add_argument("--query", action="append", help="a query to measure (repeatable)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the working folder")
    return parser.parse_args(argv)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- Corpus and build --------------------------------------------------------------------


def generate(work: Path, articles: int, entries: int, seed: int) -> tuple[Path, float]:
    from make_corpus import write_corpus

    root = work / "corpus"
    started = time.perf_counter()
    write_corpus(root, articles, entries, seed)
    return root, time.perf_counter() - started


def build(root: Path, out: Path, pdf: bool) -> dict:
    """`dossier build` in a child process; wall time, stage times, and its warnings and errors."""
    report = out.parent / "build-timings.json"
    command = [sys.executable, "-c", _BUILD_WRAPPER, str(report), "-C", str(root), "build", "--out", str(out)]
    if not pdf:
        command.append("--no-pdf")
    environment = dict(os.environ, PYTHONPATH=str(REPOSITORY) + os.pathsep + os.environ.get("PYTHONPATH", ""),
                       CI="true")
    started = time.perf_counter()
    finished = subprocess.run(command, capture_output=True, text=True, env=environment, cwd=REPOSITORY)
    wall = time.perf_counter() - started
    timings = json.loads(report.read_text()) if report.exists() else {}
    problems = [line for line in finished.stderr.splitlines() if re.search(r": (warning|error): ", line)]
    return {"command": "dossier " + " ".join(command[4:]), "status": finished.returncode, "seconds": wall,
            "stages": timings.get("stages", {}), "index_seconds": timings.get("index_site"),
            "reindex_seconds": timings.get("reindex"), "index_pages": timings.get("index_pages"),
            "index_records": timings.get("index_records"),
            "warnings": [p for p in problems if ": warning: " in p],
            "errors": [p for p in problems if ": error: " in p],
            "stdout": finished.stdout.strip(), "stderr_tail": finished.stderr.strip().splitlines()[-20:]}


def bundle_size(site: Path) -> dict:
    """Bytes and files under pagefind/, in total and by kind."""
    kinds: dict[str, dict] = {}
    total = {"bytes": 0, "files": 0}
    for path in sorted((site / "pagefind").rglob("*")):
        if not path.is_file():
            continue
        size = path.stat().st_size
        kind = _kind(path.name)
        entry = kinds.setdefault(kind, {"bytes": 0, "files": 0})
        for counter in (entry, total):
            counter["bytes"] += size
            counter["files"] += 1
    return {**total, "by_kind": kinds}


def _kind(name: str) -> str:
    for suffix, kind in ((".pf_fragment", "fragments"), (".pf_index", "index chunks"), (".pf_filter", "filters"),
                         (".pf_meta", "metadata"), (".pagefind", "wasm"), (".json", "entry")):
        if name.endswith(suffix):
            return kind
    return "ui scripts and styles"


# --- Queries -----------------------------------------------------------------------------


def document_frequency(root: Path) -> tuple[Counter, int]:
    """How many articles contain each word (exact, lower-cased), and how many articles there are."""
    frequency: Counter = Counter()
    articles = sorted((root / "content" / "articles").glob("*.md"))
    for path in articles:
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
        body = _MARKUP.sub(" ", body).lower()   # words of the text, not of citation keys or box attributes
        frequency.update(set(_WORD.findall(body)))
    return frequency, len(articles)


def choose_queries(root: Path, frequency: Counter, articles: int) -> list[dict]:
    """A common word, one in about 5% of the articles, and a rare one, with their document frequencies."""
    frequency = Counter({w: n for w, n in frequency.items() if len(w) >= 5 and w not in _STOPWORDS})
    if not frequency:
        return []
    common = max(sorted(frequency), key=lambda w: frequency[w])
    target = max(2, round(0.05 * articles))
    medium = min(sorted(frequency), key=lambda w: (abs(frequency[w] - target), w))
    rare_words = {}
    marker = root / "corpus.json"
    if marker.exists():
        rare_words = json.loads(marker.read_text(encoding="utf-8")).get("rare_words", {})
    rare_candidates = [w for w in sorted(rare_words, key=lambda w: (rare_words[w], w)) if w.isalpha()] or sorted(
        w for w in frequency if frequency[w] == 1 and len(w) >= 8 and w.isalpha())
    chosen = [("common", common), ("about 5%", medium)]
    if rare_candidates:
        chosen.append(("rare", rare_candidates[0]))
    return [{"kind": kind, "word": word, "articles_containing": frequency.get(word, 0)} for kind, word in chosen]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def serve(site: Path):
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


def measure_queries(site: Path, queries: list[dict]) -> list[dict]:
    """For each query, a fresh browser context loads /search/?q=WORD; bytes fetched, by kind."""
    from playwright.sync_api import sync_playwright

    server, thread = serve(site)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    results = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                for query in queries:
                    results.append({**query, **_measure_one(browser, base, query["word"])})
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    return results


def _measure_one(browser, base: str, word: str) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    responses = []
    page.on("requestfinished", lambda request: responses.append(request))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
    started = time.perf_counter()
    page.goto(f"{base}search/?q={quote(word)}")
    page.wait_for_function(
        "() => { const m = document.querySelector('.pagefind-ui__message');"
        " return m && /result/i.test(m.textContent) && !/searching/i.test(m.textContent); }", timeout=60_000)
    page.wait_for_load_state("networkidle")
    seconds = time.perf_counter() - started
    message = page.locator(".pagefind-ui__message").first.inner_text().strip()
    shown = page.locator(".pagefind-ui__result").count()
    total = {"bytes": 0, "requests": 0}
    pagefind = {"bytes": 0, "requests": 0}
    by_kind: dict[str, dict] = {}
    for request in responses:
        response = request.response()
        if response is None:
            continue
        try:
            size = len(response.body())
        except Exception:   # a redirect or an aborted request has no body
            size = 0
        total["bytes"] += size
        total["requests"] += 1
        path = urlparse(request.url).path
        if path.startswith("/pagefind/"):
            pagefind["bytes"] += size
            pagefind["requests"] += 1
            entry = by_kind.setdefault(_kind(path.rsplit("/", 1)[-1]), {"bytes": 0, "requests": 0})
            entry["bytes"] += size
            entry["requests"] += 1
    context.close()
    count = re.match(r"([\d,]+) result", message)
    return {"results": int(count.group(1).replace(",", "")) if count else 0, "message": message,
            "results_shown": shown, "seconds": seconds, "pagefind": {**pagefind, "by_kind": by_kind}, "page": total}


# --- Report ------------------------------------------------------------------------------


def _mb(n: int) -> str:
    return f"{n / 1e6:.2f} MB" if n >= 1e6 else f"{n / 1e3:.1f} kB"


def print_report(report: dict) -> None:
    corpus, built, bundle = report["corpus"], report["build"], report["bundle"]
    source = f"generated in {corpus['seconds']:.1f} s" if corpus.get("seconds") is not None else corpus["root"]
    print(f"Corpus: {corpus['articles']} articles, {corpus['entries']} .bib entries ({source})")
    print(f"Build: `{built['command']}` ({built['cache']} cache): {built['seconds']:.1f} s, "
          f"exit status {built['status']}, "
          f"{len(built['warnings'])} warnings, {len(built['errors'])} errors")
    for stage, seconds in built["stages"].items():
        if stage != "Done":
            print(f"    {stage:32s} {seconds:8.1f} s")
    if built["status"] != 0:
        print("\n".join(built["stderr_tail"]))
        return
    print(f"Search index: pagefind/ {_mb(bundle['bytes'])} in {bundle['files']:,} files")
    for kind, entry in sorted(bundle["by_kind"].items(), key=lambda item: -item[1]["bytes"]):
        print(f"    {kind:24s} {_mb(entry['bytes']):>10s} {entry['files']:7,} files")
    records = f" + {built['index_records']:,} custom records" if built["index_records"] else ""
    print(f"Indexing ({built['index_pages'] or 0:,} pages{records}): "
          f"{built['index_seconds']:.1f} s in the build, {built['reindex_seconds']:.1f} s re-indexing a copy")
    print()
    header = (f"{'query':18s} {'kind':9s} {'in articles':>11s} {'results':>8s} {'/pagefind/ bytes':>17s} {'reqs':>5s} "
              f"{'page bytes':>11s} {'reqs':>5s} {'time':>6s}")
    print(header)
    print("-" * len(header))
    for q in report["queries"]:
        print(f"{q['word']:18s} {q['kind']:9s} {q['articles_containing']:11,} {q['results']:8,} "
              f"{q['pagefind']['bytes']:17,} {q['pagefind']['requests']:5} {q['page']['bytes']:11,} "
              f"{q['page']['requests']:5} {q['seconds']:5.1f}s")
    for q in report["queries"]:
        kinds = ", ".join(f"{k} {_mb(v['bytes'])} ({v['requests']})" for k, v in
                          sorted(q["pagefind"]["by_kind"].items(), key=lambda item: -item[1]["bytes"]))
        print(f"  {q['word']}: {kinds}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} is missing: ./run setup installs Debian's chromium")
    work = args.work.absolute() if args.work else Path(tempfile.mkdtemp(prefix="dossier-search-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        if args.corpus:
            root, seconds = args.corpus.absolute(), None
            articles = len(list((root / "content" / "articles").glob("*.md")))
            bib = "".join(p.read_text(encoding="utf-8") for p in sorted((root / "citations").glob("*.bib")))
            entries = len(re.findall(r"^@(?!string|comment|preamble)\w+\s*\{", bib, flags=re.M | re.I))
        else:
            log(f"Generating {args.articles} articles into {work / 'corpus'} ...")
            root, seconds = generate(work, args.articles, args.entries, args.seed)
            articles, entries = args.articles, args.entries
        out = work / "site"
        if not args.warm:
            shutil.rmtree(root / ".dossier-cache", ignore_errors=True)
        log(f"Building with dossier{'' if args.pdf else ' --no-pdf'} ({'warm' if args.warm else 'cold'} cache) ...")
        built = build(root, out, args.pdf)
        built["cache"] = "warm" if args.warm else "cold"
        report = {"corpus": {"root": str(root), "articles": articles, "entries": entries, "seconds": seconds},
                  "build": built, "bundle": {}, "queries": []}
        if built["status"] == 0:
            report["bundle"] = bundle_size(out)
            frequency, count = document_frequency(root)
            queries = ([{"kind": "given", "word": w, "articles_containing": frequency.get(w.lower(), 0)}
                        for w in args.query] if args.query else choose_queries(root, frequency, count))
            log(f"Measuring {len(queries)} queries in Chromium ...")
            report["queries"] = measure_queries(out, queries)
        if args.keep or args.work:
            (work / "report.json").write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
        if args.json:
            print(json.dumps(report, indent=1, ensure_ascii=False))
        else:
            print_report(report)
        return 0 if built["status"] == 0 else 1
    finally:
        if args.keep or args.work:
            log(f"Kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
