"""`pdf: {editions: [...]}` of dossier.yml: the editions a publication is printed in, checked where
they are written. Which articles each holds is the content stage's (builder/content/editions.py)."""

from __future__ import annotations

from builder.config.yamlfile import YamlDocument
from builder.errors import Problem, error, warning
from builder.model import EditionSpec
from builder.text import date_fix, parse_date, slugify

ALL = "all"      # `editions: all`: one edition of every article, pdf/edition.pdf
_KEYS = ("slug", "title", "from", "to", "tags", "authors", "articles")
_PATH = ("pdf", "editions")


def parse_editions(value: object, name: str, doc: YamlDocument, problems: list[Problem]) -> tuple[EditionSpec, ...] | str:
    """The editions as written (a list of mappings, or 'all'); an error for each wrong one, which is left out."""
    if value == ALL:
        return ALL
    if not isinstance(value, list):
        problems.append(error(name, *doc.value_position(*_PATH), "'pdf.editions' must be a list of editions "
                              "({slug: ..., title: ..., and from/to, tags, authors or articles}) or 'all'"))
        return ()
    editions: list[EditionSpec] = []
    first: dict[str, tuple[int, int]] = {}
    for index, item in enumerate(value):
        edition = _edition(item, index, name, doc, problems)
        slug = str(item.get("slug", "")).strip() if isinstance(item, dict) else ""
        if slug and slug in first:
            problems.append(error(name, *doc.value_position(*_PATH, index, "slug"), f"two editions are named '{slug}' "
                                  f"(the first at line {first[slug][0]}): each edition needs a slug of its own"))
            continue
        first.setdefault(slug, doc.value_position(*_PATH, index, "slug"))
        if edition is not None:
            editions.append(edition)
    return tuple(editions)


def _edition(item: object, index: int, name: str, doc: YamlDocument, problems: list[Problem]) -> EditionSpec | None:
    path = (*_PATH, index)
    if not isinstance(item, dict):
        problems.append(error(name, *doc.value_position(*path), "each edition must be a mapping such as "
                              "{slug: spring-2016, title: \"Spring 2016\", from: 2016-03-01, to: 2016-05-31}"))
        return None
    found = len(problems)
    for key in item:
        if str(key) not in _KEYS:
            problems.append(warning(name, *doc.key_position(*path, key),
                                    f"unknown edition setting '{key}' (known: {', '.join(_KEYS)})"))
    slug = item.get("slug")
    if not isinstance(slug, (str, int)) or isinstance(slug, bool) or not str(slug).strip():
        problems.append(error(name, *doc.value_position(*path), "an edition needs a 'slug': its PDF is pdf/SLUG.pdf"))
        return None
    slug = str(slug).strip()
    if slugify(slug) != slug:
        problems.append(error(name, *doc.value_position(*path, "slug"), f"edition slug '{slug}' must be lower-case "
                              f"letters, digits and hyphens, as a file name of the site (such as '{slugify(slug)}')"))
    title = item.get("title", slug)
    if not isinstance(title, (str, int)) or isinstance(title, bool) or not str(title).strip():
        problems.append(error(name, *doc.value_position(*path, "title"), f"edition '{slug}': 'title' must be text"))
    start, end = (_date(item, key, path, slug, name, doc, problems) for key in ("from", "to"))
    if start and end and end < start:
        problems.append(error(name, *doc.value_position(*path, "to"), f"edition '{slug}' ends ({end.isoformat()}) "
                              f"before it starts ({start.isoformat()})"))
    lists = {key: _names(item, key, path, slug, name, doc, problems) for key in ("tags", "authors", "articles")}
    if len(problems) > found and any(p.is_error for p in problems[found:]):
        return None
    return EditionSpec(slug, str(title).strip(), start, end, lists["tags"], lists["authors"], lists["articles"],
                       doc.value_position(*path, "slug"), tuple(
                           doc.value_position(*path, "articles", *([i] if isinstance(item["articles"], list) else []))
                           for i in range(len(lists["articles"]))))


def _date(item: dict, key: str, path: tuple, slug: str, name: str, doc: YamlDocument, problems: list[Problem]):
    value = item.get(key)
    if value is None:
        return None
    date = parse_date(value)
    if date is None:
        problems.append(error(name, *doc.value_position(*path, key),
                              f"edition '{slug}': '{key}' must be a date, not '{value}' ({date_fix(value)})"))
    return date


def _names(item: dict, key: str, path: tuple, slug: str, name: str, doc: YamlDocument,
           problems: list[Problem]) -> tuple[str, ...]:
    value = item.get(key)
    if value is None:
        return ()
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        value = [value]
    names = []
    if isinstance(value, list):
        for index, entry in enumerate(value):
            if isinstance(entry, (str, int)) and not isinstance(entry, bool) and str(entry).strip():
                names.append(str(entry).strip())
            else:
                problems.append(error(name, *doc.value_position(*path, key, index),
                                      f"edition '{slug}': each entry of '{key}' must be a name"))
    else:
        problems.append(error(name, *doc.value_position(*path, key), f"edition '{slug}': '{key}' must be a list of names"))
    return tuple(names)
