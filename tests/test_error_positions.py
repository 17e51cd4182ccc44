"""Messages of docs/errors.md that no other test provoked, each asserted with its path:line:col.

tests/test_errors_catalogue.py finds which messages lack such a test; these fill the gaps.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from builder.bib.cite import check_citations, format_citations, plan_addition
from builder.build import build
from builder.errors import BuildFailed
from helpers import write

ARTICLE = "---\ntitle: A\ndate: 2016-01-01\n---\n\nText [@a].\n"


def write_publication(root: Path, bib: str | None = "@book{a, title = {T}, author = {Kim, A.}, year = {2016}}\n",
                settings: str = "", article: str = ARTICLE, files: dict[str, str] | None = None) -> Path:
    write(root / "dossier.yml", "title: P\nbase_url: https://example.org/\n" + settings)
    write(root / "content" / "articles" / "a.md", article)
    if bib is not None:
        write(root / "citations" / "refs.bib", bib)
    for name, text in (files or {}).items():
        write(root / name, text)
    return root


def build_problems(root: Path) -> list[str]:
    with pytest.raises(BuildFailed) as failed:
        build(root, pdf=False, write=False, use_cache=False)
    return [str(problem) for problem in failed.value.problems]


def bib_problems(root: Path) -> list[str]:
    return [str(p) for p in check_citations(root) if p.path == "citations/refs.bib"]


# --- .bib files ------------------------------------------------------------------------------


@pytest.mark.parametrize("bib, expected", [
    ("@book{a, title = {x\n\n@book{b, title = {B}}\n",
     "citations/refs.bib:1:1: error: cannot read entry 'a': unbalanced braces: a '{' in a value is not closed before line 3"),
    ('@book{a, title = "Open quote, year = 2016}\n\n@book{b, title = {B}}\n',
     "citations/refs.bib:1:1: error: cannot read entry 'a': a quoted value is not closed before line 3"),
    ("@book{a, title {No equals}}\n",
     "citations/refs.bib:1:1: error: cannot read entry 'a': a field has no '=' (write name = {value})"),
    ("@string{x = {a}b}\n@book{a, title = x}\n", "citations/refs.bib:1:1: error: cannot read the value of @string 'x'"),
    ("@book{a, 1abc = {x}, title = {T}}\n", "citations/refs.bib:1:10: error: cannot read field name '1abc' in entry 'a'"),
])
def test_unreadable_bib_text_is_reported_where_it_starts(tmp_path, bib, expected):
    assert expected in bib_problems(write_publication(tmp_path / "pub", bib))


def test_cite_fmt_warns_of_each_block_it_keeps_as_written(tmp_path):
    root = write_publication(tmp_path / "pub", "@book{a, title = {T}, author = {A}, year = {2016}}\n\n@book{\n")
    _, problems = format_citations(root)
    assert [str(p) for p in problems] == [
        "citations/refs.bib:3:1: warning: cannot read this block (see dossier cite check); kept as written"]


def test_cite_add_refuses_an_entry_it_cannot_format(tmp_path):
    addition, problems = plan_addition(write_publication(tmp_path / "pub"), "@{z, title={x}}\n")
    assert addition is None
    assert [str(p) for p in problems] == [
        "<stdin>:1:1: error: cannot format the entry: entry type '@' is not a BibTeX name",
        "<stdin>:1:1: error: unknown entry type '@': use a BibLaTeX type such as @article, @book, @incollection, "
        "@inproceedings, @online, @report, @thesis, @misc (a newspaper or magazine article is an @article)"]


def test_cite_add_refuses_a_folder_named_like_a_bib_file(tmp_path):
    root = write_publication(tmp_path / "pub")
    (root / "citations" / "folder.bib").mkdir()
    addition, problems = plan_addition(root, "@book{z, title={x}, author={A}, year={1}}\n", "citations/folder.bib")
    assert addition is None
    assert [str(p) for p in problems] == ["citations/folder.bib:1:1: error: is a folder, not a .bib file"]


# --- Settings and documents --------------------------------------------------------------------


def test_a_menu_page_that_is_not_published(tmp_path):
    assert build_problems(write_publication(tmp_path / "pub", settings="menu: [nope]\n")) == [
        "dossier.yml:3:7: error: menu names page 'nope', but content/pages/nope.md is not published"]


def test_an_unknown_citation_style(tmp_path):
    assert build_problems(write_publication(tmp_path / "pub", settings="csl: xyzzy\n")) == [
        "dossier.yml:3:6: error: unknown citation style 'xyzzy': use a name like 'apa' or "
        "'chicago-author-date', or a path to a .csl file"]


def test_a_style_pandoc_cannot_use(tmp_path):
    root = write_publication(tmp_path / "pub", settings="csl: house.csl\n", files={"house.csl": "<style>not csl</style>\n"})
    assert build_problems(root) == ["dossier.yml:3:6: error: pandoc could not format the citations with style "
                                    "'house.csl': CiteprocParseError: No citation element present"]


def test_authors_in_front_matter_that_are_not_a_list(tmp_path):
    root = write_publication(tmp_path / "pub", article="---\ntitle: A\ndate: 2016-01-01\nauthors: 5\n---\n\nText.\n")
    assert build_problems(root) == ["content/articles/a.md:4:10: error: 'authors' must be a list of names"]


def test_a_file_name_with_no_letters(tmp_path):
    root = write_publication(tmp_path / "pub")
    os.rename(root / "content" / "articles" / "a.md", root / "content" / "articles" / "!!!.md")
    assert build_problems(root) == ["content/articles/!!!.md:1:1: error: file name gives an empty slug: rename the file"]


def test_bad_table_caption_attributes(tmp_path):
    root = write_publication(tmp_path / "pub", article="---\ntitle: A\ndate: 2016-01-01\n---\n\n| a |\n|---|\n| b |\n\n"
                                                  ": Caption {#tbl-x key=\"open}\n")
    assert build_problems(root) == [
        "content/articles/a.md:10:1: error: bad table caption attributes: unterminated quoted attribute value"]


# --- Templates ---------------------------------------------------------------------------------

PAGE = "---\ntitle: About\n---\n\nAbout.\n"


@pytest.mark.parametrize("template, expected", [
    ("{% extends 'base.html' %}\n{% block main %}\n{% if %}\n{% endblock %}\n",
     "themes/default/templates/page.html:3:1: error: template syntax error: Expected an expression, "
     "got 'end of statement block'"),
    ("{% extends 'base.html' %}\n{% block main %}\n{{ nothing.here }}\n{% endblock %}\n",
     "themes/default/templates/page.html:3:1: error: template error: 'nothing' is undefined"),
    ("{% extends 'base.html' %}\n{% block main %}\n\n{{ 1 / 0 }}\n{% endblock %}\n",
     "themes/default/templates/page.html:4:1: error: template error: ZeroDivisionError: division by zero"),
])
@pytest.mark.parametrize("parallel", [False, True])
def test_template_errors_name_the_template_and_line(tmp_path, monkeypatch, template, expected, parallel):
    import builder.site.render

    if parallel:        # pages rendered by worker processes report the same problem
        monkeypatch.setattr(builder.site.render, "PARALLEL_FROM", 1)
    root = write_publication(tmp_path / "pub", files={"themes/default/templates/page.html": template,
                                                "content/pages/about.md": PAGE})
    assert build_problems(root) == [expected]


# --- Search indexing ---------------------------------------------------------------------------


@pytest.mark.parametrize("executable, detail", [
    ("/nonexistent/python", "[Errno 2] No such file or directory: '/nonexistent/python'"),
    ("/bin/false", "no output"),
])
def test_search_indexing_that_fails_is_an_error_and_keeps_the_previous_site(tmp_path, monkeypatch, executable, detail):
    import builder.site.search

    root = write_publication(tmp_path / "pub")
    monkeypatch.setattr(builder.site.search.sys, "executable", executable)
    with pytest.raises(BuildFailed) as failed:
        build(root, pdf=False, use_cache=False)
    monkeypatch.undo()
    [problem] = failed.value.problems
    assert str(problem) == f"{root / '_site'}:1:1: error: search indexing failed: {detail}"
    assert not (root / "_site").exists()
    assert [p.name for p in root.iterdir() if p.name.startswith("._site")] == []


# --- More .bib problems --------------------------------------------------------------------------


def test_a_citation_key_with_white_space(tmp_path):
    assert ('citations/refs.bib:1:1: error: citation key \'a b\' contains white space or one of , { } " \\'
            in bib_problems(write_publication(tmp_path / "pub", "@book{a b, title = {T}}\n")))


def test_cite_fmt_keeps_entries_it_cannot_rewrite_safely(tmp_path):
    _, problems = format_citations(write_publication(tmp_path / "pub", "@book{a b, title = {T}}\n\n@book{c, 1abc = {x}}\n"))
    assert [str(p) for p in problems] == [
        "citations/refs.bib:1:1: warning: citation key 'a b' is not a valid key; kept as written",
        "citations/refs.bib:3:1: warning: entry 'c': '1abc' is not a field name; kept as written"]


def test_a_key_defined_twice_in_one_file(tmp_path):
    root = write_publication(tmp_path / "pub", "@book{a, title = {T}, author = {A}, year = {2016}}\n\n"
                                         "@book{a, title = {U}, author = {B}, year = {2016}}\n")
    assert [str(p) for p in build(root, pdf=False, write=False, use_cache=False).warnings] == [
        "citations/refs.bib:1:1: warning: citation key 'a' is defined again at citations/refs.bib:3: pandoc uses the "
        "last definition, so this one is ignored"]


def test_a_key_defined_in_two_files(tmp_path):
    root = write_publication(tmp_path / "pub")
    write(root / "citations" / "more.bib", "@book{a, title = {V}, author = {C}, year = {2016}}\n")
    assert [str(p) for p in build(root, pdf=False, write=False, use_cache=False).warnings] == [
        "citations/more.bib:1:1: warning: citation key 'a' is defined again at citations/refs.bib:1: pandoc uses the "
        "last definition, so this one is ignored"]


def test_a_url_with_a_latex_escape(tmp_path):
    root = write_publication(tmp_path / "pub", "@online{a, title = {T}, author = {A}, date = {2016}, url = {http://example.org/a\\_b}}\n")
    assert bib_problems(root) == ["citations/refs.bib:1:60: error: url 'http://example.org/a\\_b' contains a backslash: "
                                  "write the URL as it is, with no LaTeX escapes"]


# --- Links, evidence, templates ------------------------------------------------------------------


def test_links_to_what_is_not_published_are_errors_where_written(tmp_path):
    root = write_publication(tmp_path / "pub", article="---\ntitle: A\ndate: 2016-01-01\n---\n\n"
                       "[draft](wip.md) [folder](../assets) [notes](../../notes.txt) [nul](a.md%00.png)\n",
                       files={"content/articles/wip.md": "---\ntitle: W\ndate: 2016-01-01\ndraft: true\n---\n\nx\n",
                              "notes.txt": "n\n", "content/assets/x.png": "x"})
    assert build_problems(root) == [
        "content/articles/a.md:6:9: error: link 'wip.md' points to a document that is not published (a draft?)",
        "content/articles/a.md:6:26: error: link '../assets' points to a folder, not a document or asset",
        "content/articles/a.md:6:45: error: link '../../notes.txt' points to a file that is not published: put it in content/assets/",
        "content/articles/a.md:6:68: error: link target 'a.md%00.png' contains a null byte"]


def test_an_evidence_source_that_cannot_be_a_key(tmp_path):
    root = write_publication(tmp_path / "pub", article="---\ntitle: A\ndate: 2016-01-01\n---\n\n::: {.evidence source=\"a b\"}\nQuote.\n:::\n")
    assert build_problems(root) == ["content/articles/a.md:6:16: error: evidence source 'a b' is not a citation key"]


def test_a_template_that_extends_a_missing_one(tmp_path):
    root = write_publication(tmp_path / "pub", files={"themes/default/templates/page.html": "{% extends 'nope.html' %}\n",
                                                "content/pages/about.md": PAGE})
    assert build_problems(root) == ["themes/page.html:1:1: error: template 'nope.html' not found in the theme"]


@pytest.mark.parametrize("template, expected", [
    ("<html>\n{% if %}\n", "2:1: error: template syntax error: Expected an expression, got 'end of statement block'"),
    ("<html>\n<p>{{ nothing.here }}</p>\n", "2:1: error: template error: 'nothing' is undefined"),
    ("<html>\n\n<p>{{ 1/0 }}</p>\n", "3:1: error: template error: ZeroDivisionError: division by zero"),
    ("<html>\n{% include 'nope.html' %}\n", "2:1: error: template 'nope.html' not found in the theme"),
])
def test_errors_in_the_print_templates_name_the_template_and_line(tmp_path, template, expected):
    root = write_publication(tmp_path / "pub", files={"themes/default/templates/print/article.html": template})
    with pytest.raises(BuildFailed) as failed:
        build(root, use_cache=False)
    assert [str(p) for p in failed.value.problems] == [f"themes/default/templates/print/article.html:{expected}"]
    assert [p.name for p in root.iterdir() if p.name.startswith("._site")] == []
