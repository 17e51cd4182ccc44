"""YAML loading that remembers where each value came from, for precise error positions."""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml


# libyaml's parser when PyYAML has it (about ten times faster); the same marks and errors.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):
    """SafeLoader that keeps timestamps as strings: dates are validated by us, with positions."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class YamlError(Exception):
    """Malformed YAML; line and col are 1-based and relative to the text parsed."""

    def __init__(self, line: int, col: int, message: str):
        self.line, self.col, self.message = line, col, message
        super().__init__(message)


@dataclass(frozen=True)
class YamlDocument:
    """Parsed YAML plus the 1-based position of every mapping key and value."""

    data: object
    key_positions: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    value_positions: dict[tuple, tuple[int, int]] = field(default_factory=dict)

    def key_position(self, *path: object) -> tuple[int, int]:
        return self.key_positions.get(path, (1, 1))

    def value_position(self, *path: object) -> tuple[int, int]:
        return self.value_positions.get(path) or self.key_position(*path)


def parse_yaml(text: str) -> YamlDocument:
    """Parse one YAML document; raise YamlError with the position of the fault."""
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "malformed YAML"
        if exc.context_mark and mark and mark.index >= len(text.rstrip()):
            # Hit the end of the text (an unclosed quote or bracket): point at the opening.
            mark, problem = exc.context_mark, f"{problem} ({exc.context})"
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlError(line, col, f"malformed YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise YamlError(1, 1, f"malformed YAML: {exc}") from None
    keys: dict[tuple, tuple[int, int]] = {}
    values: dict[tuple, tuple[int, int]] = {}
    if node is not None:
        _record_positions(node, (), keys, values)
    return YamlDocument(data, keys, values)


def _record_positions(node: yaml.Node, path: tuple, keys: dict, values: dict, seen: set | None = None) -> None:
    values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
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
            keys[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            _record_positions(value_node, child, keys, values, seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_positions(item, path + (index,), keys, values, seen)
