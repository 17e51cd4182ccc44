"""builder/config/yamlfile.py: YAML with the position of every key and value; unprintable characters
removed with a warning at each, positions still those of the text as written; numbers too long
to handle refused. Front matter (builder/content/documents.py) and dossier.yml (tests/test_config_settings.py) both
read YAML through it."""

import pytest

from builder.config.yamlfile import YamlError, parse_yaml
from builder.content.documents import load_documents
from helpers import write

HUGE_NUMBER = "9" * 5000


def warnings(text: str, path: str = "content/articles/a.md", line_offset: int = 1) -> list[str]:
    return [str(w) for w in parse_yaml(text).warnings(path, line_offset)]


def test_characters_written_into_the_file_are_removed_at_their_own_positions():
    text = "title: Page\x0cbreak\nsummary: \x1b[1mbold\x1b[0m\ttabbed\nnote: |\n  a\x07b\n  c\n"
    doc = parse_yaml(text)
    assert doc.data == {"title": "Pagebreak", "summary": "[1mbold[0m\ttabbed", "note": "ab\nc\n"}
    assert warnings(text) == [
        "content/articles/a.md:2:12: warning: unprintable character U+000C (form feed) removed from the value",
        "content/articles/a.md:3:10: warning: unprintable character U+001B (escape) removed from the value",
        "content/articles/a.md:3:18: warning: unprintable character U+001B (escape) removed from the value",
        "content/articles/a.md:5:4: warning: unprintable character U+0007 (bell) removed from the value",
    ]


def test_escaped_characters_are_removed_with_a_warning_at_their_value():
    text = 'title: "a\\x07b\\x00c\\x07"\ntags: [ok, "t\\vag", "\\uFFFE\\uFFFF"]\nx: "\\r\\n\\t"\n'
    doc = parse_yaml(text)
    assert doc.data == {"title": "abc", "tags": ["ok", "tag", ""], "x": "\n\t"}
    assert warnings(text) == [
        "content/articles/a.md:2:8: warning: unprintable character U+0000 (NUL) removed from the value",
        "content/articles/a.md:2:8: warning: unprintable character U+0007 (bell) removed from the value",
        "content/articles/a.md:3:12: warning: unprintable character U+000B (vertical tab) removed from the value",
        "content/articles/a.md:3:21: warning: unprintable character U+FFFE removed from the value",
        "content/articles/a.md:3:21: warning: unprintable character U+FFFF removed from the value",
        "content/articles/a.md:4:4: warning: unprintable character U+000D (carriage return) removed from the value",
    ]


def test_keys_are_cleaned_too_and_positions_after_a_removal_are_the_files():
    doc = parse_yaml("ti\x0btle: T\nlist: [a,\x0cb, c]\n")
    assert doc.data == {"title": "T", "list": ["a", "b", "c"]}
    assert doc.key_position("title") == (1, 1)
    assert doc.value_position("title") == (1, 9)
    assert [doc.value_position("list", index) for index in range(3)] == [(2, 8), (2, 10), (2, 14)]


def test_an_error_after_a_removed_character_points_into_the_file_as_written():
    with pytest.raises(YamlError) as raised:
        parse_yaml("list: [a\x07, b\x07] x\n")
    assert (raised.value.line, raised.value.col) == (1, 16)


def test_an_alias_is_cleaned_once():
    text = 'a: &x "\\x07"\nb: *x\nc: *x\n'
    assert parse_yaml(text).data == {"a": "", "b": "", "c": ""}
    assert warnings(text, "dossier.yml", 0) == [
        "dossier.yml:1:4: warning: unprintable character U+0007 (bell) removed from the value"]


def test_tab_newline_and_printable_text_are_untouched():
    text = 'title: "Tab\\there, 김정은, “quotes”, \\u00a0 and \\U0001F600"\nbody: |\n  two\n  lines\n'
    doc = parse_yaml(text)
    assert doc.data["title"] == "Tab\there, 김정은, “quotes”, \u00a0 and \U0001F600"
    assert doc.removed == ()


@pytest.mark.parametrize("number", [HUGE_NUMBER, "-" + HUGE_NUMBER, "0x" + "f" * 5000, "0b" + "1" * 5000, "1_000" * 1000])
def test_a_number_too_long_to_handle_is_an_error_at_its_position(number):
    with pytest.raises(YamlError) as raised:
        parse_yaml(f"title: T\nserial: {number}\n")
    error = raised.value
    assert (error.line, error.col, error.message) == (
        2, 9, f"number too long ({len(number)} characters): put it in quotes to keep it as text")


def test_long_numbers_in_quotes_and_long_floats_are_fine():
    doc = parse_yaml(f"a: '{HUGE_NUMBER}'\nb: {HUGE_NUMBER}.5\nc: {'9' * 400}\n")
    assert doc.data["a"] == HUGE_NUMBER and doc.data["b"] == float("inf") and doc.data["c"] == 10 ** 400 - 1


# --- front matter, read through builder/content/documents.py -------------------------------------------------

def test_front_matter_with_control_characters_loads_without_them(tmp_path):
    write(tmp_path / "content" / "articles" / "a.md", (
        '---\ntitle: "A note\\x0c on\\x07 sources"\ndate: 2016-05-01\nauthors: ["Jane\\x1b Analyst"]\n'
        'tags: [method, "ta\\x07g"]\nsummary: Pasted\x0b from a PDF\x0c.\n---\n\nBody.\n'))
    [document], problems = load_documents(tmp_path, include_drafts=False)
    assert [p for p in problems if p.is_error] == []
    assert (document.title, document.summary) == ("A note on sources", "Pasted from a PDF.")
    assert [a.name for a in document.authors] == ["Jane Analyst"]
    assert document.tags == ("method", "tag")


def test_a_five_thousand_digit_number_in_front_matter_is_an_error_at_its_line(tmp_path):
    write(tmp_path / "content" / "articles" / "a.md", f"---\ntitle: T\ndate: 2016-05-01\nserial: {HUGE_NUMBER}\n---\n\nBody.\n")
    documents, problems = load_documents(tmp_path, include_drafts=False)
    assert len(documents) == 1     # read on, the value left at its default
    assert [str(p) for p in problems] == [
        "content/articles/a.md:4:9: error: number too long (5000 characters): put it in quotes to keep it as text"]


@pytest.mark.parametrize(("value", "expected"), [
    ("!!timestamp 2016-13-45", "'2016-13-45' is not a valid timestamp"),
    ("!!timestamp '2016-01-01 25:00:00'", "'2016-01-01 25:00:00' is not a valid timestamp"),
    ("!!int 1e5", "'1e5' is not a valid int"),
    ("!!float ten", "'ten' is not a valid float"),
    ("!!bool maybe", "'maybe' is not a valid bool"),
    ("1:" * 190 + "1.5", "'" + "1:" * 20 + "…' is not a valid float"),     # a base-60 float beyond any float
])
def test_a_value_that_cannot_be_made_is_an_error_at_its_position(value, expected):
    with pytest.raises(YamlError) as raised:
        parse_yaml(f"title: T\nwhen: {value}\n")
    assert (raised.value.line, raised.value.col, raised.value.message) == (2, 7, f"malformed YAML: {expected}")


def test_a_bad_explicit_value_in_front_matter_is_an_error_at_its_line(tmp_path):
    write(tmp_path / "content" / "articles" / "a.md", "---\ntitle: T\ndate: !!timestamp 2016-02-30\n---\n\nBody.\n")
    documents, problems = load_documents(tmp_path, include_drafts=False)
    assert len(documents) == 1     # read on, the value left at its default
    assert [str(p) for p in problems] == [
        "content/articles/a.md:3:7: error: malformed YAML: '2016-02-30' is not a valid timestamp"]


# --- Nesting ---------------------------------------------------------------------------------------

def test_values_nested_past_the_limit_are_an_error_at_the_first_node_past_it():
    from builder.config.yamlfile import MAX_DEPTH

    block = "extra:\n" + "".join("  " * (level + 1) + f"k{level}:\n" for level in range(150)) + "  " * 151 + "v\n"
    with pytest.raises(YamlError) as failed:
        parse_yaml(block)
    # the mapping under k{MAX_DEPTH - 2} is level MAX_DEPTH + 1: on line MAX_DEPTH + 1, indented 2 * MAX_DEPTH
    assert (failed.value.line, failed.value.col) == (MAX_DEPTH + 1, 2 * MAX_DEPTH + 1)
    assert failed.value.message.startswith("values nested too deeply (more than 100 levels)")
    flow = "x: " + "[" * 990 + "]" * 990 + "\n"
    with pytest.raises(YamlError) as failed:
        parse_yaml(flow)
    assert (failed.value.line, failed.value.col) == (1, 3 + MAX_DEPTH)     # the mapping is level 1


def test_deep_nesting_in_front_matter_and_settings_is_a_positioned_error_never_a_traceback(tmp_path, cli):
    from helpers import write

    write(tmp_path / "dossier.yml", "title: T\nbase_url: https://example.org/\n")
    write(tmp_path / "content" / "articles" / "a.md",
          "---\ntitle: A\ndate: 2016-01-01\nx: " + "[" * 990 + "]" * 990 + "\n---\nBody\n")
    result = cli("-C", tmp_path, "build", "--no-pdf")
    assert result.exit_code == 1
    assert ("content/articles/a.md:4:103: error: values nested too deeply (more than 100 levels): settings and "
            "front matter are a few levels at most") in result.output
