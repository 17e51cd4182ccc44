"""builder/text.py decode_utf8, the one reader of input bytes, and builder/bib/source.py bib_files,
the one list of citations/*.bib: the same position, message and files for every command."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from builder.bib.bibliography import load_bibliography
from builder.bib.cite import read_bib_files
from builder.bib.source import bib_files
from builder.config.settings import MAX_SETTINGS_BYTES, load_settings
from builder.errors import BuildFailed
from builder.text import decode_utf8
from helpers import write

MESSAGE = "error: file is not valid UTF-8 (save it as UTF-8)"
BOM = "\ufeff".encode()


# --- decode_utf8 -------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, text", [
    (b"", ""),
    ("Kim Jong-un 김정은\n".encode(), "Kim Jong-un 김정은\n"),
    (BOM + b"title: T\n", "title: T\n"),
    (BOM, ""),
    (b"a\r\nb\r\n", "a\r\nb\r\n"),                   # line endings are the caller's to normalise
    (b"a\n" + BOM + b"b\n", "a\n\ufeffb\n"),         # only a mark that opens the file is dropped
], ids=["empty", "korean", "bom", "only-bom", "crlf", "bom-later"])
def test_valid_utf8_is_the_text_without_a_byte_order_mark(raw, text):
    assert decode_utf8(raw, "f.md") == (text, None)


@pytest.mark.parametrize("raw, position", [
    (b"Caf\xe9\n", "1:4"),
    (b"\xff", "1:1"),
    ("a\nb\nc\nd\n#é".encode() + b"\xff\n", "5:3"),              # columns count characters, not bytes
    ("김정은".encode() + b"\x80", "1:4"),
    (BOM + "é".encode() + b"\xff", "1:2"),                     # the byte order mark is no column
    (b"a\r\nbc\xff", "2:3"),
    (b"ok\n" + "€".encode()[:2], "2:1"),                       # a character cut short at the end
    (b"x\n\xed\xa0\x80", "2:1"),                               # an encoded surrogate
    ("é\n".encode() + b"\xc3\x28", "2:1"),                     # a lead byte without its continuation
], ids=["latin-1", "first-byte", "line-5", "after-hangul", "after-bom", "crlf", "truncated", "surrogate",
        "bad-continuation"])
def test_the_first_bad_byte_is_reported_at_its_line_and_column(raw, position):
    text, problem = decode_utf8(raw, "f.md")
    assert text is None
    assert str(problem) == f"f.md:{position}: {MESSAGE}"


def test_a_cut_character_in_an_overlong_dossier_yml_is_reported_as_its_size(tmp_path):
    raw = b"title: T\n#" + "é".encode() * (MAX_SETTINGS_BYTES // 2 + 1)
    assert len(b"title: T\n#") % 2 == 0         # so byte MAX_SETTINGS_BYTES + 1 is the first half of an é
    write(tmp_path / "dossier.yml", raw)
    with pytest.raises(BuildFailed) as failed:
        load_settings(tmp_path)
    assert [str(p) for p in failed.value.problems] == [
        "dossier.yml:1:1: error: dossier.yml is larger than 1024 kB: settings are a few lines"]


# --- every command reports a bad byte at the same place -----------------------------------------------

SETTINGS = "title: P\nbase_url: https://example.org/\nlanguage: en\ndescription: D\n"
ARTICLE = "---\ntitle: A\ndate: 2016-01-01\ntags: [x]\n---\n\nText [@kim2016].\n"
BIB = "@book{kim2016,\n  author = {Kim, Min-ji},\n  title = {Markets},\n  year = {2016}}\n"

# Each puts a bad byte on line 5, after two characters of two bytes each: column 3, not 5.
BAD = {
    "dossier.yml": ("dossier.yml", SETTINGS.encode() + "#é".encode() + b"\xff\n"),
    "front-matter": ("content/articles/a.md",
                     "---\ntitle: A\ndate: 2016-01-01\ntags: [x]\n#é".encode() + b"\xff\n---\n\nText [@kim2016].\n"),
    "body": ("content/articles/a.md", "---\ntitle: A\ndate: 2016-01-01\n---\n«é".encode() + b"\xff [@kim2016].\n"),
    "bib": ("citations/refs.bib", BIB.encode() + "%é".encode() + b"\xff\n"),
}


def write_publication(root: Path) -> Path:
    write(root / "dossier.yml", SETTINGS)
    write(root / "content" / "articles" / "a.md", ARTICLE)
    write(root / "citations" / "refs.bib", BIB)
    return root


@pytest.mark.parametrize("command", [["build", "--no-pdf"], ["check"], ["cite", "check"]], ids=" ".join)
@pytest.mark.parametrize("where", BAD)
def test_a_bad_byte_is_reported_at_line_5_col_3_by_every_command(cli, tmp_path, where, command):
    root = write_publication(tmp_path / "pub")
    relpath, raw = BAD[where]
    write(root / relpath, raw)
    result = cli("-C", root, *command)
    assert result.exit_code == 1
    # An unreadable .bib also leaves the key it defines unknown: that is an error of its own.
    assert [line for line in result.stderr.splitlines() if "UTF-8" in line] == [f"{relpath}:5:3: {MESSAGE}"]


@pytest.mark.parametrize("command", [["build", "--no-pdf"], ["check"], ["cite", "check"]], ids=" ".join)
def test_a_byte_order_mark_is_dropped_from_every_file(cli, tmp_path, command):
    root = tmp_path / "pub"
    write(root / "dossier.yml", BOM + SETTINGS.encode())
    write(root / "content" / "articles" / "a.md", BOM + ARTICLE.encode())
    write(root / "citations" / "refs.bib", BOM + BIB.encode())
    result = cli("-C", root, *command)
    assert result.exit_code == 0, result.output
    assert [line for line in result.stderr.splitlines() if ": error: " in line or ": warning: " in line] == []


def test_a_bad_byte_after_a_byte_order_mark_is_counted_without_it(cli, tmp_path):
    root = write_publication(tmp_path / "pub")
    write(root / "citations" / "refs.bib", BOM + "%é".encode() + b"\xff\n" + BIB.encode())
    result = cli("-C", root, "cite", "check")
    assert result.stderr.splitlines()[0] == f"citations/refs.bib:1:3: {MESSAGE}"


# --- bib_files: the one list of citations/*.bib ----------------------------------------------------------

def test_bib_files_are_the_readable_bib_files_of_citations_sorted(tmp_path):
    root = write_publication(tmp_path / "pub")
    outside = write(tmp_path / "elsewhere.bib", BIB.replace("kim2016", "out2016"))
    write(root / "citations" / "b.bib", BIB.replace("kim2016", "b2016"))
    write(root / "citations" / "notes.txt", "not a .bib")
    (root / "citations" / "folder.bib").mkdir()
    os.symlink(outside, root / "citations" / "c-outside.bib")
    os.symlink(root / "citations" / "b.bib", root / "citations" / "a-inside.bib")
    os.symlink(root / "citations" / "missing.bib", root / "citations" / "d-dangling.bib")
    citations = root / "citations"
    assert bib_files(root) == [citations / "a-inside.bib", citations / "b.bib", citations / "refs.bib"]


def test_the_build_and_dossier_cite_read_the_same_bib_files_in_the_same_order(tmp_path):
    root = write_publication(tmp_path / "pub")
    write(root / "citations" / "0-first.bib", BIB.replace("kim2016", "first2016"))
    os.symlink(write(tmp_path / "elsewhere.bib", BIB.replace("kim2016", "out2016")), root / "citations" / "x.bib")
    bibliography, _ = load_bibliography(root)
    files, _ = read_bib_files(root)
    expected = ("citations/0-first.bib", "citations/refs.bib")
    assert bibliography.files == expected
    assert tuple(bib.path for bib in files) == expected


# --- The theme's own files ---------------------------------------------------------------------------

@pytest.mark.parametrize("relative", ["themes/default/templates/page.html", "themes/default/templates/_evidence_caption.html",
                                      "themes/default/static/print.css", "themes/default/locale/en.po"])
def test_a_bad_byte_in_a_theme_file_is_an_error_at_its_place_not_a_traceback(tmp_path, relative):
    import shutil

    from builder.build import build
    from helpers import FIXTURES

    root = tmp_path / "pub"
    shutil.copytree(FIXTURES / "evidence-basic", root)
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes("# 한국어\n\n".encode() + b"ab\xff\n")
    with pytest.raises(BuildFailed) as failed:
        build(root, pdf=False)
    assert [str(p) for p in failed.value.problems if p.is_error] == [f"{relative}:3:3: {MESSAGE}"]
    assert not (root / "_site").exists()
