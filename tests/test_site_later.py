"""site/later.py: a view's field made when first read holds, whenever it is read, what making it at
once would have put there; nothing that reads views meets the Later itself."""

from __future__ import annotations

from dataclasses import dataclass

from builder.run.digests import digest_of
from builder.site.later import Later, made_when_read, replaced
from builder.text import in_language, page_language


@dataclass(frozen=True, slots=True)
class View:
    title: str
    heavy: tuple = ()
    other: str = ""


made_when_read(View, ("heavy",))

calls: list[str] = []


def make_heavy(title: str) -> tuple:
    calls.append(title)
    return (title.upper(), page_language())


def test_a_field_is_made_once_when_first_read_in_the_language_the_view_was_made_in():
    calls.clear()
    with in_language("ko"):
        view = View("a", Later(make_heavy, "a"))
    assert calls == []
    with in_language("de"):
        assert view.heavy == ("A", "ko")
    assert view.heavy == ("A", "ko") and calls == ["a"]


def test_digests_equality_and_replace_see_the_values_not_the_later():
    eager = View("b", make_heavy("b"))
    assert digest_of(View("b", Later(make_heavy, "b"))) == digest_of(eager)
    assert View("b", Later(make_heavy, "b")) == eager
    calls.clear()
    changed = replaced(View("b", Later(make_heavy, "b")), other="changed")
    assert calls == []                              # the Later is carried over, not made
    assert changed.other == "changed" and changed.title == "b" and changed.heavy == eager.heavy
    assert digest_of(changed) == digest_of(View("b", eager.heavy, "changed"))


def test_a_view_can_be_made_with_the_value_itself():
    assert View("c", ("x",)).heavy == ("x",)
