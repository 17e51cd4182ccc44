"""Pandoc attribute blocks, `{#id .class key=value key="quoted value" -}`, read as pandoc 3 reads
them; and the inline rule that puts them on images, links, inline code and bracketed spans.

Pandoc's grammar (its Markdown reader's `attributes`): after `{`, attributes separated by optional
white space (at most one line break), then `}`. An attribute is `#` and an identifier (letters,
digits, `-`, `_`, `:`, `.`), `.` and a class (a letter first), `-` (the class `unnumbered`), or
`key=value` with a key like a class; a value is quoted with `"` or `'` (backslash escapes and
character references read; the quote may not be followed by a space) or runs unquoted to the next
white space or `}` (backslash escapes read, anything else kept: `25%`, `http://x.org/a?b=c`). When
the text does not follow this grammar, pandoc does not read it as attributes at all: it stays text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.entities import html5

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline

# Pandoc's identifier: a letter, then letters, digits and '-', '_', ':', '.'.
IDENTIFIER = re.compile(r"[^\W\d_][\w:.\-]*")

_ID = re.compile(r"#([\w:.\-]+)")
# Reading a block it reports on, Dossier takes any id (`#../x`) and says what is wrong with it.
_ANY_ID = re.compile(r"#([^\s}\"'=#]+)")
_CLASS = re.compile(r"\.([^\W\d_][\w:.\-]*)")
_KEY = re.compile(r"([^\W\d_][\w:.\-]*)=")
_ENTITY = re.compile(r"&(#[xX][0-9a-fA-F]+|#[0-9]+|[^\s;&]+);")
_BARE_END = " \t\n\r}"
# Attributes a writer may not set: script (on...), and links markdown-it would refuse.
_URL_KEYS = ("href", "src", "action", "formaction", "xlink:href")
# After these inline elements (their closing token for a link or span), `{...}` is their attributes.
_TAKES_ATTRIBUTES = ("image", "code_inline", "link_close", "span_close")


class AttributeSyntaxError(ValueError):
    """Raised with the 0-based offset in the attribute text where parsing stopped."""

    def __init__(self, offset: int, message: str):
        self.offset = offset
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class Attributes:
    id: str = ""
    classes: tuple[str, ...] = ()
    pairs: tuple[tuple[str, str], ...] = ()
    # 0-based offset of each key (or "#id"/".class") in the text parsed, for messages
    offsets: dict = field(default_factory=dict, compare=False)
    # (key, offset) of each key given again (`grade=B3 grade=F6`): pandoc keeps both in its AST, its
    # writers and filters' lookups the first, and warns "Ignoring duplicate attribute"
    repeated: tuple[tuple[str, int], ...] = field(default=(), compare=False)

    def get(self, key: str, default: str | None = None) -> str | None:
        for name, value in self.pairs:
            if name == key:
                return value
        return default


def parse_attributes(text: str) -> Attributes:
    """Parse the inside of `{...}` (without the braces) of a block Dossier reports on rather than
    print as text (a fenced div, a heading, a table caption); AttributeSyntaxError where it cannot
    be read. Only here, an id may hold any character but white space, quotes, `=` and braces, and a
    quoted value may begin with a space (`url="  https://..."`), which pandoc does not read; and a
    quote never closed is an error, where pandoc reads it as part of the value."""
    try:
        attributes, end = scan_attributes("{" + text + "}", 0, reporting=True)
    except AttributeSyntaxError as exc:
        raise AttributeSyntaxError(min(max(exc.offset - 1, 0), len(text)), str(exc)) from None     # within text
    if end != len(text) + 2:        # a '}' inside text
        raise AttributeSyntaxError(end - 2, f"cannot read attribute '{_word_at(text, end - 2)}'")
    return attributes


def read_attributes(src: str, start: int, end: int | None = None) -> tuple[Attributes, int] | None:
    """The attributes of the `{...}` at start and the offset just after its `}`; None when pandoc
    would read that text as text."""
    try:
        return scan_attributes(src, start, end)
    except AttributeSyntaxError:
        return None


def scan_attributes(src: str, start: int, end: int | None = None, *,
                    reporting: bool = False) -> tuple[Attributes, int]:
    """Read the `{...}` at src[start] (up to end); offsets in the result count from just after
    the `{`, offsets in an AttributeSyntaxError from the start of src. reporting: as
    parse_attributes reads."""
    end = len(src) if end is None else end
    if not src.startswith("{", start) or start >= end:
        raise AttributeSyntaxError(start, "attributes begin with '{'")
    identifier, classes, pairs, offsets, repeated = "", [], [], {}, []
    open_quotes: list[int] = []       # keys whose unquoted value starts with a quote
    base = start + 1
    pos = _skip_spnl(src, base, end)
    while pos < end and src[pos] != "}":
        if match := (_ANY_ID if reporting else _ID).match(src, pos, end):
            identifier = match.group(1)
            offsets["#"] = pos - base
            pos = match.end()
        elif match := _CLASS.match(src, pos, end):
            classes.append(match.group(1))
            offsets.setdefault("." + match.group(1), pos - base)
            pos = match.end()
        elif match := _KEY.match(src, pos, end):
            key = match.group(1)
            value, after, quoted = _value(src, match.end(), end, reporting)
            if not quoted and value[:1] in ("'", '"'):
                open_quotes.append(pos)
                if reporting:
                    _fail(src, pos, end, open_quotes)
            if key == "id":         # as pandoc reads it: id="x" is #x, class="a b" is .a .b
                identifier = value
                offsets["#"] = pos - base
            elif key == "class":
                classes += value.split()
                offsets.setdefault(".", pos - base)
            else:
                if key in offsets:
                    repeated.append((key, pos - base))
                pairs.append((key, value))
                offsets.setdefault(key, pos - base)
            pos = after
        elif src[pos] == "-":
            classes.append("unnumbered")
            pos += 1
        else:
            _fail(src, pos, end, open_quotes)
        pos = _skip_spnl(src, pos, end)
    if pos >= end:
        _fail(src, pos, end, open_quotes)
    return Attributes(identifier, tuple(classes), tuple(pairs), offsets, tuple(repeated)), pos + 1


def _fail(src: str, pos: int, end: int, open_quotes: list[int]):
    if open_quotes:
        raise AttributeSyntaxError(open_quotes[0], "unterminated quoted attribute value")
    if pos >= end:
        raise AttributeSyntaxError(pos, "no '}' closes the attributes")
    raise AttributeSyntaxError(pos, f"cannot read attribute '{_word_at(src[:end], pos)}'")


def _word_at(text: str, pos: int) -> str:
    rest = text[pos:].lstrip()
    word = rest.split()[0] if rest else ""
    return word.removesuffix("}") or word


def _skip_spnl(src: str, pos: int, end: int) -> int:
    """Pandoc's `spnl`: spaces, and at most one line break, which must not begin a blank line."""
    while pos < end and src[pos] in " \t":
        pos += 1
    if pos < end and src[pos] == "\n":
        after = pos + 1
        while after < end and src[after] in " \t":
            after += 1
        if after < end and src[after] == "\n":
            raise AttributeSyntaxError(pos, "a blank line inside the attributes")
        pos = after
    return pos


def _value(src: str, pos: int, end: int, space_after_quote: bool) -> tuple[str, int, bool]:
    """(value, offset after it, whether it was quoted) of the value at pos."""
    quote = src[pos] if pos < end else ""
    if quote in ("'", '"'):
        if src.startswith(quote * 2, pos) and pos + 2 <= end:
            return "", pos + 2, True
        if pos + 1 < end and (space_after_quote or not src[pos + 1].isspace()):
            quoted = _quoted(src, pos + 1, end, quote)
            if quoted is not None:
                return quoted[0], quoted[1], True
    chars = []
    while pos < end and src[pos] not in _BARE_END:
        if src[pos] == "\\" and pos + 1 < end and not src[pos + 1].isalnum():
            pos += 1
        chars.append(src[pos])
        pos += 1
    return "".join(chars), pos, False


def _quoted(src: str, pos: int, end: int, quote: str) -> tuple[str, int] | None:
    """A quoted value's text from pos to its closing quote (at least one character: pandoc's
    `many1Till litChar`), and the offset after the quote; None when no quote closes it."""
    chars: list[str] = []
    while pos < end:
        char = src[pos]
        if char == quote and chars:
            return "".join(chars), pos + 1
        if char == "\\" and pos + 1 < end and not src[pos + 1].isalnum():
            chars.append(src[pos + 1])
            pos += 2
            continue
        if char == "&" and (entity := _ENTITY.match(src, pos, end)) and (text := _entity(entity.group(1))):
            chars.append(text)
            pos = entity.end()
            continue
        if char == "\n":
            line_end = src.find("\n", pos + 1, end)
            if line_end != -1 and not src[pos + 1:line_end].strip(" \t"):
                return None         # a blank line ends the paragraph, and the value with it
            char = " "
        chars.append(char)
        pos += 1
    return None


def _entity(name: str) -> str:
    """The text of a character reference (`amp`, `#38`, `#x26`), or "" if it is none."""
    if name.startswith("#"):
        try:
            code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
            return chr(code) if 0 < code < 0x110000 else ""
        except ValueError:
            return ""
    return html5.get(name + ";", "")


def find_closing_brace(text: str, start: int) -> int:
    """Index of the `}` closing the `{` at start, skipping quoted values; -1 when none."""
    quote = ""
    index = start + 1
    while index < len(text):
        char = text[index]
        if quote:
            if char == "\\" and quote == '"':
                index += 1
            elif char == quote:
                quote = ""
        elif char in "\"'" and text[index - 1] == "=":
            quote = char
        elif char == "}":
            return index
        index += 1
    return -1


def inline_attributes_plugin(md: MarkdownIt) -> None:
    """Attributes after images, links, inline code and `[bracketed spans]{...}`, and on fenced
    code blocks, read as pandoc reads them; text that is not attributes stays text."""
    md.inline.ruler.push("attr", _after_element)
    md.inline.ruler.before("link", "span", _span)
    md.core.ruler.after("block", "code_block_attributes", _code_block_attributes)


def _after_element(state: StateInline, silent: bool) -> bool:
    """`{...}` right after an image, a link, inline code or a span (one block only, as in pandoc)."""
    if state.src[state.pos] != "{" or state.pending or not state.tokens:
        return False
    last = state.tokens[-1]
    if last.type not in _TAKES_ATTRIBUTES or last.meta.get("attributes_read"):
        return False
    read = read_attributes(state.src, state.pos, state.posMax)
    if read is None:
        return False
    if not silent:
        _apply(state.md, _opening(state.tokens), read[0])
        last.meta["attributes_read"] = True
    state.pos = read[1]
    return True


def _opening(tokens):
    """The token an element's attributes go on: the element itself, or its opening token."""
    if tokens[-1].nesting != -1:
        return tokens[-1]
    depth = 0
    for token in reversed(tokens):
        depth += token.nesting
        if depth == 0:
            return token
    return tokens[-1]


def _span(state: StateInline, silent: bool) -> bool:
    """`[text]{.class}`: a span, as pandoc reads it before links and citations; not a footnote `[^1]`."""
    src, start = state.src, state.pos
    # A span's text ends in ']{': without one ahead, the label need not be measured.
    if src[start] != "[" or src.startswith("[^", start) or src.find("]{", start, state.posMax) == -1:
        return False
    label_end = state.md.helpers.parseLinkLabel(state, start, False)
    if label_end < 0 or label_end + 1 >= state.posMax or src[label_end + 1] != "{":
        return False
    read = read_attributes(src, label_end + 1, state.posMax)
    if read is None:
        return False
    if not silent:
        old_max = state.posMax
        state.pos, state.posMax = start + 1, label_end
        token = state.push("span_open", "span", 1)
        _apply(state.md, token, read[0])
        state.md.inline.tokenize(state)
        token = state.push("span_close", "span", -1)
        token.meta["attributes_read"] = True
        state.posMax = old_max
    state.pos = read[1]
    return True


def _apply(md: MarkdownIt, token, attributes: Attributes) -> None:
    """Set the attributes on token, leaving out event handlers and links markdown-it refuses."""
    if attributes.id:
        token.attrSet("id", attributes.id)
    if attributes.classes:
        existing = str(token.attrGet("class") or "")
        token.attrSet("class", " ".join(filter(None, (existing, *attributes.classes))))
    for key, value in attributes.pairs:
        if key.lower().startswith("on"):
            continue
        if key.lower() in _URL_KEYS and not md.validateLink(md.normalizeLink(re.sub(r"[\t\n\r]", "", value).strip())):
            continue
        token.attrSet(key, value)


def _code_block_attributes(state: StateCore) -> None:
    """```` ```{.python #id} ````: the first class is the block's language, as in pandoc."""
    for token in state.tokens:
        if token.type != "fence" or not token.info.lstrip().startswith("{"):
            continue
        info = token.info.strip()
        read = read_attributes(info, 0)
        if read is None or info[read[1]:].strip():
            continue
        attributes = read[0]
        token.info = attributes.classes[0] if attributes.classes else ""
        if attributes.id:
            token.attrSet("id", attributes.id)
