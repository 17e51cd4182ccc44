"""Where a parsed quote piece occurs in a text (both folded by builder/evidence/quotes.py).

A piece is found by following every way through it at once: one sorted list of the positions
reached after each of its items, never one search per starting point, and no regular
expression that backtracks. A position is looked at once per item however many ways lead to
it, so the work grows with the text's length times the number of items (each bracket trying
the few gaps it can stand for), and is far less where the piece's rarest literal is rare or
its match comes early.
"""

from __future__ import annotations

from collections.abc import Iterable

from builder.evidence.quotes import Bracket, Literal

__all__ = ["match_piece"]


def match_piece(text: str, items: tuple[Literal | Bracket, ...], start: int) -> int | None:
    """End of the earliest-ending match of the piece in text[start:], or None."""
    if any(isinstance(item, Literal) and text.find(item.text, start) < 0 for item in items):
        return None
    if len(items) == 1:
        return text.find(items[0].text, start) + len(items[0].text)
    matcher = _Matcher(text, items)
    # A match ending inside text[start:high] lies wholly inside it, so the first such stretch
    # that holds a match holds the earliest-ending one. Each stretch is four times the last, so
    # the work on those that held none is a third of the work on the last.
    width = 2 * matcher.span
    while True:
        high = min(len(text), start + width)
        end = matcher.earliest_end(start, high)
        if end is not None or high == len(text):
            return end
        width *= 4


class _Matcher:
    """One piece followed through one text, every way at once.

    The positions reached after each item are one sorted list, so a position is looked at
    once per item however many ways lead to it. What a bracket's gap and the literal after it
    can do from a position depends only on the text around it, so in repetitive text it is
    worked out once and remembered."""

    def __init__(self, text: str, items: tuple[Literal | Bracket, ...]):
        self.text = text
        self.items = items
        # The longest a match can be: each literal, and each bracket's reach.
        self.span = sum(len(item.text) if isinstance(item, Literal) else item.reach for item in items)
        self._remembered: dict[tuple, tuple[int, ...]] = {}

    def earliest_end(self, low: int, high: int) -> int | None:
        """End of the earliest-ending match lying wholly inside text[low:high], or None."""
        for region_low, region_high in self._regions(low, high):
            end = self._earliest_end_in(region_low, region_high)
            if end is not None:
                return end
        return None

    def _regions(self, low: int, high: int) -> list[tuple[int, int]]:
        """Stretches of text[low:high], in order, that hold every match inside it: those around the rarest literal."""
        text, items = self.text, self.items
        counts = {index: text.count(item.text, low, high)
                  for index, item in enumerate(items) if isinstance(item, Literal)}
        key = min(counts, key=counts.get)
        if counts[key] * self.span >= high - low:
            return [(low, high)]  # common enough to be everywhere
        before = sum(len(item.text) if isinstance(item, Literal) else item.reach for item in items[:key])
        regions: list[tuple[int, int]] = []
        for found in _occurrences(text, items[key].text, low, high):
            region_low, region_high = max(low, found - before), min(high, found - before + self.span)
            if regions and region_low <= regions[-1][1]:
                regions[-1] = (regions[-1][0], region_high)
            else:
                regions.append((region_low, region_high))
        return regions

    def _earliest_end_in(self, low: int, high: int) -> int | None:
        lead = self.items[0] if isinstance(self.items[0], Bracket) else None
        anchor = self.items[1 if lead else 0].text
        ends = [found + len(anchor) for found in _occurrences(self.text, anchor, low, high)
                if lead is None or any(found - back >= low for back in self._gaps_before(found))]
        for index in range(2 if lead else 1, len(self.items), 2):
            if not ends:
                return None
            ends = self._across(index, ends, high)
        return ends[0] if ends else None

    def _gaps_before(self, end: int) -> tuple[int, ...]:
        """Lengths of the gaps ending at end that the piece's leading bracket can stand for."""
        lead = self.items[0]
        begin = max(0, end - lead.reach - 1)
        key = (0, None, end - begin, self.text[begin:end + 1])  # all that the gaps depend on
        if key not in self._remembered:
            self._remembered[key] = tuple(end - start for start in lead.gap_starts(self.text, end)
                                          if lead.fits(self.text, start, end))
        return self._remembered[key]

    def _across(self, index: int, starts: list[int], high: int) -> list[int]:
        """The positions reached, in order, from starts by the bracket items[index] and the literal after it."""
        text, bracket = self.text, self.items[index]
        following = self.items[index + 1].text if index + 1 < len(self.items) else ""
        reach, nearest = bracket.reach, bracket.kind == "free"
        if nearest and bracket.left == "space":
            starts = [start for start in starts if bracket.may_begin(text, start)]
        after = reach + len(following) + 1
        remembered, reached = self._remembered, []
        for start, next_start in zip(starts, starts[1:] + [len(text) + 1]):
            # A free bracket's gap is tried only up to the next start, from which it fits as well or
            # better (Bracket.may_begin), so each end is tried once.
            stop = min(next_start - start, reach + 1) if nearest else None
            begin = start - 1 if start else 0
            key = (index, stop, start - begin, text[begin:start + after])  # all that the steps depend on
            steps = remembered.get(key)
            if steps is None:
                steps = remembered[key] = _steps(bracket, following, text, start, stop)
            for step in steps:
                if start + step <= high:
                    reached.append(start + step)
        return reached if nearest else sorted(set(reached))


def _steps(bracket: Bracket, following: str, text: str, start: int, stop: int | None) -> tuple[int, ...]:
    """How far from start a gap for the bracket, then the following literal, reach (gaps ending before start + stop)."""
    if stop is not None:
        ends = _occurrences(text, following, start, start + min(bracket.reach, stop - 1) + len(following))
    else:
        ends = (end for end in bracket.gap_ends(text, start) if text.startswith(following, end))
    return tuple(end + len(following) - start for end in ends if bracket.fits(text, start, end))


def _occurrences(text: str, literal: str, low: int, high: int) -> Iterable[int]:
    """Every start of literal wholly inside text[low:high], overlapping ones too."""
    found = text.find(literal, low, high)
    while found >= 0:
        yield found
        found = text.find(literal, found + 1, high)
