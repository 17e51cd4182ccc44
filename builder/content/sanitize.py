"""Sanitise HTML with nh3 (ammonia): an allow-list fit for research writing, no script.

Used on every document body (raw HTML in Markdown is allowed but cleaned, unless the
publication sets `unsafe_html: true`) and, always, on HTML formatted from bibliography
fields, whose URLs come from .bib files exported from anywhere. Also: which assets (HTML,
SVG, XML files) would run script when a reader opens them.
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


# What a browser ignores around and inside a URL's scheme: C0 controls and spaces at the
# start, tabs and line breaks anywhere ("da\nta:" is "data:").
_URL_NOISE = re.compile(r"[\t\n\r]")
_URL_LEAD = "".join(map(chr, range(0x21)))
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")


def _filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "style":
        return value if _STYLE.match(value) else None        # markdown-it's table alignment only
    url = _URL_NOISE.sub("", value).lstrip(_URL_LEAD).lower()
    if url.startswith("data:"):
        # data: URLs only as inline images; a data:text/html link is a page of the writer's script
        return value if tag == "img" and attribute == "src" and _DATA_IMAGE.match(value) else None
    if attribute == "cite":                                   # a URL nh3 does not check itself
        scheme = _SCHEME.match(url)
        return value if scheme is None or scheme.group(1) in SCHEMES else None
    return value


# Elements whose content an HTML parser reads as text up to their end tag: left open, one
# would swallow the rest of the document (or show it as markup).
_RAW_TEXT = {"script", "style", "template", "xmp", "iframe", "noembed", "noframes", "noscript", "textarea", "title",
             "plaintext"}
_RAW_TEXT_OPEN = re.compile(r"<!--|<(" + "|".join(sorted(_RAW_TEXT)) + r")(?=[\s/>])", re.I)
_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9:-]*)(?=[\s/>])[^>]*>")


def _drop_disallowed_tags(html: str) -> str:
    """Remove the tags of elements that are not allowed, keeping what they hold.

    nh3 drops the content of SVG and MathML elements (<svg>, <g>, <text>, <math>, <mtext>, ...)
    whole, so one left open would take the rest of the document with it. Without their tags,
    what they held is cleaned as HTML like the rest; raw-text elements keep theirs for nh3."""
    def keep(match: re.Match) -> str:
        name = match.group(1).lower()
        return match.group() if name in TAGS or name in _RAW_TEXT else ""

    return _TAG.sub(keep, html)


def _escape_unclosed_raw_text(html: str) -> str:
    """Escape the '<' of each raw-text element that is never closed, so that it reads as text."""
    import bisect

    closings: dict[str, list[int]] = {}
    parts, copied, position = [], 0, 0
    while (found := _RAW_TEXT_OPEN.search(html, position)) is not None:
        name = (found.group(1) or "").lower()
        if not name:                                           # a comment: skip it whole
            end = html.find("-->", found.end())
            position = len(html) if end == -1 else end + 3
            continue
        if name not in closings:                               # each end tag's offset, found once
            closings[name] = [m.end() for m in re.finditer(rf"</{name}(?=[\s/>])", html, re.I)]
        ends = closings[name] if name != "plaintext" else []
        following = bisect.bisect_right(ends, found.end())
        if following < len(ends):
            position = ends[following]
            continue
        parts += [html[copied:found.start()], "&lt;"]
        copied = position = found.start() + 1
    return "".join(parts) + html[copied:]


def sanitize(html: str) -> str:
    """HTML with scripts, event handlers, iframes, forms, styles and dangerous URLs removed,
    nested at most MAX_DEPTH elements deep."""
    import nh3

    prepared = _escape_unclosed_raw_text(_drop_disallowed_tags(_bound_block_depth(html)))
    cleaned = nh3.clean(prepared, tags=TAGS, attributes=ATTRIBUTES, attribute_filter=_filter, link_rel=None,
                        url_schemes=SCHEMES | {"data"}, generic_attribute_prefixes={"data-", "aria-"},
                        strip_comments=True, clean_content_tags={"script", "style"})
    return _flatten_deep(cleaned, MAX_DEPTH)


# The PDF typesetter recurses once per level of nesting (tables about 40 deep, lists about 100
# deep exhaust Python's stack); browsers flatten past 512 levels. Markdown nests at most 50.
MAX_DEPTH = 96
_VOID = {"br", "col", "hr", "img", "wbr"}
_SERIALIZED_TAG = re.compile(r"""<(/?)([a-zA-Z][a-zA-Z0-9]*)(?:[^>"']|"[^"]*"|'[^']*')*>""")


# The HTML parser's work for each block element's start tag grows with the depth it opens at,
# so the raw HTML's nesting of blocks is bounded first, roughly: enough to keep the parse
# linear, well above what _flatten_deep then enforces exactly.
_PARSE_DEPTH = 4 * MAX_DEPTH
_BLOCKS = {"address", "article", "aside", "blockquote", "center", "details", "dialog", "dir", "div", "dl",
           "fieldset", "figcaption", "figure", "footer", "form", "header", "hgroup", "main", "menu", "nav", "ol",
           "search", "section", "summary", "table", "ul"}
_RAW_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*>")


def _bound_block_depth(html: str) -> str:
    """Drop the tags of block elements opened more than _PARSE_DEPTH blocks deep (and their end tags)."""
    if html.count("<") <= _PARSE_DEPTH:
        return html
    parts, copied, stack, dropped = [], 0, [], {}
    for tag in _RAW_TAG.finditer(html):
        name = tag.group(2).lower()
        if name not in _BLOCKS:
            continue
        drop = False
        if not tag.group(1):
            drop = len(stack) >= _PARSE_DEPTH
            if drop:
                dropped[name] = dropped.get(name, 0) + 1
            else:
                stack.append(name)
        elif dropped.get(name):
            dropped[name] -= 1
            drop = True
        elif name in stack:
            del stack[len(stack) - 1 - stack[::-1].index(name):]
        if drop:
            parts.append(html[copied:tag.start()])
            copied = tag.end()
    return "".join(parts) + html[copied:]


def _flatten_deep(html: str, limit: int) -> str:
    """Drop the tags of elements nested more than limit deep, keeping their text.

    Works on nh3's output, where every element that is not void has its end tag and no
    '<' stands in text."""
    if html.count("<") <= 2 * limit:
        return html                                     # too few tags to nest that deep
    parts, copied, kept = [], 0, []
    for tag in _SERIALIZED_TAG.finditer(html):
        if tag.group(2).lower() in _VOID:
            continue
        if tag.group(1):
            keep = kept.pop() if kept else True
        else:
            keep = len(kept) < limit
            kept.append(keep)
        if not keep:
            parts.append(html[copied:tag.start()])
            copied = tag.end()
    return "".join(parts) + html[copied:]


# --- Assets that a browser would run ---------------------------------------------------

# Files a browser renders as a document of the site's origin, running what script they hold.
ACTIVE_SUFFIXES = (".html", ".htm", ".xhtml", ".xht", ".shtml", ".svg", ".xml", ".xsl", ".xslt", ".mht", ".mhtml")
_ACTIVE_MARKUP = re.compile(r"<script\b|<\?xml-stylesheet\b|(?<=[\s\"'/])on[a-z]+\s*=", re.I)
_ATTRIBUTE_VALUE = re.compile(r"""=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""")
_SCRIPT_IN_VALUE = re.compile(r"(?:java|vb)script:|data:text/html|<script\b", re.I)


def active_content(text: str) -> tuple[int, str] | None:
    """(offset, what) of the first thing in an HTML, SVG or XML file that would run script, or None.

    Script elements, event-handler attributes, XSLT stylesheets, and attribute values that
    hold a script URL once their character references are decoded."""
    from html import unescape

    found = []
    markup = _ACTIVE_MARKUP.search(text)
    if markup is not None:
        found.append((markup.start(), f"'{' '.join(markup.group().split())}'"))
    for value in _ATTRIBUTE_VALUE.finditer(text):
        group = next(index for index in (1, 2, 3) if value.group(index) is not None)
        decoded = _URL_NOISE.sub("", unescape(value.group(group))).replace("\x00", "")
        script = _SCRIPT_IN_VALUE.search(decoded)
        if script is not None:
            found.append((value.start(group), f"'{script.group().lower()}' in an attribute"))
            break
    return min(found) if found else None


def scripted_assets(assets) -> list:
    """An error for each HTML, SVG or XML asset (builder.model.Asset) that would run script."""
    from builder.errors import error, line_col

    problems = []
    for asset in assets:
        if asset.source.suffix.lower() not in ACTIVE_SUFFIXES:
            continue
        text = asset.source.read_bytes().decode("utf-8", errors="replace")
        found = active_content(text)
        if found is not None:
            offset, what = found
            problems.append(error(f"content/{asset.target}", *line_col(text, offset),
                                  f"asset would run script in readers' browsers ({what}): remove it, "
                                  "or set unsafe_html: true if every writer is trusted"))
    return problems
