"""builder/markdown/headings.py: `## Title {#id .class}` and the table of contents."""

import json
import re
import subprocess

import pytest

from builder.csl.pandoc import pandoc_path
from builder.markdown import create_parser, render_markdown
from builder.text import html_text
from helpers import write
from builder.model import Heading
from builder.site.theme import shipped_theme_dir, template_ids


def render(text: str, line_offset: int = 0):
    return render_markdown(create_parser(), text, path="content/articles/a.md", line_offset=line_offset)


def test_explicit_id_and_class():
    result = render("## Findings {#key-findings .numbered .wide}\n")
    assert result.html == '<h2 id="key-findings" class="numbered wide">Findings</h2>\n'
    assert result.toc == (Heading(2, "key-findings", "Findings"),)
    assert result.problems == ()


def test_class_only_keeps_the_generated_id():
    assert render("## The markets {.aside}\n").html == '<h2 class="aside" id="the-markets">The markets</h2>\n'


def test_setext_heading_with_attributes():
    assert render("Findings {#f}\n--------\n").html == '<h2 id="f">Findings</h2>\n'


def test_generated_ids_are_unicode_slugs_and_unique():
    result = render("## 김정은 위원장\n\n## Findings\n\n## Findings\n\n## Other {#findings-1}\n")
    assert [h.anchor for h in result.toc] == ["김정은-위원장", "findings", "findings-2", "findings-1"]


def test_a_heading_without_letters_gets_a_non_empty_id():
    result = render("## ???\n\n## ...\n")
    assert result.html == '<h2 id="section">???</h2>\n<h2 id="section-1">…</h2>\n'


def test_toc_has_levels_two_and_three_with_plain_text():
    result = render("# Title\n\n## Why `loyalty` *matters*\n\n### Evidence\n\n#### Detail\n")
    assert result.toc == (Heading(2, "why-loyalty-matters", "Why loyalty matters"),
                          Heading(3, "evidence", "Evidence"))


def test_braces_in_the_middle_of_a_heading_stay_text():
    assert render("## Sets {a} and b\n").html == '<h2 id="sets-a-and-b">Sets {a} and b</h2>\n'


def test_bad_heading_attributes_name_line_and_column():
    # pandoc keeps them as text: Header 2 ( "findings-f-.a-bad" , [] , [] ) [ Str "Findings" , Space , Str "{#f" , ...
    result = render("Intro.\n\n## Findings {#f .a !bad}\n", line_offset=9)
    assert [str(p) for p in result.problems] == [
        "content/articles/a.md:12:20: error: bad heading attributes: cannot read attribute '!bad'"]
    assert result.html.endswith(">Findings {#f .a !bad}</h2>\n")


# (heading, expected <hN ...> attributes and text); each is what `pandoc -f markdown -t native` reads
PANDOC_HEADINGS = {
    "unnumbered": ("# Preface {-}", ' class="unnumbered" id="preface">Preface'),
    "unnumbered-with-others": ("# Preface {#pre - .x}", ' id="pre" class="unnumbered x">Preface'),
    "unnumbered-no-space": ("# Preface {-.x}", ' class="unnumbered x" id="preface">Preface'),
    "unnumbered-class": ("# Preface {.unnumbered}", ' class="unnumbered" id="preface">Preface'),
    "id-ending-in-dash": ("# Preface {#a-}", ' id="a-">Preface'),
    "id-and-class-without-space": ("# Preface {.a#b}", ' id="b" class="a">Preface'),
    "id-starting-with-a-digit": ("# Preface {#1a}", ' id="1a">Preface'),
    "key-values-are-read": ("# Preface {lang=fr width=50%}", ' id="preface">Preface'),
    "quoted-brace": ('# Preface {title="a } b"}', ' id="preface">Preface'),
    "closing-hashes": ("# Preface ## {#p}", ' id="p">Preface'),
    "hash-before-braces": ("# C# {#c}", ' id="c">C'),
    "last-braces-only": ("# A {#x} B {#y}", ' id="y">A {#x} B'),
    "two-blocks": ("# A {#a}{.b}", ' class="b" id="a-a">A {#a}'),
    "escaped-brace": ("# A \\{#x}", ' id="a-x">A {#x}'),
    "in-code": ("# A `{#x}`", ' id="a-x">A <code>{#x}</code>'),
    "setext": ("Preface {-}\n=======", ' class="unnumbered" id="preface">Preface'),
}


@pytest.mark.parametrize("markdown, expected", PANDOC_HEADINGS.values(), ids=PANDOC_HEADINGS.keys())
def test_heading_attributes_are_read_as_pandoc_reads_them(markdown, expected):
    result = render(markdown + "\n")
    assert result.html.startswith("<h") and result.html[3:].startswith(expected + "</h"), result.html
    assert result.problems == ()


def test_pandoc_reads_the_same_heading_attributes(tmp_path):
    """Each case's id, classes and text, as pandoc 3.9 itself reads them."""
    script = write(tmp_path / "headings.lua", _PANDOC_HEADINGS)
    texts = [markdown for markdown, _ in PANDOC_HEADINGS.values()]
    run = subprocess.run([pandoc_path(), "lua", str(script)], input=json.dumps(texts), capture_output=True,
                         text=True, encoding="utf-8", check=True)
    for (name, (markdown, _)), (identifier, classes, text) in zip(PANDOC_HEADINGS.items(), json.loads(run.stdout)):
        html = render(markdown + "\n").html
        ours = re.match(r'<h\d((?: \w+="[^"]*")*)>(.*)</h\d>', html)
        attributes = dict(re.findall(r' (\w+)="([^"]*)"', ours.group(1)))
        if "{#" in markdown and not name.startswith(("escaped", "two-blocks", "in-code")):
            assert attributes.get("id") == identifier, name       # ids made from the text differ from pandoc's
        assert attributes.get("class", "").split() == list(classes), name
        assert html_text(ours.group(2)) == text, name


_PANDOC_HEADINGS = """
local texts = pandoc.json.decode(io.read("a"), false)
local found = {}
for i, text in ipairs(texts) do
  local h = pandoc.read(text, "markdown").blocks[1]
  local classes = {}
  for _, c in ipairs(h.attr.classes) do table.insert(classes, c) end
  found[i] = {h.attr.identifier, classes, pandoc.utils.stringify(h.content)}
end
io.write(pandoc.json.encode(found))
"""


def test_a_heading_never_takes_an_id_the_page_or_the_body_uses():
    # "## Main" would give a second id="main" (the page's <main>); "References" is free, but
    # "Ref Kim2016" would be a bibliography entry's id and "Ev Ningbo" an evidence box's.
    md = create_parser(template_ids([shipped_theme_dir()]))
    result = render_markdown(md, "## Main\n\n## Search\n\n## Ref Kim2016\n\n## Ev Ningbo\n\n## Fn1\n\n## References\n\n## Main 1\n",
                             path="content/articles/a.md")
    assert [h.anchor for h in result.toc] == ["main-1", "search-1", "ref-kim2016-1", "ev-ningbo-1", "fn1-1",
                                              "references", "main-1-1"]


def test_the_ids_a_heading_must_not_take_are_the_themes_own():
    """Every literal id of the default theme's templates, and those of a publication's own
    templates, which hide the shipped template of the same name."""
    shipped = template_ids([shipped_theme_dir()])
    assert {"main", "search", "refs", "article-title", "toc-heading", "site-search-input"} <= shipped
    assert not any("{" in i for i in shipped)


def test_a_publication_template_s_ids_are_reserved_and_those_it_hides_are_not(tmp_path):
    own = tmp_path / "theme"
    (own / "templates").mkdir(parents=True)
    (own / "templates" / "base.html").write_text('<main id="content"><nav id=\'crumbs\'></nav>{% block main %}{% endblock %}</main>')
    ids = template_ids([own, shipped_theme_dir()])
    assert {"content", "crumbs"} <= ids and "main" not in ids
    result = render_markdown(create_parser(ids), "## Content\n\n## Main\n", path="content/articles/a.md")
    assert [h.anchor for h in result.toc] == ["content-1", "main"]
