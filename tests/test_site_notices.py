"""Corrections and updates in the open (builder/site/notices.py): on the article's page and at the end of
its PDF, in its JSON-LD, as an updated feed entry, and on /corrections/ newest first."""

import json
import re

import feedparser
import pytest

from builder.build import build
from helpers import parse_page, write

ARTICLE = """\
---
title: {title}
date: {date}
authors: [Test Author]
language: {language}
{notices}---

Body of {title}.
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("notices")
    write(root / "dossier.yml", "title: Noticed\nbase_url: https://example.org/n/\nlanguage: en\n")
    articles = root / "content" / "articles"
    write(articles / "first.md", ARTICLE.format(
        title="First", date="2016-04-12", language="en",
        notices="corrections:\n  - {date: 2016-04-14, text: An earlier version misnamed the city <i>Ningbo</i>.}\n"
                "  - {date: 2016-05-01, text: The manager's age was wrong.}\n"
                "updates: [{date: 2016-04-20, text: Seoul has since named the city.}]\n"))
    write(articles / "second.md", ARTICLE.format(
        title="두 번째", date="2016-04-15", language="ko",
        notices="corrections: [{date: 2016-04-16, text: 날짜를 바로잡았습니다.}]\n"))
    write(articles / "third.md", ARTICLE.format(title="Third", date="2016-04-18", language="en", notices=""))
    result = build(root, search=False)
    assert result.warnings == []
    return result.out_dir


def test_notices_stand_dated_at_the_top_of_the_article_newest_first(site):
    html = (site / "articles" / "first" / "index.html").read_text(encoding="utf-8")
    notices = html[html.index('<section class="notices"'):html.index("</section>", html.index('<section class="notices"'))]
    assert html.index('<section class="notices"') < html.index('<div class="article-body">')
    items = re.findall(r'<li class="notice notice--(\w+)"><strong class="notice__kind">(\w+)</strong> '
                       r'<time datetime="([\d-]+)">([^<]+)</time>: ([^<]*)</li>', notices)
    assert [item[:3] for item in items] == [("correction", "Correction", "2016-05-01"), ("update", "Update", "2016-04-20"),
                                            ("correction", "Correction", "2016-04-14")]
    assert items[0][3] == "May 1, 2016"
    assert "misnamed the city &lt;i&gt;Ningbo&lt;/i&gt;." in notices           # plain text, escaped
    assert 'href="../../corrections/"' in notices
    # The byline says when it last changed: the last correction, there being no `updated:`.
    assert '<time datetime="2016-05-01">May 1, 2016</time>' in html[html.index('class="byline'):]
    assert "notices" not in (site / "articles" / "third" / "index.html").read_text(encoding="utf-8")


def test_a_korean_article_says_it_in_korean(site):
    html = (site / "articles" / "second" / "index.html").read_text(encoding="utf-8")
    assert '<strong class="notice__kind">정정</strong> <time datetime="2016-04-16">2016년 4월 16일</time>' in html
    assert "정정 및 업데이트" in html


def test_json_ld_keeps_the_corrections(site):
    html = (site / "articles" / "first" / "index.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["dateModified"] == "2016-05-01"
    assert data["correction"] == [
        {"@type": "CorrectionComment", "text": "The manager's age was wrong.", "datePublished": "2016-05-01"},
        {"@type": "CorrectionComment", "text": "An earlier version misnamed the city <i>Ningbo</i>.",
         "datePublished": "2016-04-14"}]


def test_the_feed_entry_is_updated_and_says_so_first(site):
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo
    entry = next(e for e in feed.entries if e.link.endswith("/articles/first/"))
    assert entry.updated.startswith("2016-05-01") and entry.published.startswith("2016-04-12")
    content = entry.content[0].value
    assert content.startswith('<p class="notice notice--correction"><strong>Correction</strong> '
                              '<time datetime="2016-05-01">May 1, 2016</time>: The manager')
    assert content.index("Body of First") > content.index("Seoul has since named the city")
    assert feed.feed.updated.startswith("2016-05-01")
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://example.org/n/articles/first/</loc><lastmod>2016-05-01</lastmod>" in sitemap


def test_the_corrections_page_lists_every_correction_newest_first(site):
    page = parse_page(site / "corrections" / "index.html")
    html = (site / "corrections" / "index.html").read_text(encoding="utf-8")
    dates = re.findall(r'<li class="correction">\s*<p class="correction__meta"><time datetime="([\d-]+)"', html)
    assert dates == ["2016-05-01", "2016-04-16", "2016-04-14"]
    assert "Seoul has since named the city" not in html           # updates are not corrections
    assert ("a", "href", "../articles/second/") in page.links
    assert '<a href="../articles/second/" lang="ko">두 번째</a>' in html
    assert '<p class="correction__text" lang="ko">날짜를 바로잡았습니다.</p>' in html
    assert "https://example.org/n/corrections/" in (site / "sitemap.xml").read_text(encoding="utf-8")


def test_the_pdf_ends_with_the_notices(site):
    from pypdf import PdfReader

    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(site / "pdf" / "first.pdf").pages)
    notices = text.index("Corrections and updates")
    assert notices > text.index("Body of First")
    assert text.index("Correction May 1, 2016: The manager's age was wrong.") > notices
    assert text.index("Update April 20, 2016: Seoul has since named the city.") > notices


def test_without_corrections_there_is_no_corrections_page(tmp_path):
    write(tmp_path / "dossier.yml", "title: Plain\nbase_url: https://example.org/p/\n")
    write(tmp_path / "content" / "articles" / "a.md", ARTICLE.format(title="A", date="2016-01-01", language="en",
                                                                     notices="updates: [{date: 2016-02-01, text: More.}]\n"))
    result = build(tmp_path, write=False, pdf=False)
    assert not any(output.path.startswith("corrections/") for output in result.outputs)


def test_the_example_publication_shows_its_correction(tmp_path):
    from helpers import REPOSITORY

    out = build(REPOSITORY, pdf=False, out=tmp_path / "site", search=False).out_dir
    article = (out / "articles" / "restaurant-defection-sanctions" / "index.html").read_text(encoding="utf-8")
    assert '<time datetime="2016-04-13">April 13, 2016</time>: An earlier version of this article said' in article
    corrections = (out / "corrections" / "index.html").read_text(encoding="utf-8")
    assert 'href="../articles/restaurant-defection-sanctions/"' in corrections
    entry = next(e for e in feedparser.parse((out / "feed.xml").read_bytes()).entries
                 if e.link.endswith("/restaurant-defection-sanctions/"))
    assert entry.updated.startswith("2016-04-13") and "An earlier version of this article" in entry.content[0].value
