"""Quote verification: does an evidence box's quote occur in the saved copy of its source?

Snapshots are read by builder/evidence/snapshots.py; what a quote means and where it occurs is
builder/evidence/quotes.py's. A quote that is not found is shown beside the snapshot's passage
most like it.
"""

from __future__ import annotations

import bisect
import difflib
import heapq
import itertools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from builder.evidence.matching import match_piece
from builder.evidence.quotes import (DASH_RUN, Literal, Piece, fold_token, join_tokens, normalise, parse_quote,
                                     similarity_text, strip_edges)

__all__ = ["Snapshot", "Verification"]

@dataclass(frozen=True, slots=True)
class Verification:
    """The outcome of checking one quote against a snapshot."""

    status: str              # "verified" | "not-found" | "no-snapshot"
    closest: str = ""        # when not found: the closest passage of the snapshot (original text, trimmed to about the quote's length)
    similarity: float = 0.0  # when not found: 0..1 similarity of that passage to the quote
    missing: str = ""        # when not found: the first piece of the quote that could not be matched in order
    closest_at: int = -1     # when not found: where the closest passage begins in the snapshot's text (an offset)


# --- Reading snapshot files -----------------------------------------------------------


# --- The snapshot ----------------------------------------------------------------------

_GRAM = 5             # characters in the n-grams that pick candidate passages
_GRAM_STRIDE = 6      # the index holds the n-gram at each word start and every 6th character of long words
_GRAMS_USED = 24      # at most this many of the quote's rarest n-grams vote ...
_VOTE_BUDGET = 20000  # ... casting at most this many votes
_CANDIDATES = 4       # passages voted for by n-grams, then scored
_ANCHOR = 16          # the quote's longest start (or end) the snapshot has verbatim marks a candidate too, if this long
# Hangul and CJK characters carry a word in one or two: in a text mostly written in them, n-grams
# and anchors are this short, so a quote that changes every other word still shares some with
# its passage (a 5-gram of Korean spans two words or three).
_DENSE_GRAM, _DENSE_ANCHOR = 2, 6
# difflib's time grows with the pairs of equal characters (one from the quote, one from the
# passage); it scores a passage with at most this many, and at most this many in all.
_PASSAGE_PAIRS = 1_000_000
_SCORING_PAIRS = 3_000_000
_LONG_QUOTE = 2000    # longer quotes are located by where they stop matching, not scored whole
_DIVERGENCE_SHOWN = 80


@dataclass(frozen=True, slots=True)
class _Lookup:
    """Built on a snapshot's first miss: the way back to its original text, and an n-gram index."""

    starts: list[int]              # where each original token begins in the folded text
    spans: list[tuple[int, int]]   # that token's span in the original
    gram: int                      # characters in an n-gram of the index
    anchor: int                    # ... and in the shortest anchor (_ANCHOR)
    grams: dict[str, list[int]]    # n-gram of the folded text -> its indexed positions


class Snapshot:
    """A source's saved text, folded once, against which many quotes are checked."""

    __slots__ = ("_source", "_folded", "_text", "_lookup")

    def __init__(self, text: str):
        self._source = text
        self._folded = list(map(fold_token, text.split()))
        self._text = join_tokens(self._folded)
        self._lookup: _Lookup | None = None

    def verify(self, quote: str) -> Verification:
        """Whether quote occurs in the snapshot, allowing for elisions, brackets and typography."""
        pieces = parse_quote(quote)
        if not pieces:  # nothing but brackets and punctuation: take it literally
            literal = strip_edges(normalise(quote))
            if literal and literal in self._text:
                return Verification("verified")
            return self._not_found(quote, " ".join(quote.split()))
        position = 0
        for piece in pieces:
            end = match_piece(self._text, piece.items, position)
            if end is None:
                if len(quote) > _LONG_QUOTE:
                    return self._divergence(piece, position)
                return self._not_found(quote, piece.quoted)
            position = end
        return Verification("verified")

    def _not_found(self, quote: str, missing: str) -> Verification:
        closest, similarity, at = self._closest(quote)
        return Verification("not-found", closest, similarity, missing, at)

    def _divergence(self, piece: Piece, position: int) -> Verification:
        """For a long quote: where its piece stops matching, and the saved text there.

        Scoring whole passages against a long quote takes time in the square of its length, so
        the longest matching start of the piece is found instead (a binary search of str.find)
        and only the text around that point is compared and shown."""
        text = " ".join(item.text if isinstance(item, Literal) else item.source for item in piece.items)
        low = _longest(lambda length: self._text.find(text[:length], position) >= 0, len(text))
        at = self._text.find(text[:low], position) + low if low else position
        word = text.rfind(" ", 0, low) + 1             # from the start of the word that differs
        missing = text[word:word + _DIVERGENCE_SHOWN]
        if word + _DIVERGENCE_SHOWN < len(text):
            missing = missing.rsplit(" ", 1)[0]
        quoted = text[max(0, low - _DIVERGENCE_SHOWN):low + _DIVERGENCE_SHOWN]
        begin, end = self._word_span(max(0, at - _DIVERGENCE_SHOWN), at + _DIVERGENCE_SHOWN) if self._text else (0, 0)
        closest = self._original(begin, end) if self._text else ""
        matcher = difflib.SequenceMatcher(None, similarity_text(quoted), self._text[begin:end], autojunk=False)
        return Verification("not-found", closest, round(matcher.ratio(), 3),
                            ("… " if word else "") + missing + (" …" if word + len(missing) < len(text) else ""),
                            self._original_at(begin) if self._text else -1)

    def _closest(self, quote: str) -> tuple[str, float, int]:
        """The passage most like the quote, and how alike they are (0..1); only a few candidates are scored.

        The candidates are where the quote's rarest n-grams point, and where the longest start
        and end of the quote that the snapshot has verbatim lie, so a near miss is found however
        common its words are. A passage that difflib would take too long over (very repetitive
        text, or the budget spent) is scored by the share of the quote it begins and ends with
        instead, which takes linear time."""
        target = similarity_text(quote)
        if not target or not self._text:
            return "", 0.0, -1
        matcher = difflib.SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(target)
        letters = Counter(target)
        best_ratio, best_span = 0.0, (0, 0)
        # A candidate offset can be a word off (it is voted for by n-grams of the quote), so each
        # is widened by a margin, then trimmed to the part that lines up with the quote.
        margin = max(16, len(target) // 8)
        offsets = self._candidate_offsets(target)
        for offset in self._anchored_offsets(target):
            if all(abs(offset - other) > margin for other in offsets):
                offsets.append(offset)
        budget = _SCORING_PAIRS
        for offset in offsets:
            begin, end = self._word_span(offset - margin, offset + len(target) + margin)
            pairs = _equal_pairs(self._text[begin:end], letters)
            if pairs > min(budget, _PASSAGE_PAIRS):
                begin, end = self._word_span(offset, offset + len(target))
                ratio = _ends_ratio(self._text[begin:end], target)
            else:
                budget -= pairs
                ratio, begin, end = self._aligned(matcher, begin, end, best_ratio)
            if ratio > best_ratio:
                best_ratio, best_span = ratio, (begin, end)
        if best_ratio == 0.0:
            return "", 0.0, -1
        return self._original(*best_span), round(best_ratio, 3), self._original_at(best_span[0])

    def _aligned(self, matcher: difflib.SequenceMatcher, begin: int, end: int,
                 best_ratio: float) -> tuple[float, int, int]:
        """The part of text[begin:end] that lines up with the quote (matcher.b), and its ratio; 0.0 if below best_ratio."""
        target_length = len(matcher.b)
        matcher.set_seq1(self._text[begin:end])
        # Aligning costs as much as scoring: skip a candidate that cannot beat the best one. With
        # at most `shared` characters in common (quick_ratio), any part of the window scores at
        # most 2 * shared / (shared + len(target)).
        shared = matcher.quick_ratio() * (end - begin + target_length) / 2
        if 2 * shared / (shared + target_length) <= best_ratio:
            return 0.0, begin, end
        blocks = [block for block in matcher.get_matching_blocks() if block.size >= 3]
        if blocks:
            begin, end = self._word_span(begin + blocks[0].a, begin + blocks[-1].a + blocks[-1].size)
            matcher.set_seq1(self._text[begin:end])
        if matcher.real_quick_ratio() > best_ratio and matcher.quick_ratio() > best_ratio:
            return matcher.ratio(), begin, end
        return 0.0, begin, end

    def _anchored_offsets(self, target: str) -> list[int]:
        """Where the quote would start if its longest start (or end) that the snapshot has verbatim were its own."""
        text, offsets, anchor = self._text, [], self._get_lookup().anchor
        length = _longest(lambda length: target[:length] in text, len(target))
        if length >= anchor:
            offsets.append(text.find(target[:length]))
        length = _longest(lambda length: target[len(target) - length:] in text, len(target))
        if length >= anchor:
            offsets.append(text.find(target[len(target) - length:]) + length - len(target))
        return offsets

    def _candidate_offsets(self, target: str) -> list[int]:
        """Where the quote might start in the folded text, by votes of its rarest n-grams."""
        grams, gram = self._get_lookup().grams, self._get_lookup().gram
        hits = []
        for index in range(len(target) - gram + 1):
            found = grams.get(target[index:index + gram])
            if found:
                hits.append((len(found), index, found))
        hits.sort(key=lambda hit: hit[:2])
        votes: Counter[int] = Counter()
        budget = _VOTE_BUDGET
        for count, index, found in hits[:_GRAMS_USED]:
            if budget <= 0:
                break
            weight = math.log(1 + len(self._text) / count)
            # A gram more common than the votes left votes from places spread evenly over the text.
            for position in found[::-(-count // budget)]:
                votes[position - index] += weight
            budget -= count
        # Offsets a few characters apart are one passage (an edit shifts what follows it).
        width = 24
        buckets: dict[int, list[int]] = {}
        for offset in votes:
            buckets.setdefault(offset // width, []).append(offset)
        weights = {bucket: sum(votes[offset] for offset in offsets) for bucket, offsets in buckets.items()}

        def neighbourhood(bucket: int) -> float:
            return weights.get(bucket - 1, 0.0) + weights[bucket] + weights.get(bucket + 1, 0.0)

        chosen: list[int] = []
        for bucket in heapq.nlargest(4 * _CANDIDATES, weights, key=neighbourhood):
            if all(abs(bucket - other) > 1 for other in chosen):
                chosen.append(bucket)
            if len(chosen) == _CANDIDATES:
                break
        offsets = []
        for bucket in chosen:
            near = [offset for nearby in (bucket - 1, bucket, bucket + 1) for offset in buckets.get(nearby, ())]
            offsets.append(max(near, key=lambda offset: (votes[offset], -offset)))
        return offsets

    def _word_span(self, begin: int, end: int) -> tuple[int, int]:
        """begin..end widened to whole words and kept inside the text."""
        text = self._text
        begin = min(max(0, begin), len(text) - 1)
        end = min(len(text), max(end, begin + 1))
        while begin > 0 and not text[begin - 1].isspace():
            begin -= 1
        while end < len(text) and not text[end].isspace():
            end += 1
        return begin, end

    def _original(self, begin: int, end: int) -> str:
        """The snapshot's own words behind the folded text[begin:end], white space collapsed, in
        NFC (Hangul saved as jamo shows as the syllables they make)."""
        lookup = self._get_lookup()
        if not lookup.spans:
            return ""
        first = max(0, bisect.bisect_right(lookup.starts, begin) - 1)
        last = max(first, bisect.bisect_left(lookup.starts, end) - 1)
        passage = self._source[lookup.spans[first][0]:lookup.spans[last][1]]
        return unicodedata.normalize("NFC", " ".join(passage.split()))

    def _original_at(self, begin: int) -> int:
        """Where the snapshot's own words behind the folded text[begin:] begin in its text."""
        lookup = self._get_lookup()
        if not lookup.spans:
            return -1
        return lookup.spans[max(0, bisect.bisect_right(lookup.starts, begin) - 1)][0]

    def line_of(self, offset: int) -> int:
        """The 1-based line of the snapshot's text at an offset."""
        return self._source.count("\n", 0, max(0, offset)) + 1

    def _get_lookup(self) -> _Lookup:
        if self._lookup is None:
            self._lookup = _build_lookup(self._source, self._folded, self._text)
        return self._lookup


def _build_lookup(source: str, folded: list[str], text: str) -> _Lookup:
    tokens = re.finditer(r"\S+", source)
    if all(folded):
        spans = [match.span() for match in tokens]
    else:
        spans = [match.span() for match, token in zip(tokens, folded) if token]
    kept = [token for token in folded if token]
    joined_starts = list(itertools.accumulate([len(token) + 1 for token in kept[:-1]], initial=0))
    # Replay join_tokens's dash-run substitution: each run that shrank shifts what follows it.
    runs = [run.span() for run in DASH_RUN.finditer(" ".join(kept)) if run.end() - run.start() > 1]
    starts = joined_starts
    if runs:
        starts, removed, index = [], 0, 0
        for start in joined_starts:
            while index < len(runs) and runs[index][1] <= start:
                removed += runs[index][1] - runs[index][0] - 1
                index += 1
            inside = index < len(runs) and runs[index][0] <= start
            starts.append((runs[index][0] if inside else start) - removed)
    gram, anchor = (_DENSE_GRAM, _DENSE_ANCHOR) if _is_dense(text) else (_GRAM, _ANCHOR)
    return _Lookup(starts, spans, gram, anchor, _index_grams(text, gram))


def _is_dense(text: str) -> bool:
    """Whether most letters of (the start of) the folded text are wide: Hangul, kana, CJK ideographs."""
    letters = [char for char in text[:20000] if char.isalnum()]
    return 2 * sum(unicodedata.east_asian_width(char) == "W" for char in letters) > len(letters)


def _index_grams(text: str, gram: int) -> dict[str, list[int]]:
    """n-gram -> positions, at every word start and every _GRAM_STRIDE characters inside long words."""
    words = text.split(" ")
    positions = list(itertools.accumulate([len(word) + 1 for word in words[:-1]], initial=0))
    for word, start in zip(words, positions[:]):
        if len(word) > _GRAM_STRIDE:
            positions.extend(range(start + _GRAM_STRIDE, start + len(word), _GRAM_STRIDE))
    grams: dict[str, list[int]] = {}
    for position in sorted(positions):
        grams.setdefault(text[position:position + gram], []).append(position)
    return grams


def _longest(holds: Callable[[int], bool], limit: int) -> int:
    """The largest n <= limit for which holds(n) (holds(0) is assumed), where holds(n) implies holds(n - 1)."""
    low, high = 0, limit
    while low < high:
        middle = (low + high + 1) // 2
        if holds(middle):
            low = middle
        else:
            high = middle - 1
    return low


def _equal_pairs(passage: str, letters: Counter[str]) -> int:
    """Pairs of equal characters, one from passage, one from the text counted in letters: difflib's time grows with them."""
    return sum(count * letters[char] for char, count in Counter(passage).items())


def _ends_ratio(passage: str, target: str) -> float:
    """Similarity by the start and end the two texts share: twice those characters over both lengths."""
    shortest = min(len(passage), len(target))
    start = _longest(lambda length: passage[:length] == target[:length], shortest)
    end = _longest(lambda length: passage[len(passage) - length:] == target[len(target) - length:], shortest - start)
    return 2 * (start + end) / (len(passage) + len(target))
