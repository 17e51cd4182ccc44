"""CSL-JSON and CSL-YAML bibliographies (citations/*.json, *.yaml, *.yml): each item where it is written.

What Zotero, Quarto and Better BibTeX export. Pandoc reads a .json bibliography as an array of
items (or {"items": [...]}) and a .yaml one as a list of items (or a `references:` list); the
build hands the items to the formatter as CSL-JSON, as they are written, so each is read here
as citeproc reads CSL-JSON: a variable's name in any case, an id that is text or a whole number,
a value of the kind its variable takes. What citeproc would refuse is an error at the item's
value; an item without an id is a warning (nothing can cite it, and pandoc passes over it).

Pandoc's JSON reader keeps the first value of a name written twice in one object (`"title"` twice),
its YAML reader the last; an id defined twice is resolved by the bibliography (the last wins).
YAML scalars are read as pandoc reads them, as text: `issued: 2016` is "2016", `volume: 3` is "3".

Limits, as for .bib files: a value holds at most VALUE_LIMIT characters, values nest at most
DEPTH_LIMIT levels, and YAML aliases (`*name`) may add at most EXPANSION_BUDGET characters to a file.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

from builder.bib.variables import DEPTH_LIMIT, NAME_VARIABLES, depth_message, read_item
from builder.errors import Problem, error
from builder.text import decode_utf8

EXPANSION_BUDGET = 10_000_000  # the most characters YAML aliases may add to one file's items
_NOT_AN_ITEM = "this item is not a set of variables (id, type, title, ...)"

_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_JSON_NESTING = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


@dataclass(frozen=True, slots=True)
class CslField:
    """A variable of an item as written: its name, and where its name and its value are."""

    name: str
    line: int
    col: int
    value_line: int
    value_col: int


@dataclass(frozen=True, eq=False)
class CslItem:
    """One item where it is written; it stands in the build's bibliography as a .bib entry does."""

    key: str                              # its id as text; '' when it has none
    item: dict                            # the CSL-JSON item the formatter is given (its id as text)
    path: str                             # relative to the publication root
    line: int                             # 1-based position of the item's first character
    col: int
    fields: tuple[CslField, ...] = ()     # every variable as written, a name written twice twice
    # From CSL-JSON: pandoc keeps a repeated name's first value and reads a note's leading "name: value"
    # lines as variables. From CSL-YAML: the last value, and the note as it is.
    from_json: bool = False

    block = None                          # pandoc is never given it as BibLaTeX

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"

    @property
    def entry_type(self) -> str:
        """Its CSL type (`article-journal`), where a .bib entry has its BibTeX type."""
        kind = self.item.get("type")
        return kind if isinstance(kind, str) else ""

    def field(self, name: str) -> str | None:
        """A variable's value as text (any case of its name), or None."""
        name = name.casefold()
        for variable, value in self.item.items():
            if variable.casefold() == name and isinstance(value, (str, int, float)) and not isinstance(value, bool):
                return str(value)
        return None

    def links(self) -> list[str]:
        return []

    def macros(self) -> set[str]:
        return set()

    def repeated(self) -> list[tuple[CslField, CslField]]:
        """(ignored, used) for each variable written again in the item, as pandoc resolves them."""
        by_name: dict[str, list[CslField]] = {}
        for written in self.fields:
            by_name.setdefault(written.name, []).append(written)
        pairs = []
        for occurrences in by_name.values():
            used = occurrences[0] if self.from_json else occurrences[-1]
            pairs += [(other, used) for other in occurrences if other is not used]
        return sorted(pairs, key=lambda pair: (pair[0].line, pair[0].col))


@dataclass(frozen=True)
class CslFile:
    """One CSL-JSON or CSL-YAML file: its items in order, and what keeps any of them from being read."""

    path: str
    items: tuple[CslItem, ...]
    problems: tuple[Problem, ...] = ()    # errors (and warnings: no id, an unprintable character removed)


def read_csl(path: Path, relpath: str) -> tuple[CslFile | None, Problem | None]:
    """Read one CSL-JSON or CSL-YAML file; None and an error when it is not UTF-8."""
    text, problem = decode_utf8(path.read_bytes(), relpath)
    if text is None:
        return None, problem
    text = text.replace("\r\n", "\n")
    return (parse_csl_json(text, relpath) if path.suffix == ".json" else parse_csl_yaml(text, relpath)), None


# --- CSL-JSON --------------------------------------------------------------------------------------

def _first_values(pairs: list[tuple[str, object]]) -> dict:
    """A JSON object as pandoc's reader takes it: a name written twice keeps its first value."""
    found: dict = {}
    for name, value in pairs:
        found.setdefault(name, value)
    return found


def _refuse_constant(name: str):
    raise ValueError(name)


_DECODER = json.JSONDecoder(object_pairs_hook=_first_values, parse_constant=_refuse_constant)
_CONSTANT = re.compile(r"(?<![\w\"])(-?Infinity|NaN)(?![\w\"])")


def parse_csl_json(text: str, path: str = "<string>") -> CslFile:
    """The items of a CSL-JSON text, each with the position of its variables."""
    starts = (0, *(match.end() for match in re.finditer("\n", text)))

    def position(offset: int) -> tuple[int, int]:
        line = bisect_right(starts, offset)
        return line, offset - starts[line - 1] + 1

    deep = _too_deep(text)
    if deep is not None:
        return CslFile(path, (), (error(path, *position(deep), depth_message()),))
    try:
        data = _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        return CslFile(path, (), (error(path, exc.lineno, exc.colno, f"malformed JSON: {exc.msg}"),))
    except ValueError as exc:       # NaN or Infinity: Python reads them, pandoc (and JSON) do not
        found = _CONSTANT.search(text)
        return CslFile(path, (), (error(path, *position(found.start() if found else 0),
                                        f"malformed JSON: {exc} is not a JSON value"),))
    array_at = _JSON_SPACE.match(text).end()
    if isinstance(data, dict) and isinstance(data.get("items"), list):     # pandoc also reads {"items": [...]}
        array_at = next(value_at for name, _, value_at, _ in _members(text, array_at) if name == "items")
    elif not isinstance(data, list):
        return CslFile(path, (), (error(path, *position(array_at), "a CSL-JSON file is a list of items: "
                                                                  '[{"id": "key", "type": "book", ...}, ...]'),))
    items, problems = [], []
    for item_at in _elements(text, array_at):
        line, col = position(item_at)
        if text[item_at] != "{":
            problems.append(error(path, line, col, _NOT_AN_ITEM))
            continue
        members = _members(text, item_at)
        fields = tuple(CslField(name, *position(name_at), *position(value_at))
                       for name, name_at, value_at, _ in members)
        values = _first_values([(name, value) for name, _, _, value in members])
        item, found = read_item(values, path, (line, col), _first_positions(fields))
        problems += found
        if item is not None:
            items.append(CslItem(item["id"], item, path, line, col, fields, from_json=True))
    return CslFile(path, tuple(items), tuple(problems))


def _too_deep(text: str) -> int | None:
    """The offset where JSON values nest deeper than DEPTH_LIMIT, or None (before Python's parser recurses)."""
    if text.count("[") + text.count("{") <= DEPTH_LIMIT:
        return None
    depth = 0
    for match in _JSON_NESTING.finditer(text):
        mark = match.group()
        if mark in "[{":
            depth += 1
            if depth > DEPTH_LIMIT:
                return match.start()
        elif mark in "]}":
            depth -= 1
    return None


def _elements(text: str, at: int) -> list[int]:
    """The offset of each element of the (well-formed) JSON array at offset at."""
    offsets = []
    position = _JSON_SPACE.match(text, at + 1).end()
    while text[position] != "]":
        offsets.append(position)
        _, position = _DECODER.raw_decode(text, position)
        position = _JSON_SPACE.match(text, position).end()
        if text[position] == ",":
            position = _JSON_SPACE.match(text, position + 1).end()
    return offsets


def _members(text: str, at: int) -> list[tuple[str, int, int, object]]:
    """(name, offset of the name, offset of the value, value) of each member of the (well-formed)
    JSON object at offset at, in order, a name written twice twice."""
    members = []
    position = _JSON_SPACE.match(text, at + 1).end()
    while text[position] != "}":
        name_at = position
        name, position = _DECODER.raw_decode(text, position)
        position = _JSON_SPACE.match(text, position).end() + 1          # past ':'
        value_at = _JSON_SPACE.match(text, position).end()
        value, position = _DECODER.raw_decode(text, value_at)
        members.append((name, name_at, value_at, value))
        position = _JSON_SPACE.match(text, position).end()
        if text[position] == ",":
            position = _JSON_SPACE.match(text, position + 1).end()
    return members


def _first_positions(fields: tuple[CslField, ...]) -> dict[str, tuple[int, int]]:
    """Each variable's value position; for a name written twice, the first (the value pandoc keeps)."""
    found: dict[str, tuple[int, int]] = {}
    for written in fields:
        found.setdefault(written.name, (written.value_line, written.value_col))
    return found


# --- CSL-YAML --------------------------------------------------------------------------------------

def parse_csl_yaml(text: str, path: str = "<string>") -> CslFile:
    """The items of a CSL-YAML text (a list of items, or a `references:` list), each with its positions."""
    from builder.config.yamlfile import YamlError, parse_yaml

    try:
        document = parse_yaml(text)
    except YamlError as exc:
        return CslFile(path, (), (error(path, exc.line, exc.col, exc.message),))
    except RecursionError:          # nested close to a thousand levels: deeper than Python's parser goes
        return CslFile(path, (), (error(path, 1, 1, depth_message()),))
    problems = document.warnings(path)
    data, prefix = document.data, ()
    if isinstance(data, dict) and "references" in data:
        data, prefix = data["references"], ("references",)
    if data is None:
        return CslFile(path, (), tuple(problems))
    if not isinstance(data, list):
        at = document.value_position(*prefix)
        return CslFile(path, (), (*problems, error(path, *at, "a CSL-YAML file is a list of items (- id: key) "
                                                               "or a references: list of them")))
    items = []
    budget = _Budget(len(text) + EXPANSION_BUDGET)
    for index, value in enumerate(data):
        at = document.value_position(*prefix, index)
        if not isinstance(value, dict):
            problems.append(error(path, *at, _NOT_AN_ITEM))
            continue
        names = [name for name in value if isinstance(name, str)]
        fields = tuple(CslField(name, *document.key_position(*prefix, index, name),
                                *document.value_position(*prefix, index, name)) for name in names)
        over = budget.spend(value)
        if over:
            problems.append(error(path, *at, f"aliases make the items of this file more than {EXPANSION_BUDGET:,} "
                                             "characters longer than written (the most they may add in all)"))
            break
        values = {name: _yaml_value(name, item_value) for name, item_value in value.items()
                  if isinstance(name, str) and item_value is not None}
        positions = {field.name: (field.value_line, field.value_col) for field in fields}
        item, found = read_item(values, path, at, positions)
        problems += found
        if item is not None:
            items.append(CslItem(item["id"], item, path, *at, fields))
    return CslFile(path, tuple(items), tuple(problems))


class _Budget:
    """What a file's items hold once YAML aliases are expanded, counted without expanding them."""

    def __init__(self, limit: int):
        self.left = limit
        self._sizes: dict[int, int] = {}

    def spend(self, value) -> bool:
        """Take value's expanded size from the budget; whether the budget is spent."""
        self.left -= self._size(value, 0)
        return self.left < 0

    def _size(self, value, depth: int) -> int:
        if isinstance(value, str):
            return len(value)
        if not isinstance(value, (list, dict)):
            return 1
        known = self._sizes.get(id(value))
        if known is not None:
            return known
        if depth > DEPTH_LIMIT:
            return 1
        parts = value.items() if isinstance(value, dict) else enumerate(value)
        size = sum(self._size(part, depth + 1) + (len(name) if isinstance(name, str) else 1) for name, part in parts)
        self._sizes[id(value)] = size
        return size


def _yaml_value(name: str, value):
    """A YAML value as pandoc reads it: scalars as text; a name variable written as one name, a list of it."""
    if name.casefold() in NAME_VARIABLES and isinstance(value, (str, dict)):
        value = [value]
    return _as_text(value, 0)


def _as_text(value, depth: int):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if depth > DEPTH_LIMIT:
        return value        # _value_problem refuses it
    if isinstance(value, list):
        return [_as_text(part, depth + 1) for part in value if part is not None]
    if isinstance(value, dict):
        return {name: _as_text(part, depth + 1) for name, part in value.items() if part is not None}
    return value if isinstance(value, str) else str(value)     # a tagged value (!!binary): its text
