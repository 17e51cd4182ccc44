"""Pandoc attribute blocks: `{#id .class key=value key="quoted value"}`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Pandoc's identifier: a letter, then letters, digits and '-', '_', ':', '.'.
IDENTIFIER = re.compile(r"[^\W\d_][\w:.\-]*")

_TOKEN = re.compile(r"""
    \s*(?:
      \#(?P<id>[^\s}"'=]+)
    | \.(?P<cls>[^\s}"'=#.]+)
    | (?P<key>[A-Za-z_][\w.:-]*)=(?:"(?P<dq>(?:[^"\\]|\\.)*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"'}]+))
    )""", re.VERBOSE)


class AttributeSyntaxError(ValueError):
    """Raised with the 0-based offset in the attribute text where parsing stopped."""

    def __init__(self, offset: int, message: str):
        self.offset = offset
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class Attributes:
    id: str = ""
    classes: tuple[str, ...] = ()
    pairs: tuple[tuple[str, str], ...] = ()
    # 0-based offset of each key (or "#id"/".class") in the text parsed, for messages
    offsets: dict = field(default_factory=dict, compare=False)

    def get(self, key: str, default: str | None = None) -> str | None:
        for name, value in self.pairs:
            if name == key:
                return value
        return default


def parse_attributes(text: str) -> Attributes:
    """Parse the inside of `{...}` (without the braces)."""
    identifier, classes, pairs, offsets = "", [], [], {}
    position = 0
    while position < len(text):
        if not text[position:].strip():
            break
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            rest = text[position:].lstrip()
            offset = len(text) - len(rest)
            if rest[:1] in "\"'" or re.match(r"[\w.:-]+=[\"']", rest):
                raise AttributeSyntaxError(offset, "unterminated quoted attribute value")
            raise AttributeSyntaxError(offset, f"cannot read attribute '{rest.split()[0]}'")
        start = match.start(match.lastindex or 0)
        if match.group("id") is not None:
            identifier = match.group("id")
            offsets["#"] = start - 1
        elif match.group("cls") is not None:
            classes.append(match.group("cls"))
            offsets.setdefault("." + match.group("cls"), start - 1)
        else:
            key = match.group("key")
            value = match.group("dq")
            if value is not None:
                value = re.sub(r"\\(.)", r"\1", value)
            else:
                value = match.group("sq") if match.group("sq") is not None else match.group("bare")
            if key == "id":         # as pandoc reads it: id="x" is #x, class="a b" is .a .b
                identifier = value
                offsets["#"] = match.start("key")
            elif key == "class":
                classes += value.split()
                offsets.setdefault(".", match.start("key"))
            else:
                pairs.append((key, value))
                offsets.setdefault(key, match.start("key"))
        position = match.end()
    return Attributes(identifier, tuple(classes), tuple(pairs), offsets)


def find_closing_brace(text: str, start: int) -> int:
    """Index of the `}` closing the `{` at start, skipping quoted values; -1 when none."""
    quote = ""
    index = start + 1
    while index < len(text):
        char = text[index]
        if quote:
            if char == "\\" and quote == '"':
                index += 1
            elif char == quote:
                quote = ""
        elif char in "\"'" and text[index - 1] == "=":
            quote = char
        elif char == "}":
            return index
        index += 1
    return -1
