"""YAML loading that remembers where each value came from, for precise error positions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from builder.errors import Problem, warning


# libyaml's parser when PyYAML has it (about ten times faster); the same marks and errors.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):
    """SafeLoader that keeps timestamps as strings: dates are validated by us, with positions."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

# Characters no published value can hold: control characters but tab and newline, surrogates
# (the pure-Python parser lets "\ud800" through) and noncharacters. XML cannot hold most of them,
# and a form feed pasted from a PDF or a terminal's escape sequence is never meant as text.
UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
# The same, written into the file as they are; carriage return and U+0085 are YAML line breaks there.
_UNPRINTABLE_RAW = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
# What the parser reads in place of a character it would refuse: a noncharacter, which YAML accepts
# and no text means, of the same length, so that every position stays that of the file as written.
_PLACEHOLDER = "\ufdd0"
_CHARACTER_NAMES = {"\x00": "NUL", "\x07": "bell", "\x08": "backspace", "\x0b": "vertical tab",
                    "\x0c": "form feed", "\r": "carriage return", "\x1b": "escape", "\x7f": "delete"}

# An integer written with more characters than this is refused: Python cannot turn one of some
# 4,300 digits into text, and no setting or front matter value needs a number a tenth as long.
MAX_NUMBER_LENGTH = 400
_INT_TAG = "tag:yaml.org,2002:int"
_STR_TAG = "tag:yaml.org,2002:str"


class YamlError(Exception):
    """Malformed YAML; line and col are 1-based and relative to the text parsed."""

    def __init__(self, line: int, col: int, message: str):
        self.line, self.col, self.message = line, col, message
        super().__init__(message)


@dataclass(frozen=True)
class YamlDocument:
    """Parsed YAML plus the 1-based position of every mapping key and value, and of every
    unprintable character removed from it (as (line, col, character))."""

    data: object
    key_positions: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    value_positions: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    removed: tuple[tuple[int, int, str], ...] = ()

    def key_position(self, *path: object) -> tuple[int, int]:
        return self.key_positions.get(path, (1, 1))

    def value_position(self, *path: object) -> tuple[int, int]:
        return self.value_positions.get(path) or self.key_position(*path)

    def warnings(self, path: str, line_offset: int = 0) -> list[Problem]:
        """A warning for each unprintable character removed, at its position in the file at path
        (the YAML text beginning line_offset lines into it)."""
        return [warning(path, line + line_offset, col,
                        f"unprintable character {describe_character(char)} removed from the value")
                for line, col, char in self.removed]


def describe_character(char: str) -> str:
    """'U+000C (form feed)', 'U+FFFE'."""
    name = _CHARACTER_NAMES.get(char)
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


# What PyYAML says it was reading when a bracket is left open, and the brackets.
_FLOW_CLOSERS = {"while parsing a flow sequence": ("[", "]"), "while parsing a flow mapping": ("{", "}")}


def _quoting_hint(problem: str, text: str, line: int) -> str:
    """The fix for the commonest slip: a value holding ': ' (a title with a colon), which YAML reads as a mapping."""
    if problem != "mapping values are not allowed in this context":
        return ""
    lines = text.split("\n")
    key, _, value = (lines[line - 1] if line <= len(lines) else "").partition(": ")
    if not value.strip() or '"' in value:
        return ": a value holding ': ' must be in quotes"
    return f": a value holding ': ' must be in quotes, as in {key.strip()}: \"{value.strip()}\""


def parse_yaml(text: str) -> YamlDocument:
    """Parse one YAML document; raise YamlError with the position of the fault.

    Unprintable characters are removed from the values, written into the text or as escapes
    ("\\x07"), each recorded in YamlDocument.removed; an integer too long to handle is a YamlError."""
    removed = _unprintable_in(text)
    if removed:
        text = _UNPRINTABLE_RAW.sub(_PLACEHOLDER, text)
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is not None:
                _check_depth(node)
                _clean_scalars(node, loader, removed, set())
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except RecursionError:      # PyYAML composes nested blocks recursively, before any check can run
        raise YamlError(1, 1, f"values nested too deeply (more than {MAX_DEPTH} levels): settings and front "
                              "matter are a few levels at most") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "malformed YAML"
        if exc.context in _FLOW_CLOSERS and exc.context_mark and exc.problem_mark \
                and exc.problem_mark.line > exc.context_mark.line:
            # A bracket left open on its line: PyYAML stops at the next line; the fault is the opening.
            opening, closing = _FLOW_CLOSERS[exc.context]
            mark, problem = exc.context_mark, f"this '{opening}' is not closed: add '{closing}' after the last item"
        elif exc.context_mark and mark and mark.index >= len(text.rstrip()):
            # Hit the end of the text (an unclosed quote or bracket): point at the opening.
            mark, problem = exc.context_mark, f"{problem} ({exc.context})"
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlError(line, col, f"malformed YAML: {problem}{_quoting_hint(problem, text, line)}") from None
    except yaml.YAMLError as exc:
        raise YamlError(1, 1, f"malformed YAML: {exc}") from None
    keys: dict[tuple, tuple[int, int]] = {}
    values: dict[tuple, tuple[int, int]] = {}
    if node is not None:
        _record_positions(node, (), keys, values)
    return YamlDocument(data, keys, values, tuple(sorted(removed)))


MAX_DEPTH = 100     # levels of nested mappings and lists in one YAML document


def _check_depth(root: yaml.Node) -> None:
    """Refuse values nested more than MAX_DEPTH levels (each level costs stack in every later walk),
    at the first node past the limit; counted without recursion."""
    stack = [(root, 1)]
    seen: set[int] = set()
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise YamlError(node.start_mark.line + 1, node.start_mark.column + 1,
                            f"values nested too deeply (more than {MAX_DEPTH} levels): settings and front matter "
                            "are a few levels at most")
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend((part, depth + 1) for pair in node.value for part in pair)


def _unprintable_in(text: str) -> list[tuple[int, int, str]]:
    """(line, col, character) of each unprintable character written into text as it is."""
    found = []
    line, line_start, scanned = 1, 0, 0
    for match in _UNPRINTABLE_RAW.finditer(text):
        at = match.start()
        line += text.count("\n", scanned, at)
        line_start = max(line_start, text.rfind("\n", scanned, at) + 1)
        scanned = at
        found.append((line, at - line_start + 1, match.group()))
    return found


def _position(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _clean_scalars(node: yaml.Node, loader: yaml.BaseLoader, removed: list, seen: set) -> None:
    """Remove unprintable characters from every scalar, recording those written as escapes at the
    value's position (those written as they are were recorded at their own), then make each value
    that is not text, so that one that cannot be made (a 5,000-digit number, `!!timestamp 2016-13-45`)
    is a YamlError at its position rather than an exception from deep inside the parser."""
    if id(node) in seen:        # an alias: its node was cleaned where it was defined
        return
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        if UNPRINTABLE.search(node.value):
            escaped = dict.fromkeys(char for char in UNPRINTABLE.findall(node.value) if char != _PLACEHOLDER)
            removed.extend((*_position(node), char) for char in escaped)
            node.value = UNPRINTABLE.sub("", node.value)
        if node.tag == _INT_TAG and len(node.value) > MAX_NUMBER_LENGTH:
            raise YamlError(*_position(node), f"number too long ({len(node.value)} characters): "
                                              "put it in quotes to keep it as text")
        if node.tag != _STR_TAG:
            try:
                loader.construct_object(node)    # kept: the document's construction reuses it
            except (ValueError, KeyError, TypeError, OverflowError):
                shown = node.value if len(node.value) <= 40 else node.value[:40] + "…"
                raise YamlError(*_position(node), f"malformed YAML: '{shown}' is not a valid "
                                                  f"{node.tag.rsplit(':', 1)[-1]}") from None
    elif isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            _clean_scalars(key_node, loader, removed, seen)
            _clean_scalars(value_node, loader, removed, seen)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _clean_scalars(item, loader, removed, seen)


def _record_positions(node: yaml.Node, path: tuple, keys: dict, values: dict, seen: set | None = None) -> None:
    values[path] = _position(node)
    # An alias (*name) is the node it names: walked once, or nested aliases would expand
    # exponentially ("billion laughs").
    seen = set() if seen is None else seen
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            child = path + (key_node.value,)
            keys[child] = _position(key_node)
            _record_positions(value_node, child, keys, values, seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_positions(item, path + (index,), keys, values, seen)
