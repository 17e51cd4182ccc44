"""builder/text.py did_you_mean, the one "did you mean" of every message: the same closeness, at most
two suggestions and the same words in the build, `dossier cite` and dossier.yml's checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.bib.check import check_files
from builder.bib.source import parse_bib
from builder.text import close_matches, did_you_mean, suggestion
from helpers import write


# --- the helper ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("word, candidates, expected", [
    ("kimm2016", ["kim2016", "lee2015"], " (did you mean 'kim2016'?)"),
    ("kim2061", ["kim2016", "kim2017", "kim2018", "lee2015"], " (did you mean 'kim2018' or 'kim2017'?)"),
    ("zzz", ["kim2016", "lee2015"], ""),
    ("kim", [], ""),
    ("a", ["", "b"], ""),                     # an empty key (an entry written without one) is never suggested
    ("o'bren", ["o'brien"], " (did you mean 'o'brien'?)"),   # written as the message writes the word itself
], ids=["one", "at-most-two", "none-close", "no-candidates", "empty-candidate", "quote"])
def test_did_you_mean(word, candidates, expected):
    assert did_you_mean(word, candidates) == expected


def test_suggestion_words_a_list_of_names():
    assert suggestion([]) == ""
    assert suggestion(["@online"]) == " (did you mean '@online'?)"
    assert suggestion(["a", "b"]) == " (did you mean 'a' or 'b'?)"


def test_close_matches_are_the_closest_first():
    assert close_matches("inproceeding", ["proceedings", "book", "inproceedings"]) == ["inproceedings", "proceedings"]
    assert close_matches("colour", ["title", "language", "base_url"]) == []


# --- every message that suggests -------------------------------------------------------------------------

KEYS = "".join(f"@book{{{key},\n  author = {{Kim}},\n  title = {{T}},\n  year = {{2016}}}}\n\n"
               for key in ("kim2016", "kim2017", "kim2018", "lee2015"))


def write_publication(root: Path, body: str) -> Path:
    write(root / "dossier.yml", "title: P\nbase_url: https://example.org/\n")
    write(root / "content" / "articles" / "a.md", f"---\ntitle: A\ndate: 2016-01-01\n---\n\n{body}")
    write(root / "citations" / "refs.bib", KEYS)
    return root


@pytest.mark.parametrize("command", [["build", "--no-pdf"], ["check"], ["cite", "check"]], ids=" ".join)
def test_an_unknown_key_gets_the_same_suggestion_from_the_build_and_cite_check(cli, tmp_path, command):
    root = write_publication(tmp_path / "pub", "Text [@kim2016; @kim2017; @kim2018; @lee2015].\n\nAs @kim2061 "
                                               "and @lee2051 say, not @nobody.\n")
    result = cli("-C", root, *command)
    assert result.exit_code == 1
    assert [line for line in result.stderr.splitlines() if ": error: " in line] == [
        "content/articles/a.md:8:4: error: unknown citation key 'kim2061' (did you mean 'kim2018' or 'kim2017'?)",
        "content/articles/a.md:8:17: error: unknown citation key 'lee2051' (did you mean 'lee2015'?)",
        "content/articles/a.md:8:35: error: unknown citation key 'nobody'",
    ]


def test_cite_where_suggests_at_most_two_keys(cli, tmp_path):
    root = write_publication(tmp_path / "pub", "Text [@kim2016; @kim2017; @kim2018; @lee2015].\n")
    result = cli("-C", root, "cite", "where", "kim2061")
    assert result.exit_code == 1
    assert result.stderr == "error: no entry in citations/*.bib has the key 'kim2061' (did you mean 'kim2018' or 'kim2017'?)\n"


@pytest.mark.parametrize("entry_type, expected", [
    ("artcle", "refs.bib:1:1: error: unknown entry type '@artcle' (did you mean '@article'?)"),
    ("web_page", "refs.bib:1:1: error: unknown entry type '@web_page' (did you mean '@online'?)"),   # a known alias
    ("bok", "refs.bib:1:1: error: unknown entry type '@bok' (did you mean '@book' or '@mvbook'?)"),
    ("zzzz", "refs.bib:1:1: error: unknown entry type '@zzzz': use a BibLaTeX type such as @article, @book, "
             "@incollection, @inproceedings, @online, @report, @thesis, @misc (a newspaper or magazine article is "
             "an @article)"),
    ("newspaper", "refs.bib:1:1: error: unknown entry type '@newspaper' (did you mean '@article'?)"),
])
def test_an_unknown_entry_type_gets_a_suggestion(entry_type, expected):
    _, problems = check_files([parse_bib(f"@{entry_type}{{x, title = {{T}}, author = {{A}}, year = {{2000}}}}\n",
                                         "refs.bib")])
    assert [str(p) for p in problems if p.is_error] == [expected]


def test_an_unknown_setting_gets_a_suggestion(cli, tmp_path):
    root = write_publication(tmp_path / "pub", "Text [@kim2016; @kim2017; @kim2018; @lee2015].\n")
    write(root / "dossier.yml", "title: P\nbase_url: https://example.org/\ndescripton: D\ncolour: blue\n")
    result = cli("-C", root, "check")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "dossier.yml:3:1: warning: unknown setting 'descripton' (did you mean 'description'?) "
        "(kept for templates; free keys belong under 'extra:')",
        "dossier.yml:4:1: warning: unknown setting 'colour' (kept for templates; free keys belong under 'extra:')",
    ]
