"""End to end: fixture publications built with builder/build.py, the HTML read back with html.parser.

The site only (pdf=False): the PDF edition has tests of its own."""

import shutil

import pytest

from builder.build import build
from builder.site.theme import shipped_theme_dir
from helpers import FIXTURES, REPOSITORY, broken_links, parse_page, site_pages, snapshot

BASE_URL = "https://example.org/minimal/"
RAW_TITLE = "Alpha & <script>alert('x')</script>"

EXPECTED_PAGES = [
    "index.html",
    "404.html",
    "articles/alpha/index.html",
    "articles/beta/index.html",
    "about/index.html",
    "tags/index.html",
    "tags/north-korea/index.html",
    "tags/sanctions/index.html",
    "tags/북한/index.html",
    "authors/index.html",
    "authors/jane-analyst/index.html",
    "authors/김민지/index.html",
    "archive/index.html",
    "archive/2016/index.html",
    "archive/2015/index.html",
]


def copy_and_build(tmp_path_factory, name: str, to: str, **options):
    root = tmp_path_factory.mktemp(to) / name
    shutil.copytree(FIXTURES / name, root, symlinks=True)
    result = build(root, pdf=False, **options)
    return root, result


@pytest.fixture(scope="module")
def minimal(tmp_path_factory):
    """The minimal fixture built once without drafts: (publication folder, its _site)."""
    root, result = copy_and_build(tmp_path_factory, "minimal", "minimal")
    assert result.warnings == []
    return root, result.out_dir


@pytest.fixture(scope="module")
def pages(minimal):
    return site_pages(minimal[1])


def test_output_is_the_publication_site_folder(minimal):
    root, site = minimal
    assert site == root / "_site"


def test_every_expected_page_exists(minimal):
    _, site = minimal
    missing = [page for page in EXPECTED_PAGES if not (site / page).is_file()]
    assert missing == []


def test_every_internal_link_and_fragment_resolves(minimal):
    _, site = minimal
    assert broken_links(site, BASE_URL) == []


def test_the_link_checker_catches_a_broken_link_and_fragment(minimal, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(minimal[1], site)
    page = site / "articles" / "alpha" / "index.html"
    html = page.read_text(encoding="utf-8")
    page.write_text(html.replace('href="../beta/#method"', 'href="../beta/#no-such-id"')
                        .replace('href="../../about/">about page', 'href="../../abuot/">about page'), encoding="utf-8")
    assert sorted(broken_links(site, BASE_URL)) == [
        "articles/alpha/index.html: <a href='../../abuot/'>: no file abuot/index.html",
        "articles/alpha/index.html: <a href='../beta/#no-such-id'>: no id 'no-such-id' in articles/beta/index.html",
    ]


def test_markdown_links_became_site_urls(pages):
    alpha = pages["articles/alpha/index.html"]
    hrefs = [attrs["href"] for attrs in alpha.find("a") if "href" in attrs]
    for expected in ("../beta/", "../beta/#method", "../../about/", "#details", "../../assets/data/table.csv",
                     "https://example.com/report"):
        assert expected in hrefs
    assert alpha.find("img", src="../../assets/map.svg", alt="Map of the border")
    assert pages["about/index.html"].find("a", href="../articles/alpha/")


def test_canonical_urls_use_the_base_url(pages):
    assert pages["articles/alpha/index.html"].find("link", rel="canonical") == [
        {"rel": "canonical", "href": "https://example.org/minimal/articles/alpha/"}]
    assert pages["tags/북한/index.html"].find("link", rel="canonical")[0]["href"] == BASE_URL + "tags/북한/"


def test_a_title_with_markup_and_ampersand_is_escaped(minimal, pages):
    _, site = minimal
    alpha = pages["articles/alpha/index.html"]
    assert alpha.texts["article-title"] == RAW_TITLE
    assert alpha.find("meta", name="description")[0]["content"] == "Alpha summary with <b>markup</b> & ampersand."
    for path in site.rglob("*.html"):
        raw = path.read_text(encoding="utf-8")
        assert "<script>alert" not in raw, path
        assert "<b>markup</b>" not in raw, path
    assert pages["index.html"].find("a", href="articles/alpha/")
    assert RAW_TITLE in "".join(pages["index.html"].text)


def test_footnote_references_link_to_notes_and_back(pages):
    alpha = pages["articles/alpha/index.html"]
    refs = [attrs for attrs in alpha.find("a") if attrs.get("href", "").startswith("#fn")
            and not attrs["href"].startswith("#fnref")]
    assert [(ref["href"], ref["id"]) for ref in refs] == [("#fn1", "fnref1"), ("#fn2", "fnref2")]
    for ref in refs:
        note_id = ref["href"][1:]
        assert alpha.find("li", id=note_id, class_="footnote-item")
        assert alpha.find("a", href=f"#{ref['id']}", class_="footnote-backref")
    assert alpha.texts["fn1"].startswith("First note.")
    assert alpha.texts["fn2"].startswith("Second note.")


def test_heading_attributes_toc_and_divs(pages):
    alpha = pages["articles/alpha/index.html"]
    assert alpha.find("h2", id="findings", class_="key")
    assert alpha.find("h3", id="details")
    assert alpha.find("div", id="editors-note", class_="note")
    assert alpha.find("a", href="#findings") and alpha.find("a", href="#details")


def test_unicode_authors_and_tags_get_pages(pages):
    assert "김민지" in "".join(pages["authors/김민지/index.html"].text)
    assert pages["authors/김민지/index.html"].find("a", href="../../articles/alpha/")
    assert pages["tags/북한/index.html"].find("a", href="../../articles/alpha/")
    assert not pages["tags/북한/index.html"].find("a", href="../../articles/beta/")


def test_drafts_are_skipped(minimal, pages):
    _, site = minimal
    assert not (site / "articles" / "draft-notes").exists()
    assert not (site / "tags" / "secret-topic").exists()
    assert not (site / "authors" / "hidden-writer").exists()
    assert not (site / "archive" / "2017").exists()
    assert all("Unfinished draft" not in "".join(page.text) for page in pages.values())
    for path in site.rglob("*"):                    # feeds, sitemap and downloads too
        if path.is_file():
            assert b"Unfinished draft" not in path.read_bytes() and b"draft-notes" not in path.read_bytes(), path


def test_drafts_are_built_with_the_drafts_option(tmp_path_factory):
    _, result = copy_and_build(tmp_path_factory, "minimal", "drafts", drafts=True)
    site = result.out_dir
    for page in ("articles/draft-notes/index.html", "tags/secret-topic/index.html",
                 "authors/hidden-writer/index.html", "archive/2017/index.html"):
        assert (site / page).is_file(), page
    assert parse_page(site / "articles" / "draft-notes" / "index.html").texts["article-title"] == "Unfinished draft"
    draft = parse_page(site / "articles" / "draft-notes" / "index.html")
    assert [attrs for attrs in draft.find("p", class_="draft-label")] and "Draft" in draft.text      # it says so
    assert not parse_page(site / "articles" / "alpha" / "index.html").find("p", class_="draft-label")
    assert broken_links(site, BASE_URL) == []


def test_assets_are_copied_byte_for_byte(minimal):
    root, site = minimal
    for name in ("map.svg", "data/table.csv"):
        assert (site / "assets" / name).read_bytes() == (root / "content" / "assets" / name).read_bytes()


def test_404_page_links_from_the_base_path(pages):
    links = {attrs["href"] for attrs in pages["404.html"].find("a") if "href" in attrs}
    assert {"/minimal/", "/minimal/archive/"} <= links


def test_build_without_writing_returns_the_outputs(tmp_path):
    root = tmp_path / "pub"
    shutil.copytree(FIXTURES / "minimal", root)
    result = build(root, write=False, pdf=False)
    paths = {output.path for output in result.outputs}
    assert set(EXPECTED_PAGES) <= paths
    assert "assets/map.svg" in paths
    assert not (root / "_site").exists()


def test_two_builds_are_byte_identical_in_two_folders(tmp_path_factory):
    _, first = copy_and_build(tmp_path_factory, "minimal", "one", drafts=True)
    _, second = copy_and_build(tmp_path_factory, "minimal", "another-folder", drafts=True)
    one = snapshot(first.out_dir)
    assert set(EXPECTED_PAGES) <= set(one)
    assert one == snapshot(second.out_dir)
    build(first.settings.root, drafts=True, pdf=False)     # and again in the same folder
    assert snapshot(first.out_dir) == one


def test_template_override_file_by_file(tmp_path_factory):
    root, themed = copy_and_build(tmp_path_factory, "themed", "themed")
    site = themed.out_dir
    article = parse_page(site / "articles" / "one" / "index.html")
    assert article.find("article", class_="custom-article")[0]["data-override"] == "publication"
    assert article.texts["article-title"] == "One"
    assert (site / "theme" / "extra.css").read_bytes() == (root / "themes/default/static/extra.css").read_bytes()
    assert (site / "theme" / "style.css").read_bytes() == (shipped_theme_dir() / "static/style.css").read_bytes()
    assert broken_links(site, "https://example.org/") == []

    shutil.rmtree(root / "themes")
    plain = {output.path: output.content for output in build(root, write=False, pdf=False).outputs}
    # Files the publication does not override come from the shipped theme, unchanged.
    assert (site / "index.html").read_bytes() == plain["index.html"]
    assert (site / "articles/one/index.html").read_bytes() != plain["articles/one/index.html"]
    assert b"custom-article" not in plain["articles/one/index.html"]
    assert "theme/extra.css" not in plain


def test_example_publication_links_resolve(tmp_path):
    """The repository's own publication (the README's first command), built outside the repository."""
    result = build(REPOSITORY, out=tmp_path / "site", pdf=False)
    site = result.out_dir
    assert (site / "index.html").is_file() and (site / "404.html").is_file()
    assert len(list(site.glob("articles/*/index.html"))) >= 3
    assert broken_links(site, result.settings.base_url) == []
