"""benchmarks/bench.py's report: the results as data, a plain-text table, and the Markdown table
that the README and docs/performance.md show.

Every time is a multiple of both floors timed in the same invocation: the plain floor (what any
Python generator must do; issue 17's targets are multiples of it) and Dossier's floor (the same
with Dossier's own Markdown parser). Memory is each process's peak resident set in the cold
build: Dossier's main process and its workers against the target, pandoc and Pagefind apart.
"""

from __future__ import annotations

import statistics

# issue 17's targets: the highest acceptable multiple of the plain floor; serve's in seconds
TARGETS = {"cold": 10.0, "no_change": 0.1, "article_without_search": 0.3}
SERVE_TARGETS = ((100, 0.3), (1000, 1.0))     # (up to this many articles, seconds)
MEMORY_TARGET_MB = 400      # each of Dossier's own processes (main and workers); pandoc and Pagefind apart
INDEXER = "pagefind"         # Pagefind's indexer, as /proc names it

# Each measurement's words in the Markdown table
MARKDOWN_LABELS = {
    "plain_floor": "plain floor (`floor.py --plain`)",
    "floor": "Dossier's floor (`floor.py`: Dossier's Markdown parser)",
    "cold": "cold build, `dossier build --no-pdf`, no cache",
    "no_change": "rebuild, nothing changed",
    "article": "rebuild, one article edited",
    "article_without_search": "&nbsp;&nbsp;the same without search indexing",
    "bib": "rebuild, one .bib entry edited",
    "serve": "`dossier serve`: save to page reloaded",
    "serve_index": "`dossier serve`: save to search index updated",
}


def serve_target(articles: int) -> float:
    return next((seconds for most, seconds in SERVE_TARGETS if articles <= most), SERVE_TARGETS[-1][1])


def results(series: dict, articles: int) -> dict:
    """Each measurement's runs, median and multiples of the floors, and whether it meets its target."""
    plain, floor = series["plain_floor"].median, series["floor"].median
    out = {}
    for key, measured in series.items():
        if measured.unavailable or not measured.runs:
            out[key] = {"label": measured.label, "unavailable": measured.unavailable or "no runs"}
            continue
        entry = {"label": measured.label, "seconds": [round(r.seconds, 3) for r in measured.runs],
                 "median_seconds": round(measured.median, 3),
                 "ratio_to_plain_floor": round(measured.median / plain, 4),
                 "ratio_to_floor": round(measured.median / floor, 4),
                 "max_rss_mb": [round(r.max_rss_kb / 1024, 1) for r in measured.runs]}
        if key in TARGETS:
            entry.update(target=f"≤ {TARGETS[key]:g}×", meets_target=measured.median / plain <= TARGETS[key])
        elif key == "serve":
            entry.update(target=f"≤ {serve_target(articles):g} s", meets_target=measured.median <= serve_target(articles))
        if measured.note:
            entry["note"] = measured.note
        out[key] = entry
    cold = series["cold"]
    if cold.runs:
        peaks = cold.median_peaks_mb()
        own = max((mb for kind, mb in peaks.items() if kind.endswith((" (main)", " (workers)"))), default=0.0)
        out["cold_memory"] = {"label": "Dossier cold build, peak memory", "dossier_mb": round(own, 1),
                              "target_mb": MEMORY_TARGET_MB, "meets_target": own <= MEMORY_TARGET_MB,
                              "median_tree_peak_mb": round(cold.median_tree_mb, 1),
                              "by_process_mb": {kind: round(mb, 1) for kind, mb in peaks.items() if mb >= 1}}
    return out


def print_table(report: dict) -> None:
    """The results as plain text, then the Markdown table."""
    setup = report["setup"]
    env = setup["environment"]
    print(f"Dossier benchmark: {setup['articles']} articles, {setup['entries']} .bib entries; "
          f"median of {setup['runs']} whole-process runs each")
    print(f"commit {env['commit']}{' + uncommitted changes in builder/ or themes/' if env['builder_modified'] else ''}, "
          f"Python {env['python']}, {env['cpus']} CPUs, load average at the start {env['load_average'][0]:g}, "
          f"at the end {setup['load_average_end'][0]:g}; {setup['wall_clock_minutes']:g} minutes in all")
    print(f"edits: {setup['article_edit']}; {setup['bib_edit']}")
    print()
    header = (f"{'measurement':<42} {'median s':>9} {'min-max s':>13} {'x plain':>8} {'x floor':>8}  "
              f"{'target':<9} {'':<6} {'max RSS':>8}")
    print(header)
    print("-" * len(header))
    for key, entry in report["results"].items():
        if key == "cold_memory":
            continue
        label = entry["label"] + (" [no citations]" if key in ("hugo", "mkdocs") else "")
        if "unavailable" in entry:
            print(f"{label:<42} {'n/a':>9}   {entry['unavailable']}")
            continue
        spread = f"{min(entry['seconds']):.2f}-{max(entry['seconds']):.2f}"
        verdict = ("ok" if entry["meets_target"] else "MISSED") if "target" in entry else ""
        rss = statistics.median(entry["max_rss_mb"])
        print(f"{label:<42} {entry['median_seconds']:>9.2f} {spread:>13} {entry['ratio_to_plain_floor']:>7.3f}x "
              f"{entry['ratio_to_floor']:>7.3f}x  {entry.get('target', ''):<9} {verdict:<6} "
              f"{f'{rss:.0f} MB' if rss else '':>8}")
    memory = report["results"].get("cold_memory")
    if memory:
        verdict = "ok" if memory["meets_target"] else "MISSED"
        print(f"\nCold build, peak resident set of each kind of process (target for Dossier's own: "
              f"≤ {memory['target_mb']} MB, {verdict}); whole tree, PSS summed: {memory['median_tree_peak_mb']:.0f} MB")
        for kind, mb in memory["by_process_mb"].items():
            print(f"  {kind:<30} {mb:>6.0f} MB")
    for entry in report["results"].values():
        if entry.get("note"):
            print(f"{entry['label']}: {entry['note']}")
    print("\nx plain, x floor: median time / median time of the plain floor, of Dossier's floor, both from this "
          "invocation. max RSS: the largest single process of the command's tree (ru_maxrss), median over runs.")
    print("\n" + markdown_table(report))


def markdown_table(report: dict) -> str:
    """The table the README's performance section and docs/performance.md show."""
    rows = ["| measurement | seconds | × plain floor | × Dossier's floor | target |", "|---|---:|---:|---:|---|"]
    for key, entry in report["results"].items():
        if key == "cold_memory":
            continue
        label = MARKDOWN_LABELS.get(key, entry["label"] + ", no citations")
        if "unavailable" in entry:
            rows.append(f"| {label} | n/a | | | |")
            continue
        seconds = entry["median_seconds"]
        target = f"{entry['target']}{'' if entry['meets_target'] else ' (missed)'}" if "target" in entry else ""
        rows.append(f"| {label} | {_figure(seconds)} | {_figure(entry['ratio_to_plain_floor'])} | "
                    f"{_figure(entry['ratio_to_floor'])} | {target} |")
    memory = report["results"].get("cold_memory")
    if memory:
        rows += ["", "| cold build, peak memory | MB |", "|---|---:|"]
        rows += [f"| {kind} | {mb:.0f} |" for kind, mb in memory["by_process_mb"].items()]
    return "\n".join(rows)


def _figure(value: float) -> str:
    """Two significant figures, at least: 41, 2.8, 0.39, 0.068."""
    if value >= 10:
        return f"{value:.0f}"
    if value >= 1:
        return f"{value:.1f}"
    return f"{value:.2g}"
