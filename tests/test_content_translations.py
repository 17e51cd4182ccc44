"""builder/content/translations.py: `translation_of` links an article to the one it translates;
each page of such a group names the others (sitemap alternates, feeds per language)."""

import pytest

from builder.build import build
from builder.config.settings import load_settings
from builder.content.documents import load_documents
from builder.content.translations import translation_groups, translation_problems
from builder.errors import BuildFailed
from tests.helpers import write


def article(root, name: str, front: str = "", body: str = "Text.\n") -> None:
    write(root / "content" / "articles" / f"{name}.md", f"---\ntitle: {name}\ndate: 2016-04-0{len(name) % 9 + 1}\n{front}---\n{body}")


def publication(root, **articles: str):
    write(root / "dossier.yml", "title: T\nbase_url: https://example.org/\n")
    for name, front in articles.items():
        article(root, name, front)
    return root


def documents(root):
    found, problems = load_documents(root, False)
    assert [p for p in problems if p.is_error] == []
    return found


def test_linked_articles_form_one_group_each_naming_all(tmp_path):
    root = publication(tmp_path, defection="", defection_ko="language: ko\ntranslation_of: defection\n",
                       defection_ja="lang: ja\ntranslation_of: defection_ko\n", alone="")
    groups = translation_groups(documents(root))
    assert sorted(groups) == ["defection", "defection-ja", "defection-ko"]
    assert [d.slug for d in groups["defection"]] == ["defection", "defection-ja", "defection-ko"]
    assert translation_problems(documents(root), "en") == []


@pytest.mark.parametrize("front, message", [
    ("translation_of: defektion\n", "content/articles/b.md:4:17: error: 'translation_of: defektion' names no article "
                                    "(did you mean 'defection'?)"),
    ("translation_of: b\n", "content/articles/b.md:4:17: error: 'translation_of: b' names this article itself: name "
                            "the article it translates"),
    ("translation_of: defection\n", "content/articles/b.md:4:17: error: 'b' and 'defection' are both in 'en': "
                                    "translations of one article must each be in a language of their own (set 'language:')"),
    ("translation_of: [defection]\n", "content/articles/b.md:4:17: error: 'translation_of' must be the name of the "
                                      "article this one translates (its file name without .md)"),
    ("language: ko\nlang: ja\ntranslation_of: defection\n",
     "content/articles/b.md:5:7: error: 'lang: ja' says another language than 'language: ko': keep one of them"),
])
def test_a_link_that_cannot_hold_is_an_error_at_it(tmp_path, front, message):
    root = publication(tmp_path, defection="", b=front)
    with pytest.raises(BuildFailed) as failed:
        build(root, pdf=False)
    assert message in [str(p) for p in failed.value.problems]


def test_a_page_cannot_be_a_translation(tmp_path):
    root = publication(tmp_path, defection="")
    write(root / "content" / "pages" / "about.md", "---\ntitle: About\ntranslation_of: defection\n---\nText.\n")
    settings, _ = load_settings(root)
    found, _ = load_documents(root, False)
    assert [str(p) for p in translation_problems(found, settings.language)] == [
        "content/pages/about.md:3:17: error: 'translation_of' links articles: a page cannot be a translation"]


def test_the_sitemap_pairs_the_languages_and_each_language_has_its_feed(tmp_path):
    root = publication(tmp_path, defection="", defection_ko="language: ko\ntranslation_of: defection\n")
    site = build(root, pdf=False).out_dir
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    pair = ('<xhtml:link rel="alternate" hreflang="en" href="https://example.org/articles/defection/"/>'
            '<xhtml:link rel="alternate" hreflang="ko" href="https://example.org/articles/defection-ko/"/>')
    assert sitemap.count(pair) == 2
    korean = (site / "feed.ko.xml").read_text(encoding="utf-8")
    assert "<language>ko</language>" in korean or 'xml:lang="ko"' in korean
    assert "articles/defection-ko/" in korean and "articles/defection/<" not in korean
    assert "articles/defection/" in (site / "feed.en.xml").read_text(encoding="utf-8")
    assert not (site / "pagefind").exists() or sorted(p.name.split(".")[1].split("_")[0]
                                                      for p in (site / "pagefind").glob("pagefind.*.pf_meta")) == ["en", "ko"]


def test_one_language_writes_no_language_feeds(tmp_path):
    site = build(publication(tmp_path, defection="", other=""), pdf=False).out_dir
    assert not list(site.glob("feed.*.xml"))


def test_each_page_names_the_others_in_their_own_language_and_links_them_as_alternates(tmp_path):
    root = publication(tmp_path, defection="", defection_ko="language: ko\ntranslation_of: defection\n")
    site = build(root, pdf=False).out_dir
    english = (site / "articles" / "defection" / "index.html").read_text(encoding="utf-8")
    korean = (site / "articles" / "defection-ko" / "index.html").read_text(encoding="utf-8")
    for page in (english, korean):
        assert '<link rel="alternate" hreflang="en" href="https://example.org/articles/defection/">' in page
        assert '<link rel="alternate" hreflang="ko" href="https://example.org/articles/defection-ko/">' in page
    assert ('Also in: <a href="../../articles/defection-ko/" hreflang="ko" lang="ko" title="defection_ko">한국어</a>'
            in english)
    assert '<html lang="ko">' in korean and "다른 언어로 읽기:" in korean
    assert 'hreflang="en" lang="en" title="defection">English</a>' in korean
    assert 'href="../../feed.ko.xml"' in korean and "feed.en.xml" not in english


def test_a_korean_article_is_korean_throughout_its_labels_dates_and_own_reference(tmp_path):
    root = publication(tmp_path, defection="")
    write(root / "content" / "assets" / "map.png", b"\x89PNG\r\n\x1a\n")
    article(root, "defection_ko", "language: ko\ntranslation_of: defection\n",
            "지도는 @fig-map 과 @tbl-count 에 있다.\n\n![지도](../assets/map.png){#fig-map}\n\n| 가 | 나 |\n|---|---|\n| 1 | 2 |\n\n"
            ": 수 {#tbl-count}\n")
    site = build(root, pdf=False).out_dir
    korean = (site / "articles" / "defection-ko" / "index.html").read_text(encoding="utf-8")
    assert '<a class="crossref" href="#fig-map">그림 1</a>' in korean
    assert '<a class="crossref" href="#tbl-count">표 1</a>' in korean
    assert '<span class="caption-label">그림 1:</span>' in korean and '<span class="caption-label">표 1:</span>' in korean
    own = korean.split('<div class="cite-this__reference csl-entry">', 1)[1].split("</div>", 1)[0]
    assert "4월" in own and "April" not in own
    english = (site / "articles" / "defection" / "index.html").read_text(encoding="utf-8")
    assert "April" in english.split('<div class="cite-this__reference csl-entry">', 1)[1].split("</div>", 1)[0]


def test_a_foreign_word_carries_its_language_for_screen_readers(tmp_path):
    root = publication(tmp_path)
    article(root, "markets", "", "Traders call the market [장마당]{lang=ko} and pay in [dollars]{.currency}.\n")
    page = (build(root, pdf=False).out_dir / "articles" / "markets" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in page
    assert 'Traders call the market <span lang="ko">장마당</span> and pay in <span class="currency">dollars</span>.' in page
