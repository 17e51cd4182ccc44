"""`history_url` in dossier.yml: each article's header links where its file's changes can be read
(a forge's commit log), filled in per article, percent-encoded; a pattern that cannot work is an
error at its value."""

import pytest

from builder.build import build
from builder.errors import BuildFailed
import html
import re

from helpers import write

ARTICLE = "---\ntitle: {title}\ndate: 2016-04-12\nlanguage: {language}\n---\n\nBody.\n"


def publication(root, history_url: str):
    write(root / "dossier.yml", f"title: History\nbase_url: https://example.org/h/\nhistory_url: '{history_url}'\n")
    write(root / "content" / "articles" / "first.md", ARTICLE.format(title="First", language="en"))
    write(root / "content" / "articles" / "북한 시장.md", ARTICLE.format(title="시장", language="ko"))
    write(root / "content" / "pages" / "about.md", "---\ntitle: About\n---\n\nAbout us.\n")
    return root


def history_links(path) -> list[tuple[str, str]]:
    text = path.read_text(encoding="utf-8")
    return [(html.unescape(href), words) for href, words in re.findall(r'<a class="history-link" href="([^"]*)">([^<]*)</a>', text)]


def test_each_article_links_its_own_history(tmp_path):
    site = build(publication(tmp_path, "https://git.example.org/ledger/log/main/{path}?slug={slug}"),
                 search=False, pdf=False).out_dir
    assert history_links((site / "articles" / "first" / "index.html")) == [
        ("https://git.example.org/ledger/log/main/content/articles/first.md?slug=first", "History of changes")]
    (korean,) = [folder for folder in (site / "articles").iterdir() if folder.name != "first"]
    assert history_links((korean / "index.html")) == [
        ("https://git.example.org/ledger/log/main/content/articles/%EB%B6%81%ED%95%9C%20%EC%8B%9C%EC%9E%A5.md"
         "?slug=%EB%B6%81%ED%95%9C-%EC%8B%9C%EC%9E%A5", "변경 이력")]
    assert korean.name == "북한-시장"
    assert history_links((site / "about" / "index.html")) == []     # articles only


def test_no_history_link_without_the_setting(tmp_path):
    write(tmp_path / "dossier.yml", "title: History\n")
    write(tmp_path / "content" / "articles" / "first.md", ARTICLE.format(title="First", language="en"))
    site = build(tmp_path, search=False, pdf=False).out_dir
    assert history_links((site / "articles" / "first" / "index.html")) == []


@pytest.mark.parametrize("pattern", [
    "https://git.example.org/ledger/log/main/",             # no placeholder: every article the same page
    "https://git.example.org/ledger/log/main/{file}",       # not a placeholder Dossier fills in
    "https://git.example.org/ledger/log/{path",             # a brace left open
    "javascript:alert(1)//{path}",
    "git.example.org/{path}",
    "https://git.example.org/{path} x",
])
def test_a_pattern_that_cannot_work_is_an_error_at_its_value(tmp_path, pattern):
    with pytest.raises(BuildFailed) as failed:
        build(publication(tmp_path, pattern), search=False, pdf=False)
    assert [str(problem) for problem in failed.value.problems] == [
        "dossier.yml:3:14: error: 'history_url' must be an absolute http:// or https:// URL holding '{path}' (the "
        "document's file, as content/articles/x.md) or '{slug}', and no other '{...}'"]
    assert not (tmp_path / "_site").exists()
