"""builder/config.py: dossier.yml is validated with positions; unknown keys warn."""

from pathlib import Path

import pytest

from builder.config import load_settings
from builder.errors import BuildFailed, Severity
from builder.model import Author
from helpers import write


def settings_from(tmp_path: Path, text: str | bytes):
    write(tmp_path / "dossier.yml", text)
    return load_settings(tmp_path)


def problems_from(tmp_path: Path, text: str | bytes) -> list[str]:
    with pytest.raises(BuildFailed) as failed:
        settings_from(tmp_path, text)
    return [str(p) for p in failed.value.problems]


def test_defaults_when_only_the_title_is_given(tmp_path):
    settings, warnings = settings_from(tmp_path, 'title: "Ledger"\n')
    assert warnings == []
    assert settings.title == "Ledger"
    assert settings.root == tmp_path
    assert settings.base_url == "http://127.0.0.1:8000/"
    assert (settings.description, settings.language, settings.theme, settings.output) == ("", "en", "default", "_site")
    assert (settings.index_articles, settings.unsafe_html, settings.menu, settings.extra) == (10, False, None, {})
    assert settings.authors == ()


def test_every_setting_is_read(tmp_path):
    settings, warnings = settings_from(tmp_path, (
        "title: Pyongyang Ledger\n"
        "description: Sourced analysis.\n"
        "base_url: https://example.org/ledger\n"
        "language: ko\n"
        "authors:\n"
        "  - Jane Analyst\n"
        "  - {name: 김민지, affiliation: Seoul Institute, orcid: 0000-0001}\n"
        "theme: plain\n"
        "output: public\n"
        "csl: apa\n"
        "index_articles: 3\n"
        "unsafe_html: true\n"
        "menu: [about, methodology]\n"
        "extra: {twitter: ledger}\n"))
    assert warnings == []
    assert settings.base_url == "https://example.org/ledger/"      # a trailing slash is added
    assert settings.language == "ko"
    assert settings.authors == (Author("Jane Analyst", "jane-analyst"),
                                Author("김민지", "김민지", "Seoul Institute", "0000-0001"))
    assert (settings.theme, settings.output, settings.csl) == ("plain", "public", "apa")
    assert settings.theme_dir == tmp_path / "themes" / "plain"
    assert (settings.index_articles, settings.unsafe_html) == (3, True)
    assert settings.menu == ("about", "methodology")
    assert settings.extra == {"twitter": "ledger"}


def test_unknown_key_is_a_warning_and_kept_for_templates(tmp_path):
    settings, warnings = settings_from(tmp_path, "title: T\n\ncolour: blue\n")
    assert [str(w) for w in warnings] == [
        "dossier.yml:3:1: warning: unknown setting 'colour' (kept for templates; free keys belong under 'extra:')"]
    assert warnings[0].severity is Severity.WARNING
    assert settings.extra == {"colour": "blue"}


@pytest.mark.parametrize(("text", "expected"), [
    ('title: T\nindex_articles: "ten"\n', "dossier.yml:2:17: error: 'index_articles' must be an integer, not a string"),
    ("title: T\nindex_articles: true\n", "dossier.yml:2:17: error: 'index_articles' must be an integer, not true/false"),
    ("title: T\nunsafe_html: yes please\n", "dossier.yml:2:14: error: 'unsafe_html' must be true or false, not a string"),
    ("title: T\nmenu: about\n", "dossier.yml:2:7: error: 'menu' must be a list of page names, not a string"),
    ("title: T\nextra: [a]\n", "dossier.yml:2:8: error: 'extra' must be a mapping, not a list"),
    ("title:\n", "dossier.yml:1:7: error: 'title' must be a string, not empty"),
    ("title: T\nbase_url: example.org\n", "dossier.yml:2:11: error: 'base_url' must be an absolute http:// or https:// URL"),
    ("title: T\nbase_url: 8000\n", "dossier.yml:2:11: error: 'base_url' must be a string, not a number"),
    ("description: no title\n", "dossier.yml:1:1: error: missing required setting 'title'"),
    ("title: T\nauthors:\n  - Jane\n  - {affiliation: X}\n",
     "dossier.yml:4:5: error: an author must be a name or a mapping with 'name'"),
    ("- a list\n", "dossier.yml:1:1: error: settings must be a YAML mapping (key: value lines)"),
    ('title: "unclosed\nlanguage: en\n',
     "dossier.yml:1:8: error: malformed YAML: found unexpected end of stream (while scanning a quoted scalar)"),
    ("title: T\nmenu: [about, methodology\n",
     "dossier.yml:2:7: error: malformed YAML: did not find expected ',' or ']' (while parsing a flow sequence)"),
    ("title: a: b\n", "dossier.yml:1:9: error: malformed YAML: mapping values are not allowed in this context"),
])
def test_bad_settings_name_the_line_and_column(tmp_path, text, expected):
    assert problems_from(tmp_path, text) == [expected]


def test_all_problems_are_reported_at_once_in_line_order(tmp_path):
    assert problems_from(tmp_path, 'language: 5\ncolour: blue\nindex_articles: "ten"\n') == [
        "dossier.yml:1:1: error: missing required setting 'title'",
        "dossier.yml:1:11: error: 'language' must be a string, not a number",
        "dossier.yml:2:1: warning: unknown setting 'colour' (kept for templates; free keys belong under 'extra:')",
        "dossier.yml:3:17: error: 'index_articles' must be an integer, not a string",
    ]


def test_missing_file_says_what_to_do(tmp_path):
    with pytest.raises(BuildFailed) as failed:
        load_settings(tmp_path)
    assert [str(p) for p in failed.value.problems] == [
        "dossier.yml:1:1: error: no dossier.yml here: run `dossier init` or use -C DIR"]


def test_non_utf8_settings(tmp_path):
    assert problems_from(tmp_path, b"title: Caf\xe9\n") == ["dossier.yml:1:11: error: file is not valid UTF-8"]
