"""Extreme input finishes in bounded time and memory, or fails with `path:line:col: error:`; never a traceback.

The cases are benchmarks/pathological.py's (`python benchmarks/pathological.py` prints the
table of times and peak memory); each is built here in a fresh process with a time limit and
its peak resident memory read from os.wait4. Then property-based tests (hypothesis) feed
arbitrary text to the citation scanner, the fenced-div, attribute and evidence parsers and the
quote matcher: none may crash, and no word of plain input may go missing.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from html import unescape
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.evidence.verify import Snapshot
from builder.markdown import create_parser, render_markdown
from builder.markdown.attributes import AttributeSyntaxError, parse_attributes
from builder.markdown.citation_syntax import bracketed_at, key_at, narrative_at
from helpers import REPOSITORY, time_limit

_spec = importlib.util.spec_from_file_location("pathological", REPOSITORY / "benchmarks" / "pathological.py")
pathological = sys.modules["pathological"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pathological)

PROBLEM = re.compile(r"^\S+:\d+:\d+: (error|warning): .+$")
CASES = {case.name: case for case in pathological.CASES}


def run(name: str, tmp_path: Path):
    """Build the case; check the limits and that the output is a build summary or problems, never a traceback."""
    case = CASES[name]
    result = pathological.run_case(case, tmp_path, timeout=case.seconds)
    print(f"\n{name}: {case.what}: exit {result.status} in {result.seconds:.1f} s, peak RSS {result.peak_mb:.0f} MB")
    assert result.status is not None, f"{name} took longer than {case.seconds} s"
    assert result.peak_mb < case.megabytes, f"{name} used {result.peak_mb:.0f} MB"
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    if result.status == 0:
        assert lines[-1].startswith("Built 1 documents"), lines[-1]
    else:
        assert lines[-1].endswith("nothing was written")
        assert all(PROBLEM.match(line) for line in lines[:-1]), lines
    assert all(PROBLEM.match(line) for line in lines[:-1]), lines
    return result, tmp_path / name


def article_html(site_root: Path) -> str:
    return (site_root / "_site" / "articles" / "case" / "index.html").read_text(encoding="utf-8")


# --- Extreme inputs --------------------------------------------------------------------------


@pytest.mark.slow
def test_a_ten_megabyte_article(tmp_path):
    result, root = run("big-article", tmp_path)
    assert result.status == 0
    html = article_html(root)
    assert len(html) > 10_000_000 and "Section 200" in html


def test_a_one_megabyte_line(tmp_path):
    result, root = run("long-line", tmp_path)
    assert result.status == 0
    assert len(article_html(root)) > 1_000_000


def test_lists_nested_ten_thousand_deep_keep_their_text(tmp_path):
    result, root = run("nested-lists", tmp_path)
    assert result.status == 0
    assert result.output.splitlines()[:2] == [
        "content/articles/case.md:6:51: warning: blocks nested more than 50 levels deep: what is deeper is shown as plain text",
        "content/articles/case.md:34:51: warning: blocks nested more than 50 levels deep: what is deeper is shown as plain text"]
    html = article_html(root)
    assert "the deepest item" in html and "After the list." in html and "level 999" in html


def test_block_quotes_nested_ten_thousand_deep_keep_their_text(tmp_path):
    result, root = run("nested-quotes", tmp_path)
    assert result.status == 0
    assert result.output.splitlines()[:2] == [
        "content/articles/case.md:6:101: warning: blocks nested more than 50 levels deep: what is deeper is shown as plain text",
        "content/articles/case.md:59:52: warning: blocks nested more than 50 levels deep: what is deeper is shown as plain text"]
    html = article_html(root)
    assert "the deepest quote" in html and "After the quote." in html and "level 1000" in html


def test_fenced_divs_nested_a_thousand_deep_keep_their_text(tmp_path):
    result, root = run("nested-divs", tmp_path)
    assert result.status == 0
    assert result.output.splitlines()[0] == (
        "content/articles/case.md:154:1: warning: blocks nested more than 50 levels deep: what is deeper is shown as plain text")
    html = article_html(root)
    assert "The innermost text." in html and "After the divs." in html and "Text at level 999." in html


def test_three_thousand_citations_in_one_paragraph(tmp_path):
    result, root = run("many-citations", tmp_path)
    assert result.status == 0
    assert article_html(root).count('class="citation"') == 3000


def test_a_bibliography_of_a_hundred_thousand_entries(tmp_path):
    result, root = run("huge-bibliography", tmp_path)
    assert result.status == 0
    assert sorted(p.name for p in (root / "_site" / "sources").iterdir()) == ["e1", "e500", "e99999", "index.html"]


def test_a_long_quote_against_a_long_snapshot(tmp_path):
    result, root = run("long-evidence", tmp_path)
    assert result.status == 0
    [warning] = result.output.splitlines()[:-1]
    assert re.match(r"content/articles/case\.md:11:\d+: warning: quote in evidence box '#ev-misquoted' is not in "
                    r"the saved source 'k': \"… .* sourc inserted words e → source .*\" \(quote → source\); closest "
                    r"passage at citations/snapshots/k\.txt:1, \d+% similar$", warning), warning
    assert len(warning) < 1000
    assert "✓ verified against saved source" in article_html(root)


@pytest.mark.parametrize("tag, depth", [("div", 200_000), ("blockquote", 50_000), ("ul><li", 20_000),
                                        ("table><tr><td", 20_000)])
def test_raw_html_nested_deep_is_flattened_in_bounded_time(tag, depth):
    from builder.content.sanitize import MAX_DEPTH, sanitize

    opening = "".join(f"<{part}>" for part in tag.split("><"))
    closing = "".join(f"</{part}>" for part in reversed(tag.split("><")))
    with time_limit(20):
        html = sanitize(opening * depth + "the deepest text" + closing * depth + "<p>after</p>")
    assert "the deepest text" in html and "<p>after</p>" in html
    depth_reached, deepest = 0, 0
    for match in re.finditer(r"<(/?)([a-z]+)", html):
        depth_reached += -1 if match.group(1) else 1
        deepest = max(deepest, depth_reached)
    assert deepest <= MAX_DEPTH and depth_reached == 0


def test_raw_html_nested_deep_still_typesets(tmp_path):
    """The PDF typesetter recurses once per level: the flattened body stays within its reach."""
    from builder.build import build

    root = pathological._publication(tmp_path / "pub", "<table><tr><td>" * 300 + "deep cell" + "</td></tr></table>" * 300
                                     + "\n\n" + "<div><ul><li>" * 300 + "deep item" + "</li></ul></div>" * 300 + "\n")
    with time_limit(60):
        result = build(root, use_cache=False)
    assert (result.out_dir / "pdf" / "case.pdf").is_file()


# --- Properties: no crash, no text lost ------------------------------------------------------

MD = create_parser()
WORD = st.from_regex(r"[A-Za-z][a-z]{1,8}", fullmatch=True)
KEY = st.from_regex(r"[a-z][a-z0-9]{0,6}(:[a-z0-9]{1,4})?", fullmatch=True)
PROPERTIES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def text_of(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


def citation_piece():
    return st.one_of(
        KEY.map(lambda k: f"[@{k}]"), KEY.map(lambda k: f"@{k}"), KEY.map(lambda k: f"[-@{k}]"),
        st.tuples(WORD, KEY, st.integers(1, 999)).map(lambda t: f"[see {t[0]} @{t[1]}, p. {t[2]}]"),
        st.tuples(KEY, KEY).map(lambda t: f"[@{t[0]}; @{t[1]}]"),
        st.tuples(KEY, st.integers(1, 99)).map(lambda t: f"@{t[0]} [p. {t[1]}]"),
    )


PUNCTUATION = st.sampled_from([" ", " ", " ", ", ", ". ", "; ", " - ", "\n", "\n\n", " (", ") ", "! ", "? ", " [", "] "])


@PROPERTIES
@given(st.lists(st.one_of(WORD, citation_piece(), PUNCTUATION), max_size=60))
def test_prose_with_citations_loses_no_word(pieces):
    source = "".join(piece if piece in (" ", "\n", "\n\n") or piece.startswith((" ", "\n")) else piece + " "
                     for piece in pieces)
    result = render_markdown(MD, source)
    shown = text_of(result.html)
    for word in re.findall(r"[A-Za-z][a-z]{1,8}", source):
        assert word in shown, (word, source, result.html)


@PROPERTIES
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300))
def test_any_text_parses_without_a_crash(text):
    with time_limit(10):
        result = render_markdown(MD, text, path="content/articles/a.md", line_offset=4)
    for problem in result.problems:
        assert PROBLEM.match(str(problem)), problem
        assert problem.line >= 5


CITATION_ALPHABET = st.sampled_from(list("@[]-;,{}\\`<>:/._ ~pae0\n") + ["see ", "p. ", "@a", "@b", "[@"])


@PROPERTIES
@given(st.lists(CITATION_ALPHABET, max_size=80).map("".join))
def test_the_citation_scanner_never_crashes_and_reports_positions_inside_the_text(src):
    for pos in range(len(src)):
        key = key_at(src, pos)
        if key is not None:
            assert 0 <= key.at < key.end <= len(src) and src[key.at] == "@"
        for found in (bracketed_at(src, pos), narrative_at(src, pos)):
            if found is not None:
                assert pos < found.end <= len(src)
                assert len(found.keys) == len(found.at)
                for cited, at in zip(found.keys, found.at):
                    assert src[at] == "@" and cited in src[at:]


@PROPERTIES
@given(st.text(alphabet=st.sampled_from(list("#.=\"' {}\\ab1-_:")), max_size=60))
def test_the_attribute_parser_parses_or_says_where_it_stopped(text):
    try:
        attributes = parse_attributes(text)
    except AttributeSyntaxError as exc:
        assert 0 <= exc.offset <= len(text) and str(exc)
    else:
        assert all(isinstance(name, str) and isinstance(value, str) for name, value in attributes.pairs)


def fenced_document():
    opening = st.one_of(
        st.just("::: note"), st.just(":::: {.note #n}"),
        st.tuples(KEY, st.sampled_from(["", " grade=B2", " grade=Z9", " locator=\"p. 4\"", " date=2016-01-01", " url=x"]))
          .map(lambda t: f"::: {{.evidence source={t[0]}{t[1]}}}"),
        st.text(alphabet=st.sampled_from(list("{}.#=\"' ab")), max_size=12).map(lambda a: f"::: {{{a}}}"),
    )
    line = st.one_of(opening, st.just(":::"), st.just("::::"), st.lists(WORD, min_size=1, max_size=6).map(" ".join),
                     st.just(""), st.just("- item"), st.just("> quoted"), st.just("```"))
    return st.lists(line, max_size=30).map("\n".join)


@PROPERTIES
@given(fenced_document())
def test_fenced_divs_and_evidence_boxes_never_crash_and_keep_their_words(source):
    with time_limit(10):
        result = render_markdown(MD, source, path="content/articles/a.md", line_offset=4)
    shown = text_of(result.html)
    for line in source.split("\n"):
        if line.startswith((":::", "```")):
            continue
        for word in re.findall(r"[A-Za-z][a-z]{1,8}", line.removeprefix("- ").removeprefix("> ")):
            if word not in ("item", "quoted"):
                assert word in shown, (word, source, result.html)
    for problem in result.problems:
        assert PROBLEM.match(str(problem)), problem


SNAPSHOT_WORDS = st.lists(st.one_of(WORD, st.sampled_from(["—", "“quoted”", "don’t", "1990s", "[sic]", "…", "-"])),
                          min_size=1, max_size=120)


@PROPERTIES
@given(SNAPSHOT_WORDS, st.data())
def test_a_passage_of_the_snapshot_always_verifies(words, data):
    snapshot = Snapshot(" ".join(words) + "\n")
    start = data.draw(st.integers(0, len(words) - 1))
    end = data.draw(st.integers(start + 1, len(words)))
    passage = " ".join(words[start:end])
    if not re.search(r"[A-Za-z0-9]", passage):
        return
    with time_limit(10):
        result = snapshot.verify(passage)
    assert result.status == "verified", (passage, words)


@PROPERTIES
@given(SNAPSHOT_WORDS, st.data())
def test_two_passages_joined_by_an_elision_verify(words, data):
    snapshot = Snapshot(" ".join(words))
    cut = data.draw(st.integers(1, len(words)))
    first, second = " ".join(words[:cut]), " ".join(words[cut:])
    if not re.search(r"[A-Za-z0-9]", first + second) or "[" in first + second or "…" in first + second:
        return
    quote = f"{first} … {second}" if second else first
    assert snapshot.verify(quote).status == "verified", quote


@PROPERTIES
@given(st.text(max_size=400), st.text(max_size=200))
def test_the_quote_matcher_never_crashes(text, quote):
    with time_limit(10):
        result = Snapshot(text).verify(quote)
    assert result.status in ("verified", "not-found")
    if result.status == "not-found":
        assert 0.0 <= result.similarity <= 1.0


@settings(max_examples=20, deadline=None)
@given(st.integers(6_000, 60_000), st.data())
def test_a_long_misquote_is_reported_in_bounded_time(length, data):
    """A quote longer than 2,000 characters is reported by where it stops matching, not in full."""
    words = data.draw(st.lists(WORD, min_size=20, max_size=40))
    text = " ".join(words[index % len(words)] for index in range(length // 6))
    quote = text[len(text) // 3:len(text) // 3 + length // 2]
    quote = quote[quote.index(" ") + 1:quote.rindex(" ")]
    middle = len(quote) // 2
    misquote = quote[:middle] + " zzzunknownzzz " + quote[middle:]
    with time_limit(5):
        result = Snapshot(text).verify(misquote)
    assert result.status == "not-found" and len(result.missing) < 200 and len(result.closest) < 400


def test_raw_html_too_deep_to_typeset_is_a_clear_error_when_left_unsanitised(tmp_path):
    from builder.build import build
    from builder.errors import BuildFailed

    root = pathological._publication(tmp_path / "pub", "<table><tr><td>" * 60 + "deep" + "</td></tr></table>" * 60 + "\n")
    (root / "dossier.yml").write_text(pathological.SETTINGS + "unsafe_html: true\n", encoding="utf-8")
    with time_limit(60), pytest.raises(BuildFailed) as failed:
        build(root, use_cache=False)
    assert [str(p) for p in failed.value.problems] == [
        "dossier.yml:3:14: error: the PDF edition cannot be typeset: an article's raw HTML nests too deeply "
        "(unsafe_html leaves it as written); nest it less, or build with --no-pdf"]
    assert not (root / "_site").exists()
    assert list(root.glob("._site.*")) == []


LAUGHS = "\n".join([f"l0: &l0 [{', '.join(['lol'] * 9)}]"]
                   + [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, 9)])


def test_yaml_aliases_that_expand_exponentially_are_read_in_bounded_time(tmp_path):
    """'Billion laughs' in front matter and in dossier.yml: nine levels of nine aliases each."""
    from builder.build import build

    root = pathological._publication(tmp_path / "pub", "Text.\n", front=LAUGHS + "\n")
    settings = "extra:\n" + "\n".join("  " + line for line in LAUGHS.split("\n")) + "\n"
    (root / "dossier.yml").write_text(pathological.SETTINGS + settings, encoding="utf-8")
    with time_limit(20):
        result = build(root, pdf=False, use_cache=False)
    assert (result.out_dir / "articles" / "case" / "index.html").is_file()
