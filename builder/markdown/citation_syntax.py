"""Pandoc's citation grammar as a scanner over a paragraph's raw inline text.

The scanner mirrors the parsers of Pandoc's Markdown reader (`textualCite`, `bareloc`,
`normalCite`, `citeList`, `citeKey`), so that Dossier finds the clusters Pandoc finds;
what a cluster means (prefix, locator, suffix) is left to Pandoc itself. It works on
plain strings and knows nothing of markdown-it, which keeps it easy to test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from builder.markdown.attributes import read_attributes

# A key's first character is a letter, digit, '_' or '*' (pandoc's `@*`); then letters, digits
# and '_', with the punctuation below allowed inside a key (before a letter, digit or '_'), and
# ':' or '/' also before a '/' (keys like `@https://doi.org/...`).
_SIMPLE_KEY = re.compile(r"[\w*](?:\w|[:.#$%&\-+?<>~/](?=\w)|[:/](?=/))*")
_AUTOLINK = re.compile(r"<[^\s<>]*>")
_BACKTICKS = re.compile(r"`+")
_OPENINGS = re.compile(r"[\[@]")
# The characters _skip_inline does more with than step over: the scans jump from one to the next.
_ELEMENT_STARTS = "\\`<[@-"
_NEXT: dict[str, re.Pattern] = {}
# No key is this long: a longer `@{...` is text, so that no input makes reading keys quadratic.
_MAX_BRACED_KEY = 1000
# Brackets and citations nested deeper than this are read as text, so that no input
# can exhaust the stack.
_MAX_DEPTH = 16


@dataclass(frozen=True, slots=True)
class CiteKey:
    """One `@key`: the key, the offset of its '@', and the offset just after it."""

    key: str
    at: int
    end: int


@dataclass(frozen=True, slots=True)
class CiteMatch:
    """A cluster: the offset just after it, its keys and the offset of each key's '@'."""

    end: int
    keys: tuple[str, ...]
    at: tuple[int, ...]

    @classmethod
    def of(cls, end: int, keys: list[CiteKey]) -> CiteMatch:
        return cls(end, tuple(k.key for k in keys), tuple(k.at for k in keys))


def after_string(src: str, pos: int) -> bool:
    """True right after a word: Pandoc reads `user@example.org` as text, not a citation."""
    return pos > 0 and (src[pos - 1].isalnum() or src[pos - 1] == ".")


def key_at(src: str, pos: int) -> CiteKey | None:
    """The `@key`, `-@key` or `@{key}` starting at pos, if there is one."""
    at = pos + 1 if src.startswith("-@", pos) else pos
    if not src.startswith("@", at) or after_string(src, pos):
        return None
    simple = _SIMPLE_KEY.match(src, at + 1)
    if simple is not None:
        return CiteKey(simple.group(), at, simple.end())
    end = _balanced_braces(src, at + 1)
    if end is not None:
        return CiteKey(src[at + 2:end - 1], at, end)
    return None


def _balanced_braces(src: str, pos: int) -> int | None:
    """`@{...}`: the offset after the braces at pos, holding anything but white space with its
    braces balanced (pandoc's `charsInBalanced`, which also reads `@{}`); None if none close."""
    if not src.startswith("{", pos):
        return None
    depth = 0
    for index in range(pos, min(len(src), pos + _MAX_BRACED_KEY)):
        char = src[index]
        if char.isspace():
            return None
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index + 1
    return None


def narrative_at(src: str, pos: int, is_reference: Callable[[str], bool] = lambda label: False) -> CiteMatch | None:
    """`@key` and what may follow it: `@key [p. 4]`, `@key [p. 4; @b]` or `@key [see @b]`.

    is_reference(label) tells whether `[label]` is a defined reference link; then the
    brackets are that link, not a locator.
    """
    return _scanner(src).narrative(pos, is_reference)


def bracketed_at(src: str, pos: int) -> CiteMatch | None:
    """`[see @a, p. 3; @b]` at pos: citations separated by ';' (Pandoc's `normalCite`).

    Brackets directly followed by `(` or `[` are a link, and followed by `{...}` that are
    attributes a span, not a cluster.
    """
    return _scanner(src).bracketed(pos)


@lru_cache(maxsize=64)
def _scanner(src: str) -> _Scanner:
    """One scanner per text, so that markdown-it trying each '@' and '[' reuses its results."""
    scanner = _Scanner(src)
    scanner.scan_backwards()
    return scanner


@dataclass(frozen=True, slots=True)
class _Following:
    """What follows a narrative key: a cluster, or a locator `[p. 4]` starting at bracket."""

    match: CiteMatch
    bracket: int
    is_locator: bool


class _Scanner:
    """Scans one text, remembering every result by offset: nested and repeated scans of
    the same text are then linear, whatever the input."""

    def __init__(self, src: str) -> None:
        self.src = src
        self.depth = 0
        self._following: dict[int, _Following | None] = {}
        self._bracketed: dict[int, CiteMatch | None] = {}
        self._brackets: dict[int, tuple[int, list[CiteKey]] | None] = {}

    def scan_backwards(self) -> None:
        """Scan every bracket and key from the end: each scan then finds the ones nested in
        it already scanned, so nothing recurses deeply and nothing is scanned twice."""
        for pos in reversed([match.start() for match in _OPENINGS.finditer(self.src)]):
            if self.src[pos] == "[":
                self._brackets_at(pos)
                self.bracketed(pos)
            else:
                key = key_at(self.src, pos - 1) or key_at(self.src, pos)
                if key is not None:
                    self.following(key.end)

    def narrative(self, pos: int, is_reference: Callable[[str], bool] = lambda label: False) -> CiteMatch | None:
        first = key_at(self.src, pos)
        if first is None:
            return None
        following = self.following(first.end)
        if following is None or (following.is_locator and
                                 is_reference(self.src[following.bracket + 1:following.match.end - 1])):
            return CiteMatch.of(first.end, [first])
        more = following.match
        return CiteMatch(more.end, (first.key, *more.keys), (first.at, *more.at))

    def following(self, end: int) -> _Following | None:
        """A cluster or a locator in brackets after a narrative key ending at end."""
        if end not in self._following:
            bracket = self._skip_spnl(end)
            found = None
            if bracket < len(self.src) and self.src[bracket] == "[":
                cluster = self.bracketed(bracket)
                locator = self._bare_locator(bracket) if cluster is None else None
                if cluster or locator:
                    found = _Following(cluster or locator, bracket, cluster is None)
            self._following[end] = found
        return self._following[end]

    def bracketed(self, pos: int) -> CiteMatch | None:
        if pos not in self._bracketed:
            found = None
            if self.src.startswith("[", pos):
                items = self._cite_list(self._skip_spnl(pos + 1))
                if items is not None and self._closes(items[0], span_needs_attributes=True):
                    found = CiteMatch.of(items[0] + 1, items[1])
            self._bracketed[pos] = found
        return self._bracketed[pos]

    def _bare_locator(self, pos: int) -> CiteMatch | None:
        """`[p. 4]` or `[p. 4; @b]` after a narrative key (Pandoc's `bareloc`)."""
        if self.src.startswith("[^", pos):
            return None    # a footnote reference
        keys: list[CiteKey] = []
        end = self._inline_run(pos + 1, ";]", keys)
        if end < len(self.src) and self.src[end] == ";":
            more = self._cite_list(self._skip_spnl(end + 1))
            if more is None:
                return None
            end, more_keys = more
            keys += more_keys
        end = self._skip_spnl(end)
        return CiteMatch.of(end + 1, keys) if self._closes(end) else None

    def _closes(self, end: int, span_needs_attributes: bool = False) -> bool:
        """A ']' at end that is not the text of a link or a span. After a narrative key, pandoc
        takes no brackets followed by '{' as its locator; elsewhere they are a span only if
        attributes follow (`[@a]{.mark}`, but `[@a]{not attributes}` cites @a)."""
        if end >= len(self.src) or self.src[end] != "]":
            return False
        after = self.src[end + 1:end + 2]
        if after == "{" and span_needs_attributes:
            return read_attributes(self.src, end + 1) is None
        return after not in ("(", "[", "{")

    def _cite_list(self, pos: int) -> tuple[int, list[CiteKey]] | None:
        """Citations separated by ';' from pos: (offset after the last suffix, keys) or None."""
        keys: list[CiteKey] = []
        while True:
            key = self._citation_key(pos, keys)
            if key is None:
                return None
            keys.append(key)
            end = self._inline_run(key.end, ";]", keys)     # the suffix
            if end < len(self.src) and self.src[end] == ";":
                pos = self._skip_spnl(end + 1)
                continue
            return end, keys

    def _citation_key(self, pos: int, keys: list[CiteKey]) -> CiteKey | None:
        """Skip a citation's prefix and read its key; None if ']' or the end comes first."""
        src = self.src
        while pos < len(src):
            pos = self._next(pos, "];")
            if pos == len(src):
                break
            if src[pos] == "]":
                return None
            if src[pos] == ";" and key_at(src, self._skip_spnl(pos + 1)) is not None:
                return None   # Pandoc's prefix stops before '; @key', and the citation fails
            key = key_at(src, pos)
            if key is not None:
                return key
            pos = self._skip_inline(pos, keys)
        return None

    def _inline_run(self, pos: int, stops: str, keys: list[CiteKey]) -> int:
        """Offset of the first of stops from pos (or the end), skipping inline elements.

        Citations inside go into keys: Pandoc reads `[@a and @b]` as @a with a suffix
        that holds a citation of @b.
        """
        pos = self._next(pos, stops)
        while pos < len(self.src) and self.src[pos] not in stops:
            pos = self._next(self._skip_inline(pos, keys), stops)
        return pos

    def _next(self, pos: int, stops: str) -> int:
        """The offset of the next of stops or of an element's first character from pos, or the end:
        the characters between are each one step of _skip_inline, which the scans need not take."""
        pattern = _NEXT.get(stops)
        if pattern is None:
            pattern = _NEXT[stops] = re.compile(f"[{re.escape(stops + _ELEMENT_STARTS)}]")
        found = pattern.search(self.src, pos)
        return found.start() if found else len(self.src)

    def _skip_inline(self, pos: int, keys: list[CiteKey]) -> int:
        """Offset after the element at pos: an escape, code, autolink, brackets or citation."""
        char = self.src[pos]
        if char == "\\":
            return pos + 2
        if char == "`":
            ticks = _BACKTICKS.match(self.src, pos).group()
            closing = re.compile(f"(?<!`){ticks}(?!`)").search(self.src, pos + len(ticks))
            return closing.end() if closing else pos + len(ticks)
        if char == "<":
            link = _AUTOLINK.match(self.src, pos)
            return link.end() if link else pos + 1
        if char == "[":
            inner = self._nested(self._brackets_at, pos)
            if inner is not None:
                keys += inner[1]
                return inner[0]
            if pos in self._brackets:
                # No ']' closes these brackets, so none closes any brackets around them.
                return len(self.src)
        if char in "@-":
            cited = self._nested(self.narrative, pos)
            if cited is not None:
                keys += [CiteKey(key, at, cited.end) for key, at in zip(cited.keys, cited.at)]
                return cited.end
        return pos + 1

    def _brackets_at(self, pos: int) -> tuple[int, list[CiteKey]] | None:
        """(offset after, keys inside) of balanced brackets at pos, or None if unclosed."""
        if pos not in self._brackets:
            keys: list[CiteKey] = []
            end = self._inline_run(pos + 1, "]", keys)
            self._brackets[pos] = (end + 1, keys) if end < len(self.src) else None
        return self._brackets[pos]

    def _nested(self, scan, pos: int):
        if self.depth >= _MAX_DEPTH:
            return None
        self.depth += 1
        try:
            return scan(pos)
        finally:
            self.depth -= 1

    def _skip_spnl(self, pos: int) -> int:
        """Skip spaces and at most one line break (Pandoc's `spnl`), but never a blank line."""
        src, end = self.src, pos
        while end < len(src) and src[end] in " \t":
            end += 1
        if end < len(src) and src[end] == "\n":
            end += 1
            while end < len(src) and src[end] in " \t":
                end += 1
            if end < len(src) and src[end] == "\n":
                return pos
        return end
