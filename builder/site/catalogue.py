"""One gettext catalogue (a theme's locale/LANGUAGE.po) read with Babel and checked line by line.

A .po file is read as gettext's tools read it, by Babel's reader, after a check of its lines
that Babel's reader does not make (it drops an unclosed string without a word): every problem
is at its line and column. A translation must fill in the same %(name)s values as its msgid,
since the build fills in only those; a fuzzy or empty translation is none (English is shown).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Callable

from builder.errors import Problem, error

Entry = str | tuple[str, ...]        # a translation; a plural one has a form per the language's plural rule

_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)(\s+)")
_ESCAPES = set('\\"ntr')          # the escapes Babel's reader decodes
# A printf conversion as Python's % operator reads it; the build fills in only %(name)x ones.
_CONVERSION = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?(?P<type>[diouxXeEfFgGcrsa%]?)")


def english_plural(n: int) -> int:
    """English's plural rule (and gettext's default): form 0 for one, form 1 for any other number."""
    return int(n != 1)


@dataclass(frozen=True)
class Catalogue:
    """The translations of one .po file, by msgid (a plural one by (msgid, msgid_plural))."""

    path: str                                   # as messages give it
    entries: dict[str | tuple[str, str], Entry] = field(default_factory=dict)
    lines: dict[str | tuple[str, str], int] = field(default_factory=dict)     # each msgid's line
    plural: Callable[[int], int] = english_plural
    plural_forms: int = 2


def read_catalogue(text: str, path: str, language: str) -> tuple[Catalogue, list[Problem]]:
    """The catalogue in text (a .po file's, shown as path) for language (a code such as 'ko'), and its
    problems; a file that cannot be read gives an empty catalogue."""
    from babel.messages.pofile import PoFileError, read_po

    problems = _line_problems(text, path)
    if problems:
        return Catalogue(path), problems
    try:
        catalog = read_po(io.StringIO(text), locale=_babel_locale(language), abort_invalid=True)
    except PoFileError as exc:
        reason = re.sub(r" on -?\d+$", "", str(exc))
        return Catalogue(path), [error(path, max(exc.lineno, 0) + 1, 1, f"cannot read this catalogue: {reason}")]
    except ValueError as exc:    # Babel's reading of the header (Plural-Forms, a date)
        return Catalogue(path), [error(path, 1, 1, f"cannot read this catalogue's header: {exc}")]
    plural_forms, plural = _plural_rule(catalog, path, problems)
    catalogue = Catalogue(path, {}, {}, plural, plural_forms)
    lines = text.splitlines()
    problems += _duplicates(lines, path)
    for message in catalog:
        if not message.id or message.context:
            continue
        key = tuple(message.id) if isinstance(message.id, (list, tuple)) else message.id
        line = message.lineno or 1
        catalogue.lines[key] = line
        found = _placeholder_problem(key, message.string, path, _msgstr_line(lines, line))
        if found:
            problems.append(found)
            continue
        strings = tuple(message.string) if isinstance(message.string, (list, tuple)) else (message.string,)
        if message.fuzzy or not all(strings):
            continue        # no translation (gettext's rule): English is shown, and said to be
        catalogue.entries[key] = strings if isinstance(key, tuple) else strings[0]
    return catalogue, problems


def placeholders(text: str) -> tuple[set[str], str]:
    """The %(name)s values text uses, and what is wrong with its % signs ('' when nothing is)."""
    names = set()
    for match in _CONVERSION.finditer(text):
        if match["type"] == "%" and match.group(0) == "%%":
            continue
        if match["name"] is None or not match["type"] or not match["name"].isidentifier():
            return names, (f"has a % that is no placeholder ({match.group(0)!r}): write %% for a percent sign "
                           "and %(name)s for a value")
        names.add(match["name"])
    return names, ""


def _placeholder_problem(key, string, path: str, line: int) -> Problem | None:
    """A translation that uses values its msgid does not give, or leaves out one it must show."""
    ids = key if isinstance(key, tuple) else (key,)
    strings = tuple(string) if isinstance(string, (list, tuple)) else (string,)
    given = [placeholders(msgid)[0] for msgid in ids]
    allowed = set().union(*given)
    required = set.intersection(*given)      # a singular may say "one source" without %(num)d
    for text in strings:
        if not text:
            continue
        names, reason = placeholders(text)
        if reason:
            return error(path, line, 1, f"the translation of '{ids[0]}' {reason}")
        extra, missing = sorted(names - allowed), sorted(required - names)
        if extra:
            return error(path, line, 1, f"the translation of '{ids[0]}' uses %({extra[0]})s, which its msgid does "
                                        f"not: the build fills in only {_listed(allowed)}")
        if missing:
            return error(path, line, 1, f"the translation of '{ids[0]}' leaves out %({missing[0]})s: a reader "
                                        "would miss what it stands for")
    return None


def _duplicates(lines: list[str], path: str) -> list[Problem]:
    """An error at each msgid given a second time (Babel's reader keeps the first in silence)."""
    from babel.messages.pofile import denormalize

    seen: dict[tuple[str, str], int] = {}
    problems = []
    context = ""
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("msgctxt"):
            context = stripped
        if not stripped.startswith('msgid "'):
            continue
        strings = [stripped[len("msgid "):]]
        for following in lines[index + 1:]:
            if not following.strip().startswith('"'):
                break
            strings.append(following.strip())
        msgid = denormalize("\n".join(strings))
        if msgid and (context, msgid) in seen:
            problems.append(error(path, index + 1, 1, f"'{msgid}' is translated twice (first at line "
                                                      f"{seen[context, msgid]}): keep one"))
        seen.setdefault((context, msgid), index + 1)
        context = ""
    return problems


def _listed(names: set[str]) -> str:
    return ", ".join(f"%({name})s" for name in sorted(names)) or "no values"


def _msgstr_line(lines: list[str], msgid_line: int) -> int:
    """The line of the first msgstr of the entry whose msgid is at msgid_line."""
    for index in range(msgid_line - 1, len(lines)):
        if lines[index].lstrip().startswith("msgstr"):
            return index + 1
    return msgid_line


def _plural_rule(catalog, path: str, problems: list[Problem]) -> tuple[int, Callable[[int], int]]:
    """The language's plural rule: its Plural-Forms header, else CLDR's for the language."""
    import gettext

    try:
        return catalog.num_plurals, gettext.c2py(catalog.plural_expr)
    except (ValueError, TypeError, SyntaxError) as exc:
        problems.append(error(path, 1, 1, f"cannot read this catalogue's Plural-Forms ({exc}): write it as "
                                          "gettext does, e.g. 'nplurals=2; plural=(n != 1);'"))
        return 2, english_plural


def _babel_locale(language: str):
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return None


def _line_problems(text: str, path: str) -> list[Problem]:
    """Lines a .po file cannot have: each is a comment, a keyword and its string, or a string that
    continues one. Babel's reader passes over some of these in silence."""
    problems = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        col = len(line) - len(line.lstrip()) + 1
        keyword = _KEYWORD.match(line, col - 1)
        if keyword:
            col += keyword.end() - keyword.start()
        elif not stripped.startswith('"'):
            problems.append(error(path, number, col, "cannot read this line: a .po line is a comment (#), a keyword "
                                                     "(msgid, msgid_plural, msgstr, msgstr[N], msgctxt) and its "
                                                     "\"string\", or a \"string\" that continues the one above"))
            continue
        found = _string_problem(line, col - 1)
        if found:
            problems.append(error(path, number, found[0] + 1, found[1]))
    return problems


def _string_problem(line: str, start: int) -> tuple[int, str] | None:
    """What is wrong with the "string" at line[start:] (its index and the reason), if anything."""
    if line[start:start + 1] != '"':
        return start, "a keyword is followed by a \"string\" in double quotes"
    index = start + 1
    while index < len(line):
        char = line[index]
        if char == "\\":
            if line[index + 1:index + 2] not in _ESCAPES or index + 1 >= len(line):
                return index, f"unknown escape '\\{line[index + 1:index + 2]}': write \\\\ for a backslash"
            index += 2
            continue
        if char == '"':
            rest = line[index + 1:]
            if rest.strip():
                return index + 1 + len(rest) - len(rest.lstrip()), "text after the string's closing quote"
            return None
        index += 1
    return start, "the string is not closed: end it with \" on the same line"
