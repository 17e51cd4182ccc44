"""Pandoc citation syntax: `[see @a, p. 3; @b]`, `@a`, `@a [p. 3]`, `[-@a]`, `-@a`.

The plugin only finds clusters (with citation_syntax, which follows Pandoc's Markdown
reader) and keeps their source text; Pandoc's citeproc parses and formats that text
later, so prefixes, suffixes and locators mean exactly what they mean to Pandoc.
Keys beginning `ev-`, `fig-` or `tbl-` (or pandoc-crossref's `fig:`, `tbl:`, `sec:`) are
cross-references, not citations.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from markdown_it import MarkdownIt
from markdown_it.common.utils import normalizeReference
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from builder.markdown.citation_syntax import CiteMatch, bracketed_at, key_at, narrative_at
from builder.markdown.crossrefs import figure_image
from builder.markdown.report import report

CROSSREF_PREFIXES = ("ev-", "fig-", "tbl-", "fig:", "tbl:", "sec:")     # Quarto's and pandoc-crossref's


@dataclass(frozen=True, slots=True)
class Cluster:
    """One citation cluster as written, with the position of its first key."""

    source: str                 # the Markdown text, e.g. "[see @a, p. 3; @b]"
    keys: tuple[str, ...]
    key_lines: tuple[int, ...]  # 0-based body line of each key
    key_cols: tuple[int, ...]   # 0-based column of each key's '@'
    context: str                # the text of the paragraph around the citation
    note: int = 0               # the author's footnote it stands in (the n-th referenced), 0 if none
    notes_before: int = 0       # how many of the author's footnotes are referenced before it
    in_text: bool = True        # in the text itself (not in a note, nor an image's description)
    note_text: str = ""         # the text of the author's note it stands in, paragraph by paragraph
    in_link: bool = False       # in a link's text: shown without links of its own (no link in a link)


def citations_plugin(md: MarkdownIt) -> None:
    """Recognise citation clusters; env['clusters'] lists them in Pandoc's reading order."""
    md.inline.ruler.before("link", "citation_bracketed", _bracketed)
    md.inline.ruler.before("emphasis", "citation_narrative", _narrative)
    md.core.ruler.after("inline", "citation_positions", _collect_clusters)
    md.core.ruler.push("citations_shown", _append_shown_check)
    md.add_render_rule("citation", _render)
    md.add_render_rule("citations_shown", _check_shown)
    # A link's text may hold citations, as in pandoc ([see [@a]](url)): markdown-it refuses a
    # link whose text holds a token that starts with '[' (a link in a link), citations included.
    from types import SimpleNamespace

    md.helpers = SimpleNamespace(parseLinkLabel=_link_label, parseLinkDestination=md.helpers.parseLinkDestination,
                                 parseLinkTitle=md.helpers.parseLinkTitle)


def _bracketed(state: StateInline, silent: bool) -> bool:
    """`[see @a, p. 3; @b]`, unless a key is a cross-reference."""
    if state.src[state.pos] != "[":
        return False
    found = bracketed_at(_text(state), state.pos)
    if found is None or _has_crossref(found.keys):
        return False
    return _accept(state, found, silent)


def _narrative(state: StateInline, silent: bool) -> bool:
    """`@a`, `-@a`, `@a [p. 3]` and `@a [see @b]`; not `user@example.org` or `\\@a`."""
    src, pos = state.src, state.pos
    if not (src.startswith("@", pos) or src.startswith("-@", pos)):
        return False
    src = _text(state)
    references = state.env.get("references", {})
    found = narrative_at(src, pos, lambda label: normalizeReference(label) in references)
    if found is None or _has_crossref(found.keys[:1]):
        return False
    if _has_crossref(found.keys):
        first = key_at(src, pos)    # `@a [see @fig-x]` cites @a alone
        found = CiteMatch.of(first.end, [first])
    return _accept(state, found, silent)


def _text(state: StateInline) -> str:
    """The text the rule may read: the same string each time, so the scanner made for it is found
    again (citation_syntax keeps one per text) without hashing a new copy."""
    return state.src if state.posMax == len(state.src) else state.src[:state.posMax]


def _link_label(state: StateInline, start: int, disable_nested: bool = False) -> int:
    """The end of the link text that starts at start ('['), or -1: markdown-it's own rule, except
    that a citation in it is not a link in a link."""
    old_pos, level, end = state.pos, 1, -1
    state.pos = start + 1
    while state.pos < state.posMax:
        marker = state.src[state.pos]
        if marker == "]":
            level -= 1
            if level == 0:
                end = state.pos
                break
        before = state.pos
        state.md.inline.skipToken(state)
        if marker == "[":
            if before == state.pos - 1:
                level += 1          # a '[' of the text, not the start of a token
            elif disable_nested and bracketed_at(_text(state), before) is None:
                state.pos = old_pos
                return -1
    state.pos = old_pos
    return end


def _has_crossref(keys: tuple[str, ...]) -> bool:
    return any(key.startswith(CROSSREF_PREFIXES) for key in keys)


def _accept(state: StateInline, found: CiteMatch, silent: bool) -> bool:
    if not silent:
        token = state.push("citation", "", 0)
        token.content = state.src[state.pos:found.end]
        token.meta = {"keys": found.keys, "offsets": found.at}
    state.pos = found.end
    return True


def _collect_clusters(state: StateCore) -> None:
    """List every cluster in the order Pandoc reads them, with its line and column.

    Like Pandoc, a footnote's citations count where the note is referenced, and notes
    never referenced are skipped; citations in image descriptions count too.
    """
    collector = _ClusterCollector(state)
    collector.visit_blocks(state.tokens, top_level=True)


class _ClusterCollector:
    """Walks a document's tokens in reading order, numbering citation tokens as clusters."""

    def __init__(self, state: StateCore) -> None:
        self.lines = state.src.split("\n")
        self.clusters: list[Cluster] = state.env.setdefault("clusters", [])
        self.notes = state.env.get("footnotes", {}).get("list", {})
        self.note_bodies = footnote_bodies(state.tokens)
        self.visited_notes: set[int] = set()
        self._context: tuple = (None, "")
        self._notes_read = 0          # the author's notes referenced so far
        self._in_note = 0             # the note being read (its number), 0 in the text
        self._in_image = 0
        self._note_text = ""
        self._in_link = 0

    def visit_blocks(self, tokens, top_level: bool = False) -> None:
        """Inline tokens of the blocks; at top level, footnote definitions wait for their reference."""
        depth = 0
        for index, token in enumerate(tokens):
            if token.type == "footnote_reference_open" and top_level:
                depth += 1
            elif token.type == "footnote_reference_close" and top_level:
                depth -= 1
            elif depth == 0 and token.type == "inline" and token.children:
                self.visit_inline(token, token.children, 0, figure_image(tokens, index))

    def visit_inline(self, block, children, base: int, figure: Token | None = None) -> None:
        """Children of block; their offsets count from base in block.content. A figure's caption
        is text, where a citation makes a note in a note style (as in pandoc); an image's
        description inside a paragraph is not."""
        for token in children:
            if token.type in ("link_open", "link_close"):
                self._in_link += 1 if token.type == "link_open" else -1
            elif token.type == "citation":
                self.add(block, token, base)
            elif token.type == "image" and token.children:
                self._in_image += token is not figure
                self.visit_inline(block, token.children, _nested_base(block.content, base, "![", token.content))
                self._in_image -= token is not figure
            elif token.type == "footnote_ref":
                self.visit_note(block, token.meta["id"], base)

    def visit_note(self, block, note_id: int, base: int) -> None:
        """A note's citations, read where the note is first referenced."""
        if note_id in self.visited_notes:
            return
        self.visited_notes.add(note_id)
        self._notes_read += 1
        outer = self._in_note, self._note_text
        if not self._in_note:
            self._in_note, self._note_text = self._notes_read, self._text_of_note(note_id)
        self._visit_note_body(block, note_id, base)
        self._in_note, self._note_text = outer

    def _text_of_note(self, note_id: int) -> str:
        note = self.notes.get(note_id, {})
        if "tokens" in note:
            return " ".join(note.get("content", "").split())
        return "\n\n".join(" ".join(token.content.split()) for token in self.note_bodies.get(note.get("label"), [])
                            if token.type == "inline")

    def _visit_note_body(self, block, note_id: int, base: int) -> None:
        note = self.notes.get(note_id, {})
        if "tokens" in note:    # an inline note, ^[...]
            self.visit_inline(block, note["tokens"], _nested_base(block.content, base, "^[", note.get("content", "")))
        else:
            self.visit_blocks(self.note_bodies.get(note.get("label"), []))

    def add(self, block, token, base: int) -> None:
        positions = [_source_position(self.lines, block, base + offset) for offset in token.meta["offsets"]]
        token.meta["index"] = len(self.clusters)
        if self._context[0] is not block:       # one paragraph's text, shared by all its citations
            self._context = (block, " ".join(block.content.split()))
        self.clusters.append(Cluster(token.content, token.meta["keys"], tuple(line for line, _ in positions),
                                     tuple(col for _, col in positions), self._context[1], self._in_note,
                                     self._notes_read, not self._in_note and not self._in_image, self._note_text,
                                     self._in_link > 0))


def footnote_bodies(tokens) -> dict[str, list]:
    """The block tokens of each `[^label]: ...` definition, by label."""
    bodies: dict[str, list] = {}
    current = None
    for token in tokens:
        if token.type == "footnote_reference_open":
            current = bodies.setdefault(token.meta["label"], [])
        elif token.type == "footnote_reference_close":
            current = None
        elif current is not None:
            current.append(token)
    return bodies


def _nested_base(content: str, base: int, opening: str, nested: str) -> int:
    """Where the text of an image description (`![`) or inline note (`^[`) starts in content.

    markdown-it parses those texts on their own, so offsets in them count from their start.
    """
    found = content.find(opening + nested, base)
    return found + len(opening) if found != -1 else base


def _source_position(lines: list[str], block, offset: int) -> tuple[int, int]:
    """0-based body line and column of offset in an inline block's content.

    Block content drops list markers, quote markers, indentation and table pipes, so the
    content's line is looked up in the source line to find the column.
    """
    content = block.content
    first = block.map[0] if block.map else 0
    line = first + content.count("\n", 0, offset)
    line_start = content.rfind("\n", 0, offset) + 1
    line_end = content.find("\n", offset)
    content_line = content[line_start:line_end if line_end != -1 else len(content)]
    text = lines[line] if line < len(lines) else ""
    start = text.find(content_line, (block.meta or {}).get("source_column", 0)) if content_line else -1
    return line, (start if start != -1 else 0) + offset - line_start


def _render(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    formatted = env.get("citations_html")
    index = token.meta.get("index")
    env.setdefault("clusters_shown", set()).add(index)
    if formatted is not None and index is not None and index < len(formatted):
        return formatted[index]
    return f'<span class="citation">{escape(token.content)}</span>'


def _append_shown_check(state: StateCore) -> None:
    """End the body with a token whose rendering checks that every cluster was shown."""
    state.tokens.append(Token("citations_shown", "", 0))


def _check_shown(self, tokens, idx, options, env) -> str:
    """Report each cluster the page would not show (nothing rendered its citation token), so that
    no citation is ever dropped in silence; an evidence box shows its own in its caption."""
    shown = env.get("clusters_shown", set()) | {box.cluster_index for box in env.get("evidence", [])}
    clusters = env.get("clusters", [])
    missing = [index for index in range(len(clusters)) if index not in shown]
    if not missing:
        return ""
    in_images = _clusters_in_images(tokens)
    problems = env.setdefault("problems", [])
    for index in missing:
        cluster = clusters[index]
        if index in in_images:
            message = (f"citation '{cluster.source}' in an image's description would not be shown: an image inside "
                       "a paragraph shows its description only as alternative text; put the image in a paragraph "
                       "of its own (a figure, captioned) or the citation outside it")
        else:
            message = f"citation '{cluster.source}' would not be shown anywhere on the page"
        before = len(problems)
        report(env, cluster.key_lines[0], cluster.key_cols[0], message)
        if problems[-1] in problems[:before]:       # the same body rendered twice reports once
            problems.pop()
    return ""


def _clusters_in_images(tokens) -> set[int]:
    """Indexes of the clusters inside images' descriptions."""
    found: set[int] = set()

    def visit(children, in_image: bool) -> None:
        for token in children or ():
            if token.type == "citation" and in_image and token.meta.get("index") is not None:
                found.add(token.meta["index"])
            if token.children:
                visit(token.children, in_image or token.type == "image")

    for token in tokens:
        if token.type == "inline":
            visit(token.children, False)
    return found
