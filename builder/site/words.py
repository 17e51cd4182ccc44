"""The theme's words: what a reader sees that the build writes itself (page titles and
descriptions, labels, a quote's status, the PDF edition's metadata), from the catalogue
words/LANGUAGE.yml of the shipped theme, changed key by key by a publication's own theme.

The catalogue of the publication's language (its `language:`, e.g. ko for ko-KR) is laid
over the English one, and the publication's own over the shipped ones, so a publication
gives only the words it changes. A changed word may use the {names} the build fills in for
that word, and no others.
"""

from __future__ import annotations

import string
from pathlib import Path

from builder.config.yamlfile import YamlError, parse_yaml
from builder.errors import Problem, error, warning
from builder.model import Settings
from builder.run.confinement import inside
from builder.text import decode_utf8, did_you_mean

BASE_LANGUAGE = "en"


class Words:
    """The words of one build; words(key, name=value, ...) fills in a word's {names}."""

    def __init__(self, entries: dict[str, str]):
        self._entries = dict(entries)

    def __call__(self, key: str, /, **values: object) -> str:
        return self._entries[key].format(**values) if values else self._entries[key]

    def __getitem__(self, key: str) -> str:
        return self._entries[key]

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def signature(self) -> list[tuple[str, str]]:
        """Every word, in order of its key: what a cached page made with these words depends on."""
        return sorted(self._entries.items())


def load_words(settings: Settings, theme_dirs: list[Path]) -> tuple[Words, list[Problem]]:
    """The words for settings.language from the theme folders (the publication's own first)."""
    language = settings.language.split("-")[0].lower()
    languages = [BASE_LANGUAGE] + ([language] if language != BASE_LANGUAGE else [])
    shipped, own = theme_dirs[-1], theme_dirs[:-1]
    entries: dict[str, str] = {}
    problems: list[Problem] = []
    for name in languages:
        entries.update(_read(shipped / "words" / f"{name}.yml", settings, None, problems))
    known = dict(entries)
    for folder in reversed(own):
        for name in languages:
            entries.update(_read(folder / "words" / f"{name}.yml", settings, known, problems))
    return Words(entries), problems


def _read(path: Path, settings: Settings, known: dict[str, str] | None, problems: list[Problem]) -> dict[str, str]:
    """The words of one catalogue, if it exists; known (None for the shipped catalogues) holds the
    words a publication's catalogue may change, each with the {names} it may use."""
    root = settings.root
    if not path.is_file() or (known is not None and not inside(root, path)):
        return {}
    where = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    text, problem = decode_utf8(path.read_bytes(), where)
    if text is None:
        problems.append(problem)
        return {}
    try:
        doc = parse_yaml(text)
    except YamlError as exc:
        problems.append(error(where, exc.line, exc.col, exc.message))
        return {}
    problems += doc.warnings(where)
    if doc.data is None:
        return {}
    if not isinstance(doc.data, dict):
        problems.append(error(where, 1, 1, "a words catalogue must be a YAML mapping (key: word lines)"))
        return {}
    entries = {}
    for key, value in doc.data.items():
        key = str(key)
        line, col = doc.value_position(key)
        if known is not None and key not in known:
            key_line, key_col = doc.key_position(key)
            problems.append(warning(where, key_line, key_col, f"unknown word '{key}'{did_you_mean(key, known)}: "
                                                              "it is not used"))
            continue
        if not isinstance(value, str):
            problems.append(error(where, line, col, f"word '{key}' must be text"))
            continue
        names, reason = _names(value)
        if reason:
            problems.append(error(where, line, col, f"word '{key}' {reason}: write {{{{ or }}}} for a brace itself"))
            continue
        unknown = sorted(names - (_names(known[key])[0] if known is not None else names))
        if unknown:
            may = ", ".join(f"{{{name}}}" for name in sorted(_names(known[key])[0])) or "none"
            problems.append(error(where, line, col, f"word '{key}' uses {{{unknown[0]}}}, which the build does not "
                                                    f"fill in for it (the names it may use: {may})"))
            continue
        entries[key] = value
    return entries


def _names(value: str) -> tuple[set[str], str]:
    """The {names} a word uses, and why it cannot be filled in ('' when it can)."""
    try:
        fields = [field for _, field, spec, conversion in string.Formatter().parse(value) if field is not None]
    except ValueError as exc:
        return set(), f"has a stray brace ({exc})"
    if any(not field.isidentifier() for field in fields):
        return set(), "has a {} with no name, or a name with other characters"
    return set(fields), ""
