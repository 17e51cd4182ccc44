"""builder/site/search.py and the theme's Pagefind markup: the bundle a build writes for tests/fixtures/evidence-basic/,
what it indexes, and that it is byte-identical between builds. (In a browser: test_site_search_browser.py.)"""

import gzip
import json
import shutil

import cbor2
import pytest

from builder.build import build
from helpers import FIXTURES, parse_page, snapshot

HEADER = b"pagefind_dcd"       # Pagefind's prefix inside every gzipped index file
FILTERS = {"author", "source", "tag", "type", "year"}


def copy_and_build(tmp_path_factory, folder: str):
    root = tmp_path_factory.mktemp(folder) / "evidence-basic"
    shutil.copytree(FIXTURES / "evidence-basic", root)
    result = build(root, pdf=False)
    assert result.warnings == []
    return result.out_dir


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return copy_and_build(tmp_path_factory, "search-one")


def decode(path):
    raw = gzip.decompress(path.read_bytes())
    assert raw.startswith(HEADER)
    return raw[len(HEADER):]


def meta_of(bundle) -> list:
    (path,) = bundle.glob("pagefind.*.pf_meta")
    return cbor2.loads(decode(path))


def fragments(bundle) -> dict[str, dict]:
    """Every indexed page's record, by its URL."""
    records = (json.loads(decode(path)) for path in bundle.glob("fragment/*.pf_fragment"))
    return {record["url"]: record for record in records}


def indexed_pages(site) -> list[str]:
    """Site-relative URLs of the HTML pages that mark a body for Pagefind."""
    urls = []
    for path in sorted(site.rglob("index.html")):
        if any("data-pagefind-body" in attrs for _, attrs in parse_page(path).elements):
            urls.append("/" + path.parent.relative_to(site).as_posix() + "/")
    return urls


def test_the_bundle_is_written_into_the_site(site):
    bundle = site / "pagefind"
    for name in ("pagefind.js", "pagefind-ui.js", "pagefind-ui.css", "pagefind-entry.json"):
        assert (bundle / name).is_file(), name
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["en"]
    language = entry["languages"]["en"]
    assert (bundle / f"pagefind.{language['hash']}.pf_meta").is_file()
    assert language["page_count"] == len(indexed_pages(site))


def test_the_filter_index_names_existing_files_with_sorted_values(site):
    bundle = site / "pagefind"
    filters = dict(meta_of(bundle)[3])
    assert set(filters) == FILTERS
    values = {}
    for name, file_hash in filters.items():
        filter_name, entries = cbor2.loads(decode(bundle / "filter" / f"{file_hash}.pf_filter"))
        assert filter_name == name
        names = [value for value, _pages in entries]
        assert names == sorted(names), name              # the canonical order that makes builds repeatable
        values[name] = names
    assert values["type"] == ["article", "evidence", "page", "source"]
    assert values["tag"] == ["markets", "north-korea", "security"]
    assert values["author"] == ["Test Author"]
    assert "Daily NK 2016" in values["source"] and "Östberg 2015" in values["source"]


def test_only_articles_pages_sources_and_evidence_boxes_are_indexed(site):
    assert indexed_pages(site) == [
        "/articles/loyalty/", "/articles/markets/",
        "/evidence/loyalty/ev-cadre/", "/evidence/loyalty/ev-defection/", "/evidence/loyalty/ev-enterprise/",
        "/evidence/loyalty/ev-quota/", "/evidence/loyalty/ev-targets/", "/evidence/markets/ev-hours/",
        "/evidence/markets/ev-no-grade/",
        "/methodology/",
        "/sources/dailynk2016a/", "/sources/kcna2015/", "/sources/ostberg2015/", "/sources/yonhap2016/"]
    assert sorted(fragments(site / "pagefind")) == indexed_pages(site)


def pagefind_attributes(path, kind: str) -> list[str]:
    """Values of one data-pagefind-* attribute on a page, in document order."""
    return [attrs[f"data-pagefind-{kind}"] for _, attrs in parse_page(path).elements
            if attrs.get(f"data-pagefind-{kind}")]


def test_an_article_carries_its_filters_metadata_and_sort_key(site):
    path = site / "articles" / "markets" / "index.html"
    bodies = [(tag, attrs.get("class")) for tag, attrs in parse_page(path).elements if "data-pagefind-body" in attrs]
    assert bodies == [("article", "article")]
    assert pagefind_attributes(path, "filter") == [
        "type:article", "tag:north-korea", "tag:markets", "author:Test Author", "year:2016",
        "source:Daily NK 2016", "source:Östberg 2015"]
    assert pagefind_attributes(path, "meta") == [
        "date:2016-05-01", "summary:Shorter market hours before the congress.", "type:article"]
    assert pagefind_attributes(path, "sort") == ["date:2016-05-01"]


def test_contents_references_cite_this_tags_and_footer_are_not_indexed(site):
    page = parse_page(site / "articles" / "markets" / "index.html")
    ignored = [(tag, attrs.get("class")) for tag, attrs in page.elements if "data-pagefind-ignore" in attrs]
    assert ignored == [("div", None), ("section", "sourcing"), ("nav", "toc"), ("section", "references"),
                       ("section", "cite-this"), ("footer", "article-footer")]
    record = fragments(site / "pagefind")["/articles/markets/"]
    assert "Market hours have been shortened" in record["content"]          # the body, evidence boxes included
    for left_out in ("Contents", "Sourcing profile", "Cite this article", "Example Press", "BibTeX", "About the authors"):
        assert left_out not in record["content"], left_out
    assert record["filters"] == {"author": ["Test Author"], "source": ["Daily NK 2016", "Östberg 2015"],
                                 "tag": ["north-korea", "markets"], "type": ["article"], "year": ["2016"]}
    assert record["meta"]["title"] == "Markets in the mornings"


def test_pages_sources_and_evidence_boxes_have_their_type(site):
    for folder, kind in (("methodology", "page"), ("sources/dailynk2016a", "source"),
                         ("evidence/markets/ev-hours", "evidence")):
        path = site / folder / "index.html"
        assert f"type:{kind}" in pagefind_attributes(path, "filter"), folder
        assert f"type:{kind}" in pagefind_attributes(path, "meta"), folder
    record = fragments(site / "pagefind")["/evidence/markets/ev-hours/"]
    assert record["meta"]["title"] == "Evidence 1 in “Markets in the mornings”"
    assert record["filters"]["source"] == ["Daily NK 2016"] and record["filters"]["tag"] == ["north-korea", "markets"]


def test_two_builds_in_two_folders_are_byte_identical(site, tmp_path_factory):
    other = copy_and_build(tmp_path_factory, "search-two")
    first, second = snapshot(site), snapshot(other)
    assert sum(key.endswith(".pf_filter") for key in first) == len(FILTERS)
    assert [key for key in first if first[key] != second.get(key)] == []
    assert first == second
