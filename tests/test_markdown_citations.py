"""builder/markdown/citation_syntax.py and citations.py: what Pandoc reads as a citation, and where.

Every expectation in SYNTAX is what Pandoc's own Markdown reader finds;
test_pandoc_reads_the_same_keys checks that again with the pandoc Dossier ships.
"""

import json
import re
import shutil
import subprocess
import time

import pytest

from builder.build import build
from builder.csl.pandoc import pandoc_path
from builder.errors import BuildFailed
from builder.markdown import create_parser, parse_markdown, render_parsed
from builder.text import html_text
from helpers import FIXTURES, write

MD = create_parser()


def clusters(text: str) -> list[tuple[str, tuple[str, ...]]]:
    return [(c.source, c.keys) for c in parse_markdown(MD, text).clusters]


def positions(text: str) -> list[tuple[str, int, int]]:
    """(key, 1-based line, 1-based column of its '@') of every cited key, in reading order."""
    return [(key, line + 1, col + 1) for c in parse_markdown(MD, text).clusters
            for key, line, col in zip(c.keys, c.key_lines, c.key_cols)]


def one(source: str, *keys: str) -> list:
    return [(source, keys)]


# (markdown, clusters found); "x " in front keeps `@a.` or `(@a)` at the start of a paragraph
# from being an example-list marker (markdown/examples.py), as Pandoc reads it.
SYNTAX = {
    "parenthetical": ("x [@kim2016] y", one("[@kim2016]", "kim2016")),
    "locator": ("x [@kim2016, p. 33] y", one("[@kim2016, p. 33]", "kim2016")),
    "locator-without-comma": ("x [@kim2016 p. 33] y", one("[@kim2016 p. 33]", "kim2016")),
    "prefix-suffix-several": ("x [see @kim2016, pp. 4-6; also @lee2015 ch. 2] y",
                              one("[see @kim2016, pp. 4-6; also @lee2015 ch. 2]", "kim2016", "lee2015")),
    "suppress-author": ("x [-@kim2016] y", one("[-@kim2016]", "kim2016")),
    "suppress-author-several": ("x [-@kim2016; -@lee2015] y", one("[-@kim2016; -@lee2015]", "kim2016", "lee2015")),
    "markup-inside": ("x [*see* @kim2016 p. **32**] y", one("[*see* @kim2016 p. **32**]", "kim2016")),
    "no-space-after-semicolon": ("x [@kim2016;@lee2015] y", one("[@kim2016;@lee2015]", "kim2016", "lee2015")),
    "spaces-inside-brackets": ("x [ @kim2016 ; @lee2015 ] y", one("[ @kim2016 ; @lee2015 ]", "kim2016", "lee2015")),
    "space-before-semicolon": ("x [@kim2016 ;@lee2015] y", one("[@kim2016 ;@lee2015]", "kim2016", "lee2015")),
    "across-lines": ("x [@kim2016,\np. 33] y", one("[@kim2016,\np. 33]", "kim2016")),
    "nested-brackets": ("x [see [chapter 2 of] @kim2016] y", one("[see [chapter 2 of] @kim2016]", "kim2016")),
    "code-in-prefix": ("x [see `a]` @kim2016] y", one("[see `a]` @kim2016]", "kim2016")),
    "escaped-bracket": ("x [see \\] @kim2016] y", one("[see \\] @kim2016]", "kim2016")),
    "second-key-in-suffix": ("x [@kim2016 and @lee2015] y", one("[@kim2016 and @lee2015]", "kim2016", "lee2015")),
    "followed-by-text-brackets": ("x [@kim2016] [sic] y", one("[@kim2016]", "kim2016")),
    "narrative": ("x @kim2016 argues", one("@kim2016", "kim2016")),
    "narrative-suppressed": ("x -@kim2016 argues", one("-@kim2016", "kim2016")),
    "narrative-locator": ("x @kim2016 [p. 33] argues", one("@kim2016 [p. 33]", "kim2016")),
    "narrative-locator-two-spaces": ("x @kim2016  [p. 33] y", one("@kim2016  [p. 33]", "kim2016")),
    "narrative-locator-next-line": ("x @kim2016\n[p. 33] y", one("@kim2016\n[p. 33]", "kim2016")),
    "narrative-locator-no-space": ("x @kim2016[p. 33] y", one("@kim2016[p. 33]", "kim2016")),
    "narrative-locator-and-more": ("x @kim2016 [p. 33; @lee2015] y",
                                   one("@kim2016 [p. 33; @lee2015]", "kim2016", "lee2015")),
    "narrative-then-cluster": ("x @kim2016 [see @lee2015] y", one("@kim2016 [see @lee2015]", "kim2016", "lee2015")),
    "narrative-then-pandoc-group": ("x @item1 [-@item2 p. 30; see also @пункт3] says",
                                    one("@item1 [-@item2 p. 30; see also @пункт3]", "item1", "item2", "пункт3")),
    "narrative-twice": ("x @kim2016 [p. 3] and @lee2015 [p. 4] y",
                        [("@kim2016 [p. 3]", ("kim2016",)), ("@lee2015 [p. 4]", ("lee2015",))]),
    "narrative-then-footnote": ("x @kim2016 [^1] y\n\n[^1]: A note.", one("@kim2016", "kim2016")),
    "narrative-then-link": ("x @kim2016 [p. 3](https://example.org) y", one("@kim2016", "kim2016")),
    "narrative-then-reference-link": ("x @kim2016 [label] y\n\n[label]: https://example.org",
                                      one("@kim2016", "kim2016")),
    "narrative-then-bad-locator": ("x @kim2016 [p. 3; no key] y", one("@kim2016", "kim2016")),
    "narrative-possessive": ("x @kim2016's book", one("@kim2016", "kim2016")),
    "narrative-in-emphasis": ("x *@kim2016* y **see @lee2015** z",
                              [("@kim2016", ("kim2016",)), ("@lee2015", ("lee2015",))]),
    "cluster-in-emphasis": ("x *see [@kim2016]* y", one("[@kim2016]", "kim2016")),
    "in-quotes": ('x "@kim2016" y', one("@kim2016", "kim2016")),
    "after-hyphen": ("x foo-@kim2016 y", one("@kim2016", "kim2016")),
    "link-whose-text-is-a-key": ("x [@kim2016](https://example.org) y", one("@kim2016", "kim2016")),
    "link-text": ("x [the book by @kim2016](https://example.org) y", one("@kim2016", "kim2016")),
    "span": ("x [@kim2016]{.mark} y", one("@kim2016", "kim2016")),
    "empty-last-item": ("x [@kim2016; @lee2015; ] y", [("@kim2016", ("kim2016",)), ("@lee2015", ("lee2015",))]),
    "semicolon-in-prefix": ("x [see; @kim2016] y", one("@kim2016", "kim2016")),
    "key-digits": ("x @9839452 wrote", one("@9839452", "9839452")),
    "key-doi": ("x @10.1093/joclec/nhs037 argues", one("@10.1093/joclec/nhs037", "10.1093/joclec/nhs037")),
    "key-colon-and-trailing-period": ("x @doi:10.1000/xyz. y", one("@doi:10.1000/xyz", "doi:10.1000/xyz")),
    "key-trailing-colon": ("x @kim2016: y", one("@kim2016", "kim2016")),
    "key-trailing-period": ("x @kim2016. y", one("@kim2016", "kim2016")),
    "key-trailing-hyphen": ("x @kim-2016- y", one("@kim-2016", "kim-2016")),
    "key-double-hyphen": ("x @kim--2016 y", one("@kim", "kim")),
    "key-underscores": ("x @_kim_2016_ y", one("@_kim_2016_", "_kim_2016_")),
    "key-url": ("x @https://example.org/kim y", one("@https://example.org/kim", "https://example.org/kim")),
    "key-braced": ("x @{kim.2016.} y", one("@{kim.2016.}", "kim.2016.")),
    "key-braced-with-space": ("x @{kim 2016} y", []),
    "key-braced-url-with-equals": ("x @{https://doi.org/10.1/x=y} y",
                                   one("@{https://doi.org/10.1/x=y}", "https://doi.org/10.1/x=y")),
    "key-url-stops-before-equals": ("x @https://doi.org/10.1/x=y z", one("@https://doi.org/10.1/x", "https://doi.org/10.1/x")),
    "key-colon-slash-dot-equals": ("x @a:b/c.d=e y", one("@a:b/c.d", "a:b/c.d")),
    "key-braced-nested": ("x @{a{b{c}}d} y", one("@{a{b{c}}d}", "a{b{c}}d")),
    "key-braced-unbalanced": ("x @{a{b} y", []),
    "key-braced-empty": ("x @{} y", one("@{}", "")),
    "key-star": ("x @*foo y [@*]", [("@*foo", ("*foo",)), ("[@*]", ("*",))]),
    "key-double-dot": ("x @a..b y", one("@a", "a")),
    "key-colon-slash": ("x @a:/b and @a//b y", [("@a:/b", ("a:/b",)), ("@a//b", ("a//b",))]),
    "cluster-then-braces-not-attributes": ("x [@a; @b]{bad!} y", one("[@a; @b]", "a", "b")),
    "narrative-then-span": ("x @a [see @b]{.x} y", [("@a", ("a",)), ("@b", ("b",))]),
    "narrative-locator-then-braces": ("x @a [p. 4]{bad!} y", one("@a", "a")),
    "key-cyrillic": ("x @пункт3 y", one("@пункт3", "пункт3")),
    "key-hangul": ("x [@김2016] y", one("[@김2016]", "김2016")),
    "email": ("write to analyst@example.org today", []),
    "email-autolink": ("write to <analyst@example.org> today", []),
    "after-period": ("x foo.@kim2016 y", []),
    "escaped": ("x \\@kim2016 y", []),
    "code-span": ("x `@kim2016` and ``[@lee2015]`` y", []),
    "fenced-code": ("```\n@kim2016 [@lee2015]\n```", []),
    "indented-code": ("x\n\n    @kim2016 [@lee2015]\n", []),
    "no-key": ("x [see p. 3] @ y", []),
}


@pytest.mark.parametrize("markdown, expected", SYNTAX.values(), ids=SYNTAX.keys())
def test_syntax(markdown, expected):
    assert clusters(markdown) == expected


_PANDOC_CITES = """
local snippets = pandoc.json.decode(io.read("a"), false)
local found = {}
for i, text in ipairs(snippets) do
  local keys = {}
  pandoc.read(text, "markdown"):walk({Cite = function(cite)
    for _, citation in ipairs(cite.citations) do table.insert(keys, citation.id) end
  end})
  found[i] = keys
end
io.write(pandoc.json.encode(found))
"""


def test_pandoc_reads_the_same_keys(tmp_path):
    script = write(tmp_path / "cites.lua", _PANDOC_CITES)
    texts = [markdown for markdown, _ in SYNTAX.values()]
    run = subprocess.run([pandoc_path(), "lua", str(script)], input=json.dumps(texts), capture_output=True,
                         text=True, encoding="utf-8", check=True)
    theirs = dict(zip(SYNTAX, (sorted(keys) for keys in json.loads(run.stdout))))
    ours = {name: sorted(key for _, keys in expected for key in keys) for name, (_, expected) in SYNTAX.items()}
    assert ours == theirs


def test_cross_references_are_not_citations():
    assert clusters("See @fig-map, [@tbl-prices] and @ev-loyalty.") == []
    assert clusters("x @kim2016 [see @fig-map] y") == one("@kim2016", "kim2016")


def test_urls_with_at_signs_are_links_not_citations():
    # Pandoc has no bare-URL links by default and would cite `@user/post` here.
    assert clusters("Read https://medium.com/@user/post today.") == []


PLACES = """\
A paragraph @a and [see @b, p. 3; @c].

# A heading @d

- A list item @e
  continued [@f]
  1. nested @g

> A quote @h
> more [-@i]

| Claim | Source |
|-------|--------|
| @j    | x [@k] |
| @l | @m |

Term
: A definition @n

Notes.[^long] And inline ^[an inline note @o].

[^long]: A footnote @p
    continued [@q].

::: {.note}
A fenced div @r.
:::

*Emphasis @s* and [link text @t](https://example.org).

![A figure @u](figure.png){#fig-one}

A picture ![described @v](picture.png) inline.
"""


def test_citations_in_every_place_with_their_line_and_column():
    lines = PLACES.split("\n")
    found = positions(PLACES)
    assert [(key, line) for key, line, _ in found] == [
        ("a", 1), ("b", 1), ("c", 1), ("d", 3), ("e", 5), ("f", 6), ("g", 7), ("h", 9), ("i", 10),
        ("j", 14), ("k", 14), ("l", 15), ("m", 15), ("n", 18), ("p", 22), ("q", 23), ("o", 20),
        ("r", 26), ("s", 29), ("t", 29), ("u", 31), ("v", 33)]
    for key, line, col in found:
        assert lines[line - 1][col - 1:col + 1] == "@" + key, (key, line, col)


def test_a_footnote_is_read_where_it_is_referenced():
    text = "First @a.[^n] Then @b.\n\n[^n]: The note cites @n.\n"
    assert [key for key, _, _ in positions(text)] == ["a", "n", "b"]


def test_footnotes_never_referenced_are_not_read():
    assert clusters("Text.\n\n[^unused]: Cites @kim2016.\n") == []


def test_key_position_in_a_nested_list_item_after_markers():
    assert positions("1. - > quoted @kim2016\n") == [("kim2016", 1, 15)]


def test_image_descriptions_and_inline_notes_count_from_their_own_text():
    assert positions("Map @a. ![Map @a](x.png) and ^[Map @a] end") == [("a", 1, 5), ("a", 1, 15), ("a", 1, 36)]


@pytest.mark.parametrize("text", ["[" * 4000 + "@a", "[" * 2000 + "@a" + "]" * 2000, "@a [" * 2000,
                                  "[@a and " * 1000, "`[" * 2000, "[x; " * 2000])
def test_unbalanced_or_deeply_nested_brackets_are_read_quickly(text):
    started = time.perf_counter()
    clusters(text)
    assert time.perf_counter() - started < 3


FRONT = "---\ntitle: Typos\ndate: 2016-04-09\n---\n\n"     # the body starts on line 6

TYPOS = FRONT + """\
A paragraph cites [@kim2061, p. 3].

- A list item cites @lee2051.

| Claim | Source |
|-------|--------|
| Markets | x [@kim2016; @nobody] |

A note.[^1]

::: {.note}
A fenced div cites @10.1000/nk.2091.
:::

`@notakey` in code, analyst@example.org and \\@lee2015 stay text.

[^1]: The footnote cites [-@lee2016].
"""


def test_unknown_keys_are_errors_at_their_line_and_column(publication):
    root = publication("cited")
    write(root / "content" / "articles" / "typos.md", TYPOS)
    with pytest.raises(BuildFailed) as failed:
        build(root, write=False)
    path = "content/articles/typos.md"
    assert [str(p) for p in failed.value.problems] == [
        f"{path}:6:20: error: unknown citation key 'kim2061' (did you mean 'kim2016'?)",
        f"{path}:8:21: error: unknown citation key 'lee2051' (did you mean 'lee2015'?)",
        f"{path}:12:26: error: unknown citation key 'nobody'",
        f"{path}:17:20: error: unknown citation key '10.1000/nk.2091' (did you mean '10.1000/nk.2019'?)",
        f"{path}:22:28: error: unknown citation key 'lee2016' (did you mean 'lee2015'?)",
    ]


@pytest.fixture(scope="module")
def places_page(tmp_path_factory):
    """The HTML of the cited fixture's article, built once."""
    root = tmp_path_factory.mktemp("cited") / "cited"
    shutil.copytree(FIXTURES / "cited", root)
    result = build(root, write=False)
    assert result.warnings == []
    return next(o.content for o in result.outputs if o.path == "articles/places/index.html").decode()


@pytest.mark.parametrize("html", [
    '<p>A paragraph cites <span class="citation" data-cites="kim2016">(<a href="#ref-kim2016" '
    'role="doc-biblioref">Kim 2016, 33</a>)</span> and <span class="citation" data-cites="lee2015">Lee and Park '
    '(<a href="#ref-lee2015" role="doc-biblioref">2015, 4</a>)</span>.</p>',
    '<li>A list item cites <span class="citation" data-cites="kim2016 lee2015">(see <a href="#ref-kim2016" '
    'role="doc-biblioref">Kim 2016</a>; also <a href="#ref-lee2015" role="doc-biblioref">Lee and Park 2015</a>)'
    '</span>.</li>',
    '<td><span class="citation" data-cites="kim2016">(<a href="#ref-kim2016" role="doc-biblioref">Kim 2016</a>)'
    '</span></td>',
    '<p>A fenced div cites <span class="citation" data-cites="10.1000/nk.2019">Choi (<a href="#ref-10.1000/nk.2019" '
    'role="doc-biblioref">2019</a>)</span>.</p>',
    '<p>The footnote cites <span class="citation" data-cites="lee2015">(<a href="#ref-lee2015" '
    'role="doc-biblioref">2015</a>)</span>.',
    "<p>Not citations: <code>@kim2016</code> in code, "
    '<a href="mailto:analyst@example.org">analyst@example.org</a>, and @lee2015.</p>',
    "<code>@kim2016 in a code block\n</code>",
], ids=["paragraph", "list-item", "table-cell", "fenced-div", "footnote", "not-citations", "code-block"])
def test_a_build_formats_citations_in_every_place(places_page, html):
    assert html in places_page


PLACE_KEYS = ("paragraph", "heading", "linktext", "caption", "tablecell", "footnote", "definition", "span",
              "example", "evidence")

EVERY_PLACE = """\
---
title: Every place
date: 2020-01-01
---

A paragraph [@paragraph2020].

## A heading cites @heading2020

See [a study by @linktext2020](https://example.org).

![A map [@caption2020]](../assets/map.png){height=25% .wide}

| Claim | Source |
|-------|--------|
| x     | [@tablecell2020] |

A note.[^1]

Term
: Defined by @definition2020.

[In a span @span2020]{.mark}

(@one) An example citing [@example2020], which is example @one.

::: {.evidence #ev-place source=evidence2020}
A quote.
:::

[^1]: The footnote cites @footnote2020.
"""


def _every_place_publication(root):
    write(root / "citations" / "places.bib", "\n".join(
        f"@book{{{key}2020, author = {{{key.capitalize()}, Ann}}, title = {{On {key}}}, year = {{2020}}, publisher = {{P}}}}"
        for key in PLACE_KEYS))
    write(root / "content" / "assets" / "map.png", "not really a PNG")
    return write(root / "content" / "articles" / "every.md", EVERY_PLACE)


def test_a_build_formats_a_citation_in_every_kind_of_place(publication):
    root = publication("cited")
    _every_place_publication(root)
    result = build(root, write=False)
    assert result.warnings == []
    html = next(o.content for o in result.outputs if o.path == "articles/every/index.html").decode()
    body = html[html.index('<div class="article-body">'):html.index('<section class="references"')]
    for key in PLACE_KEYS:
        shown = re.findall(rf'<span class="citation" data-cites="{key}2020">(.*?)</span>', body, re.DOTALL)
        assert shown and f"{key.capitalize()}" in html_text(shown[0]) and "2020" in html_text(shown[0]), key
    assert "<li>An example citing" in body and "which is example 1.</li>" in body
    assert '<figcaption>A map <span class="citation" data-cites="caption2020">' in body


def test_a_citation_the_page_would_not_show_is_an_error_at_its_position(publication):
    root = publication("cited")
    _every_place_publication(root)
    write(root / "content" / "articles" / "every.md",
          EVERY_PLACE + "\nText with ![a map after @kim2016](../assets/map.png) inline.\n")
    with pytest.raises(BuildFailed) as failed:
        build(root, write=False)
    assert [str(p) for p in failed.value.problems] == [
        "content/articles/every.md:33:25: error: citation '@kim2016' in an image's description would not be shown: "
        "an image inside a paragraph shows its description only as alternative text; put the image in a paragraph "
        "of its own (a figure, captioned) or the citation outside it"]


def test_every_cluster_is_shown_or_reported():
    """The check runs on any body: a cluster no renderer showed is an error (here, its token is gone)."""
    md = create_parser()
    parsed = parse_markdown(md, "First [@a].\n\nSecond @b.\n", path="content/articles/a.md", line_offset=2)
    paragraph = parsed.tokens[4]
    paragraph.children = [c for c in paragraph.children if c.type != "citation"]
    result = render_parsed(md, parsed)
    assert [str(p) for p in result.problems] == [
        "content/articles/a.md:5:8: error: citation '@b' would not be shown anywhere on the page"]
    assert render_parsed(md, parsed).problems == result.problems      # reported once, however often rendered
