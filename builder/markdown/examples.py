"""Pandoc's example lists: `(@)`, `(@label)`, `@.` or `@label)` items, numbered consecutively
through the whole document, and `@label` in the text, which becomes the number of that item.

As in pandoc (3.9, checked with `pandoc -f markdown -t html`):

- an example list is an ordered list `<ol class="example" type="1">` (with `start` after the first),
  a new one wherever the marker's form changes (`(@)`, `@)`, `@.`); like any pandoc list it needs
  a blank line before it, so `(@)` cannot interrupt a paragraph;
- a label is letters and digits, with `-` or `_` before each run of them (`a-b_c`, `-x`); the first
  item with a label gives its number;
- `@label` after that item is its number (`x@label` and `(@label)` too) and is never a citation;
  before it, `@label` and `-@label` alone are its number too, but followed by brackets
  (`@label [p. 3]`) they are a citation, as pandoc reads them; `[@label]` is always a citation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.common.utils import normalizeReference
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline

from builder.errors import Severity
from builder.markdown.citation_syntax import key_at, narrative_at
from builder.markdown.report import report

# Pandoc's example label: runs of letters and digits, each run may follow one '-' or '_'.
_LABEL = r"(?:[-_]?[^\W_])*"
_MARKER = re.compile(rf"\(@({_LABEL})\)|@({_LABEL})([.)])")
_REFERENCE = re.compile(r"@((?:[-_]?[^\W_])+)")


@dataclass(frozen=True, slots=True)
class Example:
    """A labelled example item: its number and the 0-based body line of its marker."""

    number: int
    line: int


def examples_plugin(md: MarkdownIt) -> None:
    """Example lists and references to their items; env['examples'] maps each label to its Example."""
    md.block.ruler.before("list", "example_list", _example_list, {"alt": ["paragraph", "list"]})
    md.core.ruler.after("block", "example_numbers", _number_examples)
    md.core.ruler.at("inline", _inline_in_order)
    md.inline.ruler.before("citation_narrative", "example_reference", _reference)


def _marker(state: StateBlock, line: int) -> tuple[str, str, int] | None:
    """(label, form, offset after the marker) of an example marker starting the line."""
    start = state.bMarks[line] + state.tShift[line]
    match = _MARKER.match(state.src, start, state.eMarks[line])
    if match is None:
        return None
    end = match.end()
    if end < state.eMarks[line] and state.src[end] not in " \t":
        return None
    if match.group(1) is not None:
        return match.group(1), "()", end
    return match.group(2), match.group(3), end


def _example_list(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """An example list, parsed like markdown-it's ordered lists (its `list` rule) but for the
    example markers, whose items are numbered afterwards (_number_examples)."""
    if state.is_code_block(start_line):
        return False
    if (state.listIndent >= 0 and state.sCount[start_line] - state.listIndent >= 4
            and state.sCount[start_line] < state.blkIndent):
        return False
    marker = _marker(state, start_line)
    if marker is None:
        return False
    if silent:
        # A paragraph goes on over it (pandoc wants a blank line before a list); another
        # list, or a paragraph it is the lazy continuation of, ends there.
        return not (state.parentType == "paragraph" and state.sCount[start_line] >= state.blkIndent)
    form = marker[1]
    list_open = state.push("ordered_list_open", "ol", 1)
    list_open.map = list_lines = [start_line, 0]
    list_open.markup = form
    list_open.meta = {"example": True}
    list_index = len(state.tokens) - 1
    tight, previous_empty_end = True, False
    old_parent, state.parentType = state.parentType, "list"
    terminators = state.md.block.ruler.getRules("list")
    line = start_line
    while line < end_line:
        label, _, after_marker = marker
        tight_item, ended_empty = _item(state, line, end_line, label, form, after_marker)
        if not tight_item or previous_empty_end:
            tight = False
        previous_empty_end = ended_empty
        line = state.line
        if line >= end_line or state.sCount[line] < state.blkIndent or state.is_code_block(line):
            break
        if any(rule(state, line, end_line, True) for rule in terminators if rule is not _example_list):
            break
        marker = _marker(state, line)
        if marker is None or marker[1] != form:
            break
    state.push("ordered_list_close", "ol", -1).markup = form
    list_lines[1] = line
    state.line = line
    state.parentType = old_parent
    if tight:
        _mark_tight_paragraphs(state, list_index)
    return True


def _item(state: StateBlock, line: int, end_line: int, label: str, form: str, after_marker: int) -> tuple[bool, bool]:
    """One item from line: (whether it is tight, whether it ends with a blank line)."""
    maximum = state.eMarks[line]
    marker_start = state.bMarks[line] + state.tShift[line]
    initial = offset = state.sCount[line] + after_marker - marker_start
    pos = after_marker
    while pos < maximum and state.src[pos] in " \t":
        offset += 4 - (offset + state.bsCount[line]) % 4 if state.src[pos] == "\t" else 1
        pos += 1
    content_start = pos
    after_marker_indent = 1 if content_start >= maximum else offset - initial
    if after_marker_indent > 4:         # more is an indented code block
        after_marker_indent = 1
    item = state.push("list_item_open", "li", 1)
    item.markup = form
    item.map = item_lines = [line, 0]
    item.meta = {"label": label}

    old_tight, old_tshift, old_scount = state.tight, state.tShift[line], state.sCount[line]
    old_list_indent = state.listIndent
    state.listIndent = state.blkIndent
    state.blkIndent = initial + after_marker_indent
    state.tight = True
    state.tShift[line] = content_start - state.bMarks[line]
    state.sCount[line] = offset
    if content_start >= maximum and state.isEmpty(line + 1):
        state.line = min(state.line + 2, end_line)      # an empty item; what follows is not in it
    else:
        state.md.block.tokenize(state, line, end_line)
    tight = state.tight
    ended_empty = (state.line - line) > 1 and state.isEmpty(state.line - 1)
    state.blkIndent = state.listIndent
    state.listIndent = old_list_indent
    state.tShift[line], state.sCount[line], state.tight = old_tshift, old_scount, old_tight
    state.push("list_item_close", "li", -1).markup = form
    item_lines[1] = state.line
    return tight, ended_empty


def _mark_tight_paragraphs(state: StateBlock, index: int) -> None:
    level = state.level + 2
    for position in range(index + 2, len(state.tokens) - 2):
        token = state.tokens[position]
        if token.level == level and token.type == "paragraph_open":
            token.hidden = True
            state.tokens[position + 2].hidden = True


def _number_examples(state: StateCore) -> None:
    """Number the example items in reading order, the lists' `start` following on."""
    examples: dict[str, Example] = state.env.setdefault("examples", {})
    lines = state.src.split("\n")
    count = 0
    for token in state.tokens:
        if token.type == "ordered_list_open" and token.meta.get("example"):
            if count:
                token.attrSet("start", str(count + 1))
            token.attrSet("class", "example")
            token.attrSet("type", "1")
        elif token.type == "list_item_open" and "label" in (token.meta or {}):
            count += 1
            label, line = token.meta["label"], token.map[0] if token.map else 0
            if label in examples:
                first = examples[label]
                col = max(lines[line].find("@" + label) if line < len(lines) else 0, 0)
                first_line = first.line + 1 + state.env.get("line_offset", 0)
                report(state.env, line, col, f"example label '@{label}' is defined twice: first on line {first_line}; "
                       f"'@{label}' is the number of the first ({first.number})", Severity.WARNING)
            elif label:
                examples[label] = Example(count, line)


def _inline_in_order(state: StateCore) -> None:
    """markdown-it's `inline` rule, which also tells the inline rules the line of the block being
    parsed: whether an example is defined before a reference depends on it."""
    for token in state.tokens:
        if token.type == "inline":
            if token.children is None:
                token.children = []
            state.env["block_line"] = token.map[0] if token.map else None
            state.md.inline.parse(token.content, state.md, state.env, token.children)
    state.env.pop("block_line", None)


def _reference(state: StateInline, silent: bool) -> bool:
    """`@label` (or `-@label` before the item) as the number of an example item."""
    examples: dict[str, Example] = state.env.get("examples") or {}
    pos = state.pos
    if not examples or not (state.src.startswith("@", pos) or state.src.startswith("-@", pos)):
        return False
    src = state.src[:state.posMax]
    key = key_at(src, pos)
    if key is not None and key.key in examples:
        example = examples[key.key]
        line = state.env.get("block_line")
        if line is None or example.line <= line:
            # Pandoc cites no key that is an earlier example's label; `@label` is its number.
            if src[pos] == "-":
                return _text(state, silent, "-")       # and `@label` next is the number
            return _number(state, silent, _REFERENCE.match(src, pos), examples) or _text(state, silent, "@")
        # A later example: pandoc reads a citation, which is the number if nothing follows it.
        references = state.env.get("references", {})
        found = narrative_at(src, pos, lambda label: normalizeReference(label) in references)
        if found is not None and found.end != key.end:
            return False
        if not silent:
            state.push("text", "", 0).content = str(example.number)
        state.pos = key.end
        return True
    if key is None and src[pos] == "@":
        # Not a citation (`x@label`): pandoc still reads `@label` as a reference.
        return _number(state, silent, _REFERENCE.match(src, pos), examples)
    return False


def _number(state: StateInline, silent: bool, match: re.Match | None, examples: dict[str, Example]) -> bool:
    if match is None or match.group(1) not in examples:
        return False
    if not silent:
        state.push("text", "", 0).content = str(examples[match.group(1)].number)
    state.pos = match.end()
    return True


def _text(state: StateInline, silent: bool, text: str) -> bool:
    if not silent:
        state.pending += text
    state.pos += len(text)
    return True
