"""builder/site/data.py and evidence_feed.py: the example publication's evidence and sources as data,
checked against their JSON Schema, against each other, against the pages, and read back by pandoc."""

import csv
import io
import json
import subprocess

import feedparser
import jsonschema
import pytest

from builder.build import build
from builder.csl.pandoc import pandoc_path
from helpers import REPOSITORY, parse_page


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("data") / "site"
    build(REPOSITORY, pdf=False, out=out, search=False)
    return out


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def validator(site):
    schema = load(site / "data" / "evidence.schema.json")
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_evidence_and_each_articles_slice_validate_against_the_schema(site):
    check = validator(site)
    data = load(site / "data" / "evidence.json")
    check.validate(data)
    slices = sorted(site.glob("articles/*/evidence.json"))
    assert len(slices) == 4
    for path in slices:
        part = load(path)
        check.validate(part)
        assert {r["article"]["slug"] for r in part["evidence"]} == {path.parent.name}
    # The slices together are the whole, in the same order within each article.
    whole = [r["id"] for r in data["evidence"]]
    assert sorted(whole) == sorted(r["id"] for path in slices for r in load(path)["evidence"])
    assert len(whole) == len(set(whole)) == 19


def test_the_schema_refuses_a_record_that_breaks_it(site):
    check = validator(site)
    data = load(site / "data" / "evidence.json")
    record = data["evidence"][0]
    for broken in ({**record, "grade": {**(record["grade"] or {}), "reliability": "Z"}},
                   {**record, "verification": {"status": "maybe", "snapshot_date": None}},
                   {key: value for key, value in record.items() if key != "source"},
                   {**record, "date": "8 April 2016"}):
        with pytest.raises(jsonschema.ValidationError):
            check.validate({**data, "evidence": [broken]})


def test_a_record_says_what_its_box_says(site):
    records = {r["id"]: r for r in load(site / "data" / "evidence.json")["evidence"]}
    ningbo = records["restaurant-defection-sanctions/ev-ningbo"]
    assert ningbo["permalink"] == "https://example.org/ledger/evidence/restaurant-defection-sanctions/ev-ningbo/"
    assert ningbo["in_context"] == "https://example.org/ledger/articles/restaurant-defection-sanctions/#ev-ningbo"
    assert ningbo["source"]["key"] == "yonhap2016defection"
    assert ningbo["source"]["citation"].endswith("para. 3)")
    assert ningbo["source"]["reference"].startswith("Yonhap News Agency. 2016a. “13 N. Korean Restaurant Workers")
    assert (ningbo["date"], ningbo["locator"]) == ("2016-04-08", "para. 3")
    assert ningbo["grade"] == {"code": "B2", "reliability": "B", "reliability_meaning": "usually reliable",
                               "credibility": 2, "credibility_meaning": "probably true"}
    assert ningbo["verification"] == {"status": "verified", "snapshot_date": "2016-04-09"}
    assert ningbo["url"].startswith("https://english.yonhapnews.co.kr/") and "web.archive.org" in ningbo["archived"]
    assert ningbo["quote"].startswith("[The workers] had worked at a restaurant in Ningbo")
    motives = records["restaurant-defection-sanctions/ev-stated-motives"]
    assert motives["original"]["language"] == "ko" and motives["original"]["text"].startswith("해외에서")
    assert motives["original"]["translator"] == "Pyongyang Ledger"
    # A box without a grade of its own takes its source's reliability letter; one without either has none.
    assert records["donju-markets-hard-currency/ev-enterprise-rights"]["grade"]["code"] == "E"
    assert all(r["id_written"] for r in records.values())


def test_every_permalink_is_a_page_holding_its_quote(site):
    for record in load(site / "data" / "evidence.json")["evidence"]:
        path = record["permalink"].removeprefix("https://example.org/ledger/")
        page = (site / path / "index.html").read_text(encoding="utf-8")
        assert record["quote"][:40].replace("'", "&#39;").replace('"', "&#34;") in page, path
        article = parse_page(site / record["article"]["url"].removeprefix("https://example.org/ledger/") / "index.html")
        assert record["box_id"] in article.ids


def test_csv_holds_the_same_records(site):
    records = load(site / "data" / "evidence.json")["evidence"]
    raw = (site / "data" / "evidence.csv").read_bytes()
    assert b"\r\n" in raw and not raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert [row["id"] for row in rows] == [r["id"] for r in records]
    for row, record in zip(rows, records):
        assert row["quote"] == record["quote"]
        assert row["grade"] == ((record["grade"] or {}).get("code") or "")
        assert row["status"] == record["verification"]["status"]
        assert row["original"] == ((record["original"] or {}).get("text") or "")


def test_sources_json_is_csl_json_naming_what_cites_each_source(site):
    items = load(site / "data" / "sources.json")
    records = load(site / "data" / "evidence.json")["evidence"]
    keys = [item["id"] for item in items]
    assert len(keys) == len(set(keys)) == len(list(site.glob("sources/*/index.html")))
    assert {r["source"]["key"] for r in records} <= set(keys)
    by_key = {item["id"]: item for item in items}
    for record in records:
        assert record["id"] in by_key[record["source"]["key"]]["custom"]["evidence"]
    yonhap = by_key["yonhap2016defection"]["custom"]
    assert yonhap["page"] == "https://example.org/ledger/sources/yonhap2016defection/"
    assert {a["slug"] for a in yonhap["cited_in"]} == {"restaurant-defection-sanctions",
                                                      "restaurant-defection-sanctions-ko"}


@pytest.mark.parametrize("name", ["sources.json", "bibliography.bib"])
def test_pandoc_formats_citations_from_the_data(site, name):
    """What a researcher does with them: cite the publication's sources from a document of their own."""
    result = subprocess.run([pandoc_path(), "--citeproc", "-f", "markdown", "-t", "plain",
                             "--bibliography", str(site / "data" / name)],
                            input="As reported [@yonhap2016defection, para. 3] and [@lankov2013].\n",
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Yonhap" in result.stdout and "Lankov" in result.stdout and "???" not in result.stdout
    assert "[WARNING]" not in result.stderr


def test_bibliography_bib_is_in_cite_fmt_form(site):
    from builder.bib.format import format_bib

    text = (site / "data" / "bibliography.bib").read_text(encoding="utf-8")
    assert format_bib(text, sort=True) == text
    assert "@article{yonhap2016defection," in text and "@string{yonhap = {Yonhap News Agency}}" in text


def test_every_article_page_links_its_slice(site):
    for path in site.glob("articles/*/evidence.json"):
        page = parse_page(path.parent / "index.html")
        assert ("a", "href", f"../../articles/{path.parent.name}/evidence.json") in page.links


def test_evidence_feed_lists_every_box_newest_first(site):
    feed = feedparser.parse((site / "evidence" / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    records = load(site / "data" / "evidence.json")["evidence"]
    assert [entry.id for entry in feed.entries] == [r["permalink"] for r in records]
    published = [entry.published for entry in feed.entries]
    assert published == sorted(published, reverse=True)
    first = feed.entries[0]
    assert first.summary == records[0]["quote"]
    page = parse_page(site / "evidence" / "index.html")
    assert {"rel": "alternate", "type": "application/atom+xml", "href": "../evidence/feed.xml"}.items() <= \
        next(attrs for attrs in page.find("link") if attrs.get("href", "").endswith("evidence/feed.xml")).items()
