"""Quote verification: does an evidence box's quote occur in the saved copy of its source?

Matching follows editorial practice (DESIGN.md, "Evidence boxes"). Both texts are folded
the same way: NFKC, curly to straight quotes, every dash to '-', soft hyphens and
zero-width characters dropped, white space to one space, and no space around a dash. The
quote is then cut at its elisions ('…', '...', '. . .', '[…]', '[....]') into pieces that
must occur in order; inside a piece a bracket stands for an alteration or an insertion and
matches nothing, its own text, or a short span of other text (a letter or two when it sits
inside a word, as in '[T]he'). Quotation marks and punctuation at the ends of a piece are
not required. The search is a piece-wise scan with str.find, never a backtracking regex.
"""

from __future__ import annotations

import bisect
import codecs
import datetime as dt
import difflib
import heapq
import itertools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path

__all__ = ["Snapshot", "Verification", "find_snapshot", "read_snapshot", "snapshot_saved_date"]

SNAPSHOT_SUFFIXES = (".txt", ".md", ".html")


@dataclass(frozen=True, slots=True)
class Verification:
    """The outcome of checking one quote against a snapshot."""

    status: str              # "verified" | "not-found" | "no-snapshot"
    closest: str = ""        # when not found: the closest passage of the snapshot (original text, trimmed to about the quote's length)
    similarity: float = 0.0  # when not found: 0..1 similarity of that passage to the quote
    missing: str = ""        # when not found: the first piece of the quote that could not be matched in order


# --- Reading snapshot files -----------------------------------------------------------

def find_snapshot(directory: Path, key: str) -> Path | None:
    """citations/snapshots/KEY.txt, .md or .html (first that exists, in that order), or None."""
    for suffix in SNAPSHOT_SUFFIXES:
        path = directory / f"{key}{suffix}"
        if path.is_file():
            return path
    return None


def read_snapshot(path: Path) -> str:
    """Text of a snapshot: .txt as is; .md with any YAML front matter removed; .html reduced to readable text."""
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        return _html_text(_decode(data, _declared_charset(data)))
    text = _decode(data)
    if suffix == ".md":
        text = text[len(_front_matter(text)):]
    return text


def snapshot_saved_date(path: Path) -> str:
    """ISO date the snapshot was saved, from the file's own text (never its mtime); "" when absent."""
    suffix = path.suffix.lower()
    data = path.read_bytes()
    if suffix in (".html", ".htm"):
        finder = _SavedMeta()
        finder.feed(_decode(data, _declared_charset(data)))
        return _iso_date(finder.saved)
    text = _decode(data)
    if suffix == ".md":
        match = _MD_SAVED.search(_front_matter(text))
    elif suffix == ".txt":
        match = _TXT_SAVED.match(text.split("\n", 1)[0])
    else:
        match = None
    return _iso_date(match.group(1)) if match else ""


_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)??(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_YAML_KEY = re.compile(r"\s*(?:#.*\n\s*)*[\w\"'-][^:\n]*:(?:\s|$)")
_MD_SAVED = re.compile(r"""^saved[ \t]*:[ \t]*["']?(\d{4}-\d{2}-\d{2})""", re.MULTILINE | re.IGNORECASE)
_TXT_SAVED = re.compile(r"\s*saved[ \t]*:[ \t]*(\d{4}-\d{2}-\d{2})", re.IGNORECASE)
_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)


def _front_matter(text: str) -> str:
    """The YAML front matter block at the top of a Markdown text, fences included; "" if none.

    A '---' block counts only if it opens with a 'key:' line, so a leading horizontal rule
    followed by prose is kept as text.
    """
    match = _FRONT_MATTER.match(text)
    if match and _YAML_KEY.match(match.group(1) or "key:"):
        return match.group()
    return ""


def _iso_date(value: str) -> str:
    """The YYYY-MM-DD at the start of value, if it is a real date; else ""."""
    try:
        return dt.date.fromisoformat(value.strip()[:10]).isoformat()
    except ValueError:
        return ""


def _declared_charset(data: bytes) -> str | None:
    match = _CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def _decode(data: bytes, declared: str | None = None) -> str:
    """UTF-8 (with or without BOM) when the bytes are valid UTF-8, else the declared or a Windows code page."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    encoding = "cp1252"
    if declared:
        try:
            encoding = codecs.lookup(declared).name
        except LookupError:
            pass
    return data.decode(encoding, errors="replace")


class _SavedMeta(HTMLParser):
    """Finds <meta name="saved" content="...">."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.saved = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta" and not self.saved:
            values = {name: value or "" for name, value in attrs}
            if values.get("name", "").strip().lower() == "saved":
                self.saved = values.get("content", "")


_SKIPPED = frozenset({"script", "style", "nav", "noscript", "template", "title", "svg"})
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "caption", "dd", "details", "div", "dl", "dt",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "li", "main", "ol", "p", "pre", "section", "summary", "table", "tr", "ul",
})
_CELLS = frozenset({"td", "th"})


class _TextExtractor(HTMLParser):
    """Readable text of an HTML page: paragraphs separated by blank lines, chrome dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[list[str]] = [[]]
        self._skipping = 0
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _SKIPPED:
            self._skipping += 1
        elif not self._skipping:
            self._break(tag)
            if tag == "pre":
                self._pre += 1

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if tag not in _SKIPPED and not self._skipping:
            self._break(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif not self._skipping:
            self._break(tag)
            if tag == "pre":
                self._pre = max(0, self._pre - 1)

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.paragraphs[-1].append(data if self._pre else re.sub(r"\s+", " ", data))

    def _break(self, tag: str) -> None:
        if tag == "br":
            self.paragraphs[-1].append("\n")
        elif tag in _CELLS:
            self.paragraphs[-1].append(" ")
        elif tag in _BLOCKS and self.paragraphs[-1]:
            self.paragraphs.append([])

    def text(self) -> str:
        paragraphs = []
        for parts in self.paragraphs:
            lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
            paragraph = "\n".join(line for line in lines if line)
            if paragraph:
                paragraphs.append(paragraph)
        return "\n\n".join(paragraphs) + ("\n" if paragraphs else "")


def _html_text(markup: str) -> str:
    extractor = _TextExtractor()
    extractor.feed(markup)
    extractor.close()
    return extractor.text()


# --- Folding ---------------------------------------------------------------------------

_FOLD = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-",
    "\u00ad": None, "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None,
})
# Dash runs (from '--' or from tokens meeting) become one '-', with no space around it:
# "1990s - the" and "1990s—the" are the same text to a reader.
_DASH_RUN = re.compile(r" ?-+ ?")


def _fold_token(token: str) -> str:
    if token.isascii():
        return token
    folded = unicodedata.normalize("NFKC", token).translate(_FOLD)
    return " ".join(folded.split())  # NFKC can produce spaces (e.g. U+00A8)


def _join_tokens(folded: Iterable[str]) -> str:
    return _DASH_RUN.sub("-", " ".join(filter(None, folded)))


def _normalise(text: str) -> str:
    """The folded form in which quotes and snapshots are compared."""
    return _join_tokens(map(_fold_token, text.split()))


def _is_edge_mark(char: str) -> bool:
    """Punctuation or space that a quote may add or drop at its ends (square brackets excepted)."""
    return char.isspace() or (char not in "[]" and unicodedata.category(char).startswith("P"))


def _strip_edges(text: str, *, start: bool = True, end: bool = True) -> str:
    first, last = 0, len(text)
    while start and first < last and _is_edge_mark(text[first]):
        first += 1
    while end and last > first and _is_edge_mark(text[last - 1]):
        last -= 1
    return text[first:last]


# --- Parsing a quote -------------------------------------------------------------------

_ELISION = re.compile(r"\[\s*(?:…|\.(?:\s*\.){2})\s*\.?\s*\]|…|\.(?:\s*\.){2,}")
_BRACKET = re.compile(r"\[([^\[\]]*)\]")
_SIC = frozenset({"sic", "sic!", "*sic*", "_sic_"})

# A bracket standing for other words spans at most this much of the original.
_SPAN_WORDS = 8
_SPAN_CHARS = 60


@dataclass(frozen=True, slots=True)
class _Literal:
    text: str


@dataclass(frozen=True, slots=True)
class _Bracket:
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
class _Piece:
    """One elision-delimited piece of a quote: what it said, and what must match."""

    quoted: str
    items: tuple[_Literal | _Bracket, ...]


def _parse_quote(quote: str) -> list[_Piece]:
    """The quote's pieces that have text to find, in order."""
    pieces = []
    for raw in _ELISION.split(quote):
        items = _trim(_parse_piece(raw))
        if any(isinstance(item, _Literal) for item in items):
            pieces.append(_Piece(" ".join(raw.split()), tuple(items)))
    return pieces


def _context(raw: str, index: int) -> str:
    if not 0 <= index < len(raw) or raw[index].isspace():
        return "space"
    return "word" if raw[index].isalnum() else "other"


def _parse_piece(raw: str) -> list[_Literal | _Bracket]:
    items: list[_Literal | _Bracket] = []
    position = group_start = 0
    for match in _BRACKET.finditer(raw):
        literal = _normalise(raw[position:match.start()])
        if literal:
            items.append(_Literal(literal))
        content = _normalise(match.group(1))
        left, right = _context(raw, match.start() - 1), _context(raw, match.end())
        kind = ("sic" if content.casefold() in _SIC
                else "attached" if "word" in (left, right) else "free")
        bracket = _Bracket(_normalise(match.group()), content, kind, left, right)
        if items and isinstance(items[-1], _Bracket):  # '[a] [b]': one gap
            bracket = _merge(items.pop(), bracket, _normalise(raw[group_start:match.end()]))
        else:
            group_start = match.start()
        items.append(bracket)
        position = match.end()
    tail = _normalise(raw[position:])
    if tail:
        items.append(_Literal(tail))
    return items


def _merge(first: _Bracket, second: _Bracket, source: str) -> _Bracket:
    kinds = {first.kind, second.kind}
    kind = "attached" if "attached" in kinds else "sic" if kinds == {"sic"} else "free"
    return _Bracket(source, f"{first.content} {second.content}", kind, first.left, second.right)


def _trim(items: list[_Literal | _Bracket]) -> list[_Literal | _Bracket]:
    """Drop what the ends of a piece need not match: punctuation, and brackets standing for words."""
    items = list(items)
    while items:
        first = items[0]
        if isinstance(first, _Literal):
            text = _strip_edges(first.text, end=False)
            if text:
                items[0] = _Literal(text)
                break
        elif first.kind == "attached" and first.right == "word":
            items[0] = replace(first, left="space")  # must begin a word of the snapshot
            break
        items.pop(0)
    while items:
        last = items[-1]
        if isinstance(last, _Literal):
            text = _strip_edges(last.text, start=False)
            if text:
                items[-1] = _Literal(text)
                break
        elif last.kind == "attached" and last.left == "word":
            items[-1] = replace(last, right="space")
            break
        items.pop()
    return items


# --- Matching --------------------------------------------------------------------------

def _match_piece(text: str, items: tuple[_Literal | _Bracket, ...], start: int) -> int | None:
    """End of the earliest-ending match of the piece in text[start:], or None."""
    if any(isinstance(item, _Literal) and text.find(item.text, start) < 0 for item in items):
        return None
    lead = items[0] if isinstance(items[0], _Bracket) else None
    anchor_index = 1 if lead else 0
    anchor = items[anchor_index].text
    rest = items[anchor_index + 1:]
    # The longest literal is the rarest: where it is absent, no anchor nearby can match.
    key_index = max(range(anchor_index, len(items)),
                    key=lambda index: len(items[index].text) if isinstance(items[index], _Literal) else -1)
    key = items[key_index].text
    key_distance = sum(len(item.text) if isinstance(item, _Literal) else item.reach
                       for item in items[anchor_index:key_index])
    best: int | None = None
    found = text.find(anchor, start)
    # A later anchor cannot end the piece earlier than an end already found.
    while found >= 0 and (best is None or found < best):
        key_found = text.find(key, found)
        if key_found < 0:
            break
        if key_found > found + key_distance:
            found = text.find(anchor, max(found + 1, key_found - key_distance))
            continue
        if lead is None or _fits_before(lead, text, found, start):
            ends = _extend(text, {found + len(anchor)}, rest)
            if ends:
                best = min(ends) if best is None else min(best, min(ends))
        found = text.find(anchor, found + 1)
    return best


def _fits_before(bracket: _Bracket, text: str, end: int, start: int) -> bool:
    return any(bracket.fits(text, begin, end)
               for begin in range(end, max(start, end - bracket.reach) - 1, -1))


def _extend(text: str, frontier: set[int], items: tuple[_Literal | _Bracket, ...]) -> set[int]:
    """Every end position reachable by matching items from each position in frontier."""
    index = 0
    while frontier and index < len(items):
        item = items[index]
        if isinstance(item, _Literal):
            frontier = {at + len(item.text) for at in frontier if text.startswith(item.text, at)}
            index += 1
            continue
        following = items[index + 1].text if index + 1 < len(items) else None
        reached = set()
        for at in frontier:
            limit = min(len(text), at + item.reach)
            if following is None:
                reached.update(end for end in range(at, limit + 1) if item.fits(text, at, end))
                continue
            found = text.find(following, at, limit + len(following))
            while found >= 0:
                if item.fits(text, at, found):
                    reached.add(found + len(following))
                found = text.find(following, found + 1, limit + len(following))
        frontier = reached
        index += 2 if following is not None else 1
    return frontier


# --- The snapshot ----------------------------------------------------------------------

_GRAM = 5             # characters in the n-grams that pick candidate passages
_GRAM_STRIDE = 6      # the index holds the n-gram at each word start and every 6th character of long words
_GRAMS_USED = 24      # at most this many of the quote's rarest n-grams vote ...
_VOTE_BUDGET = 20000  # ... casting at most about this many votes
_CANDIDATES = 4       # passages scored with difflib
_LONG_QUOTE = 2000    # longer quotes are located by where they stop matching, not scored whole
_DIVERGENCE_SHOWN = 80


@dataclass(frozen=True, slots=True)
class _Lookup:
    """Built on a snapshot's first miss: the way back to its original text, and an n-gram index."""

    starts: list[int]              # where each original token begins in the folded text
    spans: list[tuple[int, int]]   # that token's span in the original
    grams: dict[str, list[int]]    # n-gram of the folded text -> its indexed positions


class Snapshot:
    """A source's saved text, folded once, against which many quotes are checked."""

    __slots__ = ("_source", "_folded", "_text", "_lookup")

    def __init__(self, text: str):
        self._source = text
        self._folded = list(map(_fold_token, text.split()))
        self._text = _join_tokens(self._folded)
        self._lookup: _Lookup | None = None

    def verify(self, quote: str) -> Verification:
        """Whether quote occurs in the snapshot, allowing for elisions, brackets and typography."""
        pieces = _parse_quote(quote)
        if not pieces:  # nothing but brackets and punctuation: take it literally
            literal = _strip_edges(_normalise(quote))
            if literal and literal in self._text:
                return Verification("verified")
            return self._not_found(quote, " ".join(quote.split()))
        position = 0
        for piece in pieces:
            end = _match_piece(self._text, piece.items, position)
            if end is None:
                if len(quote) > _LONG_QUOTE:
                    return self._divergence(piece, position)
                return self._not_found(quote, piece.quoted)
            position = end
        return Verification("verified")

    def _not_found(self, quote: str, missing: str) -> Verification:
        closest, similarity = self._closest(quote)
        return Verification("not-found", closest, similarity, missing)

    def _divergence(self, piece: _Piece, position: int) -> Verification:
        """For a long quote: where its piece stops matching, and the saved text there.

        Scoring whole passages against a long quote takes time in the square of its length, so
        the longest matching start of the piece is found instead (a binary search of str.find)
        and only the text around that point is compared and shown."""
        text = " ".join(item.text if isinstance(item, _Literal) else item.source for item in piece.items)
        low, high = 0, len(text)
        while low < high:                       # the longest prefix of text found from position
            middle = (low + high + 1) // 2
            if self._text.find(text[:middle], position) >= 0:
                low = middle
            else:
                high = middle - 1
        at = self._text.find(text[:low], position) + low if low else position
        word = text.rfind(" ", 0, low) + 1             # from the start of the word that differs
        missing = text[word:word + _DIVERGENCE_SHOWN]
        if word + _DIVERGENCE_SHOWN < len(text):
            missing = missing.rsplit(" ", 1)[0]
        quoted = text[max(0, low - _DIVERGENCE_SHOWN):low + _DIVERGENCE_SHOWN]
        begin, end = self._word_span(max(0, at - _DIVERGENCE_SHOWN), at + _DIVERGENCE_SHOWN) if self._text else (0, 0)
        closest = self._original(begin, end) if self._text else ""
        matcher = difflib.SequenceMatcher(None, _similarity_text(quoted), self._text[begin:end], autojunk=False)
        return Verification("not-found", closest, round(matcher.ratio(), 3),
                            ("… " if word else "") + missing + (" …" if word + len(missing) < len(text) else ""))

    def _closest(self, quote: str) -> tuple[str, float]:
        """The passage most like the quote, and its difflib ratio; only a few candidates are scored."""
        target = _similarity_text(quote)
        if not target or not self._text:
            return "", 0.0
        matcher = difflib.SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(target)
        best_ratio, best_span = 0.0, (0, 0)
        # A candidate offset can be a word off (it is voted for by n-grams of the quote), so each
        # is widened by a margin, then trimmed to the part that lines up with the quote.
        margin = max(16, len(target) // 8)
        for offset in self._candidate_offsets(target):
            begin, end = self._word_span(offset - margin, offset + len(target) + margin)
            matcher.set_seq1(self._text[begin:end])
            # Aligning costs as much as scoring: skip a candidate that cannot beat the best one. With
            # at most `shared` characters in common (quick_ratio), any part of the window scores at
            # most 2 * shared / (shared + len(target)).
            shared = matcher.quick_ratio() * (end - begin + len(target)) / 2
            if 2 * shared / (shared + len(target)) <= best_ratio:
                continue
            blocks = [block for block in matcher.get_matching_blocks() if block.size >= 3]
            if blocks:
                begin, end = self._word_span(begin + blocks[0].a, begin + blocks[-1].a + blocks[-1].size)
                matcher.set_seq1(self._text[begin:end])
            if matcher.real_quick_ratio() > best_ratio and matcher.quick_ratio() > best_ratio:
                ratio = matcher.ratio()
                if ratio > best_ratio:
                    best_ratio, best_span = ratio, (begin, end)
        if best_ratio == 0.0:
            return "", 0.0
        return self._original(*best_span), round(best_ratio, 3)

    def _candidate_offsets(self, target: str) -> list[int]:
        """Where the quote might start in the folded text, by votes of its rarest n-grams."""
        grams = self._get_lookup().grams
        hits = []
        for index in range(len(target) - _GRAM + 1):
            found = grams.get(target[index:index + _GRAM])
            if found:
                hits.append((len(found), index, found))
        hits.sort(key=lambda hit: hit[:2])
        votes: Counter[int] = Counter()
        budget = _VOTE_BUDGET
        for count, index, found in hits[:_GRAMS_USED]:
            if budget <= 0:
                break
            weight = math.log(1 + len(self._text) / count)
            for position in found:
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
        """The snapshot's own words behind the folded text[begin:end], white space collapsed."""
        lookup = self._get_lookup()
        if not lookup.spans:
            return ""
        first = max(0, bisect.bisect_right(lookup.starts, begin) - 1)
        last = max(first, bisect.bisect_left(lookup.starts, end) - 1)
        return " ".join(self._source[lookup.spans[first][0]:lookup.spans[last][1]].split())

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
    # Replay _join_tokens's dash-run substitution: each run that shrank shifts what follows it.
    runs = [run.span() for run in _DASH_RUN.finditer(" ".join(kept)) if run.end() - run.start() > 1]
    starts = joined_starts
    if runs:
        starts, removed, index = [], 0, 0
        for start in joined_starts:
            while index < len(runs) and runs[index][1] <= start:
                removed += runs[index][1] - runs[index][0] - 1
                index += 1
            inside = index < len(runs) and runs[index][0] <= start
            starts.append((runs[index][0] if inside else start) - removed)
    return _Lookup(starts, spans, _index_grams(text))


def _index_grams(text: str) -> dict[str, list[int]]:
    """n-gram -> positions, at every word start and every _GRAM_STRIDE characters inside long words."""
    words = text.split(" ")
    positions = list(itertools.accumulate([len(word) + 1 for word in words[:-1]], initial=0))
    for word, start in zip(words, positions[:]):
        if len(word) > _GRAM_STRIDE:
            positions.extend(range(start + _GRAM_STRIDE, start + len(word), _GRAM_STRIDE))
    grams: dict[str, list[int]] = {}
    for position in sorted(positions):
        grams.setdefault(text[position:position + _GRAM], []).append(position)
    return grams


def _similarity_text(quote: str) -> str:
    """The quote as a reader would compare it: elisions as spaces, brackets by their content, [sic] gone."""
    text = _ELISION.sub(" ", quote)
    text = _BRACKET.sub(lambda m: "" if _normalise(m.group(1)).casefold() in _SIC else m.group(1), text)
    return _strip_edges(_normalise(text))
