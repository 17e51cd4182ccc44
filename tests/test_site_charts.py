"""The pictures of the evidence (builder/site/charts.py, templates/_charts.html): laid out from the
boxes' grades and verification, drawn as SVG with a title, a description and a table of their numbers,
on the example publication's pages and in its PDFs."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest

from builder.build import build
from builder.model import EvidenceRecord
from builder.site.charts import MAX_SHADE, sourcing_profile, sources_over_time, split_grade
from helpers import REPOSITORY

ARTICLE = "articles/restaurant-defection-sanctions/index.html"
KOREAN = "articles/restaurant-defection-sanctions-ko/index.html"


def record(grade: str, status: str = "no-snapshot") -> EvidenceRecord:
    return EvidenceRecord(id="ev", number=1, source="key", quote="q", grade=grade, date="", status=status)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    result = build(REPOSITORY, out=tmp_path_factory.mktemp("charts") / "site", search=False)
    return result.out_dir


class _Tables(HTMLParser):
    """The rows of every table inside the sourcing profile's figure, each row its cells' texts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self.inside = False

    def handle_starttag(self, tag, attrs):
        if tag == "figure" and "chart--profile" in (dict(attrs).get("class") or ""):
            self.inside = True
        elif self.inside and tag == "table":
            self.tables.append([])
        elif self.inside and tag == "tr":
            self.tables[-1].append([])
        elif self.inside and tag in ("th", "td"):
            self.tables[-1][-1].append("")

    def handle_endtag(self, tag):
        if tag == "figure":
            self.inside = False

    def handle_data(self, data):
        if self.inside and self.tables and self.tables[-1] and self.tables[-1][-1]:
            self.tables[-1][-1][-1] += data


def profile_tables(html: str) -> list[list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return [[[cell.strip() for cell in row] for row in table] for table in parser.tables]


def test_a_grade_splits_into_reliability_and_credibility():
    assert split_grade("B2") == ("B", "2")
    assert split_grade(" c ") == ("C", "")
    assert split_grade("G2") == split_grade("B7") == split_grade("") == ("", "")


def test_the_profile_counts_each_cell_and_each_verification_state():
    profile = sourcing_profile([record("B2", "verified"), record("B2", "verified"), record("C"), record("E4", "not-found"),
                                record("", "no-original")])
    assert (profile.total, profile.graded, profile.ungraded, profile.verified) == (5, 4, 1, 2)
    assert profile.count("B", "2") == 2 and profile.count("C", "") == 1 and profile.count("E", "4") == 1
    assert profile.count("A", "1") == 0
    assert [column.label for column in profile.columns] == ["1", "2", "3", "4", "5", "6", ""]
    assert dict(profile.counts) == {"verified": 2, "not-found": 1, "no-snapshot": 1, "no-original": 1}
    # The fullest cell is shaded most, an empty one not at all; the bar's parts fill its width in order.
    shades = {(c.reliability, c.credibility): c.shade for c in profile.cells}
    assert shades["B", "2"] == MAX_SHADE and 0 < shades["C", ""] < MAX_SHADE and shades["A", "1"] == 0
    assert [part.status for part in profile.parts] == ["verified", "not-found", "no-snapshot", "no-original"]
    assert profile.parts[0].x == profile.grid_left
    assert profile.parts[-1].x + profile.parts[-1].width == pytest.approx(profile.width)
    assert [part.width for part in profile.parts][1] * 2 == pytest.approx(profile.parts[0].width)


def test_without_a_box_given_only_a_reliability_the_grid_has_no_column_for_it():
    assert [column.label for column in sourcing_profile([record("B2")]).columns] == ["1", "2", "3", "4", "5", "6"]
    assert sourcing_profile([]) is None


def test_the_article_page_says_and_tabulates_its_sourcing_profile(site):
    html = (site / ARTICLE).read_text(encoding="utf-8")
    section = html[html.index('<section class="sourcing"'):html.index("</section>", html.index('<section class="sourcing"'))]
    assert html.index('<section class="sourcing"') < html.index('<div class="article-body">')
    svg = re.search(r'<svg class="chart__svg"[^>]*role="img" aria-labelledby="sourcing-title sourcing-desc"', section)
    assert svg
    assert '<title id="sourcing-title">Sourcing profile: how the evidence is graded and verified</title>' in section
    # The example's article has six boxes: B2, B3, C2 twice, E4 and Hankyoreh's, which takes its source's C.
    assert ('<desc id="sourcing-desc">6 evidence boxes: 6 graded by source reliability (A–F) and information '
            'credibility (1–6), 0 ungraded; 4 verified against saved sources.</desc>') in section
    grid, states = profile_tables(html)
    assert grid[0] == ["Source reliability", "1 — confirmed by other sources", "2 — probably true", "3 — possibly true",
                       "4 — doubtful", "5 — improbable", "6 — truth cannot be judged", "Credibility not given"]
    rows = {row[0]: row[1:] for row in grid[1:]}
    assert rows["B — usually reliable"] == ["0", "1", "1", "0", "0", "0", "0"]
    assert rows["C — fairly reliable"] == ["0", "2", "0", "0", "0", "0", "1"]
    assert rows["E — unreliable"] == ["0", "0", "0", "1", "0", "0", "0"]
    assert rows["Ungraded"] == ["0"]
    assert states == [["Verified against saved source", "4"], ["Not found in saved source", "0"],
                      ["No saved source", "2"], ["Translation not verified: no original given", "0"]]
    # What the picture shows is what the table says: a shaded cell with its number for each graded cell.
    assert re.findall(r'<text class="chart__count"[^>]*>(\d+)</text>', section) == ["1", "1", "2", "1", "1"]


def test_a_korean_articles_profile_is_in_korean(site):
    html = (site / KOREAN).read_text(encoding="utf-8")
    assert "<desc id=\"sourcing-desc\">증거 2건: 2건은 출처 신뢰도(A–F)와 정보 신빙성(1–6)으로 등급을 매겼고" in html
    grid, states = profile_tables(html)
    assert grid[2] == ["B — 대체로 신뢰할 수 있음", "0", "1", "0", "0", "0", "0"]
    assert states[0] == ["저장된 출처와 대조해 확인함", "2"]


def test_an_article_without_evidence_has_no_profile(site):
    for page in (site / "articles").glob("*/index.html"):
        html = page.read_text(encoding="utf-8")
        assert ('class="evidence"' in html) == ('<section class="sourcing"' in html), page


def test_the_articles_pdf_shows_the_profile(site):
    from pypdf import PdfReader

    reader = PdfReader(site / "pdf" / "restaurant-defection-sanctions.pdf")
    assert "Sourcing profile" in reader.pages[0].extract_text()
    assert "Verified against saved source: 4" in reader.pages[0].extract_text()       # the legend, as text
    # The picture is an SVG image (the PDF fetcher lets the theme's data: SVG through): a figure whose
    # alternative text is the picture's title and description.
    figures = _figures(site / "pdf" / "restaurant-defection-sanctions.pdf")
    assert ("Sourcing profile: how the evidence is graded and verified 6 evidence boxes: 6 graded by source "
            "reliability (A–F) and information credibility (1–6), 0 ungraded; 4 verified against saved sources.") in figures


def _figures(pdf) -> list[str]:
    """The alternative text of every /Figure in the PDF's structure tree."""
    from pypdf import PdfReader

    figures, todo = [], [PdfReader(pdf).trailer["/Root"]["/StructTreeRoot"]]
    while todo:
        element = todo.pop().get_object()
        if not isinstance(element, dict):
            continue
        if element.get("/S") == "/Figure":
            figures.append(str(element.get("/Alt", "")))
        kids = element.get("/K", [])
        todo += kids if isinstance(kids, list) else [kids]
    return figures


def test_an_editions_index_of_sources_shows_its_sources_over_time_and_evidence_timeline(site):
    """The spring 2016 edition (dossier.yml) holds the three English articles: its index of sources
    draws what they cite by year and when their evidence dates from, as tagged figures."""
    figures = _figures(site / "pdf" / "spring-2016.pdf")
    over_time = [f for f in figures if f.startswith("Sources over time: the most-cited sources, cited per year")]
    timeline = [f for f in figures if f.startswith("Evidence timeline: the dates of the evidence, by source")]
    assert over_time == ["Sources over time: the most-cited sources, cited per year How many documents published in "
                         "2016 cite each of the 8 most-cited sources."]
    assert len(timeline) == 1 and "by source; the vertical lines mark the articles' publication dates." in timeline[0]


def test_the_evidence_page_draws_and_tabulates_the_dates_of_the_evidence_by_source(site):
    html = (site / "evidence" / "index.html").read_text(encoding="utf-8")
    figure = html[html.index('<figure class="chart chart--timeline" data-pagefind-ignore>'):html.index("</figure>")]
    assert ('<desc id="timeline-desc">Dated evidence from 2015-09-05 to 2016-06-20, by source; the vertical lines '
            "mark the articles&#39; publication dates.</desc>") in figure
    dates, articles = (table for table in _timeline_tables(figure))
    # Daily NK 2016a holds two boxes of March 14, 2016 (the surveillance article's Evidence 4 and 5).
    assert ["Daily NK 2016a", "Evidence 4", "2016-03-14"] in dates and ["Daily NK 2016a", "Evidence 5", "2016-03-14"] in dates
    assert len(dates) == 17          # every box of the example but the two without a date of their own
    assert [row[1] for row in articles] == ["2016-04-12", "2016-04-12", "2016-06-06", "2016-06-20"]
    assert len(re.findall(r'<circle class="chart__point"', figure)) == 17
    # The Korean article's title, on this English page, says it is Korean.
    assert '<th scope="row" lang="ko">한 식당에서 온 열세 명: 2016년 4월 집단 탈북과 충성의 한계</th>' in figure
    assert len(re.findall(r'<line class="chart__article"', figure)) == 4


def test_a_source_page_draws_its_own_evidence_dates(site):
    html = (site / "sources" / "dailynk2016a" / "index.html").read_text(encoding="utf-8")
    figure = html[html.index('<figure class="chart chart--timeline" data-pagefind-ignore>'):html.index("</figure>")]
    assert "Dated evidence from 2016-03-14 to 2016-06-06" in figure
    assert len(re.findall(r'<circle class="chart__point"', figure)) == 2


def _timeline_tables(figure: str) -> list[list[list[str]]]:
    tables = []
    for table in re.findall(r"<table>(.*?)</table>", figure, re.S):
        rows = re.findall(r"<tr>(.*?)</tr>", re.sub(r"<thead>.*?</thead>", "", table, flags=re.S), re.S)
        tables.append([[re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
                       for row in rows])
    return tables


def citing_source(label: str, *dates: str):
    """A stand-in for a SourceView: its label, URL and the dates of the documents citing it."""
    return SimpleNamespace(label=label, url=f"sources/{label}/",
                           citing=tuple(SimpleNamespace(article=SimpleNamespace(date=date)) for date in dates))


def test_sources_over_time_counts_citing_documents_per_year_gaps_included():
    chart = sources_over_time((citing_source("A", "2014-03-01", "2016-05-01", "2016-07-01", ""),
                               citing_source("B", "2016-01-02")))
    assert [year.label for year in chart.years] == ["2014", "2015", "2016"]
    assert [[cell.count for cell in row.years] for row in chart.rows] == [[1, 0, 2], [0, 0, 1]]
    assert chart.undated == 1
    # The longest bar is the largest count's; the others are in proportion.
    widths = {(row.label, cell.year): cell.width for row in chart.rows for cell in row.years}
    assert widths["A", "2016"] == pytest.approx(2 * widths["A", "2014"], abs=0.02) and widths["A", "2015"] == 0
    assert widths["A", "2016"] < chart.column
    assert sources_over_time((citing_source("A", ""),)) is None


def test_the_sources_page_draws_and_tabulates_the_most_cited_sources_by_year(site):
    html = (site / "sources" / "index.html").read_text(encoding="utf-8")
    figure = html[html.index('<figure class="chart chart--years"'):html.index("</figure>")]
    assert ('<desc id="over-time-desc">How many documents published in 2016 cite each of the 8 most-cited '
            "sources.</desc>") in figure
    (table,) = _timeline_tables(figure)
    # The example's four articles are all of 2016; the English and Korean versions of one count as two.
    assert ["Collins 2012", "2"] in table and ["Haggard and Noland 2011", "1"] in table
    assert len(table) == 8
    assert re.findall(r'<text class="chart__count"[^>]*>(\d+)</text>', figure) == [row[1] for row in table]
