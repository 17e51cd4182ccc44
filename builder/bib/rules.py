"""What a well-formed BibLaTeX entry looks like: types, required fields, dates, URLs, DOIs."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_AUTHOR = ("author",)
_AUTHOR_OR_EDITOR = ("author", "editor")
_EDITOR = ("editor",)
_TITLE = ("title",)
_DATE = ("date", "year")
_BOOKTITLE = ("booktitle",)
_JOURNAL = ("journaltitle", "journal")

# Required fields per type, from the BibLaTeX manual (2.1.1, 2.1.2), each a tuple of
# alternatives: ("date", "year") means either will do. Where BibTeX and BibLaTeX differ
# (journal/journaltitle, school/institution) both spellings count.
REQUIRED_FIELDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "article": (_AUTHOR, _TITLE, _JOURNAL, _DATE),
    "book": (_AUTHOR_OR_EDITOR, _TITLE, _DATE),
    "mvbook": (_AUTHOR_OR_EDITOR, _TITLE, _DATE),
    "inbook": (_AUTHOR_OR_EDITOR, _TITLE, _DATE),
    "bookinbook": (_AUTHOR, _TITLE, _BOOKTITLE, _DATE),
    "suppbook": (_AUTHOR, _TITLE, _BOOKTITLE, _DATE),
    "booklet": (_AUTHOR_OR_EDITOR, _TITLE, _DATE),
    "collection": (_EDITOR, _TITLE, _DATE),
    "mvcollection": (_EDITOR, _TITLE, _DATE),
    "incollection": (_AUTHOR, _TITLE, _BOOKTITLE, _DATE),
    "suppcollection": (_AUTHOR, _TITLE, _BOOKTITLE, _DATE),
    "dataset": (_AUTHOR_OR_EDITOR, _TITLE, _DATE),
    "manual": (_AUTHOR_OR_EDITOR, _TITLE, _DATE),
    "misc": (_AUTHOR_OR_EDITOR, _TITLE, _DATE),
    "online": (_AUTHOR_OR_EDITOR, _TITLE, _DATE, ("url", "doi", "eprint")),
    "patent": (_AUTHOR, _TITLE, ("number",), _DATE),
    "periodical": (_EDITOR, _TITLE, _DATE),
    "suppperiodical": (_AUTHOR, _TITLE, _JOURNAL, _DATE),
    "proceedings": (_TITLE, _DATE),
    "mvproceedings": (_TITLE, _DATE),
    "inproceedings": (_AUTHOR, _TITLE, _BOOKTITLE, _DATE),
    "reference": (_EDITOR, _TITLE, _DATE),
    "mvreference": (_EDITOR, _TITLE, _DATE),
    "inreference": (_AUTHOR, _TITLE, _BOOKTITLE, _DATE),
    "report": (_AUTHOR, _TITLE, ("type",), ("institution",), _DATE),
    "set": (("entryset",),),
    "software": (_AUTHOR_OR_EDITOR, _TITLE, _DATE),
    "thesis": (_AUTHOR, _TITLE, ("type",), ("institution", "school"), _DATE),
    "unpublished": (_AUTHOR, _TITLE, _DATE),
    "xdata": (),
    # BibTeX's names, which BibLaTeX accepts as aliases (the type is implied)
    "conference": (_AUTHOR, _TITLE, _BOOKTITLE, _DATE),
    "electronic": (_AUTHOR_OR_EDITOR, _TITLE, _DATE, ("url", "doi", "eprint")),
    "www": (_AUTHOR_OR_EDITOR, _TITLE, _DATE, ("url", "doi", "eprint")),
    "mastersthesis": (_AUTHOR, _TITLE, ("institution", "school"), _DATE),
    "phdthesis": (_AUTHOR, _TITLE, ("institution", "school"), _DATE),
    "techreport": (_AUTHOR, _TITLE, ("institution",), _DATE),
    # types BibLaTeX knows but the standard styles print as @misc: no required fields
    **{name: () for name in ("artwork", "audio", "bibnote", "commentary", "image", "jurisdiction",
                             "legislation", "legal", "letter", "movie", "music", "performance",
                             "review", "standard", "video", "customa", "customb", "customc",
                             "customd", "custome", "customf")},
}

# Common types of other tools, and the BibLaTeX type to write instead.
TYPE_HINTS = {
    "web_page": "online", "webpage": "online", "website": "online", "generic": "misc",
    "book_section": "incollection", "journal_article": "article", "newspaper_article": "article",
    "magazine_article": "article", "film": "movie", "presentation": "unpublished",
    "newspaper": "article", "magazine": "article", "news": "article", "blog": "online", "blogpost": "online",
    "interview": "misc", "speech": "unpublished",
}
# What a message names when no type is close: the types most sources are.
COMMON_TYPES = ("article", "book", "incollection", "inproceedings", "online", "report", "thesis", "misc")

# Fields holding URLs, file names and identifiers, read verbatim rather than as LaTeX.
VERBATIM_FIELDS = frozenset({"url", "urlraw", "doi", "eprint", "file", "pdf", "verba", "verbb", "verbc",
                             "crossref", "xdata", "xref", "entryset", "ids", "related", "keywords",
                             "langid", "date", "urldate", "origdate", "eventdate", "year", "month",
                             "isbn", "issn", "isrn", "timestamp"})
DATE_FIELDS = ("date", "urldate", "origdate", "eventdate")
MONTH_MACROS = frozenset({"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"})

_YEAR = r"(?:-?\d{4}|\d{2}(?:\d|X)X|\d{3}X)"
_PLAIN_YEAR = re.compile(rf"{_YEAR}[?~%]?(?:/{_YEAR}[?~%]?)?|-?\d{{1,4}}")
_DOI = re.compile(r"10\.\d{4,9}/\S+")
_DOI_PREFIX = re.compile(r"(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


def year_problem(value: str) -> str | None:
    """Why value is not a year, or None."""
    if _PLAIN_YEAR.fullmatch(value.strip()):
        return None
    return f"year '{value}' is not a year: write digits (e.g. year = {{2016}}), or use date for a full date"


def url_problem(value: str) -> str | None:
    """Why value is not an http(s) URL with a host, or None."""
    text = value.strip()
    if "\\" in text:
        return f"url '{value}' contains a backslash: write the URL as it is, with no LaTeX escapes"
    if any(char.isspace() for char in text):
        return f"url '{value}' contains white space"
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        host = None
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not host:
        return f"url '{value}' is not a web address: it must start with http:// or https:// and name a host"
    return None


def doi_problem(value: str) -> tuple[str, str] | None:
    """(severity, message) when value is not a bare DOI (10.NNNN/...), or None."""
    text = value.strip()
    prefix = _DOI_PREFIX.match(text)
    bare = text[prefix.end():] if prefix else text
    if _DOI.fullmatch(bare) is None:
        return "error", f"doi '{value}' is not a DOI: a DOI looks like 10.1234/abc"
    if prefix:
        return "warning", f"doi '{value}' should be the bare DOI: write doi = {{{bare}}}"
    return None
