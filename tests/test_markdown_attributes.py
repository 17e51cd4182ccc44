"""builder/markdown/attributes.py: Pandoc attribute blocks."""

import pytest

from builder.markdown.attributes import (Attributes, AttributeSyntaxError, find_closing_brace,
                                         parse_attributes)


def test_id_classes_and_pairs():
    attributes = parse_attributes('.evidence #ev-loyalty source=dailynk2016a locator="para. 4" grade=B2 .wide')
    assert attributes == Attributes("ev-loyalty", ("evidence", "wide"),
                                    (("source", "dailynk2016a"), ("locator", "para. 4"), ("grade", "B2")))
    assert attributes.get("locator") == "para. 4"
    assert attributes.get("missing", "x") == "x"


def test_offsets_point_at_each_item():
    text = ".evidence #ev source=k"
    attributes = parse_attributes(text)
    assert attributes.offsets == {".evidence": 0, "#": 10, "source": 14}
    assert text[attributes.offsets["source"]:].startswith("source=")


def test_quoted_values():
    attributes = parse_attributes(r'''note="say \"hi\" {now}" single='a "b" c' empty=""''')
    assert attributes.pairs == (("note", 'say "hi" {now}'), ("single", 'a "b" c'), ("empty", ""))


def test_the_last_id_wins_and_empty_text_is_empty():
    assert parse_attributes("#a #b").id == "b"
    assert parse_attributes("   ") == Attributes()


@pytest.mark.parametrize(("text", "offset", "message"), [
    ('.a key="never closed', 3, "unterminated quoted attribute value"),
    (".a b", 3, "cannot read attribute 'b'"),
    ("#id !bang .c", 4, "cannot read attribute '!bang'"),
])
def test_syntax_errors_carry_their_offset(text, offset, message):
    with pytest.raises(AttributeSyntaxError) as raised:
        parse_attributes(text)
    assert (raised.value.offset, str(raised.value)) == (offset, message)


@pytest.mark.parametrize(("text", "index"), [
    ("{.a #b}", 6),
    ('{title="a } inside"} after', 19),
    ("{note='it}s'}", 12),
    (r'{q="esc \" }"}', 13),
    ("{.a", -1),
])
def test_find_closing_brace_skips_quoted_values(text, index):
    assert find_closing_brace(text, 0) == index
