"""What a quote shows: the visible text of an evidence box's quote as the page renders it.

The body is read as the browser gets it (sanitised, unless `unsafe_html`), between marks the
build puts at the start and end of each quote and original. Its text is what is verified; text
that sighted readers or screen readers do not both get (the `hidden` attribute, the classes
`visually-hidden` and `sr-only`, `aria-hidden="true"`, hiding inline styles, `<template>`, a
closed `<details>`) and what shows something other than text (an image, an embedded object) or
text in another order than it is written (`<bdo>`, an override character) are listed apart, for
the build to report: a verified mark must mean that what readers see is in the source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

__all__ = ["Concealment", "Shown", "shown_quotes"]

_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
                   "wbr", "param"})
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "caption", "dd", "details", "div", "dl", "dt", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "ol", "p", "pre", "section",
    "summary", "table", "td", "th", "tr", "ul",
})
# Elements that show something other than their text, or change what the page shows: none of it is verified.
_OPAQUE = {"img": "an image", "picture": "an image", "svg": "an image", "canvas": "a drawing", "video": "a video",
           "audio": "a recording", "iframe": "an embedded page", "object": "an embedded object",
           "embed": "an embedded object", "input": "a form field", "select": "a form field",
           "textarea": "a form field", "script": "a script", "style": "a stylesheet", "link": "a stylesheet",
           "noscript": "text shown only without script", "math": "a formula"}
_REORDERED = "text in another order (<bdo> or a bidirectional override character)"
_OVERRIDES = re.compile("[\u202d\u202e]")      # LRO, RLO: letters shown in the reverse of their order
_HIDING_CLASSES = ("visually-hidden", "sr-only", "visuallyhidden", "screen-reader-text")
# Inline styles that hide text from sighted readers (or, display and visibility, from everyone).
_HIDING_STYLES = (
    (re.compile(r"(?:^|;)\s*display\s*:\s*none", re.I), "display:none", "readers"),
    (re.compile(r"(?:^|;)\s*visibility\s*:\s*(?:hidden|collapse)", re.I), "visibility:hidden", "readers"),
    (re.compile(r"(?:^|;)\s*font-size\s*:\s*0*\.?0+(?:[a-z%]+)?\s*(?:;|$|!)", re.I), "font-size:0", "sighted readers"),
    (re.compile(r"(?:^|;)\s*opacity\s*:\s*0*\.?0+\s*(?:;|$|!)", re.I), "opacity:0", "sighted readers"),
    (re.compile(r"(?:^|;)\s*color\s*:\s*transparent", re.I), "color:transparent", "sighted readers"),
    (re.compile(r"(?:^|;)\s*clip(?:-path)?\s*:", re.I), "clip", "sighted readers"),
    (re.compile(r"(?:^|;)\s*text-indent\s*:\s*-", re.I), "text-indent", "sighted readers"),
    (re.compile(r"(?:^|;)\s*(?:left|top|right|bottom|margin-left|margin-top)\s*:\s*-\d{3,}", re.I), "off-screen position",
     "sighted readers"),
)
_ZERO_SIZE = re.compile(r"(?:^|;)\s*(?:max-)?(?:width|height)\s*:\s*0*\.?0+(?:[a-z%]+)?\s*(?:;|$|!)", re.I)
_OVERFLOW_HIDDEN = re.compile(r"(?:^|;)\s*overflow(?:-[xy])?\s*:\s*(?:hidden|clip)", re.I)
_CLOSED_DETAILS = "a closed <details>"


@dataclass(frozen=True, slots=True)
class Concealment:
    """Something in a quote that not every reader gets as text: hidden words, or something shown that is no text."""

    how: str                # 'class="visually-hidden"', 'aria-hidden="true"', '<template>', 'an image', ...
    whom: str               # "sighted readers", "screen readers", "readers"; "" for what is shown but no text
    text: str = ""          # the words concerned (an image's alt text)
    pattern: str = ""       # what to look for in the Markdown to place it


@dataclass
class Shown:
    """A quote's (or original's) visible text, and what in it escapes verification."""

    text: str = ""
    concealed: list[Concealment] = field(default_factory=list)
    ended: bool = False     # False when the page swallowed the quote's end (an unclosed comment or element)


def shown_quotes(html: str, mark: re.Pattern) -> dict[tuple[str, int], Shown]:
    """Each quote's Shown by (part, index), from the marks in html: mark matches a mark, group 1 the part
    ('Q' quote, 'O' original), group 2 the box's index, group 3 's' (start) or 'e' (end).

    Only the stretch of each quote is read (a page is mostly not quotes): from its start to its end
    mark, or to the end of the page when that was swallowed."""
    found = list(mark.finditer(html))
    shown = {}
    for position, start in enumerate(found):
        if start.group(3) != "s":
            continue
        key = (start.group(1), start.group(2))
        end = next((m.end() for m in found[position + 1:] if m.group(3) == "e" and (m.group(1), m.group(2)) == key),
                   len(html))
        reader = _QuoteReader(mark)
        reader.feed(html[start.start():end])
        reader.close()
        shown[(key[0], int(key[1]))] = reader.result((key[0], int(key[1])))
    return shown


@dataclass
class _Element:
    tag: str
    hiding: Concealment | None
    summary_of_closed: bool = False


class _QuoteReader(HTMLParser):
    def __init__(self, mark: re.Pattern) -> None:
        super().__init__(convert_charrefs=True)
        self.mark = mark
        self.stack: list[_Element] = []
        self.open: list[tuple[str, int]] = []           # the quotes being read, innermost last
        self.quotes: dict[tuple[str, int], list] = {}   # key -> [blocks of text, concealments, ended]
        self.opaque = 0
        self._last: Concealment | None = None     # what hid the last words read

    # -- elements --

    def handle_starttag(self, tag: str, attrs: list) -> None:
        values = {name.lower(): (value if value is not None else "") for name, value in attrs}
        if self.open and tag in _OPAQUE:
            alt = " ".join(values.get("alt", "").split())
            self._conceal(Concealment(_OPAQUE[tag], "", alt, "![" if tag == "img" else f"<{tag}"))
        elif self.open and tag == "bdo":
            self._conceal(Concealment(_REORDERED, "", pattern="<bdo"))
        elif self.open and tag == "q":          # browsers show quotation marks around it
            self._text('"')
        self._block(tag)
        if tag in _VOID:
            return
        hiding = _hiding(tag, values)
        parent = self.stack[-1] if self.stack else None
        summary = tag == "summary" and parent is not None and parent.hiding is not None and parent.hiding.how == _CLOSED_DETAILS
        self.stack.append(_Element(tag, hiding, summary))
        if tag in _OPAQUE:
            self.opaque += 1

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "q" and any(element.tag == "q" for element in self.stack):
            self._text('"')
        self._block(tag)
        for position in range(len(self.stack) - 1, -1, -1):
            if self.stack[position].tag == tag:
                for element in self.stack[position:]:
                    if element.tag in _OPAQUE:
                        self.opaque -= 1
                del self.stack[position:]
                return

    def handle_data(self, data: str) -> None:
        position = 0
        for found in self.mark.finditer(data):
            self._text(data[position:found.start()])
            key = (found.group(1), int(found.group(2)))
            if found.group(3) == "s":
                self.quotes.setdefault(key, [[[]], [], False])
                self.open.append(key)
            elif key in self.open:
                self.quotes[key][2] = True
                self.open.remove(key)
            position = found.end()
        self._text(data[position:])

    # -- reading --

    def _text(self, text: str) -> None:
        if not self.open or not text or self.opaque:
            return
        hiding = self._hiding()
        quote = self.quotes[self.open[-1]]
        words = " ".join(text.split())
        if _OVERRIDES.search(text):
            quote[1].append(Concealment(_REORDERED, "", pattern=_OVERRIDES.search(text).group()))
        if hiding is not None and words:
            if hiding is self._last and quote[1] and quote[1][-1].how == hiding.how:     # one report per element
                last = quote[1][-1]
                quote[1][-1] = Concealment(last.how, last.whom, f"{last.text} {words}", last.pattern)
            else:
                quote[1].append(Concealment(hiding.how, hiding.whom, words, hiding.pattern))
        if words:
            self._last = hiding
        if hiding is None or hiding.whom == "screen readers":     # what sighted readers read
            quote[0][-1].append(text)

    def _hiding(self) -> Concealment | None:
        """The outermost element hiding the current text, if any (a closed <details> shows its summary)."""
        for index, element in enumerate(self.stack):
            if element.hiding is not None:
                following = self.stack[index + 1] if index + 1 < len(self.stack) else None
                if following is not None and following.summary_of_closed and element.hiding.how == _CLOSED_DETAILS:
                    continue
                return element.hiding
        return None

    def _block(self, tag: str) -> None:
        if not self.open:
            return
        if tag == "br":
            self.quotes[self.open[-1]][0][-1].append(" ")
        elif tag in _BLOCKS:
            for key in self.open:
                blocks = self.quotes[key][0]
                if blocks[-1]:
                    blocks.append([])

    def _conceal(self, concealment: Concealment) -> None:
        self.quotes[self.open[-1]][1].append(concealment)

    def result(self, key: tuple[str, int]) -> Shown:
        blocks, concealed, ended = self.quotes[key]
        texts = [" ".join("".join(block).split()) for block in blocks]
        return Shown(" … ".join(text for text in texts if text), concealed, ended)


def _hiding(tag: str, values: dict[str, str]) -> Concealment | None:
    """How an element hides its content, and from whom; None if it does not."""
    if tag == "template":
        return Concealment("<template>", "readers", pattern="<template")
    if "hidden" in values:
        return Concealment("the hidden attribute", "readers", pattern="hidden")
    classes = values.get("class", "").split()
    for name in _HIDING_CLASSES:
        if name in classes:
            return Concealment(f'class="{name}"', "sighted readers", pattern=name)
    if values.get("aria-hidden", "").strip().lower() == "true":
        return Concealment('aria-hidden="true"', "screen readers", pattern="aria-hidden")
    style = values.get("style", "")
    for pattern, how, whom in _HIDING_STYLES:
        if pattern.search(style):
            return Concealment(f'style="{how}"', whom, pattern=how.split(":")[0])
    if _ZERO_SIZE.search(style) and _OVERFLOW_HIDDEN.search(style):
        return Concealment('style="width:0;height:0;overflow:hidden"', "sighted readers", pattern="overflow")
    if tag == "details" and "open" not in values:
        return Concealment(_CLOSED_DETAILS, "sighted readers", pattern="<details")
    return None
