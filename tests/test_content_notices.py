"""builder/content/notices.py: `corrections:` and `updates:` read newest first, each problem at its position."""

import datetime as dt

import pytest

from builder.content.documents import load_documents
from builder.model import Notice
from helpers import write


def load(tmp_path, front: str):
    write(tmp_path / "content" / "articles" / "a.md", f"---\n{front}---\n\nBody.\n")
    documents, problems = load_documents(tmp_path, include_drafts=False)
    return documents, [str(p) for p in problems]


def test_notices_are_read_newest_first_and_the_document_changed_on_the_last(tmp_path):
    documents, problems = load(tmp_path, "title: T\ndate: 2016-04-12\ncorrections:\n"
                                         "  - {date: 2016-04-14, text: An earlier version misnamed the city.}\n"
                                         "  - date: 2016-05-02\n    text: \"The briefing   was on 8 April,\n      not 7 April.\"\n"
                                         "updates: [{date: 2016-04-20, text: Seoul has since named the city.}]\n")
    assert problems == []
    document = documents[0]
    assert document.corrections == (Notice(dt.date(2016, 5, 2), "The briefing was on 8 April, not 7 April."),
                                    Notice(dt.date(2016, 4, 14), "An earlier version misnamed the city."))
    assert document.updates == (Notice(dt.date(2016, 4, 20), "Seoul has since named the city."),)
    assert document.updated is None and document.modified == dt.date(2016, 5, 2)
    assert "corrections" not in document.extra and "updates" not in document.extra


def test_updated_later_than_every_notice_is_the_last_change(tmp_path):
    documents, problems = load(tmp_path, "title: T\ndate: 2016-04-12\nupdated: 2016-06-01\n"
                                         "corrections: [{date: 2016-04-14, text: Fixed.}]\n")
    assert problems == [] and documents[0].modified == dt.date(2016, 6, 1)


@pytest.mark.parametrize("front, expected", [
    ("title: T\ndate: 2016-04-12\ncorrections:\n  - {date: 2016-04-10, text: Too early.}\n",
     "content/articles/a.md:5:12: error: correction dated 2016-04-10 is before the document's date (2016-04-12): "
     "date it on or after that day"),
    ("title: T\ndate: 2016-04-12\nupdates:\n  - {date: 2016-03-01, text: Too early.}\n",
     "content/articles/a.md:5:12: error: update dated 2016-03-01 is before the document's date (2016-04-12): "
     "date it on or after that day"),
    ("title: T\ndate: 2016-04-12\nupdated: 2016-04-13\ncorrections: [{date: 2016-04-14, text: Fixed.}]\n",
     "content/articles/a.md:4:10: error: 'updated: 2016-04-13' is older than the last correction (2016-04-14): "
     "set it to 2016-04-14 or later, or leave it out"),
    ("title: T\ndate: 2016-04-12\nupdated: 2016-04-13\nupdates: [{date: 2016-04-20, text: More.}]\n",
     "content/articles/a.md:4:10: error: 'updated: 2016-04-13' is older than the last update (2016-04-20): "
     "set it to 2016-04-20 or later, or leave it out"),
    ("title: T\ndate: 2016-04-12\ncorrections: An earlier version was wrong.\n",
     "content/articles/a.md:4:14: error: 'corrections' must be a list of {date: YYYY-MM-DD, text: \"...\"}"),
    ("title: T\ndate: 2016-04-12\ncorrections:\n  - {date: 2016-04-14}\n",
     "content/articles/a.md:5:5: error: each of 'corrections' needs a date and a text: {date: YYYY-MM-DD, text: \"...\"}"),
    ("title: T\ndate: 2016-04-12\nupdates:\n  - Seoul named the city.\n",
     "content/articles/a.md:5:5: error: each of 'updates' needs a date and a text: {date: YYYY-MM-DD, text: \"...\"}"),
    ("title: T\ndate: 2016-04-12\ncorrections:\n  - {date: 2016-04-31, text: Fixed.}\n",
     "content/articles/a.md:5:12: error: invalid date '2016-04-31' in 'corrections': April has 30 days"),
    ("title: T\ndate: 2016-04-12\ncorrections:\n  - {date: 2016-04-14, text: Fixed., by: editor}\n",
     "content/articles/a.md:5:42: error: unknown key 'by' in 'corrections' (known: date, text)"),
])
def test_each_problem_is_reported_where_it_is_written(tmp_path, front, expected):
    _, problems = load(tmp_path, front)
    assert expected in problems, problems
