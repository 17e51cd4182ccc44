"""Tagged PDFs (PDF/UA-1): builder/pdf/structure.py and the tagging of builder/pdf/layout.py.

tests/fixtures/pdf-edition, its Korean article declared Korean, is built once. Every PDF, the
articles' and the edition's, must hold a structure tree that reaches all its content: each
marked piece of a page's content is found through the page's /StructParents in the parent tree,
at an element of the tree on that page; each link annotation is an object reference of a /Link
element; page numbers are artifacts. The edition is put together from the articles' tagged
parts, so this is also the test that putting them together kept their trees.
The pdfua package (a PDF/UA-1 checker on pikepdf: 16 of the profile's 106 machine-checkable
rules; veraPDF, the full one, needs Java and is not in Debian, PyPI or npm) must find nothing.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream, DictionaryObject

from builder.build import build
from helpers import FIXTURES

ARTICLES = ["border-trade", "jangmadang", "short-note"]
NAMES = ARTICLES + ["edition"]


@dataclass
class Built:
    site: Path
    readers: dict[str, PdfReader]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    root = tmp_path_factory.mktemp("tagged") / "pdf-edition"
    shutil.copytree(FIXTURES / "pdf-edition", root)
    article = root / "content" / "articles" / "jangmadang.md"
    article.write_text(article.read_text(encoding="utf-8").replace("\ndate:", "\nlanguage: ko\ndate:", 1), encoding="utf-8")
    result = build(root)
    return Built(result.out_dir, {name: PdfReader(result.out_dir / "pdf" / f"{name}.pdf") for name in NAMES})


def elements(node, parent_page=None):
    """Every structure element below node, depth first, as (element, its page)."""
    node = node.get_object()
    kids = node.get("/K")
    for kid in kids if isinstance(kids, list) else [] if kids is None else [kids]:
        target = kid.get_object()
        if isinstance(target, DictionaryObject) and target.get("/Type") not in ("/OBJR", "/MCR"):
            yield target
            yield from elements(target)


def tree(reader: PdfReader) -> list:
    return list(elements(reader.trailer["/Root"]["/StructTreeRoot"]))


def marks_content(element) -> bool:
    """Whether element, or an element below it, marks content of a page (a heading is not empty)."""
    kids = element.get("/K")
    for kid in kids if isinstance(kids, list) else [kids]:
        target = kid.get_object() if kid is not None else None
        if isinstance(target, int) or (isinstance(target, DictionaryObject) and
                                       (target.get("/Type") == "/MCR" or marks_content(target))):
            return True
    return False


def text(element) -> str:
    return str(element.get("/Alt", ""))


def marked_ids(page) -> tuple[list[int], bool]:
    """The marked-content ids of page's content, and whether everything outside them is an artifact
    or unmarked layout (page numbers must be artifacts: no text shown outside a marked sequence)."""
    ids, stack, loose_text = [], [], False
    for operands, operator in ContentStream(page.get_contents(), page.pdf).operations:
        if operator == b"BDC":
            properties = operands[1]
            mcid = properties.get("/MCID") if isinstance(properties, dict) else None
            stack.append(operands[0])
            if mcid is not None:
                ids.append(int(mcid))
        elif operator == b"BMC":
            stack.append(operands[0])
        elif operator == b"EMC":
            stack.pop()
        elif operator in (b"Tj", b"TJ") and not stack:
            loose_text = True
    return ids, loose_text


@pytest.mark.parametrize("name", NAMES)
def test_every_pdf_is_tagged_with_its_language_title_and_metadata(built, name):
    reader = built.readers[name]
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"] is True or catalog["/MarkInfo"]["/Marked"] == True  # noqa: E712
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    assert catalog["/Lang"] == ("ko" if name == "jangmadang" else "en")
    xmp = catalog["/Metadata"].get_object().get_data().decode("utf-8")
    title = reader.metadata["/Title"]
    assert f'<rdf:li xml:lang="x-default">{title}</rdf:li>' in xmp
    assert re.search(r'pdfuaid:part="1"', xmp)


@pytest.mark.parametrize("name", NAMES)
def test_the_parent_tree_reaches_every_marked_piece_of_content_and_every_link(built, name):
    reader = built.readers[name]
    root = reader.trailer["/Root"]["/StructTreeRoot"]
    nums = root["/ParentTree"]["/Nums"]
    parents = {int(nums[index]): nums[index + 1].get_object() for index in range(0, len(nums), 2)}
    in_tree = {id(element) for element in tree(reader)}
    reached = 0
    for index, page in enumerate(reader.pages):
        ids, loose_text = marked_ids(page)
        assert not loose_text, f"page {index + 1}: text outside marked content (an untagged page number?)"
        if ids:
            mapping = parents[int(page["/StructParents"])]
            for mcid in ids:
                element = mapping[mcid].get_object()
                assert element["/Pg"].indirect_reference == page.indirect_reference
                reached += id(element) in in_tree
        for annotation in page.get("/Annots", []):
            annotation = annotation.get_object()
            if annotation["/Subtype"] == "/Link":
                link = parents[int(annotation["/StructParent"])]
                assert link["/S"] == "/Link"
                assert any(kid.get_object().get("/Obj") == annotation.indirect_reference
                           for kid in link["/K"] if isinstance(kid.get_object(), dict))
    assert reached > 20


def test_an_article_is_headings_paragraphs_a_table_and_a_described_figure(built):
    shapes = [element["/S"] for element in tree(built.readers["jangmadang"])]
    assert shapes.count("/H1") == 1 and shapes.count("/H2") >= 2 and shapes.count("/P") >= 5
    for name in ARTICLES:
        headings = [element for element in tree(built.readers[name]) if re.fullmatch(r"/H\d", element["/S"])]
        assert headings and all(marks_content(heading) for heading in headings), name
    figures = [element for element in tree(built.readers["jangmadang"]) if element["/S"] == "/Figure"]
    # The sourcing profile at the top (templates/_charts.html), its words its alternative text; then the article's figure.
    assert [text(figure).split(":")[0] for figure in figures] == ["출처 구성", "장마당 가격 추이"]
    assert "증거 1건: 1건은 출처 신뢰도(A–F)와 정보 신빙성(1–6)으로 등급을 매겼고" in text(figures[0])
    headers = [element for element in tree(built.readers["border-trade"]) if element["/S"] == "/TH"]
    assert headers and all(header["/A"]["/Scope"] == "/Column" for header in headers)


def test_the_edition_keeps_every_articles_structure_in_order_and_language(built):
    edition = tree(built.readers["edition"])
    document = built.readers["edition"].trailer["/Root"]["/StructTreeRoot"]["/K"][0].get_object()
    assert document["/S"] == "/Document"
    articles = [kid.get_object() for kid in document["/K"] if kid.get_object()["/S"] == "/Art"]
    assert [article.get("/Lang") for article in articles] == ["ko", None, None]    # one each, by date
    titles = [element for element in edition if element["/S"] == "/H1"]
    assert len(titles) == len(ARTICLES) + 2                 # the cover's title, each article's, the index's
    for name in ARTICLES:
        alone = [element["/S"] for element in tree(built.readers[name])]
        assert len(alone) > 10
    shapes = [element["/S"] for element in edition]
    index_figures = 2          # the index of sources draws its sources over time and its evidence timeline
    for shape in ("/Table", "/TH", "/TD", "/Figure", "/P", "/H2", "/Link"):
        articles = sum([element["/S"] for element in tree(built.readers[name])].count(shape) for name in ARTICLES)
        if shape in ("/Table", "/TH", "/TD"):                  # the articles' only
            assert shapes.count(shape) == articles, shape
        elif shape == "/Figure":
            assert shapes.count(shape) == articles + index_figures, shape
        else:                                                  # the contents and the index have some too
            assert shapes.count(shape) > articles, shape
    ids = [str(element["/ID"]) for element in edition if "/ID" in element]
    assert ids and len(ids) == len(set(ids))               # table headers' ids stay unique across parts


def _contents_links(built) -> list:
    reader = built.readers["edition"]
    return [annotation.get_object() for annotation in reader.pages[2].get("/Annots", [])]


def test_the_contents_links_are_described_and_tagged(built):
    links = _contents_links(built)
    assert list(dict.fromkeys(str(link["/Contents"]) for link in links)) == [
        "장마당과 국가: 김정은 시대의 시장", "Trade across the Yalu", "A note on sources", "Index of sources"]


def test_a_pdf_ua_checker_finds_nothing(built):
    """pdfua's checks: structure tree, MarkInfo, content tagged or artifact, language, figures'
    alternative text, tables, links and annotations described, headings, title, XMP identification."""
    from pdfua import validate

    for name in NAMES:
        report = validate(str(built.site / "pdf" / f"{name}.pdf"))
        findings = [(finding.rule_id, finding.message) for finding in report.findings]
        assert findings == [], name
        # pdfua 0.1.3 cannot read a heading whose /K is an array, as WeasyPrint writes them (it asks a
        # pikepdf array for a key): its empty-heading rule is skipped, and the test above checks headings.
        assert {outcome.rule_id for outcome in report.skipped} <= {"UA-14-001"}, (name, report.skipped)
