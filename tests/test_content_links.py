"""builder/content/links.py: Markdown link targets become site URLs; nothing outside the publication."""

import os

import pytest

from builder.content.documents import find_assets, load_documents
from builder.content.links import PublicationLinks, relative_url
from helpers import write


@pytest.mark.parametrize(("from_url", "to_url", "expected"), [
    ("articles/a/", "tags/x/", "../../tags/x/"),
    ("articles/a/", "articles/b/", "../b/"),
    ("articles/a/", "articles/a/", "./"),
    ("articles/a/", "assets/data/t.csv", "../../assets/data/t.csv"),
    ("about/", "articles/a/", "../articles/a/"),
    ("", "articles/a/", "articles/a/"),
    ("", "assets/map.png", "assets/map.png"),
    ("404.html", "archive/", "archive/"),
    ("tags/북한/", "authors/김민지/", "../../authors/김민지/"),
])
def test_relative_url(from_url, to_url, expected):
    assert relative_url(from_url, to_url) == expected


@pytest.fixture
def site(tmp_path):
    """A publication with two articles, a draft, a page, assets, and things around it."""
    root = tmp_path / "pub"
    write(tmp_path / "outside" / "secret.txt", "secret")
    write(root / "notes.txt", "not published")
    for name, front in (("a.md", "title: A\ndate: 2016-01-01\n"),
                        ("b.md", "title: B\ndate: 2016-01-02\n"),
                        ("wip.md", "title: WIP\ndate: 2016-01-03\ndraft: true\n")):
        write(root / "content" / "articles" / name, f"---\n{front}---\nBody.\n")
    write(root / "content" / "pages" / "about.md", "---\ntitle: About\n---\nAbout.\n")
    write(root / "content" / "assets" / "map.png", b"\x89PNG")
    write(root / "content" / "assets" / "data" / "t.csv", "a,b\n")
    documents, problems = load_documents(root, include_drafts=False)
    assets, asset_problems = find_assets(root)
    assert problems == asset_problems == []
    # Made after find_assets, which would refuse it: resolve must refuse it on its own.
    os.symlink(tmp_path / "outside", root / "content" / "assets" / "escape")
    os.symlink(tmp_path / "outside" / "secret.txt", root / "content" / "articles" / "shortcut.md")
    links = PublicationLinks(root, documents, assets)
    by_slug = {doc.slug: doc for doc in documents}
    return links, by_slug


@pytest.mark.parametrize(("target", "expected"), [
    ("b.md", "../b/"),
    ("b.md#method", "../b/#method"),
    ("./b.md", "../b/"),
    ("../articles/../articles/b.md", "../b/"),
    ("../pages/about.md", "../../about/"),
    ("../assets/map.png", "../../assets/map.png"),
    ("../assets/data/t.csv#row=2", "../../assets/data/t.csv#row=2"),
    ("#details", "#details"),
    ("https://www.38north.org/2016/04/", "https://www.38north.org/2016/04/"),
    ("mailto:editor@example.org", "mailto:editor@example.org"),
    ("//cdn.example.org/x.js", "//cdn.example.org/x.js"),
])
def test_published_targets_become_site_urls(site, target, expected):
    links, docs = site
    assert links.resolve(target, docs["a"]) == (expected, None)


def test_links_from_a_page(site):
    links, docs = site
    assert links.resolve("../articles/a.md", docs["about"]) == ("../articles/a/", None)
    assert links.resolve("../assets/map.png", docs["about"]) == ("../assets/map.png", None)


@pytest.mark.parametrize(("target", "message"), [
    ("/etc/passwd", "link to absolute path '/etc/passwd': write a path relative to this file"),
    ("/content/articles/b.md", "link to absolute path '/content/articles/b.md': write a path relative to this file"),
    ("%2Fetc%2Fpasswd", "link to absolute path '%2Fetc%2Fpasswd': write a path relative to this file"),
    ("../../../etc/passwd", "link '../../../etc/passwd' points outside the publication folder"),
    ("../../../outside/secret.txt", "link '../../../outside/secret.txt' points outside the publication folder"),
    ("%2e%2e/%2e%2e/%2e%2e/etc/passwd", "link '%2e%2e/%2e%2e/%2e%2e/etc/passwd' points outside the publication folder"),
    ("..%2F..%2F..%2Foutside%2Fsecret.txt",
     "link '..%2F..%2F..%2Foutside%2Fsecret.txt' points outside the publication folder"),
    ("../assets/escape/secret.txt", "link '../assets/escape/secret.txt' points outside the publication folder"),
    ("shortcut.md", "link 'shortcut.md' points outside the publication folder"),
    ("file:///etc/passwd", "'file:///etc/passwd' is not a usable link target"),
    ("b.md%00.png", "link target 'b.md%00.png' contains a null byte"),
    ("../../etc/passwd", "link target '../../etc/passwd' does not exist"),
    ("missing.md", "link target 'missing.md' does not exist"),
    ("../assets/mpa.png", "link target '../assets/mpa.png' does not exist (did you mean '../assets/map.png' or "
     "'../assets/data/t.csv'?)"),
    ("bb.md", "link target 'bb.md' does not exist (did you mean 'b.md' or 'a.md'?)"),
    ("wip.md", "link 'wip.md' points to a document that is not published (a draft?)"),
    ("../../notes.txt", "link '../../notes.txt' points to a file that is not published: put it in content/assets/"),
    ("../assets", "link '../assets' points to a folder, not a document or asset"),
])
def test_refused_targets_say_why(site, target, message):
    links, docs = site
    assert links.resolve(target, docs["a"]) == (None, message)


def test_resolver_for_binds_the_document(site):
    links, docs = site
    assert links.resolver_for(docs["b"])("a.md") == ("../a/", None)
