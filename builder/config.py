"""Load and validate dossier.yml."""

from __future__ import annotations

from pathlib import Path

from builder.errors import BuildFailed, Problem, error, warning
from builder.model import DEFAULT_BASE_URL, Author, Settings
from builder.text import slugify
from builder.yamlfile import YamlDocument, YamlError, parse_yaml

SETTINGS_FILE = "dossier.yml"

# name -> (accepted type, type name for messages)
_FIELDS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "title": (str, "a string"),
    "description": (str, "a string"),
    "base_url": (str, "a string"),
    "language": (str, "a string"),
    "authors": (list, "a list"),
    "theme": (str, "a string"),
    "output": (str, "a string"),
    "csl": (str, "a string"),
    "index_articles": (int, "an integer"),
    "unsafe_html": (bool, "true or false"),
    "menu": (list, "a list of page names"),
    "feed_full_content": (bool, "true or false"),
    "pdf": (dict, "a mapping (variant, order, cover_image)"),
    "extra": (dict, "a mapping"),
}


def load_settings(root: Path) -> tuple[Settings, list[Problem]]:
    """Read root/dossier.yml; return settings and warnings, raise BuildFailed on errors."""
    path = root / SETTINGS_FILE
    name = SETTINGS_FILE
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise BuildFailed([error(name, 1, 1, f"no {SETTINGS_FILE} here: run `dossier init` or use -C DIR")]) from None
    except UnicodeDecodeError as exc:
        raise BuildFailed([error(name, 1, exc.start + 1, "file is not valid UTF-8")]) from None
    try:
        doc = parse_yaml(text)
    except YamlError as exc:
        raise BuildFailed([error(name, exc.line, exc.col, exc.message)]) from None
    if not isinstance(doc.data, dict):
        raise BuildFailed([error(name, 1, 1, "settings must be a YAML mapping (key: value lines)")])
    return _validate(root, name, doc)


def _validate(root: Path, name: str, doc: YamlDocument) -> tuple[Settings, list[Problem]]:
    data: dict = doc.data  # type: ignore[assignment]
    problems: list[Problem] = []
    values: dict = {}
    extra: dict = {}
    for key, value in data.items():
        key = str(key)
        line, col = doc.key_position(key)
        if key not in _FIELDS:
            problems.append(warning(name, line, col, f"unknown setting '{key}' (kept for templates; free keys belong under 'extra:')"))
            extra[key] = value
            continue
        expected, type_name = _FIELDS[key]
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            vline, vcol = doc.value_position(key)
            problems.append(error(name, vline, vcol, f"'{key}' must be {type_name}, not {_describe(value)}"))
            continue
        values[key] = value
    if "title" not in data:
        problems.append(error(name, 1, 1, "missing required setting 'title'"))
    authors = parse_authors(values.pop("authors", []), name, doc, ("authors",), problems)
    # Not Settings.base_url: with slots=True that is a descriptor, not the default.
    base_url = values.pop("base_url", DEFAULT_BASE_URL)
    if not base_url.endswith("/"):
        base_url += "/"
    if not base_url.startswith(("http://", "https://")):
        line, col = doc.value_position("base_url")
        problems.append(error(name, line, col, "'base_url' must be an absolute http:// or https:// URL"))
    theme = values.get("theme")
    if theme is not None and (theme in ("", ".", "..") or "/" in theme or "\\" in theme):
        problems.append(error(name, *doc.value_position("theme"), f"'theme' must be the name of a folder in themes/, not '{theme}'"))
    extra.update(values.pop("extra", {}))
    if "menu" in values:
        values["menu"] = tuple(str(item) for item in values["menu"])
    if any(p.is_error for p in problems):
        raise BuildFailed(problems)
    positions = {str(key): doc.value_position(str(key)) for key in data}
    positions.update({f"pdf.{key}": doc.value_position("pdf", key) for key in values.get("pdf", {})})
    settings = Settings(root=root, authors=authors, base_url=base_url, extra=extra, positions=positions,
                        title=values.pop("title"), **values)
    return settings, problems


def parse_authors(value: object, name: str, doc: YamlDocument, path: tuple,
                  problems: list[Problem], offset: int = 0) -> tuple[Author, ...]:
    """Authors as names or as {name, affiliation, orcid} mappings; problems appended."""
    if isinstance(value, (str, dict)):
        value = [value]
    if not isinstance(value, list):
        line, col = doc.value_position(*path)
        problems.append(error(name, line + offset, col, f"'{path[-1]}' must be a list of names"))
        return ()
    authors = []
    for index, item in enumerate(value):
        line, col = doc.value_position(*path, index)
        if isinstance(item, str) and item.strip():
            authors.append(Author(name=item.strip(), slug=slugify(item)))
        elif isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"].strip():
            author_name = item["name"].strip()
            authors.append(Author(name=author_name, slug=slugify(author_name),
                                  affiliation=str(item.get("affiliation") or ""),
                                  orcid=str(item.get("orcid") or "")))
        else:
            problems.append(error(name, line + offset, col, "an author must be a name or a mapping with 'name'"))
    return tuple(authors)


def _describe(value: object) -> str:
    if value is None:
        return "empty"
    return {bool: "true/false", int: "a number", float: "a number", str: "a string",
            list: "a list", dict: "a mapping"}.get(type(value), type(value).__name__)
