"""The shipped catalogues are complete: themes/default/locale/messages.pot lists every word the
default theme's templates and the build's Python code ask for (as Babel's extractor finds them),
ko.po translates every one of them, and no template shows English outside _() and ngettext().

After adding, changing or removing a word, write messages.pot anew and merge it into ko.po (new
words come in untranslated, changed ones marked fuzzy, for a translator to finish):

    .venv/bin/python tests/test_site_catalogue.py
"""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import REPOSITORY  # noqa: E402

THEME = REPOSITORY / "themes" / "default"
LOCALE = THEME / "locale"
TEMPLATE = LOCALE / "messages.pot"
LANGUAGES = ["ko"]
# How the build's Python code asks for a word: Words.gettext / ngettext, and N_ for a msgid
# translated later (builder/site/words.py).
PYTHON_KEYWORDS = {"gettext": None, "ngettext": (1, 2), "N_": None}
TEMPLATE_OPTIONS = {"trim_blocks": "true", "lstrip_blocks": "true", "newstyle_gettext": "true", "trimmed": "false"}
# Templates that still hold English words: another change moves them into the catalogue.
NOT_YET: set[str] = set()
HEADER = """\
# Every word of Dossier's default theme and of the build that a reader sees, in English: the msgids
# that a theme's locale/LANGUAGE.po translates. Written by tests/test_site_catalogue.py from the
# templates and builder/'s code; do not edit it by hand."""


def extracted():
    """A Babel catalogue of every msgid of the default theme's templates and of builder/'s code."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    catalog = Catalog(project="Dossier", version="1", charset="utf-8", header_comment=HEADER,
                      creation_date=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    sources = [(THEME / "templates", [("**.html", "jinja2.ext.babel_extract")], {"**.html": TEMPLATE_OPTIONS},
                None),
               (REPOSITORY / "builder", [("**.py", "python")], {}, PYTHON_KEYWORDS)]
    for folder, methods, options, keywords in sources:
        found = extract_from_dir(folder, methods, options, **({"keywords": keywords} if keywords else {}))
        for filename, line, message, comments, context in found:
            where = (folder / filename).relative_to(REPOSITORY).as_posix()
            catalog.add(message, None, [(where, line)], auto_comments=comments, context=context)
    return catalog


def read(path: Path):
    from babel.messages.pofile import read_po

    with path.open(encoding="utf-8") as stream:
        return read_po(stream, locale=path.stem if path.suffix == ".po" else None)


def ids(catalog) -> set:
    return {message.id if isinstance(message.id, str) else tuple(message.id) for message in catalog if message.id}


def placeholder_names(text: str) -> set[str]:
    return set(re.findall(r"%\((\w+)\)", text))


def test_the_template_lists_every_word_the_theme_and_the_build_ask_for():
    asked, listed = ids(extracted()), ids(read(TEMPLATE))
    assert asked - listed == set(), "words asked for but not in messages.pot: run tests/test_site_catalogue.py"
    assert listed - asked == set(), "words in messages.pot that nothing asks for: run tests/test_site_catalogue.py"
    assert len(asked) > 80


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_shipped_language_translates_every_word(language):
    catalogue = read(LOCALE / f"{language}.po")
    assert ids(catalogue) == ids(read(TEMPLATE))
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert not message.fuzzy and all(strings), f"{language}.po:{message.lineno}: not translated"
        msgids = message.id if isinstance(message.id, tuple) else (message.id,)
        for string in strings:
            assert placeholder_names(string) == placeholder_names(msgids[-1]), f"{language}.po:{message.lineno}"


def test_the_shipped_catalogues_are_read_without_a_problem():
    from builder.site.catalogue import read_catalogue

    for path in [TEMPLATE, *(LOCALE / f"{language}.po" for language in LANGUAGES)]:
        catalogue, problems = read_catalogue(path.read_text(encoding="utf-8"), path.name, path.stem)
        assert problems == []


# --- One catalogue read (builder/site/catalogue.py) -------------------------------------------

HEADER_KO = 'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=1; plural=0;\\n"\n\n'


def read_ko(text: str):
    from builder.site.catalogue import read_catalogue

    catalogue, problems = read_catalogue(HEADER_KO + text, "ko.po", "ko")
    return catalogue, [str(p) for p in problems]


def test_a_catalogue_gives_each_translation_and_the_language_s_plural_rule():
    catalogue, problems = read_ko('msgid "References"\nmsgstr "참고문헌"\n\n'
                                  '#, fuzzy\nmsgid "Sources"\nmsgstr "출처"\n\n'
                                  'msgid "Cited in"\nmsgstr ""\n\n'
                                  'msgid "%(num)d article"\nmsgid_plural "%(num)d articles"\nmsgstr[0] "글 %(num)d편"\n')
    assert problems == []
    assert catalogue.entries == {"References": "참고문헌", ("%(num)d article", "%(num)d articles"): ("글 %(num)d편",)}
    assert catalogue.plural_forms == 1 and catalogue.plural(5) == 0
    assert catalogue.lines["References"] == 5


@pytest.mark.parametrize("text, expected", [
    ('msgid "References"\nmsgstr "참고문헌"\nfoo\n',
     "ko.po:7:1: error: cannot read this line: a .po line is a comment (#), a keyword (msgid, msgid_plural, msgstr, "
     'msgstr[N], msgctxt) and its "string", or a "string" that continues the one above'),
    ('msgid "References"\nmsgstr "참고" 문헌\n', "ko.po:6:13: error: text after the string's closing quote"),
    ('msgid "References"\nmsgstr "참고\\q"\n', "ko.po:6:11: error: unknown escape '\\q': write \\\\ for a backslash"),
    ('msgid "References"\nmsgstr 참고문헌\n', 'ko.po:6:8: error: a keyword is followed by a "string" in double quotes'),
    ('msgid "References"\n\nmsgid "Sources"\nmsgstr "출처"\n',
     "ko.po:5:1: error: cannot read this catalogue: missing msgstr for msgid 'References'"),
    ('msgid "References"\nmsgstr "참고문헌"\n\nmsgid "References"\nmsgstr "문헌"\n',
     "ko.po:8:1: error: 'References' is translated twice (first at line 5): keep one"),
    ('msgid "%(num)d article"\nmsgid_plural "%(num)d articles"\nmsgstr[0] "글"\n',
     "ko.po:7:1: error: the translation of '%(num)d article' leaves out %(num)s: a reader would miss what it stands for"),
])
def test_a_catalogue_s_problem_is_at_its_line_and_column(text, expected):
    assert expected in read_ko(text)[1]


def test_a_singular_may_leave_out_the_count_its_msgid_leaves_out():
    _, problems = read_ko('msgid "one article"\nmsgid_plural "%(num)d articles"\nmsgstr[0] "글 %(num)d편"\n')
    assert problems == []


@pytest.mark.parametrize("rule, expected", [
    ("nplurals=2; plural=(n ! 1);", "xx.po:1:1: error: cannot read this catalogue's Plural-Forms (unbalanced "
                                    "parenthesis in plural form): write it as gettext does, e.g. 'nplurals=2; "
                                    "plural=(n != 1);'"),
    ("nplurals=x; plural=n;", "xx.po:1:1: error: cannot read this catalogue's header: invalid literal for int() with "
                              "base 10: 'x'"),
])
def test_a_plural_rule_that_cannot_be_read_is_an_error_at_the_header(rule, expected):
    from builder.site.catalogue import read_catalogue

    _, problems = read_catalogue(f'msgid ""\nmsgstr ""\n"Plural-Forms: {rule}\\n"\n', "xx.po", "xx")
    assert [str(p) for p in problems] == [expected]


# Text a reader sees in a template: between tags, or the value of a label attribute.
_TAG_OR_CODE = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}|<script\b.*?</script>|<style\b.*?</style>|<[^>]*>", re.S)
_LABEL = re.compile(r"""\b(?:aria-label|title|placeholder|alt)="([^"]*)\"""")
_NOT_WORDS = {"·", "—", "–", ",", ".", "(", ")", ":", "✓"}


@pytest.mark.parametrize("template", sorted(path.relative_to(THEME / "templates").as_posix()
                                            for path in (THEME / "templates").rglob("*.html")))
def test_a_template_shows_no_english_outside_the_catalogue(template):
    """A heuristic: the template's text outside Jinja's tags and HTML's, and its label attributes
    outside {{ }}, hold no letters."""
    if template in NOT_YET:
        pytest.skip("the evidence templates keep their English until they are moved to the catalogue")
    source = (THEME / "templates" / template).read_text(encoding="utf-8")
    labels = [value for value in _LABEL.findall(source) if value.strip() and not value.strip().startswith("{{")]
    text = [piece.strip() for piece in _TAG_OR_CODE.sub("\n", source).split("\n")]
    words = [piece for piece in text if re.search(r"[^\W\d_]", piece) and piece not in _NOT_WORDS]
    assert labels + words == []


def regenerate() -> None:
    """Write messages.pot from what the theme and the build ask for, and merge it into each .po."""
    from babel.messages.pofile import write_po

    template = extracted()
    _write(TEMPLATE, template, write_po)
    for language in LANGUAGES:
        path = LOCALE / f"{language}.po"
        catalog = read(path)
        catalog.update(template, update_header_comment=False)
        _write(path, catalog, write_po)
        print(f"{path.relative_to(REPOSITORY)}: {sum(1 for m in catalog if m.id and (m.fuzzy or not m.string))} "
              "words to translate")


def _write(path: Path, catalog, write_po) -> None:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, ignore_obsolete=True, include_previous=False)
    path.write_bytes(buffer.getvalue())


if __name__ == "__main__":
    regenerate()
