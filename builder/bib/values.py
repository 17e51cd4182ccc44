"""Values of .bib fields as BibTeX and pandoc read them: @string expansion, and the limits on a value.

@strings are defined in order and expanded on demand. Thirty-two @strings that each double
the one before expand to 4 GB, so nothing here builds an expansion before knowing its
length, and no expansion is kept. An expansion is a tree of texts and definitions in which
every definition has two parts or more and no part is empty (a definition of one part
stands for that part; an empty one is left out), so writing one out costs time in
proportion to its length.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from builder.bib.rules import MONTH_MACROS
from builder.bib.source import (UNESCAPED_BRACE, Piece, effective_field_name, field_spans, split_value,
                                string_value_offset)
from builder.errors import Problem, error

if TYPE_CHECKING:
    from builder.bib.catalogue import Catalogue

# The most characters one value may hold, as written or once its @strings are expanded.
# Pandoc's BibTeX reader takes time growing with the square of a value's length (66 s for
# 2 MB, 0.3 s for 100 kB); a real value is never a tenth of this.
VALUE_LIMIT = 100_000
# The deepest braces may nest in one value: pandoc's time grows with the square of the depth
# (6 s for 20,000 braces nested in 20,000); a real value nests a few levels.
DEPTH_LIMIT = 100
# The most characters @string expansion may add to all .bib files together: one long
# @string named by thousands of entries would otherwise stand for gigabytes.
EXPANSION_BUDGET = 10_000_000


@dataclass(frozen=True, slots=True)
class Expansion:
    """A value with its @string names replaced: texts, and indexes of definitions of two parts or more."""

    parts: tuple[str | int, ...] = ()
    length: int = 0


@dataclass(frozen=True, slots=True)
class Definition:
    """One @string: what it expands to, and the definitions its names referred to when it was defined."""

    name: str                    # lower case, as BibTeX compares names
    expansion: Expansion
    refers: tuple[int, ...]      # indexes of earlier definitions it names
    length: int = 0              # once expanded
    refused: bool = False        # past a limit: it expands to nothing, and pandoc is never given it


class StringTable:
    """Every @string in the order the files define them; a later definition of a name replaces the earlier."""

    def __init__(self) -> None:
        self.definitions: list[Definition] = []
        self._current: dict[str, int] = {}

    def define(self, name: str, pieces: list[Piece], refused: bool = False) -> Definition:
        """Define name as pieces, read with the definitions made so far (as BibTeX and pandoc do).
        A refused definition (its value is past a limit as written) expands to nothing."""
        expansion = self.expansion(pieces)
        refers = tuple(index for index in (self._current.get(p.text.lower()) for p in pieces if p.kind == "macro")
                       if index is not None)
        if refused or expansion.length > VALUE_LIMIT:
            definition = Definition(name.lower(), Expansion(), refers, expansion.length, refused=True)
        else:
            definition = Definition(name.lower(), expansion, refers, expansion.length)
        self.definitions.append(definition)
        self._current[definition.name] = len(self.definitions) - 1
        return definition

    def defines(self, name: str) -> bool:
        return name.lower() in self._current

    def expansion(self, pieces: list[Piece], keep_unknown: bool = True) -> Expansion:
        """What pieces expand to with the current definitions. An unknown name stands for itself when
        keep_unknown (as in pandoc); otherwise only month names (jan, feb, ...) do, and others for nothing."""
        parts: list[str | int] = []
        length = 0
        for piece in pieces:
            if piece.kind != "macro":
                text = piece.text
            elif (index := self._current.get(piece.text.lower())) is not None:
                found = self.definitions[index].expansion
                if found.length:
                    parts.append(found.parts[0] if len(found.parts) == 1 else index)
                    length += found.length
                continue
            else:
                text = piece.text if keep_unknown or piece.text.lower() in MONTH_MACROS else ""
            if text:
                parts.append(text)
                length += len(text)
        return Expansion(tuple(parts), length)

    def text(self, expansion: Expansion) -> str:
        """The expansion written out; '' when it is longer than VALUE_LIMIT (that is reported where it is written)."""
        if expansion.length > VALUE_LIMIT:
            return ""
        out: list[str] = []
        pending = [iter(expansion.parts)]
        while pending:
            part = next(pending[-1], None)
            if part is None:
                pending.pop()
            elif isinstance(part, str):
                out.append(part)
            else:
                pending.append(iter(self.definitions[part].expansion.parts))
        return "".join(out)

    def needed(self, names: set[str]) -> list[int]:
        """The definitions, in order, that reading values naming these @strings needs (none refused)."""
        wanted: set[int] = set()
        pending = [self._current[name] for name in names if name in self._current]
        while pending:
            index = pending.pop()
            if index in wanted or self.definitions[index].refused:
                continue
            wanted.add(index)
            pending += self.definitions[index].refers
        return sorted(wanted)


def too_deep(raw: str) -> bool:
    """Whether braces in raw (not counting escaped ones) nest deeper than DEPTH_LIMIT."""
    if raw.count("{") <= DEPTH_LIMIT:
        return False
    depth = 0
    for match in UNESCAPED_BRACE.finditer(raw):
        depth += 1 if match.group() == "{" else -1
        if depth > DEPTH_LIMIT:
            return True
    return False


def limit_problems(cat: Catalogue, withheld: set[str]) -> list[Problem]:
    """An error at each value too long or too deeply nested, as written or with its @strings expanded."""
    problems = []
    for bib, block, definition in cat.definitions:
        reason = over_limit(block.block.value)
        if reason is None and definition.length > VALUE_LIMIT:
            reason = _too_long_expanded(definition.length)
        if reason:
            position = bib.position(string_value_offset(bib, block))
            problems.append(error(bib.path, *position, f"@string {block.block.key}: {reason}"))
    budget = EXPANSION_BUDGET
    for sources in cat.entries.values():
        for source in sources:
            spans = None
            for index, item in enumerate(source.block.block.fields):
                reason, added = over_limit(item.value), 0
                if reason is None and _may_name_strings(item.value):
                    pieces = split_value(item.value)
                    length = cat.strings.expansion(pieces).length if pieces else 0
                    reason = _too_long_expanded(length) if length > VALUE_LIMIT else None
                    added = length - len(item.value)
                if reason is None and added > 0:
                    budget -= added
                    if budget < 0:          # past the budget nothing that expands more is given to pandoc
                        withheld.add(source.key)
                        if budget + added >= 0:
                            reason = (f"@string expansion makes the .bib files more than {EXPANSION_BUDGET:,} "
                                      "characters longer than written (the most it may add in all)")
                if reason:
                    withheld.add(source.key)
                    spans = spans or field_spans(source.bib, source.block)
                    name = (effective_field_name(item.key) or item.key).lower()
                    problems.append(error(source.bib.path, *source.bib.position(spans[index].value_offset),
                                          f"{name}: {reason}"))
    return problems


def over_limit(raw: str) -> str | None:
    """Why a value as written is past a limit, or None."""
    if len(raw) > VALUE_LIMIT:
        return f"the value is {len(raw):,} characters long; the most a value may hold is {VALUE_LIMIT:,}"
    if too_deep(raw):
        return f"braces nested more than {DEPTH_LIMIT} levels deep (the most a value may nest)"
    return None


def _too_long_expanded(length: int) -> str:
    return (f"the value is {length:,} characters long once its @strings are expanded; "
            f"the most a value may hold is {VALUE_LIMIT:,}")


def _may_name_strings(raw: str) -> bool:
    """Whether a value may hold an @string name (else it is one {...} or "..." piece and nothing more)."""
    return "#" in raw or raw[:1] not in ("{", '"')
