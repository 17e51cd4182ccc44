"""The one way a name becomes part of a site path.

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

_NOT_WORD = re.compile(r"[^\w]+")
_NOT_KEY = re.compile(r"[^\w.\-]+")
_SAFE = re.compile(r"[\w.\-]+")

# File names the build writes inside folders of generated pages: a folder of one of these
# names would stand where the file does (sources/index.html/ beside sources/index.html).
RESERVED_NAMES = frozenset({"index.html", "404.html", "feed.xml", "sitemap.xml", "robots.txt",
                            "cite.bib", "cite.ris", "cite.json"})

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

