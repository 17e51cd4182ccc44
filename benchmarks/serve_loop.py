"""The writer's loop in `dossier serve`: from saving an article to the reload event sent to the
open pages, and to the search index updated behind it.

    .venv/bin/python benchmarks/serve_loop.py PUBLICATION [--saves N] [--json]

Starts `dossier serve` in this process (builder.serve.live.LiveSite, port 0, without PDFs), lets
its first build finish, then N times appends a sentence to the middle article, waits for the
reload event (the build id the event stream sends changes) and for the search index of that build,
and takes the edit back at the end. Prints each save's two times, or JSON with --json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from builder.serve.live import LiveSite  # noqa: E402

POLL = 0.005
TIMEOUT = 600.0


def wait_for(condition, what: str) -> None:
    deadline = time.perf_counter() + TIMEOUT
    while not condition():
        if time.perf_counter() > deadline:
            raise SystemExit(f"serve_loop: no {what} after {TIMEOUT:g} s")
        time.sleep(POLL)


def measure(root: Path, saves: int) -> dict:
    problems: list[str] = []
    site = LiveSite(root, port=0, output=lambda line, is_problem: problems.append(line) if is_problem else None)
    started = time.perf_counter()
    site.start()
    first = time.perf_counter() - started
    articles = sorted((root / "content" / "articles").glob("*.md"))
    article = articles[len(articles) // 2]
    original = article.read_bytes()
    events, indexed = [], []
    try:
        for number in range(saves):
            build = site.status.state.build
            saved = time.perf_counter()
            article.write_bytes(original + f"\n\nSentence {number} added by benchmarks/serve_loop.py.\n".encode())
            wait_for(lambda: site.status.state.build != build or not site.status.state.ok, "reload event")
            if not site.status.state.ok:
                raise SystemExit("serve_loop: the edit failed to build: " + "; ".join(problems[-3:]))
            events.append(time.perf_counter() - saved)
            wait_for(lambda: not site.status.state.indexing, "search index")
            indexed.append(time.perf_counter() - saved)
            time.sleep(0.2)          # a pause between saves, as a writer makes
    finally:
        article.write_bytes(original)
        site.stop()
    return {"article": article.name, "first_build_seconds": round(first, 3),
            "save_to_reload_seconds": [round(t, 3) for t in events],
            "save_to_index_seconds": [round(t, 3) for t in indexed]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("publication", type=Path)
    parser.add_argument("--saves", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = measure(args.publication.resolve(), args.saves)
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"first build {result['first_build_seconds']:.2f} s; saving {result['article']}")
    for key, label in (("save_to_reload_seconds", "save -> reload event"), ("save_to_index_seconds", "save -> search index")):
        times = result[key]
        print(f"{label}: median {statistics.median(times):.2f} s ({', '.join(f'{t:.2f}' for t in times)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
