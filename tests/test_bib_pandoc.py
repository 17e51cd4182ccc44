"""Bibliographies pandoc builds build here, resolved as pandoc resolves them (builder/bib/bibliography.py,
builder/bib/source.py): a key defined twice, identical copies, a field set twice, keys that are URLs.

Each case is built by Dossier and by the local pandoc 3.9 (`pandoc a.md --citeproc --bibliography ...
--csl STYLE -t html`, the files in the order the build reads them) and the bibliographies compared
entry by entry: which entry and which value wins is pandoc's. The build warns at what pandoc
passes over, naming both places; `dossier cite check` reports the same as errors.
"""

from __future__ import annotations

import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from builder.bib.bibliography import load_bibliography
from builder.bib.cite import check_citations
from builder.bib.source import bibliography_files, parse_bib
from builder.build import build
from builder.csl.pandoc import pandoc_path
from builder.csl.styles import resolve_style
from helpers import write

SETTINGS = 'title: "P"\nbase_url: https://example.org/\nlanguage: en\n'


def publication(root: Path, files: dict[str, str], cited: list[str]) -> Path:
    """A publication citing each key of cited (as [@{key}]) in content/articles/a.md."""
    write(root / "dossier.yml", SETTINGS)
    for name, text in files.items():
        write(root / "citations" / name, text)
    body = " ".join(f"[@{{{key}}}]" for key in cited)
    write(root / "content" / "articles" / "a.md", f'---\ntitle: "A"\ndate: 2016-04-08\n---\n\nSee {body}.\n')
    return root


class _Entries(HTMLParser):
    """The text of each bibliography entry (<div id="ref-KEY" class="csl-entry">) and each citation
    (<span class="citation">), without Dossier's link to the source's page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.entries: dict[str, str] = {}
        self.citations: list[str] = []
        self._open: list[tuple[str, str | None, list[str]]] = []    # (tag, what it collects, text)
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "a" and "source-link" in classes:
            self._skip += 1
        what = None
        if tag == "div" and "csl-entry" in classes and (attributes.get("id") or "").startswith("ref-"):
            what = "entry:" + attributes["id"][4:]
        elif tag == "span" and "citation" in classes:
            what = "citation"
        self._open.append((tag, what, []))

    def handle_endtag(self, tag):
        if tag == "a" and self._skip:
            self._skip -= 1
        while self._open:             # elements left open (<br>) close with their parent
            opened, what, text = self._open.pop()
            joined = "".join(text)
            if what == "citation":
                self.citations.append(" ".join(joined.split()))
            elif what is not None:
                self.entries[what[6:]] = " ".join(joined.split())
            if self._open:
                self._open[-1][2].append(joined)
            if opened == tag:
                break

    def handle_data(self, data):
        if self._open and not self._skip:
            self._open[-1][2].append(data)


def read_html(html: str) -> tuple[dict[str, str], list[str]]:
    parser = _Entries()
    parser.feed(html)
    return parser.entries, parser.citations


def dossier_output(root: Path) -> tuple[tuple[dict[str, str], list[str]], list[str]]:
    """The article's entries and citations as Dossier builds them, and the build's warnings."""
    result = build(root, pdf=False, write=False, use_cache=False)
    page = next(o for o in result.outputs if o.path == "articles/a/index.html")
    return read_html(page.content.decode()), [str(p) for p in result.warnings]


def pandoc_output(root: Path) -> tuple[dict[str, str], list[str]]:
    """The same article as the local pandoc formats it, given the bibliography files in the build's order."""
    style, _ = resolve_style(root, "chicago-author-date")
    command = [pandoc_path(), "content/articles/a.md", "--citeproc", "--csl", str(style), "-t", "html"]
    for path in bibliography_files(root):
        command += ["--bibliography", path.relative_to(root).as_posix()]
    html = subprocess.run(command, cwd=root, capture_output=True, text=True, check=True).stdout
    return read_html(html)


def assert_as_pandoc(root: Path) -> list[str]:
    """Dossier's entries and citations are pandoc's; the build's warnings."""
    (entries, citations), warnings = dossier_output(root)
    expected_entries, expected_citations = pandoc_output(root)
    assert list(entries.items()) == list(expected_entries.items())
    assert citations == expected_citations
    return warnings


def check_errors(root: Path) -> list[str]:
    return [str(p) for p in check_citations(root) if p.is_error]


# --- A key defined twice -----------------------------------------------------------------------

ARTICLE_THEN_SOFTWARE = """\
@article{smith2020,
  author = {Smith, John},
  title = {The Article Version},
  journal = {Journal of Tests},
  year = {2020},
}

@software{smith2020,
  author = {Smith, Jane},
  title = {The Software Version},
  year = {2021},
  url = {https://example.org/software},
}
"""


def test_a_key_defined_twice_is_the_last_definition_as_pandoc_reads_it(tmp_path):
    root = publication(tmp_path, {"refs.bib": ARTICLE_THEN_SOFTWARE}, ["smith2020"])
    warnings = assert_as_pandoc(root)
    entries, _ = pandoc_output(root)
    assert "The Software Version" in entries["smith2020"]
    assert warnings == ["citations/refs.bib:1:1: warning: citation key 'smith2020' is defined again at "
                        "citations/refs.bib:8: pandoc uses the last definition, so this one is ignored"]
    assert check_errors(root) == [
        "citations/refs.bib:1:1: error: citation key 'smith2020' is defined more than once: also at citations/refs.bib:8",
        "citations/refs.bib:8:1: error: citation key 'smith2020' is defined more than once: also at citations/refs.bib:1",
    ]


def test_a_key_defined_three_times_and_in_two_files_is_the_last_one_read(tmp_path):
    first = "@book{k, author = {One, A}, title = {First}, year = {2001}, publisher = {P}}\n"
    second = "@book{k, author = {Two, B}, title = {Second}, year = {2002}, publisher = {P}}\n"
    third = "@book{k, author = {Three, C}, title = {Third}, year = {2003}, publisher = {P}}\n"
    root = publication(tmp_path, {"a.bib": first + "\n" + second, "b.bib": third}, ["k"])
    warnings = assert_as_pandoc(root)
    assert "Third" in dossier_output(root)[0][0]["k"]
    assert warnings == [
        "citations/a.bib:1:1: warning: citation key 'k' is defined again at citations/b.bib:1: pandoc uses the last "
        "definition, so this one is ignored",
        "citations/a.bib:3:1: warning: citation key 'k' is defined again at citations/b.bib:1: pandoc uses the last "
        "definition, so this one is ignored",
    ]


def test_two_keys_defined_twice_as_identical_copies(tmp_path):
    copy = "@book{copy, author = {Copy, Ann}, title = {Copy}, year = {2000}, publisher = {P}}\n"
    other = "@article{other, author = {Other, O}, title = {Other}, journal = {J}, year = {2001}}\n"
    root = publication(tmp_path, {"refs.bib": copy + other + "\n" + copy + other}, ["copy", "other"])
    warnings = assert_as_pandoc(root)
    assert warnings == [
        "citations/refs.bib:1:1: warning: citation key 'copy' is defined again, identically, at citations/refs.bib:4: "
        "this copy is ignored",
        "citations/refs.bib:2:1: warning: citation key 'other' is defined again, identically, at citations/refs.bib:5: "
        "this copy is ignored",
    ]
    assert len(check_errors(root)) == 4


def test_a_parent_defined_twice_is_inherited_from_its_last_definition(tmp_path):
    bib = """\
@book{parent, title = {Parent One}, publisher = {Pub One}, year = {2001}, editor = {Ed, One}}
@incollection{child, author = {Kid, K}, title = {Chapter}, crossref = {parent}, pages = {1--2}}
@book{parent, title = {Parent Two}, publisher = {Pub Two}, year = {2002}, editor = {Ed, Two}}
"""
    root = publication(tmp_path, {"refs.bib": bib}, ["child"])
    assert_as_pandoc(root)
    assert "Pub Two" in dossier_output(root)[0][0]["child"]


# --- A field set twice -----------------------------------------------------------------------------

TWO_URLS = """\
@misc{twourls,
  author = {Url, Ulla},
  title = {Two URLs},
  url = {https://first.example.org},
  year = {2019},
  url = {https://second.example.org},
}
"""


def test_a_field_set_twice_is_its_last_value_as_pandoc_reads_it(tmp_path):
    root = publication(tmp_path, {"refs.bib": TWO_URLS}, ["twourls"])
    warnings = assert_as_pandoc(root)
    assert "https://second.example.org" in dossier_output(root)[0][0]["twourls"]
    assert warnings == ["citations/refs.bib:4:3: warning: entry 'twourls' sets url twice: pandoc uses the last value, "
                        "on line 6, and ignores this one"]
    assert check_errors(root) == ["citations/refs.bib:6:3: error: entry 'twourls' sets url twice (first on line 4)"]


def test_a_field_set_three_times_in_any_case_is_its_last_value(tmp_path):
    bib = "@misc{f, author = {F, F}, title = {T1}, Title = {T2}, TITLE = {T3}, year = {2000}}\n"
    root = publication(tmp_path, {"refs.bib": bib}, ["f"])
    warnings = assert_as_pandoc(root)
    assert "T3" in dossier_output(root)[0][0]["f"]
    assert warnings == [
        "citations/refs.bib:1:27: warning: entry 'f' sets title twice: pandoc uses the last value, on line 1, and "
        "ignores this one",
        "citations/refs.bib:1:41: warning: entry 'f' sets title twice: pandoc uses the last value, on line 1, and "
        "ignores this one",
    ]


def test_a_crossref_set_twice_follows_its_last_value(tmp_path):
    bib = """\
@book{parent, title = {Parent}, publisher = {Pub}, year = {2001}}
@incollection{child, author = {Kid, K}, title = {Chapter}, crossref = {nothing}, crossref = {parent}}
"""
    root = publication(tmp_path, {"refs.bib": bib}, ["child"])
    warnings = assert_as_pandoc(root)
    assert "Pub" in dossier_output(root)[0][0]["child"]
    assert warnings == ["citations/refs.bib:2:60: warning: entry 'child' sets crossref twice: pandoc uses the last "
                        "value, on line 2, and ignores this one"]


# --- Keys pandoc reads ---------------------------------------------------------------------------

URL_KEYS = """\
@misc{https://example.org/a=b,
  author = {Key, Kay},
  title = {URL key with equals},
  year = {2020},
}

@misc{http://doi.org/10.1000/xyz.123,
  author = {Doi, Dee},
  title = {DOI key},
  year = {2021},
}

@misc{a:b/c.d,
  author = {Colon, Cee},
  title = {Colon key},
  year = {2022},
}

@misc{q?x=1&y=2,
  author = {Query, Q},
  title = {Query key},
  year = {2023},
}

@misc{a(b)$c,
  author = {Paren, P},
  title = {Parenthesis key},
  year = {2024},
}
"""
KEYS = ["https://example.org/a=b", "http://doi.org/10.1000/xyz.123", "a:b/c.d", "q?x=1&y=2", "a(b)$c"]


def test_keys_pandoc_reads_are_read_whole():
    bib = parse_bib(URL_KEYS, "refs.bib")
    assert [block.block.key for block in bib.entries()] == KEYS
    assert [block.line for block in bib.entries()] == [1, 7, 13, 19, 25]
    assert bib.source(bib.entries()[0]).startswith("@misc{https://example.org/a=b,\n")


def test_keys_that_are_urls_build_as_pandoc_builds_them(tmp_path):
    root = publication(tmp_path, {"refs.bib": URL_KEYS}, KEYS)
    assert assert_as_pandoc(root) == []
    assert sorted(dossier_output(root)[0][0]) == sorted(KEYS)
    assert check_citations(root) == []


def test_an_equals_sign_in_a_value_that_looks_like_an_entry_is_left_alone():
    text = "@misc{note, abstract = {see @misc{x=y, here}}, title = {t=@misc{q=r,}}}\n@misc{https://x.org/?a=b, title = {T}}\n"
    bib = parse_bib(text, "refs.bib")
    assert [block.block.key for block in bib.entries()] == ["note", "https://x.org/?a=b"]
    assert [(f.key, f.value) for f in bib.entries()[0].block.fields] == [
        ("abstract", "{see @misc{x=y, here}}"), ("title", "{t=@misc{q=r,}}")]


def test_a_key_pandoc_does_not_read_is_still_an_error(tmp_path):
    root = publication(tmp_path, {"refs.bib": "@misc{a~b, author = {A}, title = {T}, year = {2020}}\n"}, ["a~b"])
    assert check_errors(root) == [
        "citations/refs.bib:1:1: error: citation key 'a~b' contains '~', which pandoc does not read in a key: use "
        "letters, digits and . : ; ? ! ` ' / * @ _ + - [ ] &"]


def test_the_bibliography_keeps_the_definition_used_and_its_last_values(tmp_path):
    root = publication(tmp_path, {"refs.bib": ARTICLE_THEN_SOFTWARE + "\n" + TWO_URLS}, [])
    bibliography, problems = load_bibliography(root)
    assert bibliography.entries["smith2020"].entry_type == "software"
    assert bibliography.entries["smith2020"].line == 8
    assert bibliography.entries["twourls"].field("url") == "https://second.example.org"
    assert all(not p.is_error for p in problems)


@pytest.mark.parametrize("text", [ARTICLE_THEN_SOFTWARE, TWO_URLS])
def test_cite_check_still_fails_where_the_build_warns(tmp_path, text):
    root = publication(tmp_path, {"refs.bib": text}, [])
    assert check_errors(root)
    build(root, pdf=False, write=False, use_cache=False)
