"""builder/config/settings.py: dossier.yml is validated with positions; unknown keys warn."""

from pathlib import Path

import pytest

from builder.config.settings import find_publication, load_settings
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
    (tmp_path / "themes" / "plain").mkdir(parents=True)
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
     "dossier.yml:2:7: error: malformed YAML: this '[' is not closed: add ']' after the last item"),
    ("title: a: b\n", "dossier.yml:1:9: error: malformed YAML: mapping values are not allowed in this context: "
                     "a value holding ': ' must be in quotes, as in title: \"a: b\""),
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
    assert problems_from(tmp_path, b"title: Caf\xe9\n") == ["dossier.yml:1:11: error: file is not valid UTF-8 (save it as UTF-8)"]


# --- every setting with every wrong type -------------------------------------------------------------

# What each setting must be, as the message says it, and the kinds of YAML value it accepts.
SETTING_TYPES = {
    "title": ("a string", {"string"}),
    "description": ("a string", {"string"}),
    "base_url": ("a string", {"string"}),
    "language": ("a string", {"string"}),
    "authors": ("a list", {"list"}),
    "theme": ("a string", {"string"}),
    "output": ("a string", {"string"}),
    "csl": ("a string", {"string"}),
    "index_articles": ("an integer", {"int"}),
    "unsafe_html": ("true or false", {"bool"}),
    "menu": ("a list of page names", {"list"}),
    "feed_full_content": ("true or false", {"bool"}),
    "pdf": ("a mapping (variant, order, cover_image, editions)", {"mapping"}),
    "extra": ("a mapping", {"mapping"}),
}
PDF_TYPES = {
    "variant": ("a string", {"string"}),
    "order": ("a list of article names", {"list"}),
    "cover_image": ("a string", {"string"}),
    "editions": ("a list of editions or 'all'", {"list", "string"}),
}
# (kind, YAML text, how the message describes it); a date is text to Dossier (dates are checked where used).
WRONG_VALUES = [
    ("list", "[a, b]", "a list"),
    ("mapping", "{a: b}", "a mapping"),
    ("null", "", "empty"),
    ("bool", "true", "true/false"),
    ("float", "1.5", "a number"),
    ("int", "7", "a number"),
    ("date", "2016-04-08", "a string"),
]
HUGE_NUMBER = "9" * 5000


def wrong_type_cases(types: dict, null_is_default: bool = False):
    for key, (type_name, accepted) in types.items():
        for kind, text, what in WRONG_VALUES:
            if kind in accepted or (kind == "date" and "string" in accepted) or (kind == "null" and null_is_default):
                continue
            yield pytest.param(key, text, type_name, what, id=f"{key}-{kind}")


@pytest.mark.parametrize(("key", "text", "type_name", "what"), list(wrong_type_cases(SETTING_TYPES)))
def test_every_setting_of_a_wrong_type_is_an_error_at_its_value(tmp_path, key, text, type_name, what):
    title = "" if key == "title" else "title: T\n"
    line = 1 if key == "title" else 2
    col = len(key) + 3 if text else len(key) + 2
    assert problems_from(tmp_path, f"{title}{key}: {text}\n") == [
        f"dossier.yml:{line}:{col}: error: '{key}' must be {type_name}, not {what}"]


@pytest.mark.parametrize(("key", "text", "type_name", "what"), list(wrong_type_cases(PDF_TYPES, null_is_default=True)))
def test_every_pdf_setting_of_a_wrong_type_is_an_error_at_its_value(tmp_path, key, text, type_name, what):
    assert problems_from(tmp_path, f"title: T\npdf:\n  {key}: {text}\n") == [
        f"dossier.yml:3:{len(key) + 5}: error: 'pdf.{key}' must be {type_name}, not {what}"]


@pytest.mark.parametrize("key", [*SETTING_TYPES, "colour"])
def test_a_five_thousand_digit_number_is_an_error_not_a_traceback(tmp_path, key):
    title = "" if key == "title" else "title: T\n"
    line = 1 if key == "title" else 2
    assert problems_from(tmp_path, f"{title}{key}: {HUGE_NUMBER}\n") == [
        f"dossier.yml:{line}:{len(key) + 3}: error: number too long (5000 characters): put it in quotes to keep it as text"]


def test_a_long_number_in_quotes_is_text(tmp_path):
    settings, _ = settings_from(tmp_path, f"title: '{HUGE_NUMBER}'\nextra: {{serial: 0x{'f' * 300}}}\n")
    assert settings.title == HUGE_NUMBER
    assert settings.extra["serial"] == 16 ** 300 - 1


@pytest.mark.parametrize(("text", "expected"), [
    ("title: ''\n", "dossier.yml:1:8: error: 'title' must not be empty: write the publication's title"),
    ("title: '   '\n", "dossier.yml:1:8: error: 'title' must not be empty: write the publication's title"),
    ("title: T\npdf: {variant: [x]}\n", "dossier.yml:2:16: error: 'pdf.variant' must be a string, not a list"),
    ("title: T\npdf: {order: [{x: y}]}\n", "dossier.yml:2:15: error: each entry of 'pdf.order' must be a name, not a mapping"),
    ("title: T\npdf: {order: [a, null]}\n", "dossier.yml:2:18: error: each entry of 'pdf.order' must be a name, not empty"),
    ("title: T\npdf: {cover_image: [a]}\n", "dossier.yml:2:20: error: 'pdf.cover_image' must be a string, not a list"),
    ("title: T\nmenu: [about, [a]]\n", "dossier.yml:2:15: error: each entry of 'menu' must be a name, not a list"),
    ("title: T\nmenu: [about, null]\n", "dossier.yml:2:15: error: each entry of 'menu' must be a name, not empty"),
    ("title: T\nindex_articles: -1\n", "dossier.yml:2:17: error: 'index_articles' must not be negative"),
    ("title: T\nunknown_citation_keys: ignore\n",
     "dossier.yml:2:24: error: 'unknown_citation_keys' must be 'error' (the default) or 'warn' (cited as pandoc shows a "
     "missing key, in bold with '?'), not 'ignore'"),
    ("title: T\nlanguage: ''\n", "dossier.yml:2:11: error: 'language' must be a language tag such as 'en' or 'pt-BR', not ''"),
    ("title: T\nlanguage: en us\n",
     "dossier.yml:2:11: error: 'language' must be a language tag such as 'en' or 'pt-BR', not 'en us'"),
    ("title: T\nbase_url: 'http://[::1'\n", "dossier.yml:2:11: error: 'base_url' must be an absolute http:// or https:// URL"),
    ("title: T\nbase_url: 'http://'\n", "dossier.yml:2:11: error: 'base_url' must be an absolute http:// or https:// URL"),
    ("title: T\nbase_url: 'https://example.org:99999/'\n",
     "dossier.yml:2:11: error: 'base_url' must be an absolute http:// or https:// URL"),
    ("title: T\nbase_url: 'https://exa mple.org/'\n",
     "dossier.yml:2:11: error: 'base_url' must be an absolute http:// or https:// URL"),
    ("title: T\nbase_url: 'https://example.org/?page=1'\n",
     "dossier.yml:2:11: error: 'base_url' must be an absolute http:// or https:// URL"),
    ("title: T\nbase_url: 'https://example.org/#top'\n",
     "dossier.yml:2:11: error: 'base_url' must be an absolute http:// or https:// URL"),
    ("title: T\nauthors:\n  - {name: A, affiliation: [X]}\n",
     "dossier.yml:3:28: error: an author's 'affiliation' must be text, not a list"),
    ("title: T\nauthors: [{name: A, orcid: {id: 1}}]\n", "dossier.yml:2:28: error: an author's 'orcid' must be text, not a mapping"),
])
def test_values_of_the_right_type_that_cannot_work_are_errors(tmp_path, text, expected):
    assert problems_from(tmp_path, text) == [expected]


def test_a_title_of_control_characters_alone_is_empty(tmp_path):
    assert problems_from(tmp_path, 'title: "\\x0c\\x07"\n') == [
        "dossier.yml:1:8: error: 'title' must not be empty: write the publication's title",
        "dossier.yml:1:8: warning: unprintable character U+0007 (bell) removed from the value",
        "dossier.yml:1:8: warning: unprintable character U+000C (form feed) removed from the value"]


def test_pdf_settings_are_read_and_unknown_ones_warned_about(tmp_path):
    settings, warnings = settings_from(tmp_path, "title: T\npdf:\n  variant: pdf/ua-1\n  order: [b, 2016, a]\n"
                                                 "  cover_image: assets/c.jpg\n  colour: red\n")
    assert settings.pdf == {"variant": "pdf/ua-1", "order": ["b", "2016", "a"], "cover_image": "assets/c.jpg"}
    assert [str(w) for w in warnings] == [
        "dossier.yml:6:3: warning: unknown pdf setting 'colour' (known: variant, order, cover_image, editions)"]


def test_a_pdf_setting_left_empty_is_the_default(tmp_path):
    settings, warnings = settings_from(tmp_path, "title: T\npdf:\n  variant:\n  order:\n  cover_image:\n")
    assert (settings.pdf, warnings) == ({}, [])


@pytest.mark.parametrize("language", ["en", "ko", "pt-BR", "zh-Hant-TW", "sr-Latn", "de-CH-1996"])
def test_language_tags_are_accepted(tmp_path, language):
    settings, _ = settings_from(tmp_path, f"title: T\nlanguage: {language}\n")
    assert settings.language == language


@pytest.mark.parametrize("base_url", ["https://example.org/", "http://127.0.0.1:8000/ledger/", "https://[::1]:8000/",
                                      "https://例え.jp/記事/"])
def test_site_urls_are_accepted(tmp_path, base_url):
    settings, _ = settings_from(tmp_path, f"title: T\nbase_url: '{base_url}'\n")
    assert settings.base_url == base_url


# --- control characters ---------------------------------------------------------------------------

def test_control_characters_are_removed_from_settings_with_a_warning_at_each(tmp_path):
    settings, warnings = settings_from(tmp_path, (
        'title: "Pyongyang\\x07 Ledger\\x1b[1m"\n'
        "description: A\x0bB \x0cC\n"
        "authors: [\"Jane\\x00 Analyst\", {name: Kim, affiliation: \"Inst\\uFFFE\"}]\n"))
    assert (settings.title, settings.description) == ("Pyongyang Ledger[1m", "AB C")
    assert [(a.name, a.affiliation) for a in settings.authors] == [("Jane Analyst", ""), ("Kim", "Inst")]
    assert [str(w) for w in warnings] == [
        "dossier.yml:1:8: warning: unprintable character U+0007 (bell) removed from the value",
        "dossier.yml:1:8: warning: unprintable character U+001B (escape) removed from the value",
        "dossier.yml:2:15: warning: unprintable character U+000B (vertical tab) removed from the value",
        "dossier.yml:2:18: warning: unprintable character U+000C (form feed) removed from the value",
        "dossier.yml:3:11: warning: unprintable character U+0000 (NUL) removed from the value",
        "dossier.yml:3:56: warning: unprintable character U+FFFE removed from the value",
    ]


def test_positions_after_a_removed_character_are_those_of_the_file(tmp_path):
    assert problems_from(tmp_path, "title: T\x0c\x0b\nindex_articles: \x07\x07ten\nlanguage: [\x0c\x0c5]\n") == [
        "dossier.yml:1:9: warning: unprintable character U+000C (form feed) removed from the value",
        "dossier.yml:1:10: warning: unprintable character U+000B (vertical tab) removed from the value",
        "dossier.yml:2:17: error: 'index_articles' must be an integer, not a string",
        "dossier.yml:2:17: warning: unprintable character U+0007 (bell) removed from the value",
        "dossier.yml:2:18: warning: unprintable character U+0007 (bell) removed from the value",
        "dossier.yml:3:11: error: 'language' must be a string, not a list",
        "dossier.yml:3:12: warning: unprintable character U+000C (form feed) removed from the value",
        "dossier.yml:3:13: warning: unprintable character U+000C (form feed) removed from the value",
    ]


def test_an_authors_details_of_the_wrong_type_in_front_matter_are_errors_at_their_line(tmp_path):
    from builder.content.documents import load_documents

    write(tmp_path / "content" / "articles" / "a.md",
          "---\ntitle: T\ndate: 2016-05-01\nauthors:\n  - {name: A, affiliation: [X], orcid: 7}\n---\n\nBody.\n")
    documents, problems = load_documents(tmp_path, include_drafts=False)
    assert len(documents) == 1     # read on, the value left at its default
    assert [str(p) for p in problems] == [
        "content/articles/a.md:5:28: error: an author's 'affiliation' must be text, not a list",
        "content/articles/a.md:5:40: error: an author's 'orcid' must be text, not a number"]


# --- issue 16: every problem in one run, each with its fix --------------------------------------------------

def test_a_wrong_value_keeps_its_default_so_the_build_goes_on(tmp_path):
    write(tmp_path / "dossier.yml", "title: T\nindex_articles: ten\nlanguage: en us\nbase_url: nowhere\n")
    settings, problems = load_settings(tmp_path, keep_going=True)
    assert [str(p) for p in problems] == [
        "dossier.yml:2:17: error: 'index_articles' must be an integer, not a string",
        "dossier.yml:3:11: error: 'language' must be a language tag such as 'en' or 'pt-BR', not 'en us'",
        "dossier.yml:4:11: error: 'base_url' must be an absolute http:// or https:// URL",
    ]
    assert (settings.index_articles, settings.language, settings.base_url) == (10, "en", "http://127.0.0.1:8000/")


def test_a_theme_that_does_not_exist_is_an_error_naming_the_themes_that_do(tmp_path):
    (tmp_path / "themes" / "mytheme2").mkdir(parents=True)
    (tmp_path / "themes" / "house").mkdir(parents=True)
    assert problems_from(tmp_path, "title: T\ntheme: mytheme\n") == [
        "dossier.yml:2:8: error: no theme 'mytheme': there is no folder themes/mytheme/ (did you mean 'mytheme2'?)"]
    assert problems_from(tmp_path, "title: T\ntheme: zzz\n") == [
        "dossier.yml:2:8: error: no theme 'zzz': there is no folder themes/zzz/ (themes: default, house, mytheme2)"]
    settings, problems = load_settings(tmp_path, keep_going=True)
    assert settings.theme == "default" and len(problems) == 1


def test_the_shipped_default_theme_needs_no_folder(tmp_path):
    assert settings_from(tmp_path, "title: T\ntheme: default\n")[1] == []


@pytest.mark.parametrize("key, meant", [("lang", "language"), ("baseURL", "base_url"), ("style", "csl"),
                                        ("author", "authors")])
def test_a_setting_named_as_other_tools_name_it_suggests_dossiers_name(tmp_path, key, meant):
    _, warnings = settings_from(tmp_path, f"title: T\n{key}: x\n")
    assert [str(p) for p in warnings] == [f"dossier.yml:2:1: warning: unknown setting '{key}' (did you mean "
                                          f"'{meant}'?) (kept for templates; free keys belong under 'extra:')"]


def test_the_publication_is_found_in_the_nearest_folder_above_up_to_a_repository(tmp_path):
    root = tmp_path / "pub"
    write(root / "dossier.yml", "title: T\n")
    (root / "content" / "articles").mkdir(parents=True)
    assert find_publication(root / "content" / "articles") == root
    assert find_publication(root) == root
    assert find_publication(root / "no-such-folder") == root / "no-such-folder"     # a mistyped -C finds nothing
    (root / "content" / ".git").mkdir()
    assert find_publication(root / "content" / "articles") == root / "content" / "articles"
