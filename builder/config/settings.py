"""Load and validate dossier.yml."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from builder.config.editions import parse_editions
from builder.config.yamlfile import YamlDocument, YamlError, parse_yaml
from builder.errors import BuildFailed, Problem, error, sorted_problems, warning
from builder.model import DEFAULT_BASE_URL, Author, Settings
from builder.text import decode_utf8, did_you_mean, slugify, suggestion
from builder.urls import history_url

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
    "unknown_citation_keys": (str, "'error' or 'warn'"),
    "menu": (list, "a list of page names"),
    "feed_full_content": (bool, "true or false"),
    "translator": (str, "a string"),
    "verify_quotes": (str, "'error' or 'warn'"),
    "history_url": (str, "a string"),
    "pdf": (dict, "a mapping (variant, order, cover_image, editions)"),
    "extra": (dict, "a mapping"),
}
# pdf: {...}; a value left empty (null) means the default.
_PDF_FIELDS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "variant": (str, "a string"),
    "order": (list, "a list of article names"),
    "cover_image": (str, "a string"),
    "editions": ((list, str), "a list of editions or 'all'"),
}
# A BCP 47 tag as pandoc, Pagefind and browsers read it: 'en', 'pt-BR', 'zh-Hant-TW'.
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")
# Names other tools give settings (pandoc's `lang`, Hugo's `baseURL`), and the one Dossier reads.
_ALIASES = {"lang": "language", "locale": "language", "baseurl": "base_url", "url": "base_url", "author": "authors",
            "style": "csl", "tagline": "description", "subtitle": "description", "output_dir": "output",
            "publish_dir": "output", "destination": "output"}
# Characters no URL holds as they are (a base_url is pasted into every link and feed).
_NOT_IN_URLS = re.compile(r'[\s"<>\\^`{|}]')
_HISTORY_FIELD = re.compile(r"\{[^{}]*\}")


MAX_SETTINGS_BYTES = 1 << 20


def find_publication(start: Path) -> Path:
    """The publication a command run in start works on: the first folder from start up that holds
    dossier.yml, as git finds its repository; the search stops at a folder holding .git (a repository
    is one project) and at the file system's root. start itself when none is found (then the
    command says there is no dossier.yml here)."""
    folder = start.absolute()
    if not folder.is_dir():        # `-C newfolder init`, or a mistyped -C: nothing above is meant
        return start
    for candidate in (folder, *folder.parents):
        if (candidate / SETTINGS_FILE).exists() or (candidate / SETTINGS_FILE).is_symlink():
            return start if candidate == folder else candidate
        if (candidate / ".git").exists():
            break
    return start


def load_settings(root: Path, keep_going: bool = False) -> tuple[Settings, list[Problem]]:
    """Read root/dossier.yml; return settings and warnings, raise BuildFailed on errors. With
    keep_going (the build, which goes on to report every other problem of the publication too), a
    wrong value is an error among the problems returned and its setting keeps its default; only a
    file that cannot be read as settings at all is raised."""
    from builder.run.confinement import inside

    path = root / SETTINGS_FILE
    name = SETTINGS_FILE
    if (path.exists() or path.is_symlink()) and not (inside(root, path) and path.is_file()):
        raise BuildFailed([error(name, 1, 1, "dossier.yml must be a file of the publication, not a folder or "
                                 "a link leading out of it (or to nothing)")])
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_SETTINGS_BYTES + 1)
    except FileNotFoundError:
        raise BuildFailed([error(name, 1, 1, f"no {SETTINGS_FILE} here: run `dossier init` or use -C DIR")]) from None
    except OSError as exc:
        raise BuildFailed([error(name, 1, 1, f"cannot read dossier.yml ({exc.strerror or exc})")]) from None
    # The size first: the read may have cut a character in two.
    if len(raw) > MAX_SETTINGS_BYTES:
        raise BuildFailed([error(name, 1, 1, f"dossier.yml is larger than {MAX_SETTINGS_BYTES // 1024} kB: "
                                 "settings are a few lines")])
    text, problem = decode_utf8(raw, name)
    if text is None:
        raise BuildFailed([problem])
    try:
        doc = parse_yaml(text)
    except YamlError as exc:
        raise BuildFailed([error(name, exc.line, exc.col, exc.message)]) from None
    if not isinstance(doc.data, dict):
        raise BuildFailed([error(name, 1, 1, "settings must be a YAML mapping (key: value lines)")])
    settings, problems = _validate(root, name, doc)
    if not keep_going and any(p.is_error for p in problems):
        raise BuildFailed(problems)
    return settings, sorted_problems(problems)


def _validate(root: Path, name: str, doc: YamlDocument) -> tuple[Settings, list[Problem]]:
    """Settings of every value that is right, the others left at their defaults; problems for the rest."""
    data: dict = doc.data  # type: ignore[assignment]
    problems: list[Problem] = doc.warnings(name)
    values: dict = {}
    extra: dict = {}
    for key, value in data.items():
        key = str(key)
        line, col = doc.key_position(key)
        if key not in _FIELDS:
            meant = suggestion([_ALIASES[key.casefold()]]) if key.casefold() in _ALIASES else did_you_mean(key, _FIELDS)
            problems.append(warning(name, line, col, f"unknown setting '{key}'{meant} "
                                                     "(kept for templates; free keys belong under 'extra:')"))
            extra[key] = value
            continue
        if _has_type(value, *_FIELDS[key], name, doc, (key,), problems):
            values[key] = value
    if "title" not in data:
        problems.append(error(name, 1, 1, "missing required setting 'title'"))
    elif "title" in values and not values["title"].strip():
        problems.append(error(name, *doc.value_position("title"), "'title' must not be empty: write the publication's title"))
    values.setdefault("title", "")
    authors = parse_authors(values.pop("authors", []), name, doc, ("authors",), problems)
    # Not Settings.base_url: with slots=True that is a descriptor, not the default.
    base_url = values.pop("base_url", DEFAULT_BASE_URL)
    if not base_url.endswith("/"):
        base_url += "/"
    if not _is_site_url(base_url):
        line, col = doc.value_position("base_url")
        problems.append(error(name, line, col, "'base_url' must be an absolute http:// or https:// URL"))
        base_url = DEFAULT_BASE_URL
    language = values.get("language")
    if language is not None and not _LANGUAGE_TAG.fullmatch(language):
        problems.append(error(name, *doc.value_position("language"),
                              f"'language' must be a language tag such as 'en' or 'pt-BR', not '{language}'"))
        del values["language"]
    _check_theme(root, values, name, doc, problems)
    if values.get("unknown_citation_keys", "error") not in ("error", "warn"):
        problems.append(error(name, *doc.value_position("unknown_citation_keys"),
                              "'unknown_citation_keys' must be 'error' (the default) or 'warn' (cited as pandoc "
                              f"shows a missing key, in bold with '?'), not '{values.pop('unknown_citation_keys')}'"))
    if values.get("verify_quotes", "error") not in ("error", "warn"):
        problems.append(error(name, *doc.value_position("verify_quotes"),
                              "'verify_quotes' must be 'error' (the default: a misquote stops the build) or 'warn' "
                              f"(built, the box saying it differs from its saved source), not '{values.pop('verify_quotes')}'"))
    if "history_url" in values and not _history_url_ok(values["history_url"]):
        problems.append(error(name, *doc.value_position("history_url"),
                              "'history_url' must be an absolute http:// or https:// URL holding '{path}' (the "
                              "document's file, as content/articles/x.md) or '{slug}', and no other '{...}'"))
        del values["history_url"]
    if values.get("index_articles", 0) < 0:
        problems.append(error(name, *doc.value_position("index_articles"), "'index_articles' must not be negative"))
        del values["index_articles"]
    extra.update(values.pop("extra", {}))
    if "menu" in values:
        values["menu"] = _names(values["menu"], "menu", name, doc, ("menu",), problems)
    if "pdf" in values:
        values["pdf"] = _pdf_options(values["pdf"], name, doc, problems)
    positions = {str(key): doc.value_position(str(key)) for key in data}
    positions.update({f"pdf.{key}": doc.value_position("pdf", key) for key in values.get("pdf", {})})
    settings = Settings(root=root, authors=authors, base_url=base_url, extra=extra, positions=positions,
                        title=values.pop("title"), **values)
    return settings, problems


def _check_theme(root: Path, values: dict, name: str, doc: YamlDocument, problems: list[Problem]) -> None:
    """`theme:` names a folder of themes/ (or the shipped `default`); a wrong one leaves the default."""
    theme = values.get("theme")
    if theme is None or theme == "default":
        return
    if theme in ("", ".", "..") or "/" in theme or "\\" in theme:
        problems.append(error(name, *doc.value_position("theme"), f"'theme' must be the name of a folder in themes/, not '{theme}'"))
    elif not (root / "themes" / theme).is_dir():
        folder = root / "themes"
        themes = sorted({"default"} | ({p.name for p in folder.iterdir() if p.is_dir()} if folder.is_dir() else set()))
        problems.append(error(name, *doc.value_position("theme"), f"no theme '{theme}': there is no folder "
                              f"themes/{theme}/{did_you_mean(theme, themes) or ' (themes: ' + ', '.join(themes) + ')'}"))
    else:
        return
    del values["theme"]


def _has_type(value: object, expected: type | tuple[type, ...], type_name: str, name: str, doc: YamlDocument,
              path: tuple, problems: list[Problem]) -> bool:
    """True if value is of the expected type (a bool is no integer); else an error at the value."""
    if isinstance(value, expected) and not (expected is int and isinstance(value, bool)):
        return True
    key = ".".join(str(part) for part in path)
    problems.append(error(name, *doc.value_position(*path), f"'{key}' must be {type_name}, not {_describe(value)}"))
    return False


def _history_url_ok(pattern: str) -> bool:
    """A change-history address pattern: placeholders {path} or {slug}, and an http(s) URL once filled in."""
    fields = _HISTORY_FIELD.findall(pattern)
    rest = _HISTORY_FIELD.sub("", pattern)
    if not fields or set(fields) - {"{path}", "{slug}"} or "{" in rest or "}" in rest:
        return False
    filled = history_url(pattern, "content/articles/x.md", "x")
    scheme, host = urlsplit(filled)[:2]
    return scheme in ("http", "https") and bool(host) and not _NOT_IN_URLS.search(filled)


def _is_site_url(url: str) -> bool:
    """An http(s) URL with a host and nothing after its path, which every link of the site can extend."""
    if _NOT_IN_URLS.search(url):
        return False
    try:
        parts = urlsplit(url)
        parts.port      # raises ValueError for a port that is not a number from 0 to 65535
    except ValueError:
        return False
    return url.startswith(("http://", "https://")) and bool(parts.hostname) and not parts.query and not parts.fragment


def _names(value: list, key: str, name: str, doc: YamlDocument, path: tuple, problems: list[Problem]) -> tuple[str, ...]:
    """The entries of a list of names (file names: numbers are names too); an error for any other entry."""
    names = []
    for index, item in enumerate(value):
        if isinstance(item, (str, int)) and not isinstance(item, bool) and str(item).strip():
            names.append(str(item).strip())
        else:
            problems.append(error(name, *doc.value_position(*path, index),
                                  f"each entry of '{key}' must be a name, not {_describe(item)}"))
    return tuple(names)


def _pdf_options(value: dict, name: str, doc: YamlDocument, problems: list[Problem]) -> dict:
    """pdf: {variant, order, cover_image, editions}, each of its type; unknown keys are warned about and dropped."""
    options: dict = {}
    for key, option in value.items():
        key = str(key)
        if key not in _PDF_FIELDS:
            problems.append(warning(name, *doc.key_position("pdf", key),
                                    f"unknown pdf setting '{key}' (known: {', '.join(_PDF_FIELDS)})"))
        elif option is None or not _has_type(option, *_PDF_FIELDS[key], name, doc, ("pdf", key), problems):
            continue
        elif key == "order":
            options[key] = list(_names(option, "pdf.order", name, doc, ("pdf", key), problems))
        elif key == "editions":
            options[key] = parse_editions(option, name, doc, problems)
        else:
            options[key] = option
    return options


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
            details = {}
            for key in ("affiliation", "orcid"):
                detail = item.get(key)
                if detail is not None and not isinstance(detail, str):
                    problems.append(error(name, *_shifted(doc.value_position(*path, index, key), offset),
                                          f"an author's '{key}' must be text, not {_describe(detail)}"))
                details[key] = detail.strip() if isinstance(detail, str) else ""
            authors.append(Author(name=author_name, slug=slugify(author_name), **details))
        else:
            problems.append(error(name, line + offset, col, "an author must be a name or a mapping with 'name'"))
    return tuple(authors)


def _shifted(position: tuple[int, int], offset: int) -> tuple[int, int]:
    return position[0] + offset, position[1]


def _describe(value: object) -> str:
    if value is None:
        return "empty"
    return {bool: "true/false", int: "a number", float: "a number", str: "a string",
            list: "a list", dict: "a mapping"}.get(type(value), type(value).__name__)
