"""A quote as editorial practice reads it, and where it occurs in a text.

Both texts are folded the same way: NFKC (so Hangul jamo compose into syllables, and
full-width letters, digits and punctuation are ASCII), curly, CJK and angle quotation marks to
straight ones (「」《》“” to '"', 『』〈〉‘’ to "'"), every dash to '-', soft hyphens and
zero-width characters dropped, white space to one space, and no space around a dash. The quote
is then cut at its elisions ('…', '⋯', '……', '...', '. . .', '···', '[…]', '[....]', in
full-width forms too) into pieces that must occur in order; inside a piece a bracket stands for
an alteration or an insertion and matches nothing, its own text, or a short span of other text
(a letter or two when it sits inside a word, as in '[T]he'). Quotation marks and punctuation at
the ends of a piece are not required.

Where a parsed piece occurs in a text is builder/evidence/matching.py's.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace

__all__ = ["Bracket", "Literal", "Piece", "DASH_RUN", "fold_token", "join_tokens", "normalise", "parse_quote",
           "similarity_text", "strip_edges"]


# --- Folding ---------------------------------------------------------------------------

_FOLD = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',
    # CJK and angle quotation marks, by level: 「」 and 《》 are a text's first quotes, as “” are,
    # 『』 and 〈〉 the quotes inside them, as ‘’ are (NFKC has made ｢｣ and ＂＇ of the full-width forms).
    "\u300c": '"', "\u300d": '"', "\u301d": '"', "\u301e": '"', "\u301f": '"', "\u300a": '"', "\u300b": '"',
    "\u300e": "'", "\u300f": "'", "\u3008": "'", "\u3009": "'",
    "\u00ab": '"', "\u00bb": '"', "\u2039": "'", "\u203a": "'",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-",
    "\u00ad": None, "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None,
})
# Dash runs (from '--' or from tokens meeting) become one '-', with no space around it:
# "1990s - the" and "1990s—the" are the same text to a reader.
DASH_RUN = re.compile(r" ?-+ ?")


def fold_token(token: str) -> str:
    """One white-space-free token of a text in its folded form ("" when nothing of it counts)."""
    if token.isascii():
        return token
    folded = unicodedata.normalize("NFKC", token).translate(_FOLD)
    return " ".join(folded.split())  # NFKC can produce spaces (e.g. U+00A8)


def join_tokens(folded: Iterable[str]) -> str:
    """Folded tokens as one folded text."""
    return DASH_RUN.sub("-", " ".join(filter(None, folded)))


def normalise(text: str) -> str:
    """The folded form in which quotes and snapshots are compared."""
    return join_tokens(map(fold_token, text.split()))


def _is_edge_mark(char: str) -> bool:
    """Punctuation or space that a quote may add or drop at its ends (square brackets excepted)."""
    return char.isspace() or (char not in "[]" and unicodedata.category(char).startswith("P"))


def strip_edges(text: str, *, start: bool = True, end: bool = True) -> str:
    """text without the punctuation and spaces a quote may add or drop at its start and end."""
    first, last = 0, len(text)
    while start and first < last and _is_edge_mark(text[first]):
        first += 1
    while end and last > first and _is_edge_mark(text[last - 1]):
        last -= 1
    return text[first:last]


# --- Parsing a quote -------------------------------------------------------------------

# Elisions: ellipses ('…', the midline '⋯' of CJK text, the vertical '︙', runs of them), three
# or more full stops or middle dots ('...', '. . .', '···'), any of them in square brackets; full
# stops and brackets in their full-width forms too.
# No part of this can try a run of white space two ways: '[... ]' once read '\s*\.?\s*\]',
# which took time in the square of the spaces before a missing ']'.
_ELLIPSES, _DOT = "[…⋯︙]+", "[.．]"
_ELISION = re.compile(rf"[\[［]\s*(?:{_ELLIPSES}|{_DOT}(?:\s*{_DOT}){{2}})\s*(?:{_DOT}\s*)?[\]］]"
                      rf"|{_ELLIPSES}|{_DOT}(?:\s*{_DOT}){{2,}}|[·・](?:\s*[·・]){{2,}}")
_BRACKET = re.compile(r"[\[［]([^\[\]［］]*)[\]］]")
_SIC = frozenset({"sic", "sic!", "*sic*", "_sic_"})

# A bracket standing for other words spans at most this much of the original.
_SPAN_WORDS = 8
_SPAN_CHARS = 60


@dataclass(frozen=True, slots=True)
class Literal:
    """Folded text of the quote that the snapshot must have exactly."""

    text: str


@dataclass(frozen=True, slots=True)
class Bracket:
    """A bracketed alteration, insertion or [sic], and the gap of the snapshot it may stand for."""

    source: str   # folded, with its square brackets: '[T]'
    content: str  # folded, without them: 'T'
    kind: str     # "free" (stands for words), "attached" (touches a letter), "sic"
    left: str     # what the quote has before it: "word", "space" or "other"
    right: str

    @property
    def reach(self) -> int:
        """The longest stretch of snapshot text (spaces included) the bracket can stand for."""
        if self.kind == "free":
            return max(_SPAN_CHARS, len(self.content)) + 4
        return max(len(self.source), 3 * len(self.content) + 3) + 2  # casefold may lengthen

    def fits(self, text: str, start: int, end: int) -> bool:
        """Can text[start:end] stand where the quote has this bracket?"""
        gap = text[start:end]
        core = self._core(text, start, end)
        if core is None:
            return False
        if self.kind == "sic":
            return core in ("", self.source)
        if self.kind == "attached":
            if core in ("", self.source) or core.casefold() == self.content.casefold():
                return True
            # Letters may be replaced at the end or in the middle of a word ('walk[ed]'); at
            # its start a bracket only changes case ('[T]he' is "The" or "the", not "She").
            return self.left == "word" and core.isalnum() and len(core) <= len(self.content) + 3
        return len(gap) <= self.reach and len(gap.split()) <= max(_SPAN_WORDS, len(self.source.split()))

    def may_begin(self, text: str, start: int) -> bool:
        """Whether a gap for a free bracket may begin at start, whatever its end.

        This is the one condition `fits` puts on a free bracket's start alone: the rest
        (length, words, the end) only gets harder as the gap grows, so of the starts that
        pass, the nearest before an end is the one to try."""
        return self.left != "space" or not _inside_word(text, start)

    def gap_ends(self, text: str, start: int) -> Iterable[int]:
        """Ends at which text[start:end] might stand for the bracket, in order: all `fits` accepts, and more."""
        limit = min(len(text), start + self.reach)
        if self.kind == "free":
            return range(start, limit + 1)
        ends = set()
        # The core is the gap without the quote's spaces beside the bracket, if the gap has them.
        for core_start in (start, start + 1) if text.startswith(" ", start) else (start,):
            for length in self._core_lengths(text, core_start, forward=True):
                ends.update((core_start + length, core_start + length + 1))
        return sorted(end for end in ends if end <= limit)

    def gap_starts(self, text: str, end: int) -> Iterable[int]:
        """Starts at which text[start:end] might stand for the bracket, nearest first: all `fits` accepts, and more."""
        limit = max(0, end - self.reach)
        if self.kind == "free":
            return range(end, limit - 1, -1)
        starts = set()
        for core_end in (end, end - 1) if end > 0 and text[end - 1] == " " else (end,):
            for length in self._core_lengths(text, core_end, forward=False):
                starts.update((core_end - length, core_end - length - 1))
        return sorted((start for start in starts if start >= limit), reverse=True)

    def _core_lengths(self, text: str, at: int, forward: bool) -> set[int]:
        """Lengths of the text after at (or before it) that `fits` might accept as the bracket's core.

        An attached bracket's core is empty, its own text, its content in another case (casefold
        works one character at a time, so the text is folded only while it still agrees), or,
        after a letter, a few letters."""
        lengths = {0}
        begin = at if forward else at - len(self.source)
        if begin >= 0 and text.startswith(self.source, begin):
            lengths.add(len(self.source))
        if self.kind == "sic":
            return lengths
        nearby = text[at:at + self.reach] if forward else text[max(0, at - self.reach):at][::-1]
        target, folded = self.content.casefold(), ""
        for length, char in enumerate(nearby, 1):
            folded = folded + char.casefold() if forward else char.casefold() + folded
            if folded == target:
                lengths.add(length)
            if len(folded) >= len(target) or not (target.startswith(folded) if forward else target.endswith(folded)):
                break
        if self.left == "word":
            for length, char in enumerate(nearby[:len(self.content) + 3], 1):
                if not char.isalnum():
                    break
                lengths.add(length)
        return lengths

    def _core(self, text: str, start: int, end: int) -> str | None:
        """The gap without the spaces the quote has beside the bracket; None if it splits a word it must not."""
        gap = text[start:end]
        if gap == " " and "space" in (self.left, self.right):
            return ""  # the one space the quote has on that side
        if self.left == "space":
            if gap.startswith(" "):
                gap = gap[1:]
            elif _inside_word(text, start):
                return None
        elif self.left == "word" and gap.startswith(" "):
            return None
        if self.right == "space":
            if gap.endswith(" "):
                gap = gap[:-1]
            elif _inside_word(text, end):
                return None
        elif self.right == "word" and gap.endswith(" "):
            return None
        return gap


def _inside_word(text: str, index: int) -> bool:
    return 0 < index < len(text) and text[index - 1].isalnum() and text[index].isalnum()


@dataclass(frozen=True, slots=True)
class Piece:
    """One elision-delimited piece of a quote: what it said, and what must match."""

    quoted: str
    items: tuple[Literal | Bracket, ...]  # literals and brackets alternate


def parse_quote(quote: str) -> list[Piece]:
    """The quote's pieces that have text to find, in order."""
    pieces = []
    for raw in _ELISION.split(quote):
        items = _trim(_parse_piece(raw))
        if any(isinstance(item, Literal) for item in items):
            pieces.append(Piece(" ".join(raw.split()), tuple(items)))
    return pieces


def similarity_text(quote: str) -> str:
    """The quote as a reader would compare it: elisions as spaces, brackets by their content, [sic] gone."""
    text = _ELISION.sub(" ", quote)
    text = _BRACKET.sub(lambda m: "" if normalise(m.group(1)).casefold() in _SIC else m.group(1), text)
    return strip_edges(normalise(text))


def _context(raw: str, index: int) -> str:
    if not 0 <= index < len(raw) or raw[index].isspace():
        return "space"
    return "word" if raw[index].isalnum() else "other"


def _parse_piece(raw: str) -> list[Literal | Bracket]:
    items: list[Literal | Bracket] = []
    group: list[re.Match] = []  # adjacent brackets ('[a] [b]'): one gap
    position = 0
    for match in _BRACKET.finditer(raw):
        literal = normalise(raw[position:match.start()])
        if literal:
            if group:
                items.append(_gap(raw, group))
                group = []
            items.append(Literal(literal))
        group.append(match)
        position = match.end()
    if group:
        items.append(_gap(raw, group))
    tail = normalise(raw[position:])
    if tail:
        items.append(Literal(tail))
    return items


def _gap(raw: str, group: list[re.Match]) -> Bracket:
    """The gap that one bracket, or several with nothing between them, stands for."""
    brackets = [_bracket(raw, match) for match in group]
    if len(brackets) == 1:
        return brackets[0]
    kinds = {bracket.kind for bracket in brackets}
    kind = "attached" if "attached" in kinds else "sic" if kinds == {"sic"} else "free"
    return Bracket(normalise(raw[group[0].start():group[-1].end()]), " ".join(bracket.content for bracket in brackets),
                   kind, brackets[0].left, brackets[-1].right)


def _bracket(raw: str, match: re.Match) -> Bracket:
    content = normalise(match.group(1))
    left, right = _context(raw, match.start() - 1), _context(raw, match.end())
    kind = ("sic" if content.casefold() in _SIC
            else "attached" if "word" in (left, right) else "free")
    return Bracket(normalise(match.group()), content, kind, left, right)


def _trim(items: list[Literal | Bracket]) -> list[Literal | Bracket]:
    """Drop what the ends of a piece need not match: punctuation, and brackets standing for words."""
    items = list(items)
    while items:
        first = items[0]
        if isinstance(first, Literal):
            text = strip_edges(first.text, end=False)
            if text:
                items[0] = Literal(text)
                break
        elif first.kind == "attached" and first.right == "word":
            items[0] = replace(first, left="space")  # must begin a word of the snapshot
            break
        items.pop(0)
    while items:
        last = items[-1]
        if isinstance(last, Literal):
            text = strip_edges(last.text, start=False)
            if text:
                items[-1] = Literal(text)
                break
        elif last.kind == "attached" and last.left == "word":
            items[-1] = replace(last, right="space")
            break
        items.pop()
    return items
