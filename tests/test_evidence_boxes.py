"""Evidence boxes: builder/markdown/evidence.py (syntax) and builder/evidence/boxes.py (grades, verification, captions),
through the parser and through builds of tests/fixtures/evidence-*/."""

import re
import shutil

import pytest

from builder.build import build
from builder.errors import BuildFailed
from builder.markdown import create_parser, parse_markdown, render_parsed
from helpers import FIXTURES, broken_links, parse_page, write

BASE_URL = "https://example.org/evidence/"
GRADE_B2 = "Grade B2 — usually reliable; probably true"


def parse(text: str):
    """(evidence boxes, problems as strings) of one body whose first line is line 6 of its file."""
    parsed = parse_markdown(create_parser(), text, path="content/articles/a.md", line_offset=5)
    return parsed.evidence, [str(p) for p in parsed.problems]


def figure(html: str, box_id: str) -> str:
    """The HTML of one evidence box, <figure> to </figure>."""
    match = re.search(rf'<figure class="evidence" id="{box_id}"[^>]*>.*?</figure>', html, re.DOTALL)
    assert match, f"no evidence box #{box_id}"
    return match.group(0)


def caption(html: str, box_id: str) -> list[str]:
    """The lines of a box's <figcaption>, without the wrapping tag."""
    match = re.search(r'<figcaption class="evidence__caption">(.*?)</figcaption>', figure(html, box_id), re.DOTALL)
    return match.group(1).split("\n")


# --- Attributes -------------------------------------------------------------------------

def test_quoted_values_keep_spaces_commas_and_escaped_quotes():
    boxes, problems = parse('::: {.evidence #ev-a source=kim2016 locator="pp. 4-6, n. 2" '
                            'note="He said \\"no\\" twice" date=\'2016-03-14\'}\nQuote.\n:::\n')
    assert problems == []
    assert boxes[0].attributes == {"source": "kim2016", "locator": "pp. 4-6, n. 2",
                                   "note": 'He said "no" twice', "date": "2016-03-14"}


def test_attributes_in_any_order_with_extra_spaces():
    boxes, problems = parse(":::   {  grade=b2    #ev-b   source=kim2016   .evidence   }\nQuote.\n:::\n")
    assert problems == []
    assert (boxes[0].id, boxes[0].source, boxes[0].get("grade")) == ("ev-b", "kim2016", "B2")


def test_bare_values_keep_urls_and_keys_with_punctuation():
    boxes, problems = parse("::: {.evidence #ev-c source=unsc:res2270 url=https://example.org/a?x=1&y=2 "
                            "translated=ko}\nQuote.\n:::\n")
    assert problems == []
    assert boxes[0].attributes == {"source": "unsc:res2270", "url": "https://example.org/a?x=1&y=2",
                                   "translated": "ko"}


def test_boxes_are_numbered_in_order_and_need_no_id():
    boxes, _ = parse("::: {.evidence source=a}\nOne.\n:::\n\n::: {.evidence #ev-two source=b}\nTwo.\n:::\n\n"
                     "::: {.evidence source=c}\nThree.\n:::\n")
    assert [(b.id, b.number, b.source) for b in boxes] == [("evidence-1", 1, "a"), ("ev-two", 2, "b"),
                                                          ("evidence-3", 3, "c")]


def test_a_grade_may_be_a_letter_alone():
    boxes, problems = parse("::: {.evidence source=a grade=D}\nQuote.\n:::\n")
    assert problems == [] and boxes[0].get("grade") == "D"


def test_quote_text_joins_paragraphs_with_an_ellipsis():
    boxes, _ = parse("::: {.evidence source=a}\nFirst *part*\ngoes on.\n\nSecond `part`.\n:::\n")
    assert boxes[0].quote == "First part goes on. … Second part."


@pytest.mark.parametrize("attributes, expected", [
    ("#ev-x date=2016-01-01", "content/articles/a.md:6:5: error: evidence box has no source: add source=KEY"),
    ("#ev-x source=a grade=G7",
     "content/articles/a.md:6:31: error: malformed grade 'G7': use a reliability letter A-F and a credibility "
     "digit 1-6, e.g. B2"),
    ("#ev-x source=a grade=B9",
     "content/articles/a.md:6:31: error: malformed grade 'B9': use a reliability letter A-F and a credibility "
     "digit 1-6, e.g. B2"),
    ("#ev-x source=a colour=red",
     "content/articles/a.md:6:31: warning: unknown evidence attribute 'colour' (known: source, date, locator, "
     "grade, url, archived, translated, translator, note)"),
], ids=["no-source", "grade-letter", "grade-digit", "unknown-attribute"])
def test_attribute_problems_are_positioned(attributes, expected):
    _, problems = parse(f"::: {{.evidence {attributes}}}\nQuote.\n:::\n")
    assert problems == [expected]


# --- Errors through a build ---------------------------------------------------------------

ERRORS = [
    "content/articles/broken.md:8:5: error: evidence box has no source: add source=KEY",
    "content/articles/broken.md:12:44: error: malformed grade 'G7': use a reliability letter A-F and a "
    "credibility digit 1-6, e.g. B2",
    "content/articles/broken.md:20:18: error: duplicate evidence id '#ev-twice': first used on line 16",
    "content/articles/broken.md:20:43: warning: unknown evidence attribute 'colour' (known: source, date, "
    "locator, grade, url, archived, translated, translator, note)",
    "content/articles/broken.md:24:35: error: unknown citation key 'kim2061' (did you mean 'kim2016'?)",
    "content/articles/broken.md:28:1: error: fenced div ':::' is not closed: add a ':::' line after its content",
]


def test_every_error_is_reported_at_its_position_in_one_run(publication):
    root = publication("evidence-errors")
    with pytest.raises(BuildFailed) as failed:
        build(root, write=False)
    assert [str(p) for p in failed.value.problems] == ERRORS


def test_errors_fail_the_command_without_writing(publication, cli):
    root = publication("evidence-errors")
    result = cli("-C", root, "build", "--no-pdf")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == ERRORS + ["5 errors; nothing was written"]
    assert not (root / "_site").exists()


def test_an_unknown_attribute_alone_is_only_a_warning(publication):
    root = publication("evidence-misquote")
    article = root / "content" / "articles" / "misquote.md"
    text = article.read_text(encoding="utf-8")
    text = text.replace("any loyalty", "a true sense of loyalty").replace('locator="para. 4"', 'page=3 locator="para. 4"')
    article.write_text(text, encoding="utf-8")
    result = build(root, write=False)
    assert [str(p) for p in result.warnings] == [
        "content/articles/misquote.md:8:46: warning: unknown evidence attribute 'page' (known: source, date, "
        "locator, grade, url, archived, translated, translator, note)"]


def test_only_web_addresses_become_links(publication):
    root = publication("evidence-misquote")
    article = root / "content" / "articles" / "misquote.md"
    text = article.read_text(encoding="utf-8").replace("any loyalty", "a true sense of loyalty")
    article.write_text(text.replace('locator="para. 4"', 'url="javascript:alert(1)" archived="ftp://example.org/x"'),
                       encoding="utf-8")
    result = build(root, write=False)
    html = next(o.content for o in result.outputs if o.path == "articles/misquote/index.html").decode()
    box = figure(html, "ev-wrong")
    assert "javascript:" not in box and "ftp:" not in box
    assert '<blockquote class="evidence__quote">' in box
    assert ('<span class="evidence__links"><a href="../../evidence/misquote/ev-wrong/">Permalink</a> · '
            '<a href="../../sources/dailynk2016a/">Source page</a></span>') in box


# --- A built publication --------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """tests/fixtures/evidence-basic built once: its _site folder."""
    root = tmp_path_factory.mktemp("evidence") / "evidence-basic"
    shutil.copytree(FIXTURES / "evidence-basic", root)
    result = build(root, pdf=False)
    assert result.warnings == []
    return result.out_dir


@pytest.fixture(scope="module")
def loyalty(site):
    return (site / "articles" / "loyalty" / "index.html").read_text(encoding="utf-8")


def test_no_link_in_the_site_is_broken(site):
    assert broken_links(site, BASE_URL) == []


def test_a_box_is_a_figure_with_the_quote_in_a_blockquote(loyalty):
    html = figure(loyalty, "ev-cadre")
    assert html.startswith('<figure class="evidence" id="ev-cadre" data-source="dailynk2016a" data-grade="B2">\n'
                           '<blockquote class="evidence__quote" cite="https://www.dailynk.com/english/read.php?num=13780">\n'
                           "<p>Party cadres these days do not feel a true sense of loyalty towards the regime.</p>\n"
                           "</blockquote>\n<figcaption")


def test_caption_has_label_citation_date_grade_links_and_verified_mark(loyalty):
    assert caption(loyalty, "ev-cadre") == [
        '<span class="evidence__label">Evidence 1</span>',
        '<span class="evidence__citation"><span class="citation" data-cites="dailynk2016a">(<a href="#ref-dailynk2016a" '
        'role="doc-biblioref">Daily NK 2016, para. 4</a>)</span></span>',
        '<time class="evidence__date" datetime="2016-03-14">March 14, 2016</time>',
        '<span class="grade grade--b" title="B2 — usually reliable; probably true"><span aria-hidden="true">B2</span>'
        f'<span class="visually-hidden">{GRADE_B2}</span></span>',
        '<span class="evidence__links"><a href="../../evidence/loyalty/ev-cadre/">Permalink</a> · '
        '<a href="../../sources/dailynk2016a/">Source page</a> · '
        '<a href="https://www.dailynk.com/english/read.php?num=13780" rel="external noopener">Original</a> · '
        '<a href="https://web.archive.org/web/2016/https://www.dailynk.com/english/read.php?num=13780" '
        'rel="external noopener">Archived copy</a></span>',
        '<span class="evidence__verified">✓ verified against saved source, March 15, 2016</span>',
    ]


def test_badge_text_reads_as_words_for_screen_readers(site):
    page = parse_page(site / "articles" / "loyalty" / "index.html")
    assert page.texts["ev-cadre"].count(GRADE_B2) == 1
    assert "Grade C3 — fairly reliable; possibly true" in page.texts["ev-quota"]
    assert "Grade C2 — fairly reliable; probably true" in page.texts["ev-targets"]   # grade=c2 is read as C2


def test_translated_box_with_a_note_and_the_sources_default_reliability(loyalty):
    assert caption(loyalty, "ev-enterprise") == [
        '<span class="evidence__label">Evidence 3</span>',
        '<span class="evidence__citation"><span class="citation" data-cites="kcna2015">(<a href="#ref-kcna2015" '
        'role="doc-biblioref">Korean Central News Agency 2015</a>)</span></span>',
        '<time class="evidence__date" datetime="2015-09-05">September 5, 2015</time>',
        '<span class="grade grade--e" title="E — unreliable"><span aria-hidden="true">E</span>'
        '<span class="visually-hidden">Grade E — unreliable</span></span>',
        '<span class="evidence__translated">Translated from Korean</span>',
        '<span class="evidence__links"><a href="../../evidence/loyalty/ev-enterprise/">Permalink</a> · '
        '<a href="../../sources/kcna2015/">Source page</a></span>',
        '<span class="evidence__note">Our translation; KCNA calls it "the socialist enterprise system".</span>',
    ]


def test_default_reliability_from_the_bib_and_no_badge_without_either(site, loyalty):
    assert 'title="B — usually reliable"' in figure(loyalty, "ev-defection")     # yonhap2016: reliability = {B}
    markets = (site / "articles" / "markets" / "index.html").read_text(encoding="utf-8")
    assert 'class="grade' not in figure(markets, "ev-no-grade")                   # ostberg2015 has none


def test_a_box_inside_a_list_item(loyalty):
    assert re.search(r'<li>\n<p>Inspections widened in March, as <a class="crossref" href="#ev-targets">Evidence 4</a> '
                     r'shows\.</p>\n<figure class="evidence" id="ev-targets".*?</figure>\n</li>\n<li>\n<p>The markets',
                     loyalty, re.DOTALL)


def test_a_box_holding_a_list(loyalty):
    html = figure(loyalty, "ev-defection")
    assert ('<p>[The workers] had worked at a restaurant in Ningbo:</p>\n<ul>\n'
            "<li>a port city in China’s Zhejiang province,</li>\n<li>according to a government source.</li>\n"
            "</ul>\n</blockquote>") in html
    assert "✓ verified against saved source, April 9, 2016" in html   # .md snapshot, date from its front matter


def test_numbering_is_per_document_and_references_resolve(site):
    for name, expected in (("loyalty", {"ev-cadre": "Evidence 1", "ev-quota": "Evidence 2", "ev-enterprise": "Evidence 3",
                                        "ev-targets": "Evidence 4", "ev-defection": "Evidence 5"}),
                           ("markets", {"ev-hours": "Evidence 1", "ev-no-grade": "Evidence 2"})):
        path = site / "articles" / name / "index.html"
        page, html = parse_page(path), path.read_text(encoding="utf-8")
        boxes = [attrs["id"] for tag, attrs in page.elements if tag == "figure" and attrs.get("class") == "evidence"]
        assert boxes == list(expected)
        for box_id, label in expected.items():
            assert f'<span class="evidence__label">{label}</span>' in figure(html, box_id)
        references = page.find("a", class_="crossref")
        assert references, name
        for attrs in references:
            target = attrs["href"].removeprefix("#")
            assert target in page.ids and target in expected, attrs["href"]
        assert "crossref--unresolved" not in html


def test_reference_text_names_the_box_number(loyalty):
    assert ('An informant’s words are blunt (<a class="crossref" href="#ev-cadre">Evidence 1</a>); see also '
            '<a class="crossref" href="#ev-quota">Evidence 2</a> and <a class="crossref" href="#ev-enterprise">'
            "Evidence 3</a>.") in loyalty
    assert '<td><a class="crossref" href="#ev-cadre">Evidence 1</a></td>' in loyalty


def test_elided_quote_is_verified_and_no_snapshot_means_no_mark(loyalty):
    assert "verified against saved source, March 15, 2016" in figure(loyalty, "ev-targets")   # "[...]" elision
    assert "verified" not in figure(loyalty, "ev-quota")          # ostberg2015 has no snapshot
    assert "verified" not in figure(loyalty, "ev-enterprise")


# --- The indexes ----------------------------------------------------------------------------

def evidence_groups(path) -> list[tuple[str, list[str]]]:
    """(source page link, [box links]) for each group of an evidence list page, in order."""
    groups = []
    for tag, attrs in parse_page(path).elements:
        if tag == "section" and attrs.get("class") == "evidence-group":
            groups.append(["", []])
        elif groups and tag == "a" and not groups[-1][0]:
            groups[-1][0] = attrs["href"]
        elif groups and tag == "a" and "#" in attrs["href"]:
            groups[-1][1].append(attrs["href"])
    return [(source, boxes) for source, boxes in groups]


def test_evidence_index_groups_boxes_by_source(site):
    assert evidence_groups(site / "evidence" / "index.html") == [
        ("../sources/dailynk2016a/", ["../articles/markets/#ev-hours", "../articles/loyalty/#ev-cadre",
                                      "../articles/loyalty/#ev-targets"]),
        ("../sources/kcna2015/", ["../articles/loyalty/#ev-enterprise"]),
        ("../sources/ostberg2015/", ["../articles/markets/#ev-no-grade", "../articles/loyalty/#ev-quota"]),
        ("../sources/yonhap2016/", ["../articles/loyalty/#ev-defection"]),
    ]


def test_evidence_index_shows_grade_and_verification_status(site):
    html = (site / "evidence" / "index.html").read_text(encoding="utf-8")
    item = html[html.index('href="../articles/loyalty/#ev-quota"'):]
    item = item[:item.index("</li>")]
    assert "Grade C3 — fairly reliable; possibly true" in item
    assert '<span class="evidence-status evidence-status--no-snapshot">No saved source</span>' in item
    assert html.count("evidence-status--verified") == 4


def test_source_page_lists_its_boxes(site):
    page = site / "sources" / "dailynk2016a" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert '<h2 id="evidence-heading">Evidence from this source</h2>' in html
    assert "<dt>Source reliability</dt><dd>C — fairly reliable</dd>" in html
    boxes = [attrs["href"] for tag, attrs in parse_page(page).elements if tag == "a" and "#ev-" in attrs.get("href", "")]
    assert boxes == ["../../articles/markets/#ev-hours", "../../articles/loyalty/#ev-cadre",
                     "../../articles/loyalty/#ev-targets"]


def test_every_box_has_its_own_page_linking_back_to_the_box(site):
    pages = sorted(path.parent.relative_to(site).as_posix() for path in (site / "evidence").glob("*/*/index.html"))
    assert pages == ["evidence/loyalty/ev-cadre", "evidence/loyalty/ev-defection", "evidence/loyalty/ev-enterprise",
                     "evidence/loyalty/ev-quota", "evidence/loyalty/ev-targets", "evidence/markets/ev-hours",
                     "evidence/markets/ev-no-grade"]
    page = parse_page(site / "evidence" / "loyalty" / "ev-cadre" / "index.html")
    assert {"href": "../../../articles/loyalty/#ev-cadre"} in page.find("a")
    assert page.texts["evidence-title"] == "Evidence 1 in “Loyalty under inspection”"


def test_source_without_evidence_has_no_evidence_section(publication):
    root = publication("cited")
    site = build(root, pdf=False).out_dir
    assert "Evidence from this source" not in (site / "sources" / "kim2016" / "index.html").read_text(encoding="utf-8")
    assert not (site / "evidence").exists()


# --- Verification: a misquote fails the build, unless verify_quotes: warn ------------------------

MISQUOTE = ("content/articles/misquote.md:9:37: {severity}: quote in evidence box '#ev-wrong' is not in the saved "
            "source 'dailynk2016a': \"… do not feel any → a true sense of loyalty towards the …\" (quote → source); "
            "closest passage at citations/snapshots/dailynk2016a.txt:3, 89% similar")


def test_misquote_fails_the_build(publication, cli):
    root = publication("evidence-misquote")
    with pytest.raises(BuildFailed) as failed:
        build(root, pdf=False)
    assert [str(p) for p in failed.value.problems] == [MISQUOTE.format(severity="error")]
    result = cli("-C", root, "build", "--no-pdf")
    assert result.exit_code == 1 and not (root / "_site").exists()
    assert result.stderr.splitlines()[0] == MISQUOTE.format(severity="error")


def test_with_verify_quotes_warn_the_box_says_it_differs_from_its_saved_source(publication):
    root = publication("evidence-misquote")
    (root / "dossier.yml").write_text((root / "dossier.yml").read_text(encoding="utf-8") + "verify_quotes: warn\n",
                                      encoding="utf-8")
    result = build(root, pdf=False)
    assert [str(p) for p in result.warnings] == [MISQUOTE.format(severity="warning")]
    html = (result.out_dir / "articles" / "misquote" / "index.html").read_text(encoding="utf-8")
    assert "verified against saved source" not in figure(html, "ev-wrong")
    assert caption(html, "ev-wrong")[-1] == ('<span class="evidence__differs">⚠ Quote differs from the saved source of '
                                             "March 15, 2016</span>")
    index = (result.out_dir / "evidence" / "index.html").read_text(encoding="utf-8")
    assert ('<span class="evidence-status evidence-status--not-found">Differs from the saved source of March 15, 2016'
            "</span>") in index
    page = (result.out_dir / "evidence" / "misquote" / "ev-wrong" / "index.html").read_text(encoding="utf-8")
    assert "Differs from the saved source of March 15, 2016" in page


def test_misquote_is_an_error_in_check_even_with_verify_quotes_warn(publication, cli):
    root = publication("evidence-misquote")
    (root / "dossier.yml").write_text((root / "dossier.yml").read_text(encoding="utf-8") + "verify_quotes: warn\n",
                                      encoding="utf-8")
    result = cli("-C", root, "check")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [MISQUOTE.format(severity="error"), "1 error; nothing was written"]


def test_a_correct_quote_passes_check(publication, cli):
    root = publication("evidence-misquote")
    article = root / "content" / "articles" / "misquote.md"
    article.write_text(article.read_text(encoding="utf-8").replace("any loyalty", "a true sense of loyalty"),
                       encoding="utf-8")
    result = cli("-C", root, "check")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


# --- Translated boxes: the original is verified, the translation shown ------------------------

TRANSLATED = """\
::: {.evidence #ev-abduction source=kcna2016ko translated=ko translator="Pyongyang Ledger" grade=E4}
The puppet group's intelligence agency lured and abducted our citizens working abroad.

::: original
괴뢰패당의 정보원이 해외에서 일하던 우리 공민들을 유인랍치하였다.
:::
:::
"""


def test_the_original_is_kept_apart_from_the_translation():
    boxes, problems = parse(TRANSLATED)
    assert problems == []
    (box,) = boxes
    assert box.quote == "The puppet group's intelligence agency lured and abducted our citizens working abroad."
    assert box.original == "괴뢰패당의 정보원이 해외에서 일하던 우리 공민들을 유인랍치하였다."
    assert box.original_at == (3, 0)
    assert box.attributes["translator"] == "Pyongyang Ledger"


def test_an_original_written_first_or_with_braces_is_shown_after_the_translation():
    text = ("::: {.evidence #ev-a source=k translated=ko}\n::: {.original}\n원문.\n:::\n\n"
            "First paragraph.\n\nSecond paragraph.\n:::\n")
    md = create_parser()
    parsed = parse_markdown(md, text, path="content/articles/a.md", line_offset=5)
    assert [(box.quote, box.original) for box in parsed.evidence] == [("First paragraph. … Second paragraph.", "원문.")]
    assert render_parsed(md, parsed, evidence_original_label=lambda box: "Original (Korean)").html == (
        '<figure class="evidence" id="ev-a" data-source="k">\n<blockquote class="evidence__quote">\n'
        "<p>First paragraph.</p>\n<p>Second paragraph.</p>\n</blockquote>\n"
        '<details class="evidence__original" open>\n<summary>Original (Korean)</summary>\n'
        '<blockquote class="evidence__original-quote" lang="ko">\n<p>원문.</p>\n</blockquote>\n</details>\n'
        '<figcaption class="evidence__caption">Evidence 1</figcaption>\n</figure>\n')


def test_a_box_after_another_div_keeps_its_quote():
    boxes, _ = parse("::: note\nAside.\n:::\n\n::: {.evidence source=a}\nQuote.\n:::\n")
    assert boxes[0].quote == "Quote."


@pytest.mark.parametrize(("text", "expected"), [
    (TRANSLATED.replace(":::\n:::\n", ":::\n\n  ::: {.original}\n  또 하나.\n  :::\n:::\n"),
     "content/articles/a.md:13:3: error: evidence box '#ev-abduction' has a second original: a box holds one "
     "'::: original' (the first is on line 9)"),
    (TRANSLATED.replace(' translated=ko translator="Pyongyang Ledger"', ""),
     "content/articles/a.md:9:1: error: the original in evidence box '#ev-abduction' needs translated=LANGUAGE on "
     "the box, the language it is translated from, e.g. translated=ko"),
    (TRANSLATED.replace("translated=ko", "translated=Korean!"),
     "content/articles/a.md:6:48: error: 'translated=Korean!' is not a language tag: give the language the quote "
     "is translated from, e.g. translated=ko"),
], ids=["second-original", "original-without-language", "language-not-a-tag"])
def test_original_problems_are_positioned(text, expected):
    _, problems = parse(text)
    assert problems == [expected]


SNAPSHOT_KO = """\
Saved: 2016-04-13

조선중앙통신 2016년 ４월 １２일 평양

괴뢰패당의 정보원이 해외에서 일하던 우리 공민들을 유인랍치하였다. 「이것은 용납할 수 없는
반인륜적범죄이다」라고 대변인은 강조하였다.
"""

ARTICLE_KO = """\
---
title: "The restaurant workers"
date: 2016-04-20
---

KCNA called it an abduction (@ev-abduction) and a crime (@ev-crime).

""" + TRANSLATED + """
::: {.evidence #ev-crime source=kcna2016ko translated=ko}
"This is an unpardonable crime against humanity," the spokesman stressed.

::: {.original}
“이것은 용납할 수 없는 ⋯ 범죄이다”라고 대변인은 강조하였다.
:::
:::
"""


@pytest.fixture
def translated(tmp_path):
    """A publication of one article with two translated boxes whose originals its Korean snapshot holds."""
    root = tmp_path / "translated"
    write(root / "dossier.yml", 'title: "Translated Ledger"\nbase_url: https://example.org/t/\nlanguage: en\n'
                                'translator: "the editors"\n')
    write(root / "citations" / "sources.bib",
          "@online{kcna2016ko,\n  author = {{Korean Central News Agency}},\n"
          "  title = {남조선괴뢰패당의 집단유인랍치만행},\n  date = {2016-04-12},\n}\n")
    write(root / "citations" / "snapshots" / "kcna2016ko.txt", SNAPSHOT_KO)
    write(root / "content" / "articles" / "abduction.md", ARTICLE_KO)
    return root


def test_a_translated_box_shows_its_translation_and_its_verified_original(translated, cli):
    result = cli("-C", translated, "check")
    assert (result.exit_code, result.stderr) == (0, "")
    site = build(translated, pdf=False).out_dir
    html = (site / "articles" / "abduction" / "index.html").read_text(encoding="utf-8")
    box = figure(html, "ev-abduction")
    assert ('<blockquote class="evidence__quote">\n<p>The puppet group’s intelligence agency lured and abducted our '
            "citizens working abroad.</p>\n</blockquote>\n"
            '<details class="evidence__original" open="">\n<summary>Original (Korean)</summary>\n'
            '<blockquote class="evidence__original-quote" lang="ko">\n'
            "<p>괴뢰패당의 정보원이 해외에서 일하던 우리 공민들을 유인랍치하였다.</p>\n</blockquote>\n</details>\n"
            '<figcaption class="evidence__caption">') in box
    lines = caption(html, "ev-abduction")
    assert '<span class="evidence__translated">Translated from Korean by Pyongyang Ledger</span>' in lines
    assert any(line.startswith('<span class="evidence__verified">✓ original verified against saved source')
               for line in lines)
    crime = caption(html, "ev-crime")           # no translator=: the publication's
    assert '<span class="evidence__translated">Translated from Korean by the editors</span>' in crime
    assert any("original verified against saved source" in line for line in crime)


def test_on_a_korean_page_the_language_is_named_in_korean(translated):
    settings = translated / "dossier.yml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("language: en", "language: ko"), encoding="utf-8")
    html = (build(translated, pdf=False).out_dir / "articles" / "abduction" / "index.html").read_text(encoding="utf-8")
    assert "<summary>원문(한국어)</summary>" in figure(html, "ev-abduction")
    assert '<span class="evidence__translated">한국어 원문, Pyongyang Ledger 번역</span>' in caption(html, "ev-abduction")


def test_the_indexes_and_the_box_page_show_both_texts(translated):
    site = build(translated, pdf=False).out_dir
    original = '<blockquote class="evidence-item__original" lang="ko"><p>괴뢰패당의 정보원이 해외에서 일하던 우리 공민들을 유인랍치하였다.</p></blockquote>'
    for page in (site / "evidence" / "index.html", site / "sources" / "kcna2016ko" / "index.html"):
        html = page.read_text(encoding="utf-8")
        assert "<p>The puppet group’s intelligence agency lured and abducted our citizens working abroad.</p>" in html
        assert original in html
        assert '<span class="evidence-item__translated">· Translated from Korean by Pyongyang Ledger</span>' in html
        assert html.count('<span class="evidence-status evidence-status--verified">Original verified against saved '
                          "source</span>") == 2
    box_page = (site / "evidence" / "abduction" / "ev-abduction" / "index.html").read_text(encoding="utf-8")
    assert ('<details class="evidence__original" open><summary data-pagefind-ignore>Original (Korean)</summary>\n'
            '      <blockquote class="evidence__original-quote" lang="ko"><p>괴뢰패당의 정보원이 해외에서 일하던 우리 '
            "공민들을 유인랍치하였다.</p></blockquote></details>") in box_page
    assert '<span class="evidence__translated">Translated from Korean by Pyongyang Ledger</span>' in box_page


def test_search_indexes_the_original_with_its_translation(translated):
    import gzip
    import json

    site = build(translated, pdf=False).out_dir
    records = [json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd"):])
               for path in site.rglob("pagefind/fragment/*.pf_fragment")]
    (box,) = [record for record in records if record["url"].endswith("/evidence/abduction/ev-abduction/")]
    assert "lured and abducted our citizens" in box["content"]
    assert "괴뢰패당의 정보원이 해외에서 일하던 우리 공민들을 유인랍치하였다." in box["content"]


def test_the_pdf_shows_both_texts(translated):
    from pypdf import PdfReader

    site = build(translated).out_dir
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(site / "pdf" / "abduction.pdf").pages).split())
    assert ("The puppet group’s intelligence agency lured and abducted our citizens working abroad. Original (Korean) "
            "괴뢰패당의 정보원이 해외에서 일하던 우리 공민들을 유인랍치하였다.") in text
    assert "Translated from Korean by Pyongyang Ledger" in text


def test_a_translated_box_without_an_original_is_a_warning_and_claims_nothing(translated):
    article = translated / "content" / "articles" / "abduction.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("\n::: original\n괴뢰패당의 정보원이 해외에서 일하던 우리 공민들을 유인랍치하였다.\n:::\n", ""),
                       encoding="utf-8")
    result = build(translated, pdf=False)
    assert [str(p) for p in result.warnings] == [
        "content/articles/abduction.md:8:1: warning: evidence box '#ev-abduction' is translated from Korean and is "
        "not verified against the saved source 'kcna2016ko': add the original wording inside the box in a "
        "'::: original' div"]
    html = (result.out_dir / "articles" / "abduction" / "index.html").read_text(encoding="utf-8")
    assert "verified" not in figure(html, "ev-abduction") and "evidence__original" not in figure(html, "ev-abduction")
    index = (result.out_dir / "evidence" / "index.html").read_text(encoding="utf-8")
    assert ('<span class="evidence-status evidence-status--no-original">Translation not verified: no original '
            "given</span>") in index


def test_a_wrong_original_is_reported_at_its_first_differing_word_with_the_korean_changes(translated, cli):
    article = translated / "content" / "articles" / "abduction.md"
    article.write_text(article.read_text(encoding="utf-8").replace("우리 공민들을 유인랍치하였다", "우리 인민들을 납치하였다"),
                       encoding="utf-8")
    result = cli("-C", translated, "check")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "content/articles/abduction.md:12:24: error: the original in evidence box '#ev-abduction' is not in the saved "
        "source 'kcna2016ko': \"… 해외에서 일하던 우리 인민들을 납치하였다. → 공민들을 유인랍치하였다.\" (quote → source); "
        "closest passage at citations/snapshots/kcna2016ko.txt:5, 90% similar",
        "1 error; nothing was written"]


def test_with_verify_quotes_warn_a_wrong_original_says_the_original_differs(translated):
    settings = translated / "dossier.yml"
    settings.write_text(settings.read_text(encoding="utf-8") + "verify_quotes: warn\n", encoding="utf-8")
    article = translated / "content" / "articles" / "abduction.md"
    article.write_text(article.read_text(encoding="utf-8").replace("우리 공민들을 유인랍치하였다", "우리 인민들을 납치하였다"),
                       encoding="utf-8")
    result = build(translated, pdf=False)
    assert [str(p) for p in result.warnings] == [
        "content/articles/abduction.md:12:24: warning: the original in evidence box '#ev-abduction' is not in the saved "
        "source 'kcna2016ko': \"… 해외에서 일하던 우리 인민들을 납치하였다. → 공민들을 유인랍치하였다.\" (quote → source); "
        "closest passage at citations/snapshots/kcna2016ko.txt:5, 90% similar"]
    html = (result.out_dir / "articles" / "abduction" / "index.html").read_text(encoding="utf-8")
    assert caption(html, "ev-abduction")[-1] == ('<span class="evidence__differs">⚠ Original differs from the saved '
                                                 "source of April 13, 2016</span>")
    assert "verified" not in figure(html, "ev-abduction")
    settings.write_text(settings.read_text(encoding="utf-8").replace("language: en", "language: ko"), encoding="utf-8")
    site = build(translated, pdf=False).out_dir
    html = (site / "articles" / "abduction" / "index.html").read_text(encoding="utf-8")
    assert caption(html, "ev-abduction")[-1] == '<span class="evidence__differs">⚠ 원문이 2016년 4월 13일에 저장된 출처와 다름</span>'
    index = (site / "evidence" / "index.html").read_text(encoding="utf-8")
    assert ">2016년 4월 13일에 저장된 출처와 다름</span>" in index
