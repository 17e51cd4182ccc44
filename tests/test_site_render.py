"""builder/site/render.py's pages, as assistive technology reads them: every element that has both
visible text (words, not a symbol such as ↩︎) and an aria-label says that text in its label
(WCAG 2.5.3, label in name)."""

from html.parser import HTMLParser

from builder.build import build
from helpers import REPOSITORY


class _Labels(HTMLParser):
    """(tag, aria-label, visible text) of each element with an aria-label."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[list] = []
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "img", "input", "meta", "link", "hr", "source", "col", "wbr"):
            return
        label = dict(attrs).get("aria-label")
        self.open.append([tag, label, ""])

    def handle_endtag(self, tag):
        while self.open:
            opened = self.open.pop()
            if opened[1] is not None:
                self.found.append((opened[0], opened[1], " ".join(opened[2].split())))
            if self.open:
                self.open[-1][2] += opened[2]
            if opened[0] == tag:
                break

    def handle_data(self, data):
        if self.open:
            self.open[-1][2] += data


def test_every_label_holds_the_visible_text_of_its_element(tmp_path):
    site = build(REPOSITORY, out=tmp_path / "site", pdf=False).out_dir
    missing = []
    for page in sorted(site.rglob("*.html")):
        parser = _Labels()
        parser.feed(page.read_text(encoding="utf-8"))
        for tag, label, text in parser.found:
            # text of words only: a symbol (↩︎) is not a label a speech user would say
            if any(c.isalnum() for c in text) and tag in ("a", "button") and text.casefold() not in label.casefold():
                missing.append((page.relative_to(site).as_posix(), tag, label, text))
    assert missing == []


def test_a_source_page_is_described_by_its_reference(tmp_path):
    import re

    site = build(REPOSITORY, out=tmp_path / "site", pdf=False).out_dir
    page = (site / "sources" / "yonhap2016defection" / "index.html").read_text(encoding="utf-8")
    description = re.search(r'<meta name="description" content="([^"]*)">', page).group(1)
    assert "13 N. Korean Restaurant Workers in China Defect to S. Korea" in description
    assert "<" not in description


def test_only_pages_with_code_load_the_code_styles(tmp_path):
    from helpers import write

    write(tmp_path / "dossier.yml", "title: T\nbase_url: https://example.org/\n")
    write(tmp_path / "content" / "articles" / "code.md", "---\ntitle: Code\ndate: 2016-01-01\n---\n```python\nx = 1\n```\n")
    write(tmp_path / "content" / "articles" / "prose.md", "---\ntitle: Prose\ndate: 2016-01-02\n---\nWords only.\n")
    site = build(tmp_path, pdf=False).out_dir
    assert "theme/pygments.css" in (site / "articles" / "code" / "index.html").read_text(encoding="utf-8")
    for page in ("articles/prose/index.html", "index.html", "search/index.html"):
        assert "pygments.css" not in (site / page).read_text(encoding="utf-8"), page


def test_a_korean_page_shows_no_english_grade_meaning(tmp_path):
    site = build(REPOSITORY, out=tmp_path / "site", pdf=False).out_dir
    korean = (site / "articles" / "restaurant-defection-sanctions-ko" / "index.html").read_text(encoding="utf-8")
    english = (site / "articles" / "restaurant-defection-sanctions" / "index.html").read_text(encoding="utf-8")
    assert 'title="B2 — 대체로 신뢰할 수 있음; 사실일 가능성이 높음"' in korean
    assert not any(word in korean for word in ("usually reliable", "probably true", "unreliable", "doubtful"))
    assert 'title="B2 — usually reliable; probably true"' in english
