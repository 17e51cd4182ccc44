"""builder/markdown/attributes.py: Pandoc attribute blocks, read as pandoc 3.9 reads them."""

import json
import subprocess

import pytest

from builder.csl.pandoc import pandoc_path
from builder.markdown import create_parser, render_markdown
from builder.markdown.attributes import (Attributes, AttributeSyntaxError, find_closing_brace,
                                         parse_attributes, read_attributes)
from helpers import write


def test_id_classes_and_pairs():
    attributes = parse_attributes('.evidence #ev-loyalty source=dailynk2016a locator="para. 4" grade=B2 .wide')
    assert attributes == Attributes("ev-loyalty", ("evidence", "wide"),
                                    (("source", "dailynk2016a"), ("locator", "para. 4"), ("grade", "B2")))
    assert attributes.get("locator") == "para. 4"
    assert attributes.get("missing", "x") == "x"


def test_offsets_point_at_each_item():
    text = ".evidence #ev source=k"
    attributes = parse_attributes(text)
    assert attributes.offsets == {".evidence": 0, "#": 10, "source": 14}
    assert text[attributes.offsets["source"]:].startswith("source=")


def test_quoted_values():
    attributes = parse_attributes(r'''note="say \"hi\" {now}" single='a "b" c' empty=""''')
    assert attributes.pairs == (("note", 'say "hi" {now}'), ("single", 'a "b" c'), ("empty", ""))


def test_the_last_id_wins_and_empty_text_is_empty():
    assert parse_attributes("#a #b").id == "b"
    assert parse_attributes("   ") == Attributes()


@pytest.mark.parametrize(("text", "offset", "message"), [
    ('.a key="never closed', 3, "unterminated quoted attribute value"),
    (".a b", 3, "cannot read attribute 'b'"),
    ("#id !bang .c", 4, "cannot read attribute '!bang'"),
])
def test_syntax_errors_carry_their_offset(text, offset, message):
    with pytest.raises(AttributeSyntaxError) as raised:
        parse_attributes(text)
    assert (raised.value.offset, str(raised.value)) == (offset, message)


@pytest.mark.parametrize(("text", "index"), [
    ("{.a #b}", 6),
    ('{title="a } inside"} after', 19),
    ("{note='it}s'}", 12),
    (r'{q="esc \" }"}', 13),
    ("{.a", -1),
])
def test_find_closing_brace_skips_quoted_values(text, index):
    assert find_closing_brace(text, 0) == index


# Attribute texts and what pandoc 3.9 reads in them, (id, classes, pairs), or None where it does
# not read them as attributes at all; test_pandoc_reads_the_same_attributes asks pandoc again.
PANDOC = {
    "unnumbered": ("-", ("", ["unnumbered"], [])),
    "unnumbered-among-others": ("#id - .x", ("id", ["unnumbered", "x"], [])),
    "unnumbered-twice": ("--", ("", ["unnumbered", "unnumbered"], [])),
    "no-space-needed": ("-.x#y", ("y", ["unnumbered", "x"], [])),
    "percent": ("height=25%", ("", [], [["height", "25%"]])),
    "percent-then-class": ("width=50% .wide", ("", ["wide"], [["width", "50%"]])),
    "url": ("src=http://x.org/a?b=c#d", ("", [], [["src", "http://x.org/a?b=c#d"]])),
    "dots-slashes-colons-dashes": ("k=a.b/c:d-e", ("", [], [["k", "a.b/c:d-e"]])),
    "equals-in-value": ("a=b=c", ("", [], [["a", "b=c"]])),
    "quote-inside-bare-value": ('a=x"y', ("", [], [["a", 'x"y']])),
    "brace-in-bare-value": ("k=a{b", ("", [], [["k", "a{b"]])),
    "escaped-brace-and-space": (r"a=b\}c d=e\ f", ("", [], [["a", "b}c"], ["d", "e f"]])),
    "backslash-before-letter-kept": (r"a=x\y", ("", [], [["a", "x\\y"]])),
    "entity-in-bare-value-kept": ("a=&amp;", ("", [], [["a", "&amp;"]])),
    "entity-in-quotes-read": ('a="&amp;&#65;&bogus;"', ("", [], [["a", "&A&bogus;"]])),
    "empty-values": ("a= b=\"\" c=''", ("", [], [["a", ""], ["b", ""], ["c", ""]])),
    "single-quotes": ("a='x y' b='it\\'s'", ("", [], [["a", "x y"], ["b", "it's"]])),
    "never-closed-quote-is-bare": ('a="open', ("", [], [["a", '"open']])),
    "id-and-class-keys": ('id=foo class="a b"', ("foo", ["a", "b"], [])),
    "key-with-colon-dot-dash": ("k:v=1 k.w=2 data-x=3", ("", [], [["k:v", "1"], ["k.w", "2"], ["data-x", "3"]])),
    "id-with-digit-dash-dot": ("#1a #-b #.c", (".c", [], [])),
    "class-with-dot": (".a.b .c:", ("", ["a.b", "c:"], [])),
    "unicode": ("#é-x .ü ß=1", ("é-x", ["ü"], [["ß", "1"]])),
    "across-a-line-break": (".a\n.b", ("", ["a", "b"], [])),
    "empty": (" ", ("", [], [])),
    "stray-word": ("height=25% x", None),
    "quote-then-space": ('a=" x"', None),
    "text-after-quote": ('a="x"y', None),
    "class-starting-with-digit": (".1a", None),
    "class-starting-with-underscore": ("._a", None),
    "key-starting-with-underscore": ("_k=1", None),
    "id-with-bang": ("#a!b", None),
    "comma": ("#x,.y", None),
    "blank-line": (".a\n\n.b", None),
}


def _read(text: str):
    read = read_attributes("{" + text + "}", 0)
    if read is None or read[1] != len(text) + 2:
        return None
    attributes = read[0]
    return attributes.id, list(attributes.classes), [list(pair) for pair in attributes.pairs]


@pytest.mark.parametrize("text, expected", PANDOC.values(), ids=PANDOC.keys())
def test_attributes_are_read_as_pandoc_reads_them(text, expected):
    assert _read(text) == expected


_PANDOC_SPANS = """
local texts = pandoc.json.decode(io.read("a"), false)
local found = {}
for i, text in ipairs(texts) do
  local inlines = pandoc.read("[x]{" .. text .. "}", "markdown").blocks[1].content
  local span = inlines[1]
  if #inlines == 1 and span.t == "Span" then
    local classes, kvs = {}, {}
    for _, c in ipairs(span.attr.classes) do table.insert(classes, c) end
    for _, kv in ipairs(span.attr.attributes) do table.insert(kvs, {kv[1], kv[2]}) end
    found[i] = {span.attr.identifier, classes, kvs}
  else
    found[i] = false
  end
end
io.write(pandoc.json.encode(found))
"""


def test_pandoc_reads_the_same_attributes(tmp_path):
    script = write(tmp_path / "spans.lua", _PANDOC_SPANS)
    run = subprocess.run([pandoc_path(), "lua", str(script)], input=json.dumps([t for t, _ in PANDOC.values()]),
                         capture_output=True, text=True, encoding="utf-8", check=True)
    theirs = [None if found is False else (found[0], list(found[1]), [list(p) for p in found[2]])
              for found in json.loads(run.stdout)]
    assert dict(zip(PANDOC, theirs)) == {name: expected for name, (_, expected) in PANDOC.items()}


def render(text: str):
    return render_markdown(create_parser(), text, path="content/articles/a.md")


# (Markdown, HTML): the elements pandoc gives attributes to, and what stays text when they are not attributes
INLINE = {
    "image-percent": ("a ![c](f.png){height=25%} b", '<p>a <img src="f.png" alt="c" height="25%" /> b</p>\n'),
    "image-percent-and-class": ("a ![c](f.png){width=50% .wide} b",
                                '<p>a <img src="f.png" alt="c" class="wide" width="50%" /> b</p>\n'),
    "image-unnumbered": ("a ![c](f.png){-} b", '<p>a <img src="f.png" alt="c" class="unnumbered" /> b</p>\n'),
    "image-not-attributes": ("a ![c](f.png){height=25% x} b", '<p>a <img src="f.png" alt="c" />{height=25% x} b</p>\n'),
    "image-space-before": ("a ![c](f.png) {.x} b", '<p>a <img src="f.png" alt="c" /> {.x} b</p>\n'),
    "link": ("[l](https://x.org){.a #b}", '<p><a href="https://x.org" id="b" class="a">l</a></p>\n'),
    "link-one-block-only": ("[l](u){.x}{.y}", '<p><a href="u" class="x">l</a>{.y}</p>\n'),
    "code": ("`x`{.py -}", '<p><code class="py unnumbered">x</code></p>\n'),
    "span": ("[text]{.x}", '<p><span class="x">text</span></p>\n'),
    "span-unnumbered": ("[text]{-}", '<p><span class="unnumbered">text</span></p>\n'),
    "span-with-markup": ("[*em* t]{#s .c}", '<p><span id="s" class="c"><em>em</em> t</span></p>\n'),
    "span-before-reference-link": ("[foo]{.x}\n\n[foo]: https://x.org", '<p><span class="x">foo</span></p>\n'),
    "span-not-attributes": ("[text]{x y}", "<p>[text]{x y}</p>\n"),
    "footnote-then-braces": ("a[^1]{.x}\n\n[^1]: n", None),
    "no-event-handlers-or-script-links": ('[l](u){onclick="alert(1)" href="javascript:alert(1)" .ok}',
                                          '<p><a href="u" class="ok">l</a></p>\n'),
}


@pytest.mark.parametrize("markdown, html", INLINE.values(), ids=INLINE.keys())
def test_inline_attributes_as_pandoc_places_them(markdown, html):
    result = render(markdown + "\n")
    if html is None:        # pandoc: Note, then Str "{.x}"
        assert "{.x}" in result.html and "<span" not in result.html
    else:
        assert result.html == html
    assert result.problems == ()


def test_a_figure_with_a_percent_size_keeps_its_caption():
    result = render("![A map [@kim2016]](map.png){#fig-map height=25%}\n")
    assert result.html == ('<figure class="figure" id="fig-map">\n<img src="map.png" alt="A map " height="25%" />'
                           '<figcaption><span class="caption-label">Figure 1:</span> A map '
                           '<span class="citation">[@kim2016]</span></figcaption>\n</figure>\n')
    assert result.problems == ()


def test_fenced_code_attributes_give_the_language():
    html = render("```{.python #c1 startFrom=3}\nx = 1\n```\n").html
    assert html.startswith('<pre class="highlight"><code class="language-python">')
