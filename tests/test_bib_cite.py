"""builder/bib/cite.py and `dossier cite`: check, fmt, where, unused, add.

The fixture publication tests/fixtures/cite-basic is in canonical form and cites every
entry but one. Bad inputs are written into tmp_path, and every problem is asserted with
its exact path:line:col. The fmt round trip runs over the shared corpus in place.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from builder.bib.check import check_files
from builder.bib.cite import check_citations, find_citations
from builder.bib.format import format_bib
from builder.bib.source import parse_bib
from helpers import snapshot, write

# The shared corpus sits in shared/ beside the repository (on CI too); DOSSIER_CORPUS overrides.
CORPUS = Path(os.environ.get("DOSSIER_CORPUS") or Path(__file__).resolve().parents[2] / "shared" / "corpus")
REPOSITORY = Path(__file__).parent.parent
DOSSIER_YML = 'title: "Test publication"\n'


@pytest.fixture
def cli():
    """run(*args, input=None) -> click Result, run in-process from the repository; a traceback fails the test."""
    from click.testing import CliRunner

    from builder.cli import main

    def run(*args, input: str | bytes | None = None):
        cwd = os.getcwd()
        os.chdir(REPOSITORY)
        try:
            return CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)
        finally:
            os.chdir(cwd)
    return run


def publication_in(root: Path, bibs: dict[str, str | bytes], articles: dict[str, str] | None = None) -> Path:
    """A publication in root with citations/NAME and content/articles/NAME (front matter added)."""
    write(root / "dossier.yml", DOSSIER_YML)
    for name, text in bibs.items():
        write(root / "citations" / name, text)
    for name, body in (articles or {}).items():
        write(root / "content" / "articles" / name, f'---\ntitle: "{name}"\ndate: 2016-04-08\n---\n\n{body}')
    return root


def problems_of(root: Path) -> list[str]:
    return [str(p) for p in check_citations(root)]


def bib_problems(text: str) -> list[str]:
    """Problems of one .bib text on its own (no content), in reading order."""
    _, problems = check_files([parse_bib(text, "refs.bib")])
    return [str(p) for p in sorted(problems)]


KIM = """\
@article{kim2016,
  author = {Kim, Min-ji},
  title = {Markets and Money},
  journaltitle = {Journal of Korean Studies},
  date = {2016-03},
}
"""


# --- dossier cite check: the fixture publication ---------------------------------------------

def test_check_of_a_clean_publication_warns_only_about_the_unused_entry(cli):
    result = cli("-C", "tests/fixtures/cite-basic", "cite", "check")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "citations/main.bib:19:1: warning: entry 'yonhap2010' is not cited anywhere",
        "0 errors, 1 warning",
    ]


def test_check_prints_json_with_positions(cli, publication):
    root = publication("cite-basic")
    write(root / "content" / "articles" / "extra.md",
          '---\ntitle: "Extra"\ndate: 2016-05-02\n---\n\nSee [@kim2061].\n')
    result = cli("-C", root, "cite", "check", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [
        {"path": "citations/main.bib", "line": 19, "col": 1, "severity": "warning",
         "message": "entry 'yonhap2010' is not cited anywhere"},
        {"path": "content/articles/extra.md", "line": 6, "col": 6, "severity": "error",
         "message": "unknown citation key 'kim2061' (did you mean 'kim2016'?)"},
    ]


# --- check categories, each with its exact position --------------------------------------------

def test_unknown_keys_in_content_name_file_line_and_column(tmp_path):
    root = publication_in(tmp_path, {"refs.bib": KIM}, {
        "a.md": "Grew [@kim2016, p. 3].\nAs @kimm2016 argues [see @lee2015; @kim2016].\n",
    })
    assert problems_of(root) == [
        "content/articles/a.md:7:4: error: unknown citation key 'kimm2016' (did you mean 'kim2016'?)",
        "content/articles/a.md:7:26: error: unknown citation key 'lee2015'",
    ]


def test_evidence_box_sources_and_drafts_are_citations(tmp_path):
    other = KIM.replace("kim2016", "kim2017").replace("Money", "Prices")
    root = publication_in(tmp_path, {"refs.bib": KIM + "\n" + other})
    write(root / "content" / "articles" / "box.md",
          '---\ntitle: "Box"\ndate: 2016-04-08\ndraft: true\n---\n\n'
          '::: {.evidence #ev-one source=kim2017}\nQuoted.\n:::\n\n'
          '::: {.evidence #ev-two source="nokey2016"}\nQuoted.\n:::\n\n[@kim2016]\n')
    assert problems_of(root) == [
        "content/articles/box.md:11:32: error: unknown citation key 'nokey2016' (did you mean 'kim2016'?)",
    ]


def test_unused_entries_are_warnings_and_crossref_parents_count_as_used(tmp_path):
    bib = KIM + """
@inproceedings{park2014,
  author = {Park, Ji-won},
  title = {Hard Currency},
  crossref = {conf2014},
}

@proceedings{conf2014,
  title = {Proceedings of the Korea Conference},
  date = {2014},
}

@book{lee2015,
  author = {Lee, Sung-ho},
  title = {Elite Loyalty},
  year = {2015},
}
"""
    root = publication_in(tmp_path, {"refs.bib": bib}, {"a.md": "[@kim2016; @park2014]\n"})
    assert problems_of(root) == ["citations/refs.bib:19:1: warning: entry 'lee2015' is not cited anywhere"]


def test_duplicate_keys_are_reported_at_both_places(tmp_path):
    root = publication_in(tmp_path, {"a.bib": KIM, "b.bib": "% again\n" + KIM.replace("Money", "Other")},
                       {"a.md": "[@kim2016]\n"})
    assert problems_of(root) == [
        "citations/a.bib:1:1: error: citation key 'kim2016' is defined more than once: also at citations/b.bib:2",
        "citations/b.bib:2:1: error: citation key 'kim2016' is defined more than once: also at citations/a.bib:1",
    ]


def test_near_duplicates_by_doi_or_by_title_and_year_name_both_entries():
    text = """\
@article{a1,
  author = {A}, title = {One}, journal = {J}, year = {2001},
  doi = {10.1000/ABC.1},
}
@article{a2,
  author = {A}, title = {Two}, journal = {J}, year = {2001},
  doi = {10.1000/abc.1},
}
@book{b1,
  author = {B}, title = {G{\\"o}del and the {State}}, date = {2010-05},
}
@book{b2,
  author = {B}, title = {Gödel and the state.}, year = {2010},
}
@book{b3,
  author = {B}, title = {Gödel and the state}, year = {2011},
}
"""
    assert bib_problems(text) == [
        "refs.bib:5:1: warning: entries 'a2' and 'a1' (refs.bib:1) may be the same source: same DOI 10.1000/abc.1",
        "refs.bib:12:1: warning: entries 'b2' and 'b1' (refs.bib:9) may be the same source: same title and year",
    ]


def test_missing_required_fields_are_warnings_and_crossref_fields_count():
    text = """\
@article{nojournal,
  author = {A},
  title = {T},
}
@incollection{child,
  author = {C},
  title = {Chapter},
  crossref = {parent},
}
@collection{parent,
  editor = {E},
  title = {The Book},
  date = {2001},
}
@online{nourl,
  title = {Page},
  date = {2020},
}
@inproceedings{orphan,
  author = {O}, title = {Talk}, date = {2002},
  crossref = {nosuchparent},
}
"""
    assert bib_problems(text) == [
        "refs.bib:1:1: warning: @article entry 'nojournal' has no journaltitle or journal, no date or year",
        "refs.bib:15:1: warning: @online entry 'nourl' has no author or editor, no url or doi or eprint",
        "refs.bib:19:1: warning: @inproceedings entry 'orphan' has no booktitle",
        "refs.bib:21:3: warning: crossref names 'nosuchparent', which no entry has",
    ]


def test_unknown_entry_types_are_errors_with_a_hint():
    text = "@web_page{w, title = {Page}}\n\n@artcle{x, author = {A}, title = {T}, journal = {J}, year = {2001}}\n"
    assert bib_problems(text) == [
        "refs.bib:1:1: error: unknown entry type '@web_page' (did you mean '@online'?)",
        "refs.bib:3:1: error: unknown entry type '@artcle' (did you mean '@article'?)",
    ]


def test_malformed_dates_urls_and_dois_point_at_the_value():
    text = """\
@online{page,
  author = {A},
  title = {T},
  date = {2016-02-30},
  urldate = {last week},
  year = {n.d.},
  url = {www.example.org/page},
  doi = {https://doi.org/10.1000/x},
}
@online{other,
  author = {A}, title = {U}, date = {2016/2017},
  url = "http://example.org/a b",
  doi = {doi 10.1000},
}
"""
    assert bib_problems(text) == [
        "refs.bib:4:10: error: '2016-02-30' is not a date: there is no day 30 in 2016-02",
        "refs.bib:5:13: error: 'last week' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD (a range as START/END)",
        "refs.bib:6:10: warning: year 'n.d.' is not a year: write digits (e.g. year = {2016}), "
        "or use date for a full date",
        "refs.bib:7:9: error: url 'www.example.org/page' is not a web address: it must start with http:// "
        "or https:// and name a host",
        "refs.bib:8:9: warning: doi 'https://doi.org/10.1000/x' should be the bare DOI: write doi = {10.1000/x}",
        "refs.bib:12:9: error: url 'http://example.org/a b' contains white space",
        "refs.bib:13:9: error: doi 'doi 10.1000' is not a DOI: a DOI looks like 10.1234/abc",
    ]


def test_latex_that_does_not_decode_points_at_the_command():
    text = """\
@string{pub = "Seoul Press"}
@book{b,
  author = {Kim, {\\"O}zg{\\"u}r},
  title = {Prices \\foo{rose} by 5%},
  note = {Math $x^2 unclosed},
  publisher = pub # { and } # nosuchstring,
  series = "Open {brace",
  year = {2001},
}
"""
    assert bib_problems(text) == [
        "refs.bib:4:19: warning: title: unknown LaTeX command \\foo (it will not convert to text)",
        "refs.bib:4:34: warning: title: '%' starts a LaTeX comment that hides the rest of the line: "
        "write \\% for a percent sign",
        "refs.bib:5:16: error: note: LaTeX does not decode: Unexpected end of stream, was expecting '$'",
        "refs.bib:6:31: error: publisher uses 'nosuchstring', which no @string defines "
        "(write {nosuchstring} for the text itself)",
        "refs.bib:7:12: error: series: unbalanced braces",
    ]


def test_commands_defined_in_a_preamble_are_known():
    text = ('@preamble{"\\newcommand{\\noopsort}[1]{}"}\n'
            '@book{b, author = {A}, title = {\\noopsort{1}T}, year = {2001}}\n')
    assert bib_problems(text) == []


# --- bad .bib files: clear messages, exact lines, no traceback ---------------------------------

def test_unreadable_blocks_are_reported_at_their_line(tmp_path):
    text = """\
@article{kim2016,
  author = {Kim},
  title = {Unbalanced {braces},
  journal = {J},
  year = {2016},
}

@book{title = {No key}, year = {2001}}

@misc{dup,
  title = {A},
  Title = {B},
}

@article{ok, author = {A}, title = {T}, journal = {J}, year = {2001}}
"""
    root = publication_in(tmp_path, {"refs.bib": text}, {"a.md": "[@ok]\n"})
    assert problems_of(root) == [
        "citations/refs.bib:1:1: error: cannot read entry 'kim2016': its braces do not balance: the entry is not "
        "closed before line 8",
        "citations/refs.bib:8:1: error: cannot read entry 'title': it has no citation key "
        "(write @type{key, name = {value}, ...})",
        "citations/refs.bib:10:1: warning: @misc entry 'dup' has no author or editor, no date or year",
        "citations/refs.bib:10:1: warning: entry 'dup' is not cited anywhere",
        "citations/refs.bib:12:3: error: entry 'dup' sets title twice (first on line 11)",
    ]


def test_invalid_utf8_and_empty_keys_are_reported_without_a_traceback(cli, tmp_path):
    root = publication_in(tmp_path, {"a.bib": b"@book{x,\n  title = {Caf\xe9},\n}\n",
                                  "b.bib": "@book{,\n  title = {No key},\n}\n"})
    result = cli("-C", root, "cite", "check")
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert errors == [
        "citations/a.bib:2:15: error: file is not valid UTF-8 (save it as UTF-8)",
        "citations/b.bib:1:1: error: @book entry has no citation key: write @book{key, ...}",
    ]


# --- dossier cite fmt ------------------------------------------------------------------------

MESSY = """\
% Header comment
@STRING{yon = "Yonhap News Agency"}
@preamble{ "\\newcommand{\\noopsort}[1]{}" }
@Article(Kim2016,
  Title = "Markets and {Money}",
  YEAR = 2016, month = apr,
  publisher = "Seoul: " #   yon,
  Author = {Kim, Min-ji}, Keywords = {markets},
  author+an:role = {1=lead}
)
Stray text between entries.
@comment{ kept as is }
@misc{broken, title = {unbalanced
@book{Alpha1999, title={A}, author={B}}
"""

CANONICAL = """\
% Header comment

@string{yon = {Yonhap News Agency}}

@preamble{ "\\newcommand{\\noopsort}[1]{}" }

@article{Kim2016,
  author = {Kim, Min-ji},
  title = {Markets and {Money}},
  publisher = "Seoul: " # yon,
  year = {2016},
  month = apr,
  author+an:role = {1=lead},
  keywords = {markets},
}

Stray text between entries.

@comment{ kept as is }

@misc{broken, title = {unbalanced

@book{Alpha1999,
  author = {B},
  title = {A},
}
"""


def test_fmt_writes_one_canonical_form_and_keeps_everything():
    assert format_bib(MESSY) == CANONICAL
    assert format_bib(CANONICAL) == CANONICAL


def test_fmt_sort_puts_definitions_first_and_entries_by_key():
    sorted_text = format_bib(MESSY, sort=True)
    blocks = [block.split("\n")[0] for block in sorted_text.split("\n\n")]
    assert blocks == ["% Header comment", "@string{yon = {Yonhap News Agency}}",
                      '@preamble{ "\\newcommand{\\noopsort}[1]{}" }', "@book{Alpha1999,",
                      "Stray text between entries.", "@comment{ kept as is }",
                      "@misc{broken, title = {unbalanced", "@article{Kim2016,"]
    assert format_bib(sorted_text, sort=True) == sorted_text


def test_entries_that_cannot_be_rewritten_safely_are_kept_as_written():
    text = "@book{x,\n%  EDITOR = {Commented out},\n  title = {T},\n}\n\n@book{a b,\n  title = {Space}\n}\n"
    assert format_bib(text) == text


def test_fmt_check_exit_codes_and_nothing_written(cli, publication):
    root = publication("cite-basic")
    assert cli("-C", root, "cite", "fmt", "--check").exit_code == 0
    messy = root / "citations" / "more.bib"
    messy.write_text(messy.read_text().replace("  title = {Hard Currency},\n", "  Title=\"Hard Currency\",\n"))
    before = snapshot(root)
    result = cli("-C", root, "cite", "fmt", "--check")
    assert result.exit_code == 1
    assert result.stderr == "citations/more.bib:10:1: error: not formatted (run dossier cite fmt)\n"
    assert snapshot(root) == before


def test_fmt_rewrites_atomically_keeping_the_file_mode(cli, publication):
    root = publication("cite-basic")
    path = root / "citations" / "more.bib"
    path.write_text("@article{choi2013, Year = 2013, title = {T}, author = {A}, journal = {J}}\n")
    os.chmod(path, 0o640)
    result = cli("-C", root, "cite", "fmt")
    assert (result.exit_code, result.stdout) == (0, "Formatted citations/more.bib\n")
    assert path.read_text() == ("@article{choi2013,\n  author = {A},\n  title = {T},\n  journal = {J},\n"
                                "  year = {2013},\n}\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in path.parent.iterdir()) == ["main.bib", "more.bib"]   # no temporary left
    assert cli("-C", root, "cite", "fmt").stdout == "2 files already formatted\n"


def test_fmt_refuses_to_write_anything_when_a_file_is_not_utf8_or_read_only(cli, tmp_path):
    root = publication_in(tmp_path, {"a.bib": "@book{x,title={T}}\n", "b.bib": b"@book{y, title = {\xff}}\n",
                                     "c.bib": "@book{z,title={T}}\n"})
    os.chmod(root / "citations" / "c.bib", 0o444)
    before = snapshot(root)
    result = cli("-C", root, "cite", "fmt")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "citations/b.bib:1:19: error: file is not valid UTF-8 (save it as UTF-8)",
        "citations/c.bib:1:1: error: file is read-only: make it writable to format it",
        "nothing was written",
    ]
    assert snapshot(root) == before


# --- the round trip over the shared corpus --------------------------------------------------

def corpus_bibs() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted([*(CORPUS / "bib").rglob("*.bib"), *CORPUS.glob("docs/*/*.bib")])


def parsed_summary(text: str) -> dict:
    """What bibtexparser reads from text: entries (duplicates included), definitions, comments, failures.

    Values are compared as bibtexparser's default parse returns them (@strings resolved,
    enclosing braces or quotes removed); field names are case-insensitive in BibTeX.
    """
    import bibtexparser
    from bibtexparser.model import DuplicateBlockKeyBlock, Entry, ExplicitComment, ImplicitComment, Preamble, String

    library = bibtexparser.parse_string(text)
    entries, failed = [], []
    counts = {"strings": 0, "preambles": 0, "comments": 0}
    for block in library.blocks:
        if isinstance(block, DuplicateBlockKeyBlock):
            # bibtexparser leaves a repeated key's entry unprocessed: read it again on its own.
            alone = "\n".join([*(s.raw for s in library.strings), block.raw])
            block = bibtexparser.parse_string(alone).entries[0] if isinstance(block.ignore_error_block, Entry) \
                else block.ignore_error_block
        if isinstance(block, Entry):
            fields = sorted((f.key.lower(), f.value) for f in block.fields)
            entries.append((block.key, block.entry_type.lower(), tuple(fields)))
        elif isinstance(block, String):
            counts["strings"] += 1
        elif isinstance(block, Preamble):
            counts["preambles"] += 1
        elif isinstance(block, (ImplicitComment, ExplicitComment)):
            counts["comments"] += 1
        else:
            failed.append(block.raw)
    return {"entries": sorted(entries), "failed": sorted(failed), **counts}


@pytest.fixture(params=corpus_bibs() or [None], ids=lambda p: p.relative_to(CORPUS).as_posix() if p else "no-corpus")
def corpus_bib(request) -> str:
    if request.param is None:
        pytest.skip(f"the shared corpus is not at {CORPUS}: the round trip needs its .bib files")
    return request.param.read_bytes().decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n")


def test_fmt_round_trip_loses_nothing_and_is_idempotent(corpus_bib):
    formatted = format_bib(corpus_bib)
    assert parsed_summary(formatted) == parsed_summary(corpus_bib)
    assert format_bib(formatted) == formatted


def test_fmt_sort_round_trip_keeps_every_entry_and_is_idempotent(corpus_bib):
    formatted = format_bib(corpus_bib, sort=True)
    before, after = parsed_summary(corpus_bib), parsed_summary(formatted)
    assert (after["entries"], after["failed"], after["strings"], after["preambles"]) == \
           (before["entries"], before["failed"], before["strings"], before["preambles"])
    assert format_bib(formatted, sort=True) == formatted


# --- dossier cite where / unused ---------------------------------------------------------------

def test_where_lists_every_citing_place_including_drafts_and_evidence(cli):
    result = cli("-C", "tests/fixtures/cite-basic", "cite", "where", "lee2015")
    assert (result.exit_code, result.stdout) == (0, "content/articles/sanctions.md:6:35: @lee2015\n"
                                                    "content/articles/sanctions.md:9:35: source=lee2015\n")
    result = cli("-C", "tests/fixtures/cite-basic", "cite", "where", "kim2016")
    assert result.stdout == ("content/articles/sanctions.md:6:15: [@kim2016, p. 3]\n"
                             "content/articles/sanctions.md:7:14: [see @kim2016; also @park2014]\n")
    result = cli("-C", "tests/fixtures/cite-basic", "cite", "where", "choi2013")
    assert result.stdout == "content/articles/notes.md:7:19: [@choi2013]\n"


def test_where_an_undefined_key_exits_1_with_a_suggestion(cli):
    result = cli("-C", "tests/fixtures/cite-basic", "cite", "where", "kim2061")
    assert result.exit_code == 1
    assert result.stderr == "error: no entry in citations/*.bib has the key 'kim2061' (did you mean 'kim2016'?)\n"


def test_where_a_key_nobody_cites(cli):
    result = cli("-C", "tests/fixtures/cite-basic", "cite", "where", "yonhap2010")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "'yonhap2010' (citations/main.bib:19) is not cited anywhere\n"


def test_unused_lists_path_line_and_key(cli):
    result = cli("-C", "tests/fixtures/cite-basic", "cite", "unused")
    assert (result.exit_code, result.stdout) == (0, "citations/main.bib:19: yonhap2010\n")


def test_citations_found_are_the_ones_pandoc_reads(tmp_path):
    root = publication_in(tmp_path, {}, {"a.md": "Mail editor@example.org, escaped \\@kim2016, and `@code`.\n"})
    assert find_citations(root)[0] == []


# --- dossier cite add ----------------------------------------------------------------------

NEW_ENTRY = """\
@Book{jeon2015,
  Title = "Sanctions Evasion",
  Author = {Jeon, Hye-rin},
  Year = 2015,
}
"""


def test_add_inserts_the_formatted_entry_in_sorted_position(cli, publication):
    root = publication("cite-basic")
    result = cli("-C", root, "cite", "add", input=NEW_ENTRY)
    assert (result.exit_code, result.stdout) == (0, "Added 'jeon2015' to citations/main.bib:5\n")
    text = (root / "citations" / "main.bib").read_text()
    assert text.split("\n\n")[2:4] == [
        "@book{jeon2015,\n  author = {Jeon, Hye-rin},\n  title = {Sanctions Evasion},\n  year = {2015},\n}",
        "@article{kim2016,\n  author = {Kim, Min-ji},\n  title = {Markets and Money},\n"
        "  journaltitle = {Journal of Korean Studies},\n  date = {2016-03},\n}",
    ]
    assert cli("-C", root, "cite", "fmt", "--check").exit_code == 0


def test_add_to_an_unsorted_file_appends_and_can_create_a_file(cli, publication):
    root = publication("cite-basic")
    more = root / "citations" / "more.bib"
    more.write_text(more.read_text().replace("choi2013", "zz2013"))     # zz2013 before park2014: unsorted
    result = cli("-C", root, "cite", "add", "--file", "citations/more.bib", input=NEW_ENTRY)
    assert result.stdout == "Added 'jeon2015' to citations/more.bib:16\n"
    assert more.read_text().endswith("}\n\n@book{jeon2015,\n  author = {Jeon, Hye-rin},\n"
                                      "  title = {Sanctions Evasion},\n  year = {2015},\n}\n")
    result = cli("-C", root, "cite", "add", "--file", "citations/new.bib",
                 input=NEW_ENTRY.replace("jeon2015", "jeon2016"))
    assert result.stdout == "Added 'jeon2016' to citations/new.bib:1\n"
    assert (root / "citations" / "new.bib").read_text().startswith("@book{jeon2016,\n")


def test_add_keeps_a_comment_with_its_entry_and_the_file_line_endings(cli, tmp_path):
    text = ("% Header\r\n\r\n@book{alpha2001,\r\n  title = {A},\r\n}\r\n\r\n"
            "% about zeta\r\n@book{zeta2001,\r\n  title = {Z},\r\n}\r\n")
    root = publication_in(tmp_path, {"refs.bib": text.encode()})
    result = cli("-C", root, "cite", "add", input=NEW_ENTRY)
    assert result.stdout == "Added 'jeon2015' to citations/refs.bib:7\n"
    assert (root / "citations" / "refs.bib").read_bytes().decode() == (
        "% Header\r\n\r\n@book{alpha2001,\r\n  title = {A},\r\n}\r\n\r\n"
        "@book{jeon2015,\r\n  author = {Jeon, Hye-rin},\r\n  title = {Sanctions Evasion},\r\n"
        "  year = {2015},\r\n}\r\n\r\n"
        "% about zeta\r\n@book{zeta2001,\r\n  title = {Z},\r\n}\r\n")


@pytest.mark.parametrize("entry, message", [
    (NEW_ENTRY.replace("jeon2015", "lee2015"),
     "<stdin>:1:1: error: citation key 'lee2015' already exists at citations/main.bib:12"),
    (NEW_ENTRY.replace("Book", "Bok"), "<stdin>:1:1: error: unknown entry type '@bok' (did you mean '@book' or '@mvbook'?)"),
    (NEW_ENTRY.replace('  Title = "Sanctions Evasion",\n', ""),
     "<stdin>:1:1: error: entry 'jeon2015' has no title (required for @book)"),
    (NEW_ENTRY.replace("Jeon, Hye-rin}", "Jeon, Hye-rin"),
     "<stdin>:1:1: error: cannot read entry 'jeon2015': it is not closed before the end of the file "
     "(unbalanced braces?)"),
    ("@book{title = {No key}, year = {2015}}\n",
     "<stdin>:1:1: error: cannot read entry 'title': it has no citation key (write @type{key, name = {value}, ...})"),
    (NEW_ENTRY + NEW_ENTRY.replace("jeon2015", "jeon2016"),
     "<stdin>:6:1: error: dossier cite add takes one entry at a time; found 2"),
    ("", "<stdin>:1:1: error: no BibTeX entry on standard input (e.g. @article{key, ...})"),
    (b"@book{x, title = {Caf\xe9}}\n", "<stdin>:1:22: error: file is not valid UTF-8 (save it as UTF-8)"),
    (NEW_ENTRY.replace("Year = 2015", "date = {2015-13}"),
     "<stdin>:4:10: error: '2015-13' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD (a range as START/END)"),
    ("@book{loop, title = {T}, author = {A}, year = {2000}, crossref = {loop}}\n",
     "<stdin>:1:55: error: crossref makes a loop: 'loop' inherits from itself"),
], ids=["duplicate-key", "unknown-type", "missing-field", "unbalanced", "no-key", "two-entries", "empty",
        "not-utf8", "bad-date", "crossref-loop"])
def test_add_refuses_bad_entries_and_changes_no_file(cli, publication, entry, message):
    root = publication("cite-basic")
    before = snapshot(root)
    result = cli("-C", root, "cite", "add", input=entry)
    assert result.exit_code == 1
    assert message in result.stderr.splitlines()
    assert snapshot(root) == before


def test_add_refuses_a_file_outside_citations(cli, publication):
    root = publication("cite-basic")
    before = snapshot(root)
    result = cli("-C", root, "cite", "add", "--file", "content/refs.bib", input=NEW_ENTRY)
    assert result.exit_code == 1
    assert "content/refs.bib:1:1: error: --file must name a .bib file in citations/, e.g. citations/news.bib" \
        in result.stderr
    assert snapshot(root) == before


def test_a_document_that_cannot_be_read_makes_no_entry_look_unused(tmp_path, cli):
    """Issue 16: a file that fails to parse hides the citations it holds, so nothing is called uncited."""
    root = tmp_path / "pub"
    write(root / "dossier.yml", "title: P\nindex_articles: ten\n")
    write(root / "citations" / "refs.bib", "@book{kim2016, author = {Kim}, title = {T}, year = {2016}}\n")
    write(root / "content" / "articles" / "a.md", "No front matter; cites [@kim2016].\n")
    write(root / "content" / "articles" / "b.md", "---\ntitle: B\ndate: 2016-02-30\n---\n\nAs [@kim2016] says.\n")
    result = cli("-C", root, "cite", "check")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "content/articles/a.md:1:1: error: missing front matter: the file must begin with a '---' line, then 'title: ...'",
        "content/articles/b.md:3:7: error: invalid date '2016-02-30': February 2016 has 29 days",
        "dossier.yml:2:17: error: 'index_articles' must be an integer, not a string",
        "3 errors, 0 warnings",
    ]
    (root / "content" / "articles" / "a.md").unlink()
    write(root / "citations" / "more.bib", "@book{lee2015, author = {Lee}, title = {T}, year = {2015}}\n")
    assert "citations/more.bib:1:1: warning: entry 'lee2015' is not cited anywhere" in cli("-C", root, "cite", "check").stderr
