"""builder/text.py: slugs in every script, dates."""

import datetime as dt
import unicodedata

import pytest

from builder.text import long_date, parse_date, slugify
from builder.urls import unique_slug


@pytest.mark.parametrize(("text", "slug"), [
    ("Kim Jong-un 김정은", "kim-jong-un-김정은"),
    ("북한 제재", "북한-제재"),
    ("Sanctions, restaurants & a mass defection!", "sanctions-restaurants-a-mass-defection"),
    ("  --Leading and trailing--  ", "leading-and-trailing"),
    ("snake_case_name", "snake-case-name"),
    ("ÉLITE Loyalty", "élite-loyalty"),
    ("Straße", "strasse"),
    ("平壤 Pyongyang", "平壤-pyongyang"),
    ("Пхеньян", "пхеньян"),
    ("!!!", ""),
])
def test_slugify_keeps_letters_of_every_script(text, slug):
    assert slugify(text) == slug


def test_slugify_composes_decomposed_hangul():
    decomposed = unicodedata.normalize("NFD", "김정은")
    assert decomposed != "김정은"
    assert slugify(decomposed) == "김정은"


def test_unique_slug_numbers_repeats_and_records_them():
    taken: set[str] = set()
    assert [unique_slug("findings", taken) for _ in range(3)] == ["findings", "findings-2", "findings-3"]
    assert taken == {"findings", "findings-2", "findings-3"}
    assert unique_slug("Findings", taken) == "Findings-4"      # one folder where case is not told apart


def test_long_date():
    assert long_date(dt.date(2016, 4, 8)) == "April 8, 2016"        # CLDR's English; en-GB: 8 April 2016


@pytest.mark.parametrize(("value", "expected"), [
    ("2016-04-08", dt.date(2016, 4, 8)),
    (" 2016-04-08 ", dt.date(2016, 4, 8)),
    ("2016-04-08T10:00:00", dt.date(2016, 4, 8)),
    ("2016-04-08T23:30:00Z", dt.date(2016, 4, 8)),
    (dt.date(2016, 4, 8), dt.date(2016, 4, 8)),
    (dt.datetime(2016, 4, 8, 12), dt.date(2016, 4, 8)),
    ("2016-13-45", None),
    ("2016-02-30", None),
    ("8 April 2016", None),
    (2016, None),
    (None, None),
])
def test_parse_date(value, expected):
    assert parse_date(value) == expected
