"""builder/bib/csljson.py: CSL-JSON (citations/*.json) and CSL-YAML (citations/*.yaml, *.yml) bibliographies.

Read beside the .bib files in one order, built as the local pandoc 3.9 builds the same article with
the same files (which entry and which value wins, dates, names, a note's "name: value" lines,
<span class="nocase">), every problem at its path:line:col, and covered by `dossier cite check`,
`where` and `unused`; `fmt` and `add` stay .bib-only and say so.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from builder.bib.bibliography import load_bibliography
from builder.bib.cite import check_citations, unused_entries, where_cited
from builder.bib.csljson import CslItem, parse_csl_json, parse_csl_yaml
from builder.bib.source import bibliography_files
from builder.build import build
from builder.csl.references import convert_references
from builder.csl.pandoc import CiteprocError
from builder.errors import BuildFailed
from helpers import snapshot, write
from test_bib_pandoc import assert_as_pandoc, dossier_output, publication

ZOTERO = """\
[
  {
    "id": "zot2019",
    "type": "article-journal",
    "title": "the <span class=\\"nocase\\">iPhone</span> and <i>ships</i> at sea",
    "container-title": "journal of things",
    "author": [{"family": "van Gogh", "given": "Vincent"}, "Doe || John", {"literal": "World Health Organization"}],
    "issued": "2020-05",
    "note": "original-date: 1890\\npublisher-place: Note City\\nA remaining note",
    "volume": 3,
    "page": "1-10",
    "URL": "https://example.org/x"
  },
  {"id": 12, "type": "book", "title": "A numeric id", "issued": {"date-parts": [[2001]]}, "publisher": "P"}
]
"""

YAML = """\
references:
- id: yam2018
  type: book
  title: A YAML book
  author:
  - family: Why
    given: Yvonne
  issued: 2018
  publisher: Pub
  volume: 2
"""


def errors(root: Path) -> list[str]:
    return [str(p) for p in check_citations(root) if p.is_error]


def build_errors(root: Path) -> list[str]:
    with pytest.raises(BuildFailed) as failed:
        build(root, pdf=False, write=False, use_cache=False)
    return [str(p) for p in failed.value.problems if p.is_error]


# --- Built as pandoc builds them ---------------------------------------------------------------

def test_a_zotero_json_export_builds_as_pandoc_builds_it(tmp_path):
    root = publication(tmp_path, {"refs.json": ZOTERO}, ["zot2019", "12"])
    assert assert_as_pandoc(root) == []
    entry = dossier_output(root)[0][0]["zot2019"]
    assert entry.startswith("Gogh, Vincent van, John Doe, and World Health Organization. (1890) 2020.")
    assert "The iPhone and Ships at Sea" in entry     # nocase kept: not "IPhone"
    assert check_citations(root) == []


def test_a_csl_yaml_file_builds_as_pandoc_builds_it_in_both_forms(tmp_path):
    root = publication(tmp_path, {"refs.yaml": YAML}, ["yam2018"])
    assert assert_as_pandoc(root) == []
    listed = YAML.replace("references:\n", "")
    other = publication(tmp_path / "list", {"refs.yml": listed}, ["yam2018"])
    assert assert_as_pandoc(other) == []
    assert dossier_output(root)[0] == dossier_output(other)[0]


def test_a_csl_yaml_note_is_text_as_pandoc_reads_it(tmp_path):
    yaml = YAML + "  note: 'publisher: Not a publisher'\n"
    root = publication(tmp_path, {"refs.yaml": yaml}, ["yam2018"])
    assert_as_pandoc(root)
    bibliography, _ = load_bibliography(root)
    assert bibliography.entries["yam2018"].item["note"] == "publisher: Not a publisher"


def test_json_yaml_and_bib_together_the_last_definition_of_a_key_wins_as_pandoc(tmp_path):
    bib = "@book{shared, author = {Bib, B}, title = {From the bib}, year = {2000}, publisher = {P}}\n"
    json_text = '[{"id": "shared", "type": "book", "title": "From the JSON", "issued": "2001"}]\n'
    yaml = "- id: shared\n  type: book\n  title: From the YAML\n  issued: 2002\n"
    root = publication(tmp_path, {"a.bib": bib, "b.json": json_text, "c.yaml": yaml}, ["shared"])
    warnings = assert_as_pandoc(root)
    assert "From the YAML" in dossier_output(root)[0][0]["shared"]
    assert warnings == [
        "citations/a.bib:1:1: warning: citation key 'shared' is defined again at citations/c.yaml:1: pandoc uses "
        "the last definition, so this one is ignored",
        "citations/b.json:1:2: warning: citation key 'shared' is defined again at citations/c.yaml:1: pandoc uses "
        "the last definition, so this one is ignored",
    ]
    assert errors(root) == [
        "citations/a.bib:1:1: error: citation key 'shared' is defined more than once: also at citations/b.json:1, "
        "citations/c.yaml:1",
        "citations/b.json:1:2: error: citation key 'shared' is defined more than once: also at citations/a.bib:1, "
        "citations/c.yaml:1",
        "citations/c.yaml:1:3: error: citation key 'shared' is defined more than once: also at citations/a.bib:1, "
        "citations/b.json:1",
    ]
    first = publication(tmp_path / "bib-last", {"a.json": json_text, "b.bib": bib}, ["shared"])
    assert_as_pandoc(first)
    assert "From the Bib" in dossier_output(first)[0][0]["shared"]


def test_in_json_an_id_defined_twice_is_the_last_item_a_name_written_twice_its_first_value(tmp_path):
    text = """\
[
  {"id": "d", "type": "book", "title": "First item", "issued": "2000"},
  {"id": "d", "type": "book", "title": "Second item", "publisher": "First pub",
   "publisher": "Second pub", "issued": "2001"}
]
"""
    root = publication(tmp_path, {"refs.json": text}, ["d"])
    warnings = assert_as_pandoc(root)
    entry = dossier_output(root)[0][0]["d"]
    assert "Second Item" in entry and "First pub" in entry
    assert warnings == [
        "citations/refs.json:2:3: warning: citation key 'd' is defined again at citations/refs.json:3: pandoc uses "
        "the last definition, so this one is ignored",
        "citations/refs.json:4:4: warning: entry 'd' sets publisher twice: pandoc uses the first value, on line 3, "
        "and ignores this one",
    ]
    assert errors(root) == [
        "citations/refs.json:2:3: error: citation key 'd' is defined more than once: also at citations/refs.json:3",
        "citations/refs.json:3:3: error: citation key 'd' is defined more than once: also at citations/refs.json:2",
        "citations/refs.json:4:4: error: entry 'd' sets publisher twice (first on line 3)",
    ]


def test_in_yaml_an_id_defined_twice_is_the_last_item(tmp_path):
    yaml = "- id: dup\n  type: book\n  title: First\n- id: dup\n  type: book\n  title: Second copy\n"
    root = publication(tmp_path, {"refs.yaml": yaml}, ["dup"])
    warnings = assert_as_pandoc(root)
    assert "Second Copy" in dossier_output(root)[0][0]["dup"]
    assert warnings == ["citations/refs.yaml:1:3: warning: citation key 'dup' is defined again at citations/refs.yaml:4: "
                        "pandoc uses the last definition, so this one is ignored"]


def test_identical_copies_in_json_are_one_warning(tmp_path):
    item = '{"id": "c", "type": "book", "title": "Copy", "issued": "2000"}'
    root = publication(tmp_path, {"refs.json": f"[{item},\n {item}]\n"}, ["c"])
    assert assert_as_pandoc(root) == ["citations/refs.json:1:2: warning: citation key 'c' is defined again, "
                                      "identically, at citations/refs.json:2: this copy is ignored"]


def test_json_that_was_silently_ignored_is_read(tmp_path):
    root = publication(tmp_path, {"refs.json": ZOTERO}, ["zot2019"])
    bibliography, problems = load_bibliography(root)
    assert problems == []
    assert bibliography.files == ("citations/refs.json",)
    assert isinstance(bibliography.entries["zot2019"], CslItem)
    assert (bibliography.entries["12"].line, bibliography.entries["12"].col) == (14, 3)


# --- Problems, each at its place ----------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ('[{"id": "a", "title": "T"},\n {"id": "b" "title": "U"}]\n',
     "2:13: error: malformed JSON: Expecting ',' delimiter"),
    ('[{"id": "a", "volume": NaN}]\n', "1:24: error: malformed JSON: NaN is not a JSON value"),
    ("", "1:1: error: malformed JSON: Expecting value"),
    ('{"id": "a", "title": "T"}\n',
     '1:1: error: a CSL-JSON file is a list of items: [{"id": "key", "type": "book", ...}, ...]'),
    ('[{"id": "a", "title": "T"},\n 5]\n', "2:2: error: this item is not a set of variables (id, type, title, ...)"),
    ('[{"id": true, "title": "T"}]\n', "1:9: error: id must be text or a whole number"),
    ('[{"id": "a",\n  "author": "Doe, J"}]\n',
     '2:13: error: author: must be a list of names, each {"family": ..., "given": ...} or {"literal": ...}'),
    ('[{"id": "a", "issued": [2020]}]\n',
     '1:24: error: issued: must be a date: "2016-03-14", or {"date-parts": [[2016, 3, 14]]}'),
    ('[{"id": "a", "issued": {"date-parts": [["x"]]}}]\n',
     '1:24: error: issued: must be a date: "2016-03-14", or {"date-parts": [[2016, 3, 14]]}'),
    ('[{"id": "a", "title": ["T"]}]\n', "1:23: error: title: must be text or a whole number"),
    ('[{"id": "a", "note": 5}]\n', "1:22: error: note: must be text"),
    ('[{"id": "a", "abstract": "' + "x" * 100_001 + '"}]\n',
     "1:26: error: abstract: the value is 100,001 characters long; the most a value may hold is 100,000"),
    ("[" * 101 + "]" * 101, "1:101: error: values nested more than 100 levels deep (the most a bibliography file may nest)"),
], ids=["syntax", "nan", "empty", "not-a-list", "not-an-item", "bad-id", "names", "date", "date-parts", "title",
        "note", "too-long", "too-deep"])
def test_json_problems_are_errors_at_their_place(tmp_path, text, expected):
    root = publication(tmp_path, {"refs.json": text}, [])
    assert errors(root) == [f"citations/refs.json:{expected}"]
    assert build_errors(root) == [f"citations/refs.json:{expected}"]


@pytest.mark.parametrize("text, expected", [
    ("references:\n- id: a\n  title: [bad\n",
     "3:10: error: malformed YAML: this '[' is not closed: add ']' after the last item"),
    ("title: not a bibliography\n", "1:1: error: a CSL-YAML file is a list of items (- id: key) or a references: list of them"),
    ("- id: a\n- just text\n", "2:3: error: this item is not a set of variables (id, type, title, ...)"),
    ("- id: a\n  issued: [2020]\n", '2:11: error: issued: must be a date: "2016-03-14", or {"date-parts": [[2016, 3, 14]]}'),
    ("- id: [a]\n", "1:7: error: id must be text or a whole number"),
], ids=["syntax", "not-a-list", "not-an-item", "date", "bad-id"])
def test_yaml_problems_are_errors_at_their_place(tmp_path, text, expected):
    root = publication(tmp_path, {"refs.yaml": text}, [])
    assert errors(root) == [f"citations/refs.yaml:{expected}"]


def test_yaml_aliases_are_counted_without_being_expanded(tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for name, previous in zip("bcdefghi", "abcdefgh"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    text = "\n".join(lines) + "\nreferences:\n- id: boom\n  x: *i\n"
    root = publication(tmp_path, {"refs.yaml": text}, [])
    assert errors(root) == ["citations/refs.yaml:11:3: error: aliases make the items of this file more than 10,000,000 "
                            "characters longer than written (the most they may add in all)"]


def test_an_item_without_an_id_is_a_warning_and_the_build_goes_on(tmp_path):
    text = '[{"type": "book", "title": "No id"},\n {"id": "b", "type": "book", "title": "B", "issued": "2000"}]\n'
    root = publication(tmp_path, {"refs.json": text}, ["b"])
    assert assert_as_pandoc(root) == ["citations/refs.json:1:2: warning: this item has no id, so nothing can cite it"]


def test_yaml_scalars_are_text_and_a_single_name_a_list(tmp_path):
    file = parse_csl_yaml("- id: 12\n  volume: 1.10\n  edition: 2\n  publisher: yes\n  author: Doe, J\n  issue: ~\n", "r.yaml")
    assert file.problems == ()
    assert file.items[0].item == {"id": "12", "volume": "1.1", "edition": "2", "publisher": "true",
                                  "author": ["Doe, J"]}


def test_json_positions_of_items_and_fields():
    file = parse_csl_json('{"items": [\n  {"id": "w", "title": "T",\n   "title": "U"}\n]}\n', "r.json")
    [item] = file.items
    assert (item.key, item.line, item.col, item.item["title"]) == ("w", 2, 3, "T")
    assert [(f.name, f.line, f.col, f.value_line, f.value_col) for f in item.fields] == [
        ("id", 2, 4, 2, 10), ("title", 2, 15, 2, 24), ("title", 3, 4, 3, 13)]


def test_a_file_that_is_not_utf8_is_an_error_at_the_byte(tmp_path):
    root = publication(tmp_path, {}, [])
    write(root / "citations" / "refs.json", b'[{"id": "a", "title": "Caf\xe9"}]\n')
    assert errors(root) == ["citations/refs.json:1:27: error: file is not valid UTF-8 (save it as UTF-8)"]


def test_a_link_out_of_the_publication_is_not_read(tmp_path):
    root = publication(tmp_path / "pub", {"refs.json": ZOTERO}, [])
    outside = write(tmp_path / "elsewhere.json", ZOTERO.replace("zot2019", "out2019"))
    os.symlink(outside, root / "citations" / "x.json")
    citations = root / "citations"
    assert bibliography_files(root) == [citations / "refs.json"]
    assert "citations/x.json:1:1: error: file is a link to a place outside the publication folder: copy what it " \
           "holds into the publication" in [str(p) for p in check_citations(root)]


# --- pandoc has the last word ------------------------------------------------------------------

class RefusingEngine:
    """Refuses a request holding the item 'bad' as pandoc's CSL-JSON reader does: naming it by its index."""

    def __init__(self):
        self.requests = 0

    def convert(self, text: str, lang: str = "en-US") -> list[dict]:
        self.requests += 1
        items = json.loads(text)
        for index, item in enumerate(items):
            if item["id"] == "bad":
                raise CiteprocError(f"Error in $[{index}]['date-parts'][0]: not a number")
        return items


def test_an_item_pandoc_refuses_is_an_error_at_the_item_and_the_rest_are_read(tmp_path):
    text = '[{"id": "ok", "type": "book", "title": "T"},\n {"id": "bad", "type": "book", "title": "U"}]\n'
    root = publication(tmp_path, {"refs.json": text}, [])
    bibliography, _ = load_bibliography(root)
    engine = RefusingEngine()
    items, problems = convert_references(engine, bibliography, ["bad", "ok"])
    assert sorted(items) == ["ok"]
    assert [str(p) for p in problems] == [
        "citations/refs.json:2:2: error: pandoc cannot read entry 'bad': ['date-parts'][0]: not a number"]
    assert engine.requests == 2


# --- dossier cite --------------------------------------------------------------------------------

def test_cite_check_where_and_unused_cover_csl_files(tmp_path):
    root = publication(tmp_path, {"refs.json": ZOTERO, "refs.yaml": YAML}, ["zot2019", "yam2019"])
    assert [str(p) for p in check_citations(root)] == [
        "citations/refs.json:14:3: warning: entry '12' is not cited anywhere",
        "citations/refs.yaml:2:3: warning: entry 'yam2018' is not cited anywhere",
        "content/articles/a.md:6:19: error: unknown citation key 'yam2019' (did you mean 'yam2018'?)",
    ]
    unused, problems = unused_entries(root)
    assert [(entry.where, entry.key) for entry in unused] == [("citations/refs.json:14", "12"),
                                                              ("citations/refs.yaml:2", "yam2018")]
    found, _ = where_cited(root, "zot2019")
    assert found.definition.where == "citations/refs.json:2"
    assert [(c.path, c.line, c.col) for c in found.citations] == [("content/articles/a.md", 6, 6)]


def test_cite_fmt_leaves_csl_files_as_they_are_and_says_so(cli, tmp_path):
    root = publication(tmp_path, {"refs.json": ZOTERO, "refs.bib": "@book{a,\n  title = {T},\n}\n"}, [])
    before = snapshot(root / "citations")
    result = cli("-C", root, "cite", "fmt")
    assert result.exit_code == 0
    assert "citations/refs.json:1:1: warning: dossier cite fmt formats .bib files only: this file is left as it is" \
        in result.stderr
    assert snapshot(root / "citations") == before


def test_cite_add_writes_bib_files_only_and_knows_csl_keys(cli, tmp_path):
    root = publication(tmp_path, {"refs.json": ZOTERO}, [])
    before = snapshot(root)
    entry = "@book{zot2019, author = {A, B}, title = {T}, year = {2000}, publisher = {P}}\n"
    result = cli("-C", root, "cite", "add", "--file", "citations/refs.json", input=entry)
    assert result.exit_code == 1
    assert ("citations/refs.json:1:1: error: dossier cite add writes .bib files only: CSL-JSON and CSL-YAML files "
            "are read, never written; name a .bib file in citations/") in result.stderr
    result = cli("-C", root, "cite", "add", input=entry)
    assert result.exit_code == 1
    assert "<stdin>:1:1: error: citation key 'zot2019' already exists at citations/refs.json:2" in result.stderr
    assert snapshot(root) == before
