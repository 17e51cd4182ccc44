"""Code fences as pandoc reads them, where CommonMark reads more.

Pandoc opens a fenced code block only when what follows the ```` ``` ```` (or `~~~`) is nothing,
a word (the language: ```` ```r ````), `{attributes}` (```` ``` {.r #id} ````), a word and then
attributes, or a raw format (```` ```{=html} ````), and only when a closing fence follows in the
same container. Anything else is text to pandoc: R Markdown's and Quarto's ```` ```{r, echo=FALSE} ````
chunks, MyST's ```` ```{figure} x.svg ````, ```` ```python title="a.py" ````, a fence never closed.
CommonMark makes code of all of them, which would hide what pandoc shows (a citation in a MyST
figure's caption, the rest of a document after a fence left open). Dossier reads them as pandoc
does, as text, and warns at the line, since the writer almost always meant code.

A raw block (```` ```{=html} ````) is HTML put into the page as written (and sanitised like any
raw HTML); one for another format (`{=latex}`, `{=typst}`) is left out of the page, as pandoc
leaves it out of HTML.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock, fence

from builder.errors import Severity
from builder.markdown.attributes import read_attributes
from builder.markdown.nesting import push_paragraph
from builder.markdown.report import report

_OPENING = re.compile(r"(`{3,}|~{3,})[ \t]*(.*?)[ \t]*$")
_RAW = re.compile(r"\{[ \t]*=[A-Za-z0-9_-]+[ \t]*\}")


def code_fences_plugin(md: MarkdownIt) -> None:
    """Open a code block only where pandoc opens one (see the module's docstring)."""
    md.block.ruler.at("fence", _pandoc_fence, {"alt": ["paragraph", "reference", "blockquote", "list"]})
    md.core.ruler.after("block", "raw_blocks", _raw_blocks)


def _pandoc_fence(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    text = state.src[state.bMarks[start] + state.tShift[start]:state.eMarks[start]]
    match = _OPENING.match(text)
    if match is None or (match.group(1)[0] == "`" and "`" in match.group(2)):
        return fence(state, start, end, silent)      # no fence to CommonMark either
    marker, info = match.groups()
    if not _pandoc_info(info):
        if silent:
            return False
        report(state.env, start, state.sCount[start], f"'{marker}{info}' opens no code block: pandoc reads a "
               f"fence only with a language, {{attributes}} or both after it (```r, ``` {{.r #id}}), and so "
               "does Dossier; these lines are text", Severity.WARNING)
        _paragraph(state, start, end, marker)
        return True
    if not _closed(state, start, end, marker):
        if not silent:
            report(state.env, start, state.sCount[start], f"code block '{marker}' is not closed: pandoc reads it and "
                   f"the lines after it as text, and so does Dossier; add a '{marker}' line after the code",
                   Severity.WARNING)
        return False
    return fence(state, start, end, silent)


def _pandoc_info(info: str) -> bool:
    """Whether pandoc reads info as a code block's: nothing, a word, {attributes}, a word and
    {attributes}, or {=format}."""
    if not info or _RAW.fullmatch(info):
        return True
    word = re.match(r"[^\s{]\S*", info)
    rest = info[word.end():].lstrip() if word else info
    if not rest:
        return True
    read = read_attributes(rest, 0) if rest.startswith("{") else None
    return read is not None and not rest[read[1]:].strip()


def _paragraph(state: StateBlock, start: int, end: int, marker: str) -> None:
    """The lines pandoc reads as one paragraph: up to a blank line, or through the fence that
    closes the code span the opening backticks begin (```` ```{r} x ``` ```` is inline code)."""
    closing = re.compile(rf"{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$")
    stop = start + 1
    while stop < end and not state.isEmpty(stop) and state.sCount[stop] >= state.blkIndent:
        stop += 1
        if closing.match(state.src[state.bMarks[stop - 1] + state.tShift[stop - 1]:state.eMarks[stop - 1]]):
            break
    push_paragraph(state, start, stop)


def _closed(state: StateBlock, start: int, end: int, marker: str) -> bool:
    """Whether a closing fence (the same character, at least as long) follows within the container."""
    closing = re.compile(rf"{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$")
    for line in range(start + 1, end):
        if state.sCount[line] < state.blkIndent and not state.isEmpty(line):
            return False
        if state.sCount[line] - state.blkIndent < 4 and closing.match(
                state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]]):
            return True
    return False


def _raw_blocks(state) -> None:
    """```` ```{=html} ```` blocks become raw HTML; raw blocks of other formats are left out."""
    kept = []
    for token in state.tokens:
        raw = _RAW.fullmatch(token.info.strip()) if token.type == "fence" else None
        if raw is None:
            kept.append(token)
            continue
        if raw.group(0).strip("{}= \t").lower() in ("html", "html5"):
            token.type, token.tag = "html_block", ""
            kept.append(token)
    state.tokens[:] = kept
