"""Pandoc fenced divs: `::: {.class #id key=value}` ... `:::`, nestable, full Markdown inside.

Attributes are read as pandoc reads them (markdown/attributes.py). Where pandoc would not read a
`::: {...` line as a div at all (its attributes are not attributes), Dossier keeps the div and
reports the attributes: that line is always a mistake, and pandoc's paragraph of colons no help.
One word in braces that is no attribute (`::: {glossary}`, MyST's spelling) is what pandoc makes
of it, a div of class `{glossary}`, with a warning that `{.glossary}` is the class `glossary`.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

from builder.errors import Severity
from builder.markdown.attributes import (Attributes, AttributeSyntaxError, find_closing_brace,
                                         parse_attributes, read_attributes)
from builder.markdown.report import report

_FENCE = re.compile(r"(:{3,})[ \t]*(.*?)[ \t]*$")
_CLOSING = re.compile(r":{3,}[ \t]*$")
_CODE_FENCE = re.compile(r"(`{3,}|~{3,})")


def fenced_divs_plugin(md: MarkdownIt) -> None:
    """Add the `fenced_div` block rule; tokens carry meta['attributes'] for later plugins."""
    md.block.ruler.before("fence", "fenced_div", _fenced_div,
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})


def _line(state: StateBlock, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]]


def _opening(text: str) -> tuple[str, str, int, bool] | None:
    """(colons, attribute text inside the braces or the one word, its offset, whether its brace
    closes) when text opens a div."""
    match = _FENCE.match(text)
    if match is None:
        return None
    rest = match.group(2).rstrip(":").rstrip()
    if not rest:
        return None
    start = match.start(2)
    if rest.startswith("{"):
        read = read_attributes(rest, 0)
        if read is not None:
            return (match.group(1), rest[1:read[1] - 1], start + 1, True) if not rest[read[1]:].strip() else None
        close = find_closing_brace(rest, 0)
        if close == -1:
            return match.group(1), rest[1:], start + 1, False
        if rest[close + 1:].strip():
            return None
        return match.group(1), rest[1:close], start + 1, True
    if re.fullmatch(r"[^\s{}]+", rest):
        return match.group(1), rest, start, True        # pandoc: any one word is the class
    return None


def _fenced_div(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    opening = _opening(_line(state, start))
    if opening is None:
        return False
    if silent:
        return True
    colons, attr_text, attr_offset, brace_closed = opening
    indent = state.sCount[start]
    if not brace_closed:
        report(state.env, start, indent + attr_offset - 1, "attribute block is not closed: add '}'")
    if _line(state, start)[attr_offset - 1:attr_offset] == "{":
        attributes = _read_attributes(state, start, attr_text, attr_offset + indent, brace_closed)
    else:
        attributes = Attributes("", (attr_text,), (), {"." + attr_text: -1})
    close, closed = _find_close(state, start, end)
    if not closed:
        report(state.env, start, indent, f"fenced div '{colons}' is not closed: add a ':::' line after its content")

    old_parent, old_max = state.parentType, state.lineMax
    state.parentType = "fenced_div"
    state.lineMax = close
    token = state.push("fenced_div_open", "div", 1)
    token.block = True
    token.markup = colons
    token.info = attr_text
    token.map = [start, close + 1 if closed else close]
    token.meta = {"attributes": attributes}
    if attributes.id:
        token.attrSet("id", attributes.id)
    if attributes.classes:
        token.attrSet("class", " ".join(attributes.classes))
    for key, value in attributes.pairs:
        token.attrSet(key if key.startswith("data-") else f"data-{key}", value)
    state.md.block.tokenize(state, start + 1, close)
    token = state.push("fenced_div_close", "div", -1)
    token.block = True
    token.markup = colons
    state.parentType, state.lineMax = old_parent, old_max
    state.line = close + 1 if closed else close
    return True


def _read_attributes(state: StateBlock, line: int, attr_text: str, col: int, brace_closed: bool) -> Attributes:
    try:
        attributes = parse_attributes(attr_text)
        for key, offset in attributes.repeated:
            report(state.env, line, col + offset, f"attribute '{key}' is given twice: pandoc keeps the first, "
                   f"{key}={attributes.get(key)}, and ignores this one; remove one of them")
        return attributes
    except AttributeSyntaxError as exc:
        word = "{" + attr_text + "}"
        if brace_closed and attr_text and not re.search(r"\s", attr_text):     # pandoc: one word is the class
            report(state.env, line, col - 1, f"'::: {word}' is read as pandoc reads it, a div of class "
                   f"'{word}', braces included; write '::: {{.{attr_text.strip('{}')}}}' for the class "
                   f"'{attr_text.strip('{}')}'", Severity.WARNING)
            return Attributes("", (word,), (), {"." + word: -1})
        report(state.env, line, col + exc.offset, f"bad div attributes: {exc}")
        return Attributes()


def _find_close(state: StateBlock, start: int, end: int) -> tuple[int, bool]:
    """Line of the matching closing fence, and whether there is one."""
    depth = 0
    code_fence = ""
    line = start + 1
    while line < end:
        if state.sCount[line] < state.blkIndent and not state.isEmpty(line):
            return line, False
        text = _line(state, line)
        code = _CODE_FENCE.match(text)
        if code_fence:
            if text.startswith(code_fence[0] * len(code_fence)) and not text.strip(code_fence[0]).strip():
                code_fence = ""
        elif code:
            code_fence = code.group(1)
        elif state.sCount[line] - state.blkIndent < 4:
            if _opening(text):
                depth += 1
            elif _CLOSING.match(text):
                if depth == 0:
                    return line, True
                depth -= 1
        line += 1
    return end, False
