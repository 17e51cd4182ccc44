"""builder/site/feeds.py: the Atom feeds (site and per tag), sitemap.xml and robots.txt of tests/fixtures/feeds/,
read back with feedparser and ElementTree."""

import re
import shutil
import xml.etree.ElementTree as ET
from urllib.parse import unquote

import feedparser
import pytest

from builder.build import build
from helpers import FIXTURES, parse_page

BASE_URL = "https://example.org/feeds/"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# Newest first; drafts and pages never appear.
ARTICLES = {
    "newest": {"title": "The newest article", "published": "2016-09-01", "updated": "2016-09-01",
               "tags": ["north-korea", "sanctions"], "authors": ["Jane Analyst"]},
    "middle": {"title": "A middle article & its <tags>", "published": "2015-06-01", "updated": "2016-08-15",
               "tags": ["north-korea", "북한"], "authors": ["Jane Analyst", "김민지"]},
    "oldest": {"title": "The oldest article", "published": "2014-02-10", "updated": "2014-02-10",
               "tags": ["sanctions"], "authors": ["Jane Analyst"]},
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("feeds") / "feeds"
    shutil.copytree(FIXTURES / "feeds", root)
    result = build(root, pdf=False)
    assert result.warnings == []
    return result.out_dir


def read_feed(path):
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def slugs(feed) -> list[str]:
    return [entry.link.removeprefix(BASE_URL + "articles/").removesuffix("/") for entry in feed.entries]


def test_site_feed_describes_the_publication(site):
    feed = read_feed(site / "feed.xml")
    assert feed.version == "atom10"
    assert feed.feed.title == "Feed Ledger"
    assert feed.feed.subtitle == "Articles for feed and sitemap tests."
    assert feed.feed.id == BASE_URL + "feed.xml"
    assert {(link.rel, link.href) for link in feed.feed.links} == {("self", BASE_URL + "feed.xml"),
                                                                  ("alternate", BASE_URL)}
    assert feed.feed.language == "en"
    assert feed.feed.updated.startswith("2016-09-01")      # the newest date or update of its entries


def test_site_feed_lists_every_published_article_newest_first(site):
    feed = read_feed(site / "feed.xml")
    assert slugs(feed) == list(ARTICLES)


def test_entries_carry_title_dates_authors_tags_and_summary(site):
    feed = read_feed(site / "feed.xml")
    for entry, (slug, expected) in zip(feed.entries, ARTICLES.items()):
        assert entry.id == entry.link == BASE_URL + f"articles/{slug}/"
        assert entry.title == expected["title"]
        assert entry.published.startswith(expected["published"])
        assert entry.updated.startswith(expected["updated"])
        assert [author.name for author in entry.authors] == expected["authors"]
        assert [tag.term for tag in entry.tags] == expected["tags"]
    assert feed.entries[1].summary == "Updated long after it appeared."


def test_entry_links_lead_to_built_pages(site):
    for entry in read_feed(site / "feed.xml").entries:
        assert (site / entry.link.removeprefix(BASE_URL) / "index.html").is_file()


def test_entry_content_has_only_absolute_links(site):
    feed = read_feed(site / "feed.xml")
    contents = {slug: entry.content[0].value for slug, entry in zip(slugs(feed), feed.entries)}
    for slug, html in contents.items():
        for url in re.findall(r'(?:href|src)="([^"]*)"', html):
            assert url.startswith(BASE_URL), (slug, url)
    assert f'<a href="{BASE_URL}articles/newest/">the newest</a>' in contents["oldest"]
    assert f'<a href="{BASE_URL}articles/oldest/#notes">a section</a>' in contents["oldest"]
    assert f'src="{BASE_URL}assets/map.svg"' in contents["middle"]


def test_every_tag_has_a_feed_of_only_its_articles(site):
    tags = sorted({tag for article in ARTICLES.values() for tag in article["tags"]})
    feeds = sorted(path.parent.name for path in (site / "tags").glob("*/feed.xml"))
    assert feeds == sorted(tags)                     # no feed for the draft's own tag "unreleased"
    for tag in tags:
        feed = read_feed(site / "tags" / tag / "feed.xml")
        assert feed.feed.title == f"Feed Ledger: {tag}"
        assert feed.feed.id == f"{BASE_URL}tags/{tag}/feed.xml"
        assert {(link.rel, link.href) for link in feed.feed.links} == {
            ("self", f"{BASE_URL}tags/{tag}/feed.xml"), ("alternate", f"{BASE_URL}tags/{tag}/")}
        assert slugs(feed) == [slug for slug, article in ARTICLES.items() if tag in article["tags"]], tag
        assert all(tag in [t.term for t in entry.tags] for entry in feed.entries)


def test_tag_pages_announce_their_feed(site):
    for tag in ("north-korea", "북한"):
        page = parse_page(site / "tags" / tag / "index.html")
        feeds = [attrs["href"] for attrs in page.find("link", rel="alternate", type="application/atom+xml")]
        assert feeds == ["../../feed.xml", f"../../tags/{tag}/feed.xml"]


def sitemap_entries(site) -> dict[str, str | None]:
    root = ET.parse(site / "sitemap.xml").getroot()
    assert root.tag == f"{SITEMAP}urlset"
    entries = {}
    for url in root:
        assert url.tag == f"{SITEMAP}url"
        entries[unquote(url.findtext(f"{SITEMAP}loc"))] = url.findtext(f"{SITEMAP}lastmod")
    return entries


def test_sitemap_lists_every_html_page_of_the_site(site):
    folders = {path.parent.relative_to(site).as_posix() for path in site.rglob("index.html")}
    pages = {BASE_URL if folder == "." else f"{BASE_URL}{folder}/" for folder in folders}
    assert set(sitemap_entries(site)) == pages
    assert BASE_URL + "404.html" not in sitemap_entries(site)
    assert BASE_URL + "about/" in pages and BASE_URL + "articles/unpublished/" not in pages


def test_sitemap_gives_articles_their_last_modification(site):
    entries = sitemap_entries(site)
    assert {slug: entries[f"{BASE_URL}articles/{slug}/"] for slug in ARTICLES} == {
        "newest": "2016-09-01", "middle": "2016-08-15", "oldest": "2014-02-10"}
    assert entries[BASE_URL + "tags/"] is None


def test_robots_txt_names_the_sitemap(site):
    lines = (site / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "User-agent: *" in lines
    assert f"Sitemap: {BASE_URL}sitemap.xml" in lines


# --- characters XML cannot hold ----------------------------------------------------------------------

UNPRINTABLE = "\x00\x07\x0b\x0c\x1b\ufffe\uffff"


def test_xml_text_drops_what_xml_cannot_hold_and_keeps_the_rest():
    from builder.site.feeds import xml_text

    assert xml_text("a\x0cb\x0bc\x07d\x00e\x1b[1mf\ufffeg\ud800h") == "abcde[1mfgh"
    assert xml_text("tab\there\nnewline\r, 김정은, \U0001F600, \x85") == "tab\there\nnewline\r, 김정은, \U0001F600, \x85"


def test_control_characters_in_bodies_and_front_matter_give_valid_feeds(tmp_path):
    root = tmp_path / "feeds"
    shutil.copytree(FIXTURES / "feeds", root)
    newest = root / "content" / "articles" / "newest.md"
    newest.write_text(
        '---\ntitle: "The newest\\x0c article\\x07"\ndate: 2016-09-01\nauthors: ["Jane\\x1b Analyst"]\n'
        'tags: [north-korea, "sanc\\x0btions"]\nsummary: "Pasted\\x0c from a PDF\\x00."\n---\n\n'
        f"A form feed pasted from a PDF:\x0c, and more: {UNPRINTABLE}.\n\n## A heading\x0c too\n",
        encoding="utf-8")
    settings = root / "dossier.yml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        'description: "Articles', 'description: "Articles\\x0b').replace('"Feed Ledger"', '"Feed\\x07 Ledger"'),
        encoding="utf-8")
    result = build(root, pdf=False)
    warnings = [str(w) for w in result.warnings]
    assert warnings[:2] == [
        "content/articles/newest.md:2:8: warning: unprintable character U+0007 (bell) removed from the value",
        "content/articles/newest.md:2:8: warning: unprintable character U+000C (form feed) removed from the value"]
    assert "content/articles/newest.md:9:31: warning: unprintable character U+000C (form feed) replaced by a space" in warnings
    assert warnings[-2:] == [
        "dossier.yml:1:8: warning: unprintable character U+0007 (bell) removed from the value",
        "dossier.yml:2:14: warning: unprintable character U+000B (vertical tab) removed from the value"]
    feeds = [result.out_dir / "feed.xml", *sorted((result.out_dir / "tags").glob("*/feed.xml"))]
    for path in feeds:
        text = path.read_text(encoding="utf-8")
        assert not any(char in text for char in UNPRINTABLE), path
        ET.fromstring(text.encode())
    feed = read_feed(result.out_dir / "feed.xml")
    assert feed.feed.title == "Feed Ledger"
    assert feed.feed.subtitle == "Articles for feed and sitemap tests."
    newest_entry = feed.entries[0]
    assert newest_entry.title == "The newest article"
    assert newest_entry.summary == "Pasted from a PDF."
    assert [author.name for author in newest_entry.authors] == ["Jane Analyst"]
    assert [tag.term for tag in newest_entry.tags] == ["north-korea", "sanctions"]
    # (Markdown itself turns NUL into U+FFFD, as CommonMark says.)
    assert "A form feed pasted from a PDF: , and more: " + " " * len(UNPRINTABLE) + "." in newest_entry.content[0].value
    sitemap_entries(result.out_dir)                  # well-formed
