"""builder/markdown/evidence.py: what an evidence box's opening line must hold, with positioned errors (issue 16)."""

import pytest

from builder.markdown import create_parser, render_markdown


def problems(text: str) -> list[str]:
    result = render_markdown(create_parser(), text, path="content/articles/a.md", line_offset=5)
    return [str(p) for p in result.problems]


@pytest.mark.parametrize("date", ["2016-04-08", "2016-04", "2016", "2016-04-08/2016-05", "2016?", "2016-04-08T10:00"])
def test_an_iso_or_edtf_date_is_a_date(date):
    assert problems(f"::: {{.evidence source=kim2016 date={date}}}\nQuote.\n:::\n") == []


@pytest.mark.parametrize("written, expected", [
    ('"last Tuesday"', "6:31: error: evidence box date 'last Tuesday' is not a date: write YYYY, YYYY-MM or "
                       "YYYY-MM-DD (a range as START/END)"),
    ("2016-4-8", "6:31: error: evidence box date '2016-4-8' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD "
                 "(a range as START/END)"),
    ("2016-04-31", "6:31: error: evidence box date '2016-04-31' is not a date: there is no day 31 in 2016-04"),
])
def test_a_date_that_is_no_date_is_an_error_at_the_attribute(written, expected):
    assert problems(f"::: {{.evidence source=kim2016 date={written}}}\nQuote.\n:::\n") == [
        f"content/articles/a.md:{expected}"]


def test_a_misspelt_evidence_class_is_named_at_the_class():
    assert problems("::: {.evidense #ev-a source=kim2016}\nQuote.\n:::\n") == [
        "content/articles/a.md:6:6: error: a div with source= and the class '.evidense' is no evidence box "
        "(did you mean '.evidence'?)"]
    assert problems("::: {.note source=kim2016}\nA div of its own.\n:::\n") == []    # not close to evidence
    assert problems("::: {.evidence-like}\nNo source.\n:::\n") == []
