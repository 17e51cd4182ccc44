"""Pathological inputs: how long `dossier build` takes on each, and how much memory it needs.

    python benchmarks/pathological.py [CASE ...] [--pdf] [--timeout 300] [--json]

Each case writes a small publication with one extreme input into a temporary folder and
builds it in a fresh process (`python -m builder build --no-pdf`, or with the PDF edition
when --pdf is given), timing the build and reading the process's peak resident memory from
os.wait4. The table says what each case is, whether the build succeeded (or failed with a
`path:line:col: error:` message, which is also acceptable), the wall time and the peak RSS.
tests/test_pathological.py builds the same cases with time and memory limits.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

REPOSITORY = Path(__file__).resolve().parent.parent

WORDS = ("the regime market cadres loyalty sanctions border trade province restaurant workers defection "
         "inspection quota remittance enterprise party committee source report analysis evidence").split()

SETTINGS = "title: Pathological\nbase_url: https://example.org/\n"
BIB = "@book{k, title = {A Book}, author = {Kim, A.}, year = {2016}}\n"


def _prose(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def _publication(root: Path, body: str, bib: str = BIB, snapshots: dict[str, str] | None = None,
                 front: str = "", settings: str = SETTINGS) -> Path:
    (root / "content" / "articles").mkdir(parents=True, exist_ok=True)
    (root / "citations").mkdir(parents=True, exist_ok=True)
    (root / "dossier.yml").write_text(settings, encoding="utf-8")
    (root / "content" / "articles" / "case.md").write_text(
        f"---\ntitle: Case\ndate: 2016-01-01\n{front}---\n\n{body}", encoding="utf-8")
    (root / "citations" / "sources.bib").write_text(bib, encoding="utf-8")
    for key, text in (snapshots or {}).items():
        (root / "citations" / "snapshots").mkdir(exist_ok=True)
        (root / "citations" / "snapshots" / f"{key}.txt").write_text(text, encoding="utf-8")
    return root


# --- The cases -----------------------------------------------------------------------------


def big_article(root: Path, megabytes: float = 10) -> Path:
    """An article of `megabytes` MB: paragraphs of prose under headings, with emphasis and citations."""
    rng = random.Random(1)
    parts, size, section = [], 0, 0
    while size < megabytes * 1_000_000:
        if len(parts) % 40 == 0:
            section += 1
            parts.append(f"## Section {section}")
        paragraph = _prose(rng, 120) + " *emphasis* and **strong** text [@k, p. 3]."
        parts.append(paragraph)
        size += len(paragraph) + 2
    return _publication(root, "\n\n".join(parts) + "\n")


def long_line(root: Path, megabytes: float = 1) -> Path:
    """One paragraph on a single line of `megabytes` MB."""
    rng = random.Random(2)
    words = int(megabytes * 1_000_000 / 8)
    return _publication(root, _prose(rng, words) + "\n")


def nested_lists(root: Path, depth: int = 10_000) -> Path:
    """A list nested `depth` deep on one line (`- - - ... text`), and 1,000 deep over indented lines."""
    indented = "\n".join("  " * level + f"- level {level}" for level in range(min(depth, 1000)))
    return _publication(root, "- " * depth + "the deepest item\n\nAfter the list.\n\n" + indented + "\n")


def nested_quotes(root: Path, depth: int = 10_000) -> Path:
    """A block quote nested `depth` deep on one line, and 1,000 deep over lines."""
    lines = "\n".join(">" * level + f" level {level}" for level in range(1, min(depth, 1000) + 1))
    return _publication(root, "> " * depth + "the deepest quote\n\nAfter the quote.\n\n" + lines + "\n")


def nested_divs(root: Path, depth: int = 1_000) -> Path:
    """Fenced divs nested `depth` deep."""
    opening = "".join(f"::: {{.level-{level}}}\nText at level {level}.\n\n" for level in range(depth))
    return _publication(root, opening + "The innermost text.\n" + ":::\n" * depth + "\nAfter the divs.\n")


def many_citations(root: Path, count: int = 3_000) -> Path:
    """One paragraph holding `count` citations of a handful of sources."""
    keys = [f"k{index}" for index in range(20)]
    bib = "".join(f"@book{{{key}, title = {{Book {key}}}, author = {{Author{index}, A.}}, year = {{2016}}}}\n"
                  for index, key in enumerate(keys))
    body = " ".join(f"Claim {index} [@{keys[index % len(keys)]}, p. {index}]." for index in range(count))
    return _publication(root, body + "\n", bib=bib)


def huge_bibliography(root: Path, entries: int = 100_000) -> Path:
    """A .bib of `entries` entries, of which three are cited."""
    lines = [f"@article{{e{index},\n  author = {{Author{index}, A. and Other, B.}},\n  title = {{Title number {index}}},\n"
             f"  journal = {{Journal {index % 97}}},\n  year = {{{1950 + index % 70}}},\n  volume = {{{index % 40}}},\n}}\n"
             for index in range(entries)]
    return _publication(root, "As @e1 and @e500 show [@e99999, p. 4].\n".replace("99999", str(entries - 1)),
                        bib="".join(lines))


def long_evidence(root: Path, quote_kb: int = 200, snapshot_kb: int = 500) -> Path:
    """An evidence box quoting `quote_kb` KB from a `snapshot_kb` KB saved source, and one slightly misquoted."""
    rng = random.Random(3)
    snapshot = _prose(rng, snapshot_kb * 1000 // 8)
    start = len(snapshot) // 4
    quote = snapshot[start:start + quote_kb * 1000]
    quote = quote[quote.index(" ") + 1:quote.rindex(" ")]
    misquote = quote[:len(quote) // 2] + " inserted words " + quote[len(quote) // 2:]
    body = (f"::: {{.evidence #ev-long source=k}}\n{quote}\n:::\n\n"
            f"::: {{.evidence #ev-misquoted source=k}}\n{misquote}\n:::\n")
    # Built with the misquote marked on the page, not stopped by it.
    return _publication(root, body, snapshots={"k": snapshot}, settings=SETTINGS + "verify_quotes: warn\n")


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path], Path]
    what: str
    seconds: float        # the limit tests/test_pathological.py allows, on a 2-core CI machine
    megabytes: int        # peak RSS limit


CASES = [
    Case("big-article", big_article, "one 10 MB article", 120, 3000),
    Case("long-line", long_line, "a 1 MB single line", 30, 800),
    Case("nested-lists", nested_lists, "lists nested 10,000 deep", 30, 600),
    Case("nested-quotes", nested_quotes, "block quotes nested 10,000 deep", 30, 600),
    Case("nested-divs", nested_divs, "fenced divs nested 1,000 deep", 30, 600),
    Case("many-citations", many_citations, "3,000 citations in one paragraph", 60, 800),
    Case("huge-bibliography", huge_bibliography, "a 100,000-entry .bib, 3 cited", 120, 3000),
    Case("long-evidence", long_evidence, "a 200 KB quote against a 500 KB snapshot", 30, 800),
]


# --- Running a case --------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    case: str
    status: int | None        # exit status; None when killed at the timeout
    seconds: float
    peak_mb: float
    output: str


def run_case(case: Case, folder: Path, pdf: bool = False, timeout: float = 300) -> Run:
    """Build the case's publication in a fresh process; its wall time and peak RSS."""
    root = case.make(folder / case.name)
    command = [sys.executable, "-m", "builder", "-C", str(root), "build"] + ([] if pdf else ["--no-pdf"])
    env = dict(os.environ, CI="true", PYTHONPATH=str(REPOSITORY))
    started = time.perf_counter()
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        status, usage = _wait(process, timeout)
        seconds = time.perf_counter() - started
        log.seek(0)
        output = log.read().decode("utf-8", errors="replace")
    return Run(case.name, status, seconds, usage.ru_maxrss / 1024 if usage else 0.0, output)


def _wait(process: subprocess.Popen, timeout: float):
    """(exit status or None, rusage) of process, killing its whole group after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        pid, wait_status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid == process.pid:
            process.returncode = os.waitstatus_to_exitcode(wait_status)
            return process.returncode, usage
        if time.monotonic() > deadline:
            os.killpg(process.pid, signal.SIGKILL)
            _, _, usage = os.wait4(process.pid, 0)
            process.returncode = -9
            return None, usage
        time.sleep(0.02)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", nargs="*", help="case names (default: all)")
    parser.add_argument("--pdf", action="store_true", help="build the PDF edition too")
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    chosen = [case for case in CASES if not args.cases or case.name in args.cases]
    runs = []
    with tempfile.TemporaryDirectory(prefix="dossier-pathological-") as folder:
        for case in chosen:
            run = run_case(case, Path(folder), args.pdf, args.timeout)
            runs.append(run)
            shutil.rmtree(Path(folder) / case.name, ignore_errors=True)
            if not args.json:
                last = run.output.strip().splitlines()[-1:] or [""]
                result = "built" if run.status == 0 else "timeout" if run.status is None else f"exit {run.status}"
                print(f"{case.name:18} {case.what:44} {result:8} {run.seconds:7.1f} s {run.peak_mb:7.0f} MB  {last[0][:70]}",
                      flush=True)
    if args.json:
        print(json.dumps([run.__dict__ for run in runs], indent=2))


if __name__ == "__main__":
    main()
