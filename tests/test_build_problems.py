"""Bad input through `dossier build`: exact path:line:col, exit status 1, no traceback, _site untouched."""

import os
import shutil

import pytest

from builder.build import build
from helpers import FIXTURES, copy_built, snapshot, write

FRONT = "---\ntitle: Bad\ndate: 2016-01-01\n---\n\n"     # the body starts on line 6


@pytest.fixture(scope="module")
def built_minimal(tmp_path_factory):
    """The minimal fixture with a built _site, made once and copied for every test."""
    root = tmp_path_factory.mktemp("built") / "minimal"
    shutil.copytree(FIXTURES / "minimal", root)
    build(root, pdf=False)
    return root


@pytest.fixture
def root(built_minimal, tmp_path):
    copy = tmp_path / "pub"
    return copy_built(built_minimal, copy)


def article(root, text: str | bytes, name: str = "bad.md"):
    write(root / "content" / "articles" / name, text)


def outside_link(root):
    write(root.parent / "outside" / "passwd", "root:x:0:0")
    os.symlink(root.parent / "outside" / "passwd", root / "content" / "assets" / "passwd.txt")


def append_setting(text: str):
    def change(root):
        with (root / "dossier.yml").open("a", encoding="utf-8") as settings:
            settings.write(text)
    return change


CASES = {
    "malformed-yaml": (lambda root: article(root, '---\ntitle: "Unclosed\ndate: 2016-01-01\n---\n\nBody.\n'),
                       ["content/articles/bad.md:2:8: error: malformed YAML: found unexpected end of stream "
                        "(while scanning a quoted scalar)"]),
    "malformed-yaml-mapping": (lambda root: article(root, "---\ntitle: Bad\ndate: 2016-01-01\nsummary: a: b\n---\n"),
                               ["content/articles/bad.md:4:11: error: malformed YAML: mapping values are not allowed in this context: "
                                "a value holding ': ' must be in quotes, as in summary: \"a: b\""]),
    "missing-title": (lambda root: article(root, "---\ndate: 2016-01-01\ntags: [a]\n---\n\nBody.\n"),
                      ["content/articles/bad.md:1:1: error: missing title: add 'title: ...' to the front matter"]),
    "invalid-date": (lambda root: article(root, "---\ntitle: Bad\ndate: 2016-13-45\n---\n\nBody.\n"),
                     ["content/articles/bad.md:3:7: error: invalid date '2016-13-45': there is no month 13: use YYYY-MM-DD"]),
    "not-utf8": (lambda root: article(root, FRONT.encode() + "Kim Jong-un’s\n".encode("cp1252") + b"Caf\xe9\n"),
                 ["content/articles/bad.md:6:12: error: file is not valid UTF-8 (save it as UTF-8)"]),
    "etc-passwd": (lambda root: article(root, FRONT + "Intro.\n\nSee [the file](../../etc/passwd).\n"),
                   ["content/articles/bad.md:8:16: error: link target '../../etc/passwd' does not exist"]),
    "etc-passwd-outside": (lambda root: article(root, FRONT + "See [x](../../../../../../etc/passwd).\n"),
                           ["content/articles/bad.md:6:9: error: link '../../../../../../etc/passwd' "
                            "points outside the publication folder"]),
    "absolute-path": (lambda root: article(root, FRONT + "One.\nTwo [the file](/etc/passwd).\n"),
                      ["content/articles/bad.md:7:16: error: link to absolute path '/etc/passwd': "
                       "write a path relative to this file"]),
    "url-encoded": (lambda root: article(root, FRONT + "[x](%2e%2e/%2e%2e/%2e%2e/dossier.yml)\n"),
                    ["content/articles/bad.md:6:5: error: link '%2e%2e/%2e%2e/%2e%2e/dossier.yml' "
                     "points outside the publication folder"]),
    "image-outside": (lambda root: article(root, FRONT + "A map:\n\n  ![map](../../../outside/map.png)\n"),
                      ["content/articles/bad.md:8:10: error: link '../../../outside/map.png' "
                       "points outside the publication folder"]),
    "page-link-outside": (lambda root: write(root / "content" / "pages" / "about.md",
                                             "---\ntitle: About\n---\n[up](../../../x.md)\n"),
                          ["content/pages/about.md:4:6: error: link '../../../x.md' points outside the publication folder"]),
    "asset-symlink-outside": (outside_link,
                              ["content/assets/passwd.txt:1:1: error: asset is a link to a file outside "
                               "the publication folder"]),
    "settings-wrong-type": (append_setting('index_articles: "ten"\n'),
                            ["dossier.yml:6:17: error: 'index_articles' must be an integer, not a string"]),
    "settings-malformed": (append_setting("menu: [about\n"),
                           ["dossier.yml:6:7: error: malformed YAML: this '[' is not closed: add ']' after the last item"]),
    "unclosed-div": (lambda root: article(root, FRONT + "Intro.\n\n::: {.note}\nNever closed.\n"),
                     ["content/articles/bad.md:8:1: error: fenced div ':::' is not closed: "
                      "add a ':::' line after its content"]),
    "bad-heading-attributes": (lambda root: article(root, FRONT + "## Findings {#f !x}\n"),
                               ["content/articles/bad.md:6:17: error: bad heading attributes: cannot read attribute '!x'"]),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_reported_and_the_old_site_kept(root, cli, case):
    change, expected = CASES[case]
    before = snapshot(root / "_site")
    change(root)
    result = cli("-C", root, "build", "--no-pdf")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == expected + ["1 error; nothing was written"]
    assert "Traceback" not in result.output
    assert snapshot(root / "_site") == before
    assert [p.name for p in root.iterdir() if p.name.startswith("._site")] == []     # no half-written site


def without_cache(files: dict[str, str]) -> dict[str, str]:
    return {path: digest for path, digest in files.items() if not path.startswith(".dossier-cache/")}


def html_files(site) -> dict[str, str]:
    return {path: digest for path, digest in snapshot(site).items() if path.endswith(".html")}


def test_an_unknown_setting_warns_and_still_builds(root, cli):
    before = html_files(root / "_site")
    append_setting("colour: blue\n")(root)
    result = cli("-C", root, "build", "--no-pdf")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "dossier.yml:6:1: warning: unknown setting 'colour' (kept for templates; free keys belong under 'extra:')"]
    assert html_files(root / "_site") == before        # rebuilt, and the pages are the same


def test_a_good_change_replaces_the_site(root, cli):
    before = snapshot(root / "_site")
    article(root, FRONT + "A new article.\n", name="new.md")
    assert cli("-C", root, "build", "--no-pdf").exit_code == 0
    after = snapshot(root / "_site")
    assert "articles/new/index.html" in after and after != before


def test_every_problem_in_every_file_in_path_order(publication, cli):
    root = publication("broken")
    write(root / "_site" / "index.html", "the previous site")
    write(root / "_site" / ".dossier-site", "")
    before = snapshot(root)
    result = cli("-C", root, "build", "--no-pdf")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "content/articles/bad-date.md:3:7: error: invalid date '2016-13-45': there is no month 13: use YYYY-MM-DD",
        "content/articles/bad-links.md:8:21: error: link '../../../etc/passwd' points outside the publication folder",
        "content/articles/bad-links.md:9:12: error: link to absolute path '/etc/passwd': write a path relative to this file",
        "content/articles/no-title.md:1:1: error: missing title: add 'title: ...' to the front matter",
        "content/pages/about.md:2:13: error: malformed YAML: mapping values are not allowed in this context: "
        "a value holding ': ' must be in quotes, as in title: \"About: this is not YAML\"",
        "dossier.yml:3:1: warning: unknown setting 'colour' (kept for templates; free keys belong under 'extra:')",
        "5 errors; nothing was written",
    ]
    assert without_cache(snapshot(root)) == before     # the cache may learn; nothing else changes


# --- issue 16: every problem in one run ------------------------------------------------------------------

def test_a_front_matter_error_hides_no_other_problem_of_its_file(publication, cli):
    root = publication("minimal")
    article(root, "---\ntitle: T\ndate: 2016-04-31\nsumary: S\n---\n\nSee [the map](nowhere.md), [Alpha](alpah.md).\n")
    result = cli("-C", root, "check")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "content/articles/bad.md:3:7: error: invalid date '2016-04-31': April has 30 days",
        "content/articles/bad.md:4:1: warning: unknown front matter key 'sumary' (did you mean 'summary'?) "
        "(kept for templates)",
        "content/articles/bad.md:7:15: error: link target 'nowhere.md' does not exist",
        "content/articles/bad.md:7:36: error: link target 'alpah.md' does not exist (did you mean 'alpha.md'?)",
        "3 errors; nothing was written",
    ]


def test_a_settings_error_stops_no_other_check(publication, cli):
    root = publication("minimal")
    append_setting("index_articles: ten\ntheme: mytheme\n")(root)
    article(root, "---\ntitle: T\ndate: 2016-4-8\n---\n\nSee [the map](nowhere.md) and [@nobody].\n")
    result = cli("-C", root, "check")
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert errors == [
        "content/articles/bad.md:3:7: error: invalid date '2016-4-8': write the month and the day with two digits "
        "each, 2016-04-08",
        "content/articles/bad.md:6:15: error: link target 'nowhere.md' does not exist",
        "content/articles/bad.md:6:32: error: unknown citation key 'nobody'",
        "dossier.yml:6:17: error: 'index_articles' must be an integer, not a string",
        "dossier.yml:7:8: error: no theme 'mytheme': there is no folder themes/mytheme/ (themes: default)",
    ]
