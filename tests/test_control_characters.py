"""Control characters pasted into a publication (a form feed copied from a PDF, a terminal's escape
sequence, a YAML escape such as "\\x07") never crash a build: in YAML values (dossier.yml, front
matter) each is a warning at its position and is removed (builder/config/yamlfile.py); XML outputs drop
what XML cannot hold (builder/site/feeds.py). The publication below has them everywhere a writer types
text and is built once, PDFs included, through the command line.
"""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ElementTree
import pytest

from helpers import FIXTURES, write

# As the pasted characters appear in a file, and as YAML escapes in double-quoted values.
RAW = "\x0c\x0b\x07\x1b\ufffe"
ESCAPES = "\\x0c\\x0b\\x07\\x00\\x1b\\uFFFE"
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(the publication's root, the result of `dossier build` with PDFs) for a publication full of control characters."""
    from click.testing import CliRunner

    from builder.cli import main

    root = tmp_path_factory.mktemp("control") / "print"
    shutil.copytree(FIXTURES / "pdf-edition", root)
    write(root / "dossier.yml", (
        f'title: "Print{ESCAPES} Ledger"\n'
        f"description: A small\x0c publication\x0b.\n"
        "base_url: https://example.org/print/\n"
        f'authors: ["Test{ESCAPES} Author", {{name: "Ann\\x0c Other", affiliation: "Inst\\x07"}}]\n'))
    note = root / "content" / "articles" / "short-note.md"
    text = note.read_text(encoding="utf-8")
    text = text.replace('title: "A note on sources"', f'title: "A note{ESCAPES} on sources"\nsubtitle: "Sub\x0ctitle\\x1b"')
    text = text.replace("tags: [method]", f'tags: [method, "pas{ESCAPES}ted", "pa\x0bge"]')
    text = text.replace("authors: [Test Author]", f'authors: ["Test\\x0c Author", "Bob{ESCAPES}"]')
    text = text.replace('summary: "Why', f'summary: "{ESCAPES}Why')
    text += f"\nPasted from a PDF:{RAW} and a NUL \x00 too.\n\n## A heading\x0c with a form feed\n\n| a\x07 | b |\n|---|---|\n| c\x0c | d |\n"
    note.write_text(text, encoding="utf-8")
    bib = root / "citations" / "sources.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace("Markets and the State", "Markets\x0c and the\x07 State"),
                   encoding="utf-8")
    result = CliRunner().invoke(main, ["-C", str(root), "build"], catch_exceptions=False)
    return root, result


def test_the_build_succeeds_with_a_warning_at_each_character(built):
    root, result = built
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    warnings = [line for line in result.stderr.splitlines() if ": warning: " in line]
    assert "dossier.yml:1:8: warning: unprintable character U+000C (form feed) removed from the value" in warnings
    assert "dossier.yml:2:21: warning: unprintable character U+000C (form feed) removed from the value" in warnings
    assert "dossier.yml:2:34: warning: unprintable character U+000B (vertical tab) removed from the value" in warnings
    assert "dossier.yml:4:89: warning: unprintable character U+0007 (bell) removed from the value" in warnings
    assert (root / "_site" / "pdf" / "2016.pdf").is_file() and (root / "_site" / "pdf" / "short-note.pdf").is_file()


def test_every_xml_output_is_well_formed_and_holds_none(built):
    root, _ = built
    files = sorted((root / "_site").rglob("*.xml"))
    assert len(files) > 3
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not NOT_XML.search(text), path
        ElementTree.fromstring(text.encode())


def test_the_feed_has_the_values_without_them(built):
    root, _ = built
    feed = ElementTree.parse(root / "_site" / "feed.xml").getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    assert feed.findtext(f"{atom}title") == "Print Ledger"
    assert feed.findtext(f"{atom}subtitle") == "A small publication."
    titles = [entry.findtext(f"{atom}title") for entry in feed.iter(f"{atom}entry")]
    assert "A note on sources" in titles
    content = " ".join(entry.findtext(f"{atom}content") or "" for entry in feed.iter(f"{atom}entry"))
    # In a document's text each is a space, with a warning.
    assert "Pasted from a PDF:" + " " * len(RAW) + " and a NUL   too." in content


def test_every_json_output_parses_and_titles_are_clean(built):
    root, _ = built
    for path in sorted((root / "_site").rglob("*.json")):
        json.loads(path.read_text(encoding="utf-8"))
    [cite] = json.loads((root / "_site" / "articles" / "short-note" / "cite.json").read_text(encoding="utf-8"))
    assert (cite["title"], cite["container-title"]) == ("A note on sources", "Print Ledger")
    for page in sorted((root / "_site").rglob("*.html")):
        title = re.search(r"<title>(.*?)</title>", page.read_text(encoding="utf-8"), re.S)
        assert title is None or not NOT_XML.search(title.group(1)), page


def test_a_lone_surrogate_escape_is_an_error_at_its_position(tmp_path, cli):
    root = tmp_path / "print"
    shutil.copytree(FIXTURES / "pdf-edition", root)
    write(root / "dossier.yml", 'title: "Print \\ud800 Ledger"\n')
    result = cli("-C", root, "build", "--no-pdf")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == "dossier.yml:1:17: error: malformed YAML: found invalid Unicode character escape code"
