"""builder/evidence/quotes.py: the matcher finds exactly what trying every gap from every position finds.

The matcher follows every way through a piece at once and skips work it can prove useless
(starts that cannot be nearest, text far from the rarest literal, windows past the first
match). These tests compare it with the plainest possible search on small texts made of the
words and marks that make brackets hard: case changes, letters inside words, spaces, dashes.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.evidence.matching import match_piece
from builder.evidence.quotes import Bracket, Literal, normalise, parse_quote


def reference_match(text: str, items: tuple, start: int) -> int | None:
    """End of the earliest-ending match of the piece in text[start:], trying every gap from every position."""
    best = None
    for begin in range(start, len(text) + 1):
        ends = {begin}
        for item in items:
            if isinstance(item, Literal):
                ends = {at + len(item.text) for at in ends if text.startswith(item.text, at)}
            else:
                ends = {end for at in ends for end in range(at, min(len(text), at + item.reach) + 1)
                        if item.fits(text, at, end)}
        if ends:
            best = min(ends) if best is None else min(best, min(ends))
    return best


TOKENS = ["a", "b", "A", "The", "the", "She", "walk", "walked", "said", "sa", "id", "ss", "ß", "Straße",
          "x", "'", ",", "-", "—", "“", "”", "1990s", "don't", "[sic]"]
QUOTE_TOKENS = TOKENS + ["[x]", "[T]", "[t]", "[ed]", "[SS]", "[the ministry]", "[sic]", "[", "]", "…", "[...]"]
words = st.lists(st.sampled_from(TOKENS), min_size=1, max_size=40)
quotes = st.lists(st.sampled_from(QUOTE_TOKENS), min_size=1, max_size=12)
joiners = st.sampled_from(["", " "])
matching = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
gaps = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def glue(tokens: list[str], data) -> str:
    return "".join(token + data.draw(joiners) for token in tokens)


@matching
@given(words, quotes, st.data())
def test_the_matcher_agrees_with_trying_every_gap(text_tokens, quote_tokens, data):
    text = normalise(glue(text_tokens, data))
    quote = glue(quote_tokens, data)
    for piece in parse_quote(quote):
        start = data.draw(st.integers(0, len(text)))
        assert match_piece(text, piece.items, start) == reference_match(text, piece.items, start), (text, quote, start)


@matching
@given(words, quotes, st.data())
def test_a_piece_cut_from_the_text_agrees_too(text_tokens, quote_tokens, data):
    """Quotes drawn from the text itself, with brackets put in, so that most of them match."""
    text_tokens = text_tokens + quote_tokens
    text = normalise(glue(text_tokens, data))
    first = data.draw(st.integers(0, len(text_tokens) - 1))
    cut = text_tokens[first:first + data.draw(st.integers(1, 10))]
    for _ in range(data.draw(st.integers(0, 3))):
        bracket = data.draw(st.sampled_from(["[x]", "[T]", "[ed]", "[the ministry]"]))
        cut.insert(data.draw(st.integers(0, len(cut))), bracket)
    quote = glue(cut, data)
    for piece in parse_quote(quote):
        assert match_piece(text, piece.items, 0) == reference_match(text, piece.items, 0), (text, quote)


BRACKETS = [Bracket(source, normalise(source[1:-1]), kind, left, right)
            for source in ("[x]", "[T]", "[ed]", "[SS]", "[the ministry]", "[sic]", "[]")
            for kind in ("free", "attached", "sic")
            for left in ("word", "space", "other")
            for right in ("word", "space", "other")
            if kind != "free" or "word" not in (left, right)]


@gaps
@given(words, st.sampled_from(BRACKETS), st.data())
def test_every_gap_that_fits_is_among_those_offered(text_tokens, bracket, data):
    """gap_ends and gap_starts may offer more than fits accepts, never less."""
    text = normalise(glue(text_tokens, data))
    for start in range(len(text) + 1):
        for end in range(start, min(len(text), start + bracket.reach) + 1):
            if bracket.fits(text, start, end):
                assert end in bracket.gap_ends(text, start), (text, bracket, start, end)
                assert start in bracket.gap_starts(text, end), (text, bracket, start, end)


@gaps
@given(words, st.sampled_from([bracket for bracket in BRACKETS if bracket.kind == "free"]), st.data())
def test_a_free_bracket_fits_best_from_the_nearest_start(text_tokens, bracket, data):
    """If a free bracket's gap fits from one start, it fits from any later start that may begin one."""
    text = normalise(glue(text_tokens, data))
    for end in range(len(text) + 1):
        for start in range(max(0, end - bracket.reach), end + 1):
            assert bracket.fits(text, start, end) <= bracket.may_begin(text, start)
            if bracket.fits(text, start, end):
                for later in range(start, end + 1):
                    fits = bracket.fits(text, later, end)
                    assert fits or not bracket.may_begin(text, later), (text, bracket, start, later, end)


@pytest.mark.parametrize(("quote", "pieces"), [
    ("[a] [b] c", [("[a] [b] c", ["c"])]),
    ("x[a][b]y z", [("x[a][b]y z", ["x", "[a][b]", "y z"])]),
    ("x [a]\u00ad[b] y", [("x [a]\u00ad[b] y", ["x", "[a][b]", "y"])]),
    ("one … two [three] four", [("one", ["one"]), ("two [three] four", ["two", "[three]", "four"])]),
])
def test_adjacent_brackets_are_one_gap_with_their_own_text(quote, pieces):
    parsed = [(piece.quoted, [item.text if isinstance(item, Literal) else item.source for item in piece.items])
              for piece in parse_quote(quote)]
    assert parsed == pieces


# --- Folding for other scripts: Korean and CJK typography ----------------------------------

@pytest.mark.parametrize(("text", "folded"), [
    ("\u1100\u1161\u11a8", "각"),                       # conjoining jamo compose (NFC within NFKC)
    ("ＡＢＣ１２３！？（주）", "ABC123!?(주)"),           # full-width letters, digits and punctuation
    ("㈜ ㎞ Ⅳ ｢가｣", '(주) km IV "가"'),                 # compatibility characters; half-width corner brackets
    ("「가」 『나』 《다》 〈라〉 “마” ‘바’ 〝사〟", "\"가\" '나' \"다\" '라' \"마\" '바' \"사\""),
    ("«a» ‹b›", "\"a\" 'b'"),
])
def test_korean_and_cjk_forms_fold_to_one_form(text, folded):
    assert normalise(text) == folded


@pytest.mark.parametrize("elision", ["…", "⋯", "……", "⋯⋯", "...", "．．．", "···", "・・・", "︙", "[…]", "[⋯]",
                                     "[...]", "［…］"])
def test_cjk_ellipses_are_elisions(elision):
    assert [piece.quoted for piece in parse_quote(f"괴뢰패당의 정보원이 {elision} 유인랍치하였다")] == [
        "괴뢰패당의 정보원이", "유인랍치하였다"]


def test_full_width_square_brackets_are_brackets():
    (piece,) = parse_quote("［그］는 말하였다")
    assert [item.source if isinstance(item, Bracket) else item.text for item in piece.items] == ["[그]", "는 말하였다"]
