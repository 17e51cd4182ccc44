"""How a misquote differs from the passage of the saved source most like it, word by word.

`word_changes("sanctions were heavy for the regime", "sanctions were enormous for the regime")`
gives `sanctions were heavy → enormous for the regime`: the quote's words, then the source's,
with a few words of context around each change. Words compare as verification folds them
(quotation marks, dashes, Unicode forms); elisions and bracketed alterations of the quote stand
for what the source has there, and are no change.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from builder.evidence.quotes import fold_token, strip_edges

__all__ = ["Changes", "word_changes"]

NOTHING = "(nothing)"      # the side of a change that has no words
_CONTEXT = 3               # words of context either side of a change
_SHOWN = 3                 # changes shown; the others are counted
_ELISION = re.compile(r"^[….·⋯︙]+$")
_EDITORIAL = re.compile(r"^[….·⋯︙]+$|\[|［")


@dataclass(frozen=True, slots=True)
class Changes:
    """The changes shown ('were heavy → enormous for'), and how many there are in all."""

    text: str
    count: int
    first: str = ""         # the quote's word at the first change (the word after it, where the quote lacks words)
    earlier: int = 0        # how often that word occurs in the quote before it


def word_changes(quote: str, passage: str, shown: int = _SHOWN, context: int = _CONTEXT, window: bool = False) -> Changes:
    """The word-level changes from quote to passage, at most `shown` of them with context. window: the
    quote is a stretch of a longer one, so words it has beyond the passage's ends are no change."""
    words, other = quote.split(), passage.split()
    changes = _changes(words, other, True, window) or _changes(words, other, False, window)
    if not changes:
        return Changes("", 0)
    groups: list[list[tuple[int, int, int, int]]] = [[changes[0]]]
    for change in changes[1:shown]:
        if change[0] - groups[-1][-1][1] <= 2 * context:
            groups[-1].append(change)
        else:
            groups.append([change])
    segments, begin, end = [], 0, 0
    for group in groups:
        begin, end = max(0, group[0][0] - context), min(len(words), group[-1][1] + context)
        parts, position = [], begin
        for i1, i2, j1, j2 in group:
            parts += words[position:i1]
            parts.append(f"{' '.join(words[i1:i2]) or NOTHING} → {' '.join(other[j1:j2]) or NOTHING}")
            position = i2
        segments.append(" ".join(parts + words[position:end]))
    starts_inside = groups[0][0][0] > context
    text = ("… " if starts_inside else "") + " … ".join(segments) + (" …" if end < len(words) else "")
    at = min(changes[0][0], len(words) - 1)
    word = _bare(words[at])
    return Changes(text, len(changes), word, sum(_bare(other) == word for other in words[:at]))


def _bare(word: str) -> str:
    """A word without the punctuation around it, in one case: as it is looked for in the Markdown."""
    return (strip_edges(word) or word).casefold()


def _changes(words: list[str], other: list[str], loose: bool, window: bool) -> list[tuple[int, int, int, int]]:
    """(i1, i2, j1, j2) of each change from words to other; loose: punctuation at a word's ends does not count."""
    def key(word: str) -> str:
        folded = fold_token(word)
        return (strip_edges(folded) or folded) if loose else folded

    matcher = difflib.SequenceMatcher(None, [key(w) for w in words], [key(w) for w in other], autojunk=False)
    changes = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if tag == "insert" and (i1 == 0 or i1 == len(words)):
            continue        # the passage runs on before or after the quote
        if window and tag == "delete" and (i1 == 0 or i2 == len(words)):
            continue        # ... or a stretch of a long quote runs on beyond the passage
        quoted = words[i1:i2]
        if quoted and all(_EDITORIAL.search(word) for word in quoted):
            continue        # an elision or a bracket standing for the source's words (or for none)
        while i1 < i2 and _ELISION.match(words[i1]):     # an elision beside changed words is no part of the change
            i1 += 1
        while i2 > i1 and _ELISION.match(words[i2 - 1]):
            i2 -= 1
        changes.append((i1, i2, j1, j2))
    return changes
