"""Sanitise HTML with nh3 (ammonia): an allow-list fit for research writing, no script.

Used on every document body (raw HTML in Markdown is allowed but cleaned, unless the
publication sets `unsafe_html: true`) and, always, on HTML formatted from bibliography
fields, whose URLs come from .bib files exported from anywhere.
"""

from __future__ import annotations

import re

TAGS = {"a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col", "colgroup",
        "data", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "footer",
        "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol",
        "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "section", "small", "span", "strong", "sub",
        "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "wbr"}

_COMMON = {"class", "id", "title", "lang", "dir", "role"}
ATTRIBUTES = {
    "*": _COMMON,
    "a": _COMMON | {"href", "hreflang", "rel"},
    "img": _COMMON | {"src", "alt", "width", "height", "loading"},
    "blockquote": _COMMON | {"cite"}, "q": _COMMON | {"cite"}, "del": _COMMON | {"cite", "datetime"},
    "ins": _COMMON | {"cite", "datetime"}, "time": _COMMON | {"datetime"}, "data": _COMMON | {"value"},
    "td": _COMMON | {"colspan", "rowspan", "headers", "style"}, "th": _COMMON | {"colspan", "rowspan", "scope", "headers", "style"},
    "col": _COMMON | {"span"}, "colgroup": _COMMON | {"span"}, "ol": _COMMON | {"start", "reversed", "type"},
    "li": _COMMON | {"value"}, "details": _COMMON | {"open"}, "abbr": _COMMON,
}
SCHEMES = {"http", "https", "mailto", "tel"}
_DATA_IMAGE = re.compile(r"^\s*data:image/(png|gif|jpe?g|webp);base64,[a-z0-9+/=\s]*$", re.I)
_STYLE = re.compile(r"^\s*text-align:\s*(left|right|center)\s*;?\s*$")


def _filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "style":
        return value if _STYLE.match(value) else None        # markdown-it's table alignment only
    if tag == "img" and attribute == "src" and value.strip().lower().startswith("data:"):
        return value if _DATA_IMAGE.match(value) else None
    return value


def sanitize(html: str) -> str:
    """HTML with scripts, event handlers, iframes, forms, styles and dangerous URLs removed."""
    import nh3

    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, attribute_filter=_filter, link_rel=None,
                     url_schemes=SCHEMES | {"data"}, generic_attribute_prefixes={"data-", "aria-"},
                     strip_comments=True, clean_content_tags={"script", "style"})
