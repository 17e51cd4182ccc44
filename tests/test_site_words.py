"""builder/site/words.py: every word a reader sees comes from the gettext catalogues of the theme
(themes/default/locale/*.po, a publication's own themes/NAME/locale/*.po over them) in the language
of the page that shows it; a word a language lacks is English, said once per build."""

import datetime as dt
import re

import pytest

from builder.build import build
from builder.errors import BuildFailed
from builder.site.catalogue import Catalogue
from builder.site.theme import shipped_theme_dir
from builder.site.words import Words, language_code
from builder.text import in_language, long_date, long_number, word_list
from helpers import write


@pytest.fixture
def evidence(publication):
    return publication("evidence-basic")


def in_korean(root, name: str = "markets.md") -> None:
    """Make one article of the publication Korean (front matter `lang: ko`)."""
    path = root / "content" / "articles" / name
    path.write_text(path.read_text(encoding="utf-8").replace("---\ntitle:", "---\nlang: ko\ntitle:", 1), encoding="utf-8")


def own_catalogue(root, text: str, language: str = "ko"):
    return write(root / "themes" / "default" / "locale" / f"{language}.po",
                 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n' + text)


def page(site, *parts) -> str:
    return site.joinpath(*parts, "index.html").read_text(encoding="utf-8")


def problems_of(root) -> list[str]:
    try:
        return [str(p) for p in build(root, pdf=False).warnings]
    except BuildFailed as failed:
        return [str(p) for p in failed.problems]


# --- Words, without a build ------------------------------------------------------------------

KOREAN = Catalogue("ko.po", {"References": "참고문헌", ("%(num)d article", "%(num)d articles"): ("글 %(num)d편",),
                             "Topic: %(name)s": "주제: %(name)s"}, plural=lambda n: 0, plural_forms=1)


def test_a_word_is_in_the_language_of_the_page_being_made():
    words = Words({"ko": KOREAN})
    assert words.gettext("References") == "References"
    with in_language("ko-KR"):
        assert words.gettext("References") == "참고문헌"
        assert words.gettext("Topic: %(name)s", name="제재") == "주제: 제재"
        assert words.ngettext("%(num)d article", "%(num)d articles", 1234) == "글 1,234편"
        assert words.gettext("Cited in") == "Cited in"        # the language lacks it: English
    with in_language("en"):
        assert words.ngettext("%(num)d article", "%(num)d articles", 1) == "1 article"
        assert words.ngettext("%(num)d article", "%(num)d articles", 2) == "2 articles"


def test_an_english_catalogue_rewords_english():
    words = Words({"en": Catalogue("en.po", {"References": "Works cited"})})
    with in_language("en-GB"):
        assert words.gettext("References") == "Works cited"
    with in_language("ko"):         # no Korean catalogue: the English one
        assert words.gettext("References") == "Works cited"


def test_templates_get_translations_as_text_never_markup():
    gettext, ngettext = Words({"ko": Catalogue("ko.po", {"References": "<b>참고</b> & 문헌"})}).for_templates()
    with in_language("ko"):
        assert str(gettext("References")) == "&lt;b&gt;참고&lt;/b&gt; &amp; 문헌"


def test_words_by_key_for_templates_written_before_the_catalogues():
    words = Words({"ko": Catalogue("ko.po", {"Evidence %(number)s": "증거 %(number)s"})})
    with in_language("ko"):
        assert words("evidence.label", number=3) == "증거 3"


@pytest.mark.parametrize("tag, code", [("ko-KR", "ko"), ("EN-gb", "en"), ("zh-Hant-TW", "zh"), ("", "en")])
def test_a_language_s_words_are_its_primary_subtag_s(tag, code):
    assert language_code(tag) == code


def test_dates_numbers_and_lists_as_the_language_writes_them():
    day = dt.date(2016, 4, 9)
    assert long_date(day, "ko") == "2016년 4월 9일"
    assert long_date(day, "en") == "April 9, 2016"
    assert long_date(day, "en-GB") == "9 April 2016"
    assert long_date(day, "xx-Unknown") == "April 9, 2016"       # a language CLDR lacks: English
    with in_language("ko-KR"):
        assert long_date(day) == "2016년 4월 9일"
        assert word_list(["김", "이", "박"]) == "김, 이 및 박"
    assert long_number(12345, "de") == "12.345"
    assert word_list(["A", "B", "C"], "en") == "A, B, and C"


# --- A build ---------------------------------------------------------------------------------

def test_a_korean_page_in_an_english_publication(evidence):
    in_korean(evidence)
    site = build(evidence, pdf=False).out_dir
    korean = page(site, "articles", "markets")
    assert '<html lang="ko">' in korean
    assert '<time datetime="2016-05-01">2016년 5월 1일</time>' in korean
    assert '<h2 id="references-heading">참고문헌</h2>' in korean
    assert '<h2 id="cite-this-heading">이 글 인용하기</h2>' in korean
    assert '<span class="evidence__label">증거 1</span>' in korean                # the caption in its body
    assert '<time class="evidence__date" datetime="2016-03-14">2016년 3월 14일</time>' in korean
    assert ">본문으로 건너뛰기</a>" in korean and "Skip to content" not in korean
    english = page(site, "articles", "loyalty")
    assert '<html lang="en">' in english
    assert '<h2 id="references-heading">References</h2>' in english
    assert '<time datetime="2016-04-01">April 1, 2016</time>' in english
    # Every other page is in the publication's language: the Korean article listed in English.
    archive = page(site, "archive")
    assert '<html lang="en">' in archive and "May 1, 2016" in archive and "2016년" not in archive


def test_a_korean_publication_speaks_korean_everywhere(evidence):
    settings = evidence / "dossier.yml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("language: en", "language: ko-KR"),
                        encoding="utf-8")
    result = build(evidence, pdf=False)
    assert not [p for p in result.warnings if "English is shown" in str(p)]
    site = result.out_dir
    assert "<title>지난 글 · Evidence Ledger</title>" in page(site, "archive")
    assert '<p class="count-line">글 2편</p>' in page(site, "tags", "north-korea")
    assert "출처별로 모은 증거 7건" in page(site, "evidence")
    assert "증거 1" in page(site, "evidence")


def test_a_publication_rewords_one_word_in_its_own_catalogue(evidence):
    in_korean(evidence)
    own_catalogue(evidence, 'msgid "References"\nmsgstr "인용 문헌"\n')
    site = build(evidence, pdf=False).out_dir
    korean = page(site, "articles", "markets")
    assert '<h2 id="references-heading">인용 문헌</h2>' in korean
    assert '<h2 id="cite-this-heading">이 글 인용하기</h2>' in korean       # the shipped word
    own_catalogue(evidence, 'msgid "Evidence %(number)s"\nmsgstr "자료 %(number)s"\n')
    korean = page(build(evidence, pdf=False).out_dir, "articles", "markets")    # a cached body, rebuilt
    assert '<span class="evidence__label">자료 1</span>' in korean


def test_an_english_catalogue_rewords_the_english_pages(evidence):
    own_catalogue(evidence, 'msgid "Cite this article"\nmsgstr "How to cite"\n', "en")
    assert '<h2 id="cite-this-heading">How to cite</h2>' in page(build(evidence, pdf=False).out_dir, "articles", "loyalty")


def test_a_word_a_language_lacks_is_english_with_one_warning(evidence):
    in_korean(evidence)
    in_korean(evidence, "loyalty.md")
    write(evidence / "themes" / "default" / "templates" / "page.html",
          '{% extends "base.html" %}{% block main %}<p>{{ _("Donate") }}</p>{% endblock %}')
    own_catalogue(evidence, 'msgid "References"\nmsgstr "인용 문헌"\n')
    problems = problems_of(evidence)
    assert problems.count("themes/default/locale/ko.po:1:1: warning: no Korean for 'Donate': English is shown") == 1
    assert [p for p in problems if "English is shown" in p] == [
        "themes/default/locale/ko.po:1:1: warning: no Korean for 'Donate': English is shown"]


def test_a_language_without_a_catalogue_is_said_once(evidence):
    for name in ("markets.md", "loyalty.md"):
        path = evidence / "content" / "articles" / name
        path.write_text(path.read_text(encoding="utf-8").replace("---\ntitle:", "---\nlang: fr\ntitle:", 1),
                        encoding="utf-8")
    problems = problems_of(evidence)
    found = [p for p in problems if "no catalogue of words" in p]
    assert found == ["content/articles/loyalty.md:1:1: warning: no catalogue of words in French ('fr'): its pages "
                     "show English words; translate themes/default/locale/messages.pot into "
                     "themes/default/locale/fr.po"]
    assert '<html lang="fr">' in page(evidence / "_site", "articles", "markets")


def test_a_word_no_template_asks_for_is_a_warning_at_its_line(evidence):
    in_korean(evidence)
    own_catalogue(evidence, 'msgid "Refrences"\nmsgstr "참고문헌"\n')
    assert ("themes/default/locale/ko.po:5:1: warning: no template asks for 'Refrences' (did you mean "
            "'References'?): its translation is not used") in problems_of(evidence)


@pytest.mark.parametrize("text, expected", [
    ('msgid "Topic: %(name)s"\nmsgstr "주제: %(topic)s"\n',
     "themes/default/locale/ko.po:6:1: error: the translation of 'Topic: %(name)s' uses %(topic)s, which its msgid "
     "does not: the build fills in only %(name)s"),
    ('msgid "Topic: %(name)s"\nmsgstr "주제"\n',
     "themes/default/locale/ko.po:6:1: error: the translation of 'Topic: %(name)s' leaves out %(name)s: a reader "
     "would miss what it stands for"),
    ('msgid "Topic: %(name)s"\nmsgstr "100% %(name)s"\n',
     "themes/default/locale/ko.po:6:1: error: the translation of 'Topic: %(name)s' has a % that is no placeholder "
     "('% %'): write %% for a percent sign and %(name)s for a value"),
    ('msgid "References"\nmsgstr "참고문헌\n',
     "themes/default/locale/ko.po:6:8: error: the string is not closed: end it with \" on the same line"),
])
def test_a_bad_translation_is_an_error_at_its_line(evidence, text, expected):
    in_korean(evidence)
    own_catalogue(evidence, text)
    assert expected in problems_of(evidence)


def test_a_catalogue_that_is_not_utf8_is_an_error_at_its_byte(evidence):
    in_korean(evidence)
    write(evidence / "themes" / "default" / "locale" / "ko.po", 'msgid "References"\nmsgstr "caf\xe9"\n'.encode("latin-1"))
    assert ("themes/default/locale/ko.po:2:12: error: file is not valid UTF-8 (save it as UTF-8)"
            in problems_of(evidence))


KEY_NAMES = {"Escape"}       # event.key values, not words


def test_javascript_takes_its_words_from_the_page(evidence):
    in_korean(evidence)
    settings = evidence / "dossier.yml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("language: en", "language: ko"), encoding="utf-8")
    search = page(build(evidence, pdf=False).out_dir, "search")
    assert 'data-label="검색"' in search and 'data-filter-tag="주제"' in search and 'data-type-evidence="증거"' in search
    for name in ("search.js", "site.js", "citations.js"):
        source = (shipped_theme_dir() / "static" / name).read_text(encoding="utf-8")
        strings = re.findall(r'"([^"\\]*)"', re.sub(r"//[^\n]*", "", source))
        english = [s for s in strings if re.fullmatch(r"[A-Z][a-z]+( [a-z]+)*", s) and s not in KEY_NAMES]
        assert english == [], name          # words a reader sees come from the page, never the script
