"""What is verified is what is shown (builder/evidence/checks.py, shown.py, differences.py): a publication in
tmp_path whose boxes hide words, show raw HTML, code or images, and misquote; every problem with its position."""

import re

import pytest

from builder.build import build
from builder.errors import BuildFailed
from builder.evidence.differences import word_changes
from builder.evidence.shown import shown_quotes
from helpers import write

SNAPSHOT = """\
---
title: "Cadres grow cautious"
saved: 2016-03-15
---

The regime will collapse within a year, he said.

Markets open at noon. She said it was so.
"""

ARTICLE = """\
---
title: "Quotes"
date: 2016-04-01
---

Text.

{boxes}"""


def publication(tmp_path, boxes: str, settings: str = "", snapshot: str = SNAPSHOT):
    """A publication of one article holding boxes (from line 7), citing 'src', whose snapshot is a .md."""
    root = tmp_path / "pub"
    write(root / "dossier.yml", 'title: "Checked"\nbase_url: https://example.org/c/\n' + settings)
    write(root / "citations" / "sources.bib", "@online{src, author = {Daily NK}, title = {Cadres}, date = {2016}}\n"
                                              "@online{other, author = {Other}, title = {Unsaved}, date = {2016}}\n")
    write(root / "citations" / "snapshots" / "src.md", snapshot)
    write(root / "content" / "articles" / "quotes.md", ARTICLE.format(boxes=boxes))
    return root


def problems(root) -> list[str]:
    with pytest.raises(BuildFailed) as failed:
        build(root, pdf=False)
    return [str(p) for p in failed.value.problems]


def box(box_id: str, body: str, source: str = "src") -> str:
    return f"::: {{.evidence #{box_id} source={source}}}\n{body}\n:::\n\n"


HIDES = "every reader must get the words that are verified; remove the markup, or the words"


# --- Hidden words are an error, where the hiding markup is -----------------------------------------

def test_words_hidden_from_sighted_readers_or_screen_readers_are_errors_at_their_markup(tmp_path):
    root = publication(tmp_path, box("ev-span", 'The regime will <span class="visually-hidden">not</span> collapse '
                                               "within a year, he said.")
                       + box("ev-attr", "The regime will [not]{.sr-only} collapse within a year, he said.")
                       + box("ev-aria", 'The regime will collapse <span aria-hidden="true">soon</span> within a year, '
                                        "he said."))
    assert problems(root) == [
        "content/articles/quotes.md:9:30: error: the quote in evidence box '#ev-span' hides \"not\" from sighted "
        "readers (class=\"visually-hidden\"): every reader must get the words that are verified; remove the markup, "
        "or the words",
        "content/articles/quotes.md:13:24: error: the quote in evidence box '#ev-attr' hides \"not\" from sighted "
        f"readers (class=\"sr-only\"): {HIDES}",
        "content/articles/quotes.md:17:32: error: the quote in evidence box '#ev-aria' hides \"soon\" from screen "
        f"readers (aria-hidden=\"true\"): {HIDES}",
        # sighted readers see "soon": it is verified, and not in the source
        "content/articles/quotes.md:17:51: error: quote in evidence box '#ev-aria' is not in the saved source 'src': "
        "\"… regime will collapse soon → (nothing) within a year, …\" (quote → source); closest passage at "
        "citations/snapshots/src.md:6, 94% similar"]


def test_hidden_words_are_an_error_without_a_snapshot_too(tmp_path):
    root = publication(tmp_path, box("ev-unsaved", 'They <span class="sr-only">never</span> said so.', source="other"))
    assert problems(root) == [
        "content/articles/quotes.md:9:19: error: the quote in evidence box '#ev-unsaved' hides \"never\" from "
        f"sighted readers (class=\"sr-only\"): {HIDES}"]


@pytest.mark.parametrize("markup, how, whom, col", [
    ('<span hidden>not</span>', "the hidden attribute", "readers", 23),
    ('<span style="display:none">not</span>', 'style="display:none"', "readers", 30),
    ('<span style="color: red; visibility: hidden">not</span>', 'style="visibility:hidden"', "readers", 42),
    ('<span style="font-size:0">not</span>', 'style="font-size:0"', "sighted readers", 30),
    ('<span style="width:0;height:0;overflow:hidden">not</span>', 'style="width:0;height:0;overflow:hidden"',
     "sighted readers", 47),
    ("<template>not</template>", "<template>", "readers", 17),
])
def test_with_unsafe_html_every_way_of_hiding_words_is_an_error(tmp_path, markup, how, whom, col):
    root = publication(tmp_path, box("ev-raw", f"The regime will {markup} collapse within a year, he said."),
                       settings="unsafe_html: true\n")
    assert problems(root) == [f"content/articles/quotes.md:9:{col}: error: the quote in evidence box '#ev-raw' "
                              f"hides \"not\" from {whom} ({how}): {HIDES}"]


def test_raw_html_the_sanitiser_drops_shows_its_words_which_are_verified(tmp_path):
    root = publication(tmp_path, box("ev-shown", "The regime will <span hidden>not</span> collapse within a year, he said."))
    assert problems(root) == [
        "content/articles/quotes.md:9:30: error: quote in evidence box '#ev-shown' is not in the saved source 'src': "
        "\"The regime will not → (nothing) collapse within a …\" (quote → source); closest passage at "
        "citations/snapshots/src.md:6, 95% similar"]


# --- Every block is verified: raw HTML, code, images --------------------------------------------------

def test_a_raw_html_block_and_an_indented_code_block_are_verified(tmp_path):
    root = publication(tmp_path, box("ev-raw", "The regime will collapse within a year, he said.\n\n"
                                               "<p>Fabricated words.</p>")
                       + box("ev-code", "The regime will collapse within a year, he said.\n\n    Invented code."))
    assert problems(root) == [
        "content/articles/quotes.md:11:4: error: quote in evidence box '#ev-raw' is not in the saved source 'src': "
        "\"… he said. … Fabricated words. → Markets\" (quote → source); closest passage at "
        "citations/snapshots/src.md:6, 88% similar",
        "content/articles/quotes.md:17:5: error: quote in evidence box '#ev-code' is not in the saved source 'src': "
        "\"… he said. … Invented code. → Markets\" (quote → source); closest passage at "
        "citations/snapshots/src.md:6, 86% similar"]


def test_an_image_in_a_verified_quote_is_an_error_and_without_a_snapshot_it_is_not(tmp_path):
    image = "![a chart](https://example.org/chart.png)"
    root = publication(tmp_path, box("ev-img", f"The regime will collapse within a year, he said. {image}")
                       + box("ev-unsaved", f"A chart, as printed. {image}", source="other"))
    assert problems(root) == [
        "content/articles/quotes.md:9:50: error: the quote in evidence box '#ev-img' shows an image (\"a chart\"), "
        "which is not checked against the saved source 'src': only text is verified; move it out of the box"]


def test_text_shown_in_reverse_order_is_an_error(tmp_path):
    root = publication(tmp_path, box("ev-bdo", 'The regime will <bdo dir="rtl">ton</bdo> collapse within a year.')
                       + box("ev-rlo", "The regime will \u202eton\u202c collapse within a year."))
    reordered = "text in another order (<bdo> or a bidirectional override character)"
    assert [p for p in problems(root) if "another order" in p] == [
        f"content/articles/quotes.md:9:17: error: the quote in evidence box '#ev-bdo' shows {reordered}, which is "
        "not checked against the saved source 'src': only text is verified; move it out of the box",
        f"content/articles/quotes.md:13:17: error: the quote in evidence box '#ev-rlo' shows {reordered}, which is "
        "not checked against the saved source 'src': only text is verified; move it out of the box"]


def test_an_unclosed_comment_in_a_quote_is_an_error(tmp_path):
    root = publication(tmp_path, box("ev-open", "The regime will collapse within a year, he said.\n\n<!-- a note"))
    assert problems(root)[0] == (
        "content/articles/quotes.md:9:1: error: the quote in evidence box '#ev-open' does not end inside the box: raw "
        "HTML in it (an unclosed comment or element) takes in what follows, so what it shows cannot be verified")


def test_in_a_translated_box_hidden_words_are_errors_and_only_the_original_must_be_text(tmp_path):
    snapshot = SNAPSHOT + "\n정권은 일 년 안에 무너질 것이라고 그는 말했다.\n"
    translated = ("::: {.evidence #ev-ko source=src translated=ko}\n"
                  "The regime <span class=\"sr-only\">never</span> will collapse within a year, he said. "
                  "![a chart](https://example.org/chart.png)\n\n"
                  "::: original\n정권은 일 년 안에 무너질 것이라고 그는 말했다.\n:::\n:::\n")
    root = publication(tmp_path, translated, snapshot=snapshot)
    assert problems(root) == [
        "content/articles/quotes.md:9:25: error: the quote in evidence box '#ev-ko' hides \"never\" from sighted "
        f"readers (class=\"sr-only\"): {HIDES}"]


# --- The misquote message ----------------------------------------------------------------------

def test_a_misquote_is_reported_at_the_word_that_differs_not_at_the_same_word_before_it(tmp_path):
    root = publication(tmp_path, box("ev-twice", "Markets open at noon. She said it was noon."))
    assert problems(root) == [
        "content/articles/quotes.md:9:39: error: quote in evidence box '#ev-twice' is not in the saved source 'src': "
        "\"… said it was noon. → so.\" (quote → source); closest passage at citations/snapshots/src.md:8, 94% similar"]


def test_a_bracket_that_cannot_stand_for_the_source_shows_the_passage(tmp_path):
    root = publication(tmp_path, box("ev-bracket", "[T]he said it was so."))
    assert problems(root) == [
        "content/articles/quotes.md:9:1: error: quote in evidence box '#ev-bracket' is not in the saved source 'src': "
        "'[T]he said it was so.' not found; closest passage at citations/snapshots/src.md:8, 92% similar: "
        "\"She said it was so.\""]


def test_a_quote_nothing_in_the_snapshot_is_like(tmp_path):
    root = publication(tmp_path, box("ev-empty", "Anything at all."), snapshot="---\nsaved: 2016-03-15\n---\n")
    assert problems(root) == [
        "content/articles/quotes.md:9:1: error: quote in evidence box '#ev-empty' is not in the saved source 'src': "
        "'Anything at all.' not found, and no passage of it is like the quote"]


def test_verify_quotes_must_be_error_or_warn(tmp_path):
    root = publication(tmp_path, box("ev-ok", "The regime will collapse within a year, he said."),
                       settings="verify_quotes: maybe\n")
    assert "dossier.yml:3:16: error: 'verify_quotes' must be 'error' (the default: a misquote stops the build) or " \
           "'warn' (built, the box saying it differs from its saved source), not 'maybe'" in problems(root)


def test_a_correct_quote_in_several_blocks_is_verified_as_shown(tmp_path):
    root = publication(tmp_path, box("ev-ok", "The regime will *collapse* within\na year, he said.\n\n"
                                              "<p>Markets open at <b>noon</b>.</p>"))
    site = build(root, pdf=False).out_dir
    html = (site / "articles" / "quotes" / "index.html").read_text(encoding="utf-8")
    assert "✓ verified against saved source, March 15, 2016" in html
    assert "dossier-" not in html      # the marks around the quote are gone


# --- The parts, alone ----------------------------------------------------------------------------

MARK = re.compile(r"M-([QO])(\d+)([se])-")


def test_shown_text_joins_blocks_and_lists_what_hides_words():
    shown = shown_quotes('<blockquote>M-Q0s-<p>They will <span class="visually-hidden">not</span> go.</p>'
                         '<details><summary>Shown</summary>tucked away</details><p>A <img alt="map" src="m.png"> '
                         'B</p>M-Q0e-</blockquote><p>After.</p>', MARK)[("Q", 0)]
    assert shown.text == "They will go. … Shown … A B"
    assert [(c.how, c.whom, c.text) for c in shown.concealed] == [
        ('class="visually-hidden"', "sighted readers", "not"), ("a closed <details>", "sighted readers", "tucked away"),
        ("an image", "", "map")]
    assert shown.ended


def test_q_shows_quotation_marks_and_bdo_or_an_override_character_reorders_the_text():
    shown = shown_quotes('M-Q0s-<p>He said <q>no</q>. <bdo dir="rtl">ton</bdo> \u202eton\u202c</p>M-Q0e-', MARK)[("Q", 0)]
    assert shown.text == 'He said "no". ton \u202eton\u202c'
    assert [c.how for c in shown.concealed] == [
        "text in another order (<bdo> or a bidirectional override character)"] * 2


def test_a_quote_whose_end_mark_is_lost_has_not_ended():
    assert not shown_quotes("<blockquote>M-Q0s-<p>Words</p></blockquote>", MARK)[("Q", 0)].ended


@pytest.mark.parametrize("quote, passage, expected", [
    ("the sanctions were heavy for the regime", "the sanctions were enormous for the regime",
     "the sanctions were heavy → enormous for the regime"),
    ("they were very heavy indeed", "they were heavy indeed", "they were very → (nothing) heavy indeed"),
    ("they were heavy indeed", "they were not heavy indeed", "they were (nothing) → not heavy indeed"),
    ("[T]he sanctions … regime", "the sanctions were enormous for the regime", ""),
    ("a b c d e f g h i j k l m n o p q", "a x c d e f g h i j k l m n o y q", "a b → x c d e … m n o p → y q"),
])
def test_word_changes(quote, passage, expected):
    assert word_changes(quote, passage).text == expected


def test_more_changes_than_are_shown_are_counted():
    changes = word_changes("a1 b c d e f g h i j k l m2 n o p q r s t u v w x y3 z z z z z z z z4",
                           "a b c d e f g h i j k l m n o p q r s t u v w x y z z z z z z z z")
    assert changes.count == 4 and changes.text.count("→") == 3 and changes.first == "a1"


def test_with_verify_quotes_warn_the_page_and_the_pdf_say_the_quote_differs(tmp_path):
    from pypdf import PdfReader

    root = publication(tmp_path, box("ev-wrong", "The regime will surely collapse within a year, he said."),
                       settings="verify_quotes: warn\n")
    result = build(root)
    assert [str(p) for p in result.warnings] == [
        "content/articles/quotes.md:9:17: warning: quote in evidence box '#ev-wrong' is not in the saved source 'src': "
        "\"The regime will surely → (nothing) collapse within a …\" (quote → source); closest passage at "
        "citations/snapshots/src.md:6, 92% similar"]
    html = (result.out_dir / "articles" / "quotes" / "index.html").read_text(encoding="utf-8")
    assert '<span class="evidence__differs">⚠ Quote differs from the saved source of March 15, 2016</span>' in html
    assert "✓" not in html
    pdf = result.out_dir / "pdf" / "quotes.pdf"
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())
    assert "Quote differs from the saved source of March 15, 2016" in text
    assert "Verified against saved source" not in text and "0 of 1 evidence box verified" in text   # the box, its profile
