"""Fields of a frozen view made when first read.

A rebuild makes the view of every document, but renders only the pages whose values changed: the
fields that only a document's own page shows (its head's metadata, its sourcing picture, its list
of references) would be made a thousand times for a page or two. A field marked with
made_when_read() may hold a Later: reading the field makes its value (in the language the view was
made in), keeps it in place of the Later and returns it. Everything that reads a view reads it
through its fields (templates, equality, the digests' pickling), so a Later is never seen, and a
view holds the same values whenever they are read.
"""

from __future__ import annotations

from typing import Callable

from builder.text import in_language, page_language


class Later:
    """make(*args), made when the field holding it is first read, in the language of now."""

    __slots__ = ("make", "args", "language")

    def __init__(self, make: Callable, *args):
        self.make, self.args, self.language = make, args, page_language()

    def made(self):
        with in_language(self.language):
            return self.make(*self.args)


class _WhenRead:
    """A slot whose value may be a Later: made on the first read and kept."""

    __slots__ = ("slot",)

    def __init__(self, slot):
        self.slot = slot            # the class's own member descriptor for the slot

    def __get__(self, view, kind=None):
        if view is None:
            return self
        value = self.slot.__get__(view, kind)
        if type(value) is Later:
            value = value.made()
            self.slot.__set__(view, value)
        return value

    def __set__(self, view, value) -> None:
        self.slot.__set__(view, value)


def made_when_read(kind: type, names: tuple[str, ...]) -> None:
    """Let the fields names of kind (a dataclass with slots) hold a Later."""
    slots = {name: kind.__dict__[name] for name in kind.__slots__}
    kind._raw_slots = slots
    for name in names:
        setattr(kind, name, _WhenRead(slots[name]))


def replaced(view, **changes):
    """dataclasses.replace() for a kind made_when_read(), which keeps the Laters not yet made
    (replace() would read, and so make, every field)."""
    kind = type(view)
    unknown = set(changes) - set(kind._raw_slots)
    if unknown:
        raise TypeError(f"{kind.__name__} has no field {', '.join(sorted(unknown))}")
    copy = object.__new__(kind)
    for name, slot in kind._raw_slots.items():
        slot.__set__(copy, changes[name] if name in changes else slot.__get__(view, kind))
    return copy
