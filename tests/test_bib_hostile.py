""".bib files written to hang, exhaust or confuse the one .bib reader and pandoc behind it.

Each case is reported at its path:line:col by `dossier cite check` and by the build, before
pandoc reads anything, in bounded time and memory; and pandoc is never given what would hang
it (builder.bib.bibliography.Bibliography.biblatex). Legal BibTeX that pandoc reads only in
another form (`@book(...)`) builds. The cases that could take the machine's memory on a
mistake run in a child process with an address-space limit, their peak memory read from
os.wait4.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from builder.bib.bibliography import BibLaTeX, Placed, load_bibliography
from builder.bib.check import check_files
from builder.bib.cite import check_citations, format_citations
from builder.bib.source import parse_bib
from builder.build import build
from builder.csl.references import convert_references
from builder.csl.pandoc import CiteprocError
from builder.errors import BuildFailed
from helpers import REPOSITORY, write

REFS = "citations/refs.bib"


def write_publication(root: Path, bib: str, cite: str = "a") -> Path:
    """A publication whose one article cites `cite` from citations/refs.bib."""
    write(root / "dossier.yml", "title: P\nbase_url: https://example.org/\n")
    write(root / "content" / "articles" / "a.md", f"---\ntitle: A\ndate: 2016-01-01\n---\n\nText [@{cite}].\n")
    write(root / REFS, bib)
    return root


def errors_of_check(root: Path) -> list[str]:
    return [str(p) for p in check_citations(root) if p.is_error]


def errors_of_build(root: Path) -> list[str]:
    with pytest.raises(BuildFailed) as failed:
        build(root, pdf=False, write=False, use_cache=False)
    return [str(p) for p in failed.value.problems if p.is_error]


def bib_errors(text: str) -> list[str]:
    _, problems = check_files([parse_bib(text, "refs.bib")])
    return [str(p) for p in sorted(problems) if p.is_error]


def run_dossier(root: Path, *args: str, seconds: float = 60, megabytes: int = 3000) -> tuple[int | None, float, str]:
    """(exit status or None on timeout, peak RSS in MB of the process and what it waited for, output) of
    `dossier -C root ARGS` in a child process limited to `megabytes` of address space."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (megabytes * 2**20, megabytes * 2**20))

    command = [sys.executable, "-m", "builder", "-C", str(root), *args]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, cwd=REPOSITORY, stdout=log, stderr=subprocess.STDOUT,
                                   preexec_fn=limit, start_new_session=True)
        deadline = time.monotonic() + seconds
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid == process.pid:
                process.returncode = code = os.waitstatus_to_exitcode(status)
                break
            if time.monotonic() > deadline:
                os.killpg(process.pid, signal.SIGKILL)
                _, _, usage = os.wait4(process.pid, 0)
                process.returncode, code = -9, None
                break
            time.sleep(0.02)
        log.seek(0)
        return code, usage.ru_maxrss / 1024, log.read().decode("utf-8", errors="replace")


# --- crossref and xdata loops --------------------------------------------------------------------

SELF_LOOP = "@book{a, title = {T}, author = {A}, year = {2000}, crossref = {a}}\n"
TWO_LOOP = ("@book{a, title = {T}, author = {A}, year = {2000}, crossref = {b}}\n"
            "@book{b, title = {U}, author = {B}, year = {2000}, crossref = {a}}\n")
SELF_LOOP_ERROR = f"{REFS}:1:52: error: crossref makes a loop: 'a' inherits from itself"
TWO_LOOP_ERRORS = [
    f"{REFS}:1:52: error: crossref makes a loop: 'a' inherits from 'b', whose crossref at {REFS}:2:52 leads back to 'a'",
    f"{REFS}:2:52: error: crossref makes a loop: 'b' inherits from 'a', whose crossref at {REFS}:1:52 leads back to 'b'"]


def test_an_entry_that_crossrefs_itself_is_an_error_in_cite_check_and_in_the_build(tmp_path):
    root = write_publication(tmp_path / "pub", SELF_LOOP)
    assert errors_of_check(root) == [SELF_LOOP_ERROR]
    assert errors_of_build(root) == [SELF_LOOP_ERROR]


def test_each_link_of_a_loop_is_an_error_naming_the_next_link(tmp_path):
    root = write_publication(tmp_path / "pub", TWO_LOOP)
    assert errors_of_check(root) == TWO_LOOP_ERRORS
    assert errors_of_build(root) == TWO_LOOP_ERRORS


def test_loops_through_xdata_longer_cycles_and_strings_are_found():
    assert bib_errors("@book{a, title = {T}, xdata = {b}}\n@xdata{b, note = {U}, xdata = {c}}\n"
                      "@xdata{c, note = {V}, xdata = {x, a}}\n") == [
        "refs.bib:1:23: error: xdata makes a loop: 'a' inherits from 'b', whose xdata at refs.bib:2:23 leads back to 'a'",
        "refs.bib:2:23: error: xdata makes a loop: 'b' inherits from 'c', whose xdata at refs.bib:3:23 leads back to 'b'",
        "refs.bib:3:23: error: xdata makes a loop: 'c' inherits from 'a', whose xdata at refs.bib:1:23 leads back to 'c'"]
    # pandoc expands @strings in crossref too: this is a loop for it
    assert bib_errors("@string{me = {a}}\n@book{a, title = {T}, author = {A}, year = {2000}, crossref = me}\n") == [
        "refs.bib:2:52: error: crossref makes a loop: 'a' inherits from itself"]


def test_pandoc_is_never_given_an_entry_in_a_loop_nor_follows_one(tmp_path):
    root = write_publication(tmp_path / "pub", TWO_LOOP + "@book{c, title = {V}, crossref = {a}}\n")
    bibliography, _ = load_bibliography(root)
    text = bibliography.biblatex_for(["a", "b", "c"])
    assert "@book{c," in text and "@book{a," not in text and "@book{b," not in text


def test_a_looping_build_stops_at_once_in_bounded_memory(tmp_path):
    """Before, pandoc grew past 8 GB on this; the child process may use 3 GB at most."""
    root = write_publication(tmp_path / "pub", SELF_LOOP)
    status, megabytes, output = run_dossier(root, "build", "--no-pdf", seconds=60)
    assert (status, output.splitlines()) == (1, [SELF_LOOP_ERROR, "1 error; nothing was written"])
    assert megabytes < 400


def test_a_missing_parent_is_a_warning_and_the_entry_builds(tmp_path):
    root = write_publication(tmp_path / "pub", "@incollection{a, title = {T}, author = {A}, year = {2000}, "
                                         "crossref = {nobody}}\n")
    result = build(root, pdf=False, use_cache=False)
    assert f"{REFS}:1:60: warning: crossref names 'nobody', which no entry has" in [str(p) for p in result.warnings]
    assert "A. 2000. <em>T</em>." in (root / "_site" / "articles" / "a" / "index.html").read_text(encoding="utf-8")


def test_a_crossref_chain_thousands_deep_is_one_error_not_a_traceback():
    """cite check recursed once per link (RecursionError at about 1,000); pandoc takes cubic time."""
    chain = "".join(f"@book{{a{i}, title = {{T{i}}}, crossref = {{a{i + 1}}}}}\n" for i in range(3000))
    started = time.perf_counter()
    errors = bib_errors(chain + "@book{a3000, title = {End}, author = {A}, year = {2000}}\n")
    assert errors == ["refs.bib:2900:31: error: crossref: 'a2899' inherits through too many crossref and xdata links "
                      "(pandoc would copy more than 10,000 fields or visit more than 100 entries)"]
    assert time.perf_counter() - started < 10


def test_xdata_nested_in_xdata_that_pandoc_would_copy_exponentially_is_an_error():
    """Pandoc copies a parent whose xdata names two entries once per combination of their
    fields: six levels of two ran for minutes before."""
    levels = ["@book{top, title = {T}, author = {A}, year = {2000}, xdata = {l0a, l0b}}\n"]
    for level in range(6):
        below = f", xdata = {{l{level + 1}a, l{level + 1}b}}" if level < 5 else ""
        levels += [f"@xdata{{l{level}{side}, note{side} = {{x}}{below}}}\n" for side in "ab"]
    assert bib_errors("".join(levels)) == [
        f"refs.bib:{line}:26: error: xdata: 'l0{side}' inherits through too many crossref and xdata links "
        "(pandoc would copy more than 10,000 fields or visit more than 100 entries)" for line, side in ((2, "a"), (3, "b"))]


# --- @string expansion ---------------------------------------------------------------------------

def doubling(count: int, first: str = '"ab"', cited: str = "s{count}") -> str:
    lines = [f"@string{{s0 = {first}}}"] + [f"@string{{s{i} = s{i - 1} # s{i - 1}}}" for i in range(1, count + 1)]
    return "\n".join(lines) + "\n@book{a, title = " + cited.format(count=count) + ", author = {A}, year = {2000}}\n"


DOUBLING_ERROR = (f"{REFS}:17:15: error: @string s16: the value is 131,072 characters long once its @strings are "
                  "expanded; the most a value may hold is 100,000")


def test_strings_that_double_are_an_error_at_the_first_past_the_limit(tmp_path):
    root = write_publication(tmp_path / "pub", doubling(32))
    assert errors_of_check(root) == [DOUBLING_ERROR]
    assert errors_of_build(root) == [DOUBLING_ERROR]


@pytest.mark.parametrize("command", [("cite", "check"), ("cite", "unused"), ("cite", "where", "a"),
                                     ("cite", "fmt", "--check"), ("build", "--no-pdf")])
def test_forty_doublings_need_little_time_or_memory_in_every_command(tmp_path, command):
    """cite check took 4 GB at 32 doublings and was killed at 39; the child may use 1.5 GB."""
    root = write_publication(tmp_path / "pub", doubling(40))
    status, megabytes, output = run_dossier(root, *command, seconds=30, megabytes=1500)
    assert status is not None and "Traceback" not in output and "MemoryError" not in output, output[-2000:]
    assert megabytes < 400
    if command[:2] in (("cite", "check"), ("build", "--no-pdf")):
        assert DOUBLING_ERROR in output.splitlines()


def test_strings_that_double_nothing_expand_in_time_proportional_to_their_length():
    started = time.perf_counter()
    assert bib_errors(doubling(60, first="{}")) == []
    assert bib_errors(doubling(60, first="{}", cited="s{count} # {{x}} # s{count}")) == []
    assert time.perf_counter() - started < 5


def test_pandoc_is_given_only_the_strings_the_entries_use_and_none_past_the_limit(tmp_path):
    root = write_publication(tmp_path / "pub", "@string{used = {U}}\n@string{unused = {N}}\n" + doubling(20, cited="used"))
    bibliography, problems = load_bibliography(root)
    text = bibliography.biblatex_for(["a"])
    assert text == "@string{used = {U}}\n@book{a, title = used, author = {A}, year = {2000}}\n"


def test_a_value_naming_a_long_string_many_times_is_an_error(tmp_path):
    long = "x" * 60_000
    assert bib_errors(f"@string{{long = {{{long}}}}}\n@book{{a, title = long # long, year = {{2000}}}}\n") == [
        "refs.bib:2:18: error: title: the value is 120,000 characters long once its @strings are expanded; "
        "the most a value may hold is 100,000"]


def test_string_expansion_is_bounded_across_all_entries():
    """A value under the limit named by thousands of entries would stand for gigabytes."""
    long = "x" * 99_000
    entries = "".join(f"@book{{e{i}, title = long # {{ {i}}}, year = {{2000}}}}\n" for i in range(120))
    assert bib_errors(f"@string{{long = {{{long}}}}}\n{entries}") == [
        "refs.bib:103:21: error: title: @string expansion makes the .bib files more than 10,000,000 characters "
        "longer than written (the most it may add in all)"]


# --- values too long or too deep -----------------------------------------------------------------

def test_a_two_megabyte_field_is_an_error_at_once(tmp_path):
    """It took the build 74 s in pandoc (time growing with the square of the length)."""
    words = ("the regime market cadres loyalty " * 70_000)[:2_000_000]
    root = write_publication(tmp_path / "pub", "@book{a, author = {Kim, A.}, year = {2000}, title = {T},\n"
                                         f"  abstract = {{{words}}}}}\n")
    message = (f"{REFS}:2:14: error: abstract: the value is 2,000,002 characters long; "
               "the most a value may hold is 100,000")
    started = time.perf_counter()
    assert errors_of_check(root) == [message]
    assert errors_of_build(root) == [message]
    assert time.perf_counter() - started < 10


def test_braces_nested_deeper_than_the_limit_are_an_error():
    assert bib_errors("@book{a, title = {" + "{" * 20_000 + "x" + "}" * 20_000 + "}, year = {2000}}\n") == [
        "refs.bib:1:18: error: title: braces nested more than 100 levels deep (the most a value may nest)"]
    assert bib_errors("@string{deep = {" + "{" * 101 + "}" * 101 + "}}\n") == [
        "refs.bib:1:16: error: @string deep: braces nested more than 100 levels deep (the most a value may nest)"]


def test_a_value_at_the_limit_builds_quickly(tmp_path):
    words = ("the regime market cadres loyalty " * 3_000)[:99_000]
    root = write_publication(tmp_path / "pub", f"@book{{a, author = {{Kim, A.}}, year = {{2000}}, title = {{T}}, "
                                         f"abstract = {{{words}}}}}\n")
    started = time.perf_counter()
    build(root, pdf=False, write=False, use_cache=False)
    assert time.perf_counter() - started < 15


# --- what the reader accepts and pandoc reads differently ------------------------------------------

def test_entries_and_strings_in_parentheses_build(tmp_path):
    root = write_publication(tmp_path / "pub", "@string(pub = {Seoul Press})\n"
                                         "@book(a, title = {Parenthesised}, author = {Kim, A.}, year = 2000,\n"
                                         "  publisher = pub)\n")
    assert errors_of_check(root) == []
    build(root, pdf=False, use_cache=False)
    page = (root / "_site" / "articles" / "a" / "index.html").read_text(encoding="utf-8")
    assert "Parenthesised" in page and "Seoul Press" in page


def test_an_entry_without_fields_builds(tmp_path):
    root = write_publication(tmp_path / "pub", "@misc{a}\n")
    assert errors_of_check(root) == []
    build(root, pdf=False, write=False, use_cache=False)


@pytest.mark.parametrize("bib, cite, check, built", [
    ("@book{a~b, title = {T}, year = {2000}}\n", "a~b",
     "1:1: error: citation key 'a~b' contains '~', which pandoc does not read in a key: use letters, digits "
     "and . : ; ? ! ` ' / * @ _ + - [ ] &",
     "1:8: error: pandoc cannot read entry 'a~b': unexpected '~'"),
    ("@book{a, ti.tle = {T}, year = {2000}}\n", "a",
     "1:10: error: cannot read field name 'ti.tle' in entry 'a'",
     "1:12: error: pandoc cannot read entry 'a': unexpected '.'"),
    ("@string{x.y = {X}}\n@book{a, title = {T}, year = {2000}}\n", "a",
     "1:1: error: @string name 'x.y' is not a name pandoc reads: use letters, digits and - _ : +",
     None),
])
def test_what_pandoc_does_not_read_is_an_error_where_it_is_written(tmp_path, bib, cite, check, built):
    root = write_publication(tmp_path / "pub", bib, cite)
    assert f"{REFS}:{check}" in errors_of_check(root)
    if built is not None:       # the build reports pandoc's own reason, where pandoc stopped
        assert errors_of_build(root) == [f"{REFS}:{built}"]


def test_a_string_pandoc_does_not_read_is_reported_where_it_is_written(tmp_path):
    root = write_publication(tmp_path / "pub", "@string{x.y = {X}}\n@book{a, title = x.y, year = {2000}}\n")
    assert errors_of_build(root) == [f"{REFS}:1:13: error: pandoc cannot read @string x.y: unexpected '='",
                                     f"{REFS}:2:19: error: pandoc cannot read entry 'a': unexpected '.'"]


COMMENTED_OUT = """\
@article{a, title = {T}, author = {A}, journal = {J}, year = {2000}}

@article{b,
%  title = {Commented {out}},
%  year = {2000}
%}

@article{c, title = {U}, author = {A}, journal = {J}, year = {2001}}
"""


def test_a_closing_brace_after_percent_is_an_error_for_that_entry(tmp_path):
    """Pandoc skips '%' to the end of the line between fields, BibTeX does not: pandoc read on
    into the next entry and reported 'unexpected @' there."""
    message = (f"{REFS}:6:1: error: '%' hides the rest of this line from pandoc, braces included, so pandoc would "
               "not end entry 'b' where BibTeX does: delete the line, or write \\% for a percent sign")
    root = write_publication(tmp_path / "pub", COMMENTED_OUT, cite="c")
    assert errors_of_check(root) == [message]
    assert errors_of_build(root) == [message]
    bibliography, _ = load_bibliography(root)
    assert "@article{b," not in bibliography.biblatex_for(["a", "b", "c"])


def test_percent_comments_that_pandoc_and_bibtex_read_alike_are_no_error():
    assert bib_errors("@book{a, title = {50% off}, author = {A}, year = {2000},\n% note = {x},\n}\n") == []


def placed(*blocks: str) -> BibLaTeX:
    places = tuple(Placed(f"entry 'e{n}'", REFS, 10 * n + 1, 3, text) for n, text in enumerate(blocks))
    starts, offset = [], 0
    for text in blocks:
        starts.append(offset)
        offset += len(text) + 1
    return BibLaTeX("\n".join(blocks) + "\n", places, tuple(starts))


def test_pandoc_positions_map_back_to_the_file_tabs_included():
    request = placed("@book{e0, title = {A}}", "@book{e1,\n\ttitle\t= {B}.}")
    block, line, col, ran_on = request.place("Error at (line 3, column 18):\nunexpected '.'")
    assert (block.what, line, col, ran_on) == ("entry 'e1'", 12, 13, False)   # pandoc's tabs stop every 4 columns
    block, line, col, ran_on = request.place("Error at (line 1, column 7):\nunexpected '0'")
    assert (block.what, line, col, ran_on) == ("entry 'e0'", 1, 9, False)


def test_an_error_at_the_start_of_a_block_or_the_end_is_the_block_that_did_not_end():
    request = placed("@book{e0, title = {A},\n%}", "@book{e1, title = {B}}")
    block, line, col, ran_on = request.place("Error at (line 3, column 1):\nunexpected '@'")
    assert (block.what, line, col, ran_on) == ("entry 'e0'", 1, 3, True)
    block, line, col, ran_on = request.place("Error at (line 4, column 1):\nunexpected end of input")
    assert (block.what, line, col, ran_on) == ("entry 'e1'", 11, 3, True)


class FailingEngine:
    """Refuses, without a position (as when pandoc dies), every request holding the entry 'bad'."""

    def __init__(self):
        self.requests = 0

    def convert(self, text: str, lang: str = "en-US") -> list[dict]:
        self.requests += 1
        if "@book{bad," in text:
            raise CiteprocError("the pandoc worker stopped unexpectedly")
        return [{"id": line.split("{")[1].split(",")[0]} for line in text.splitlines() if line.startswith("@book{")]


def test_a_pandoc_failure_without_a_position_is_found_entry_by_entry(tmp_path):
    root = write_publication(tmp_path / "pub", "@book{ok, title = {T}}\n\n@book{bad, title = {U}}\n")
    bibliography, _ = load_bibliography(root)
    items, problems = convert_references(FailingEngine(), bibliography, ["bad", "ok"])
    assert sorted(items) == ["ok"]
    assert [str(p) for p in problems] == [
        f"{REFS}:3:1: error: pandoc cannot read entry 'bad': the pandoc worker stopped unexpectedly"]


# --- other costs that grew faster than the input ---------------------------------------------------

def test_a_key_defined_a_thousand_times_names_a_few_other_places_each_time():
    errors = bib_errors("".join(f"@book{{a, title = {{T{i}}}, author = {{A}}, year = {{2000}}}}\n" for i in range(1000)))
    assert len(errors) == 1000
    assert errors[0] == ("refs.bib:1:1: error: citation key 'a' is defined more than once: also at refs.bib:2, "
                         "refs.bib:3, refs.bib:4, refs.bib:5, refs.bib:6 and 994 more")


def test_many_unreadable_blocks_take_time_in_proportion():
    """Each one copied the rest of the file to find the next line."""
    bib = parse_bib("".join(f"@book{{title = {{No key {i}}}, year = {{2001}}}}\n" for i in range(60_000)), "refs.bib")
    started = time.perf_counter()
    _, problems = check_files([bib])
    assert len(problems) == 60_000
    assert time.perf_counter() - started < 5


def test_cite_fmt_writes_parenthesised_entries_in_braces(tmp_path):
    root = write_publication(tmp_path / "pub", "@book(a, title = {T}, year = 2000)\n")
    formatted, problems = format_citations(root)
    assert problems == [] and formatted[0].text == "@book{a,\n  title = {T},\n  year = {2000},\n}\n"
