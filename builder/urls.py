"""The one way a name becomes part of a site path, and where each page of the site lives.

Ids, citation keys, tags, author names and file names all end up as folders of the site
(`evidence/ARTICLE/ID/`, `sources/KEY/`, `tags/TAG/`). Each goes through url_segment(),
which yields a segment that cannot leave its folder or stand where the build writes a file,
or '' when nothing usable is left (the caller reports that at its position).
`builder/run/write.py` refuses to write any path that would leave the site folder, so a path
made any other way cannot escape either.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

_NOT_WORD = re.compile(r"[^\w]+")
_NOT_KEY = re.compile(r"[^\w.\-]+")
_SAFE = re.compile(r"[\w.\-]+")

# File names the build writes inside folders of generated pages: a folder of one of these
# names would stand where the file does (sources/index.html/ beside sources/index.html).
RESERVED_NAMES = frozenset({"index.html", "404.html", "feed.xml", "sitemap.xml", "robots.txt",
                            "cite.bib", "cite.ris", "cite.json", "evidence.json"})

MAX_BYTES = 200         # of a segment's UTF-8; file systems allow 255 per name


def url_segment(text: str, *, keep_dots: bool = True) -> str:
    """text as one folder name of a site path, or '' when nothing usable is left ('..', '!!!').

    With keep_dots (citation keys, ids) letters, digits, '_', '-' and '.' stay as written:
    'doi:10.1/x' -> 'doi-10.1-x'. Without (slugs of titles and names) every run of anything
    but letters and digits becomes one '-': 'U.S. sanctions_2016' -> 'U-S-sanctions-2016'."""
    text = unicodedata.normalize("NFC", text)
    if keep_dots:
        segment = _NOT_KEY.sub("-", text).strip("-.")
    else:
        segment = _NOT_WORD.sub("-", text).replace("_", "-").strip("-")
    while len(segment.encode("utf-8")) > MAX_BYTES:
        segment = segment[:-1].rstrip("-.")
    return segment if is_safe_segment(segment) else ""


def is_safe_segment(segment: str) -> bool:
    """A folder name the site may hold: letters, digits, '_', '-', '.'; not hidden, not '.' or
    '..', not a name the build writes files as, not too long for a file system."""
    return (_SAFE.fullmatch(segment) is not None and not segment.startswith(".")
            and segment.casefold() not in RESERVED_NAMES and len(segment.encode("utf-8")) <= 255)


def unique_slug(slug: str, taken: set[str]) -> str:
    """slug, or slug-2, slug-3, ... whichever is not yet taken, without regard to case (on macOS
    and Windows Kim2016/ and kim2016/ are one folder); records the choice."""
    candidate, number = slug, 1
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{slug}-{number}"
    taken.add(candidate.casefold())
    return candidate


# --- Where each page lives: site-relative URLs, a folder's ending in '/' ---------------------

ARCHIVE, TAGS, AUTHORS, SOURCES, EVIDENCE, SEARCH = "archive/", "tags/", "authors/", "sources/", "evidence/", "search/"
CORRECTIONS = "corrections/"
NOT_FOUND = "404.html"              # served at any depth
FEED = "feed.xml"                   # in the site's folder and in each tag's
EDITIONS = "editions/"              # the page listing the PDF editions
DOWNLOADS = (("BibTeX", "cite.bib"), ("RIS", "cite.ris"), ("CSL-JSON", "cite.json"))   # in each article's folder
EVIDENCE_DATA = "evidence.json"     # in the folder of each document with evidence (site/data.py)


def edition_pdf_url(slug: str) -> str:
    """An edition's PDF, beside the articles' own (an edition's slug is never an article's)."""
    return f"pdf/{slug}.pdf"


def search_url(language: str, publication_language: str) -> str:
    """The search page of a language: search/ for the publication's, search/LANG/ for another's."""
    return SEARCH if language.lower() == publication_language.lower() else f"{SEARCH}{language.lower()}/"


def language_feed_url(language: str) -> str:
    """The feed of the articles in one language, when a publication has more than one."""
    return f"feed.{language.lower()}.xml"


def article_url(slug: str) -> str:
    return f"articles/{slug}/"


def page_url(slug: str) -> str:
    return f"{slug}/"


def tag_url(slug: str) -> str:
    return f"{TAGS}{slug}/"


def author_url(slug: str) -> str:
    return f"{AUTHORS}{slug}/"


def year_url(year: int | str) -> str:
    return f"{ARCHIVE}{year}/"


def article_pdf_url(slug: str) -> str:
    return f"pdf/{slug}.pdf"


def evidence_url(article_slug: str, box_id: str) -> str:
    """The page of one evidence box (its id was checked to be a segment where it was written)."""
    return f"{EVIDENCE}{article_slug}/{url_segment(box_id)}/"


def history_url(pattern: str, path: str, slug: str) -> str:
    """A document's change history: `pattern` (dossier.yml `history_url`) with its file's path from the
    publication's folder and its slug put in, percent-encoded."""
    return pattern.replace("{path}", quote(path, safe="/")).replace("{slug}", quote(slug, safe=""))


def source_urls(keys) -> dict[str, str]:
    """Each cited source's page, sources/SLUG/, decided once for the whole build: the key as a
    segment, numbered where two keys would share a folder, without regard to case too, or
    Kim2016 and kim2016 would share one folder on macOS and Windows."""
    taken: set[str] = set()
    return {key: f"{SOURCES}{unique_slug(url_segment(key) or 'source', taken)}/" for key in sorted(keys)}
