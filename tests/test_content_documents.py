"""builder/content/documents.py: front matter validated with positions; drafts; assets inside the folder only."""

import datetime as dt
import os
from pathlib import Path

import pytest

from builder.content.documents import find_assets, load_documents
from builder.model import Author
from helpers import write

ARTICLE = """\
---
title: "Thirteen from one kitchen"
subtitle: What a defection says
date: 2016-04-12
updated: 2016-04-14T09:00:00
authors: [Mira Halvorsen, {name: 김민지, affiliation: Seoul Institute}]
tags: [north-korea, sanctions, north-korea]
summary: One or two sentences.
series: restaurants
---

Body starts here.
"""


def article(root: Path, name: str, front: str, body: str = "Body.\n") -> Path:
    return write(root / "content" / "articles" / name, f"---\n{front}---\n\n{body}")


def messages(problems) -> list[str]:
    return [str(p) for p in problems]


def test_front_matter_becomes_typed_fields(tmp_path):
    write(tmp_path / "content" / "articles" / "restaurant-defection.md", ARTICLE)
    documents, problems = load_documents(tmp_path, include_drafts=False)
    assert problems == []
    [doc] = documents
    assert (doc.kind, doc.slug, doc.url) == ("article", "restaurant-defection", "articles/restaurant-defection/")
    assert doc.relpath == "content/articles/restaurant-defection.md"
    assert doc.title == "Thirteen from one kitchen"
    assert doc.subtitle == "What a defection says"
    assert (doc.date, doc.updated) == (dt.date(2016, 4, 12), dt.date(2016, 4, 14))
    assert doc.authors == (Author("Mira Halvorsen", "mira-halvorsen"),
                           Author("김민지", "김민지", "Seoul Institute"))
    assert doc.tags == ("north-korea", "sanctions")           # repeated tag kept once
    assert doc.summary == "One or two sentences."
    assert doc.extra == {"series": "restaurants"}             # unknown keys kept
    assert doc.body == "\nBody starts here.\n"
    assert doc.body_line == 11
    assert doc.draft is False


def test_pages_get_top_level_urls_and_need_no_date(tmp_path):
    write(tmp_path / "content" / "pages" / "about.md", "---\ntitle: About\n---\nWho we are.\n")
    [page], problems = load_documents(tmp_path, include_drafts=False)
    assert problems == []
    assert (page.kind, page.slug, page.url, page.date) == ("page", "about", "about/", None)


def test_documents_are_sorted_articles_first_then_pages(tmp_path):
    for name in ("b.md", "a.md"):
        article(tmp_path, name, "title: T\ndate: 2016-01-01\n")
    write(tmp_path / "content" / "pages" / "about.md", "---\ntitle: About\n---\n")
    documents, _ = load_documents(tmp_path, include_drafts=False)
    assert [d.relpath for d in documents] == ["content/articles/a.md", "content/articles/b.md",
                                             "content/pages/about.md"]


def test_slug_from_a_unicode_file_name(tmp_path):
    article(tmp_path, "김정은 Speech.md", "title: T\ndate: 2016-01-01\n")
    [doc], _ = load_documents(tmp_path, include_drafts=False)
    assert (doc.slug, doc.url) == ("김정은-speech", "articles/김정은-speech/")


def test_drafts_are_skipped_unless_asked_for(tmp_path):
    article(tmp_path, "done.md", "title: Done\ndate: 2016-01-01\n")
    article(tmp_path, "wip.md", "title: WIP\ndate: 2016-01-02\ndraft: true\n")
    published, _ = load_documents(tmp_path, include_drafts=False)
    everything, _ = load_documents(tmp_path, include_drafts=True)
    assert [d.slug for d in published] == ["done"]
    assert [d.slug for d in everything] == ["done", "wip"]
    assert everything[1].draft is True


def test_crlf_and_byte_order_mark_are_accepted(tmp_path):
    write(tmp_path / "content" / "articles" / "windows.md",
          "\ufeff---\r\ntitle: Windows\r\ndate: 2016-01-01\r\n---\r\n\r\nLine one.\r\n")
    [doc], problems = load_documents(tmp_path, include_drafts=False)
    assert problems == []
    assert (doc.title, doc.body, doc.body_line) == ("Windows", "\nLine one.\n", 5)


def test_tags_may_be_a_comma_separated_string(tmp_path):
    article(tmp_path, "a.md", "title: T\ndate: 2016-01-01\ntags: sanctions, north-korea\n")
    [doc], _ = load_documents(tmp_path, include_drafts=False)
    assert doc.tags == ("sanctions", "north-korea")


@pytest.mark.parametrize(("text", "expected"), [
    ("---\ntitle: 'Bad\ndate: 2016-01-01\n---\n",
     "2:8: error: malformed YAML: found unexpected end of stream (while scanning a quoted scalar)"),
    ("---\ntitle: Bad: colon\ndate: 2016-01-01\n---\n",
     "2:11: error: malformed YAML: mapping values are not allowed in this context: a value holding ': ' must be "
     "in quotes, as in title: \"Bad: colon\""),
    ("---\ndate: 2016-01-01\n---\n", "1:1: error: missing title: add 'title: ...' to the front matter"),
    ("---\ntitle: \"\"\ndate: 2016-01-01\n---\n", "2:8: error: missing title: add 'title: ...' to the front matter"),
    ("---\ntitle: [a, b]\ndate: 2016-01-01\n---\n", "2:8: error: 'title' must be text"),
    ("---\ntitle: T\ndate: 2016-13-45\n---\n", "3:7: error: invalid date '2016-13-45': there is no month 13: use YYYY-MM-DD"),
    ("---\ntitle: T\ndate: 2016-01-01\nupdated: tomorrow\n---\n", "4:10: error: invalid updated 'tomorrow': use YYYY-MM-DD"),
    ("---\ntitle: T\n---\n", "1:1: error: missing date: articles need 'date: YYYY-MM-DD' in the front matter"),
    ("---\ntitle: T\ndate: 2016-01-01\ndraft: maybe\n---\n", "4:8: error: 'draft' must be true or false"),
    ("---\ntitle: T\ndate: 2016-01-01\ntags: {a: 1}\n---\n", "4:7: error: 'tags' must be a list"),
    ("---\ntitle: T\ndate: 2016-01-01\ntags:\n  - fine\n  - '!!!'\n---\n", "6:5: error: tag '!!!' is not usable as a tag"),
    ("---\ntitle: T\ndate: 2016-01-01\nauthors:\n  - Jane\n  - {orcid: 1}\n---\n",
     "6:5: error: an author must be a name or a mapping with 'name'"),
    ("---\n- a list\n---\n", "2:1: error: front matter must be a YAML mapping (key: value lines)"),
    ("Just text.\n", "1:1: error: missing front matter: the file must begin with a '---' line, then 'title: ...'"),
    ("---\ntitle: T\ndate: 2016-01-01\n\nBody but no closing line.\n", "1:1: error: front matter is not closed: add a '---' line after it"),
    (b"---\ntitle: T\ndate: 2016-01-01\n---\n\nCaf\xe9 au lait.\n", "6:4: error: file is not valid UTF-8 (save it as UTF-8)"),
], ids=["unclosed-quote", "colon-in-value", "no-title", "empty-title", "title-list", "invalid-date",
        "invalid-updated", "article-without-date", "draft-not-bool", "tags-mapping", "bad-tag", "bad-author",
        "not-a-mapping", "no-front-matter", "unclosed-front-matter", "not-utf8"])
def test_bad_front_matter_names_file_line_and_column(tmp_path, text, expected):
    write(tmp_path / "content" / "articles" / "bad.md", text)
    documents, problems = load_documents(tmp_path, include_drafts=False)
    # A file whose front matter can be told from its body is read on (its body's problems are found too).
    unreadable = ("missing front matter", "front matter is not closed", "UTF-8")
    assert len(documents) == (0 if any(words in expected for words in unreadable) else 1)
    assert messages(problems) == [f"content/articles/bad.md:{expected}"]


def test_every_bad_field_of_a_file_is_reported(tmp_path):
    article(tmp_path, "bad.md", "title: T\ndate: 2016-13-45\ndraft: maybe\n")
    _, problems = load_documents(tmp_path, include_drafts=False)
    assert messages(problems) == [
        "content/articles/bad.md:3:7: error: invalid date '2016-13-45': there is no month 13: use YYYY-MM-DD",
        "content/articles/bad.md:4:8: error: 'draft' must be true or false",
    ]


def test_a_bad_draft_is_reported_even_when_drafts_are_skipped(tmp_path):
    article(tmp_path, "wip.md", "title: WIP\ndate: someday\ndraft: true\n")
    _, problems = load_documents(tmp_path, include_drafts=False)
    assert messages(problems) == ["content/articles/wip.md:3:7: error: invalid date 'someday': use YYYY-MM-DD"]


def test_two_files_with_one_slug(tmp_path):
    article(tmp_path, "Kim Speech.md", "title: A\ndate: 2016-01-01\n")
    article(tmp_path, "kim-speech.md", "title: B\ndate: 2016-01-01\n")
    documents, problems = load_documents(tmp_path, include_drafts=False)
    assert len(documents) == 1
    assert messages(problems) == [
        "content/articles/kim-speech.md:1:1: error: slug 'kim-speech' is already used by content/articles/Kim Speech.md"]


@pytest.mark.parametrize("slug", ["tags", "editions"])      # editions: the PDF stage's listing
def test_a_page_may_not_take_a_generated_folder(tmp_path, slug):
    write(tmp_path / "content" / "pages" / f"{slug}.md", "---\ntitle: Taken\n---\n")
    documents, problems = load_documents(tmp_path, include_drafts=False)
    assert documents == []
    assert messages(problems) == [
        f"content/pages/{slug}.md:1:1: error: page slug '{slug}' is reserved for generated pages: rename the file"]


def test_assets_are_found_recursively(tmp_path):
    write(tmp_path / "content" / "assets" / "map.png", b"\x89PNG")
    write(tmp_path / "content" / "assets" / "data" / "table.csv", "a,b\n")
    assets, problems = find_assets(tmp_path)
    assert problems == []
    assert [a.target for a in assets] == ["assets/data/table.csv", "assets/map.png"]
    assert assets[1].source == (tmp_path / "content" / "assets" / "map.png").resolve()


def test_no_assets_folder_is_fine(tmp_path):
    assert find_assets(tmp_path) == ([], [])


def test_asset_symlinks_leaving_the_publication_are_refused(tmp_path):
    root = tmp_path / "pub"
    secret = write(tmp_path / "secret.txt", "password")
    write(root / "content" / "assets" / "map.png", b"\x89PNG")
    os.symlink(secret, root / "content" / "assets" / "innocent.txt")
    os.symlink(tmp_path, root / "content" / "assets" / "everything")
    os.symlink(root / "content" / "assets" / "map.png", root / "content" / "assets" / "alias.png")
    assets, problems = find_assets(root)
    assert messages(problems) == [
        "content/assets/everything:1:1: error: asset is a link to a file outside the publication folder",
        "content/assets/innocent.txt:1:1: error: asset is a link to a file outside the publication folder",
    ]
    assert [a.target for a in assets] == ["assets/alias.png", "assets/map.png"]    # a link inside is fine


@pytest.mark.parametrize("front, expected", [
    ("title: T\ndate: 2016-01-01\ntags: [a, b\nsummary: S\n", "4:7: error: malformed YAML: this '[' is not closed: "
                                                              "add ']' after the last item"),
    ("title: T\ndate: 2016-01-01\nauthors: [{name: A, orcid: 1\nsummary: S\n",
     "4:11: error: malformed YAML: this '{' is not closed: add '}' after the last item"),
], ids=["list", "mapping"])
def test_a_bracket_left_open_is_reported_where_it_opens_not_on_the_next_line(tmp_path, front, expected):
    """Issue 16: PyYAML stops at the next line; the fault is the bracket that nothing closes."""
    article(tmp_path, "bad.md", front)
    _, problems = load_documents(tmp_path, include_drafts=False)
    assert messages(problems) == [f"content/articles/bad.md:{expected}"]
