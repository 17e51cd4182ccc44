"""Citations as footnotes, for a note style (Chicago notes and bibliography, ...), as pandoc makes them.

A citation in the text becomes a footnote holding the formatted citation; it stays in the text
only with what a narrative citation shows there ("Lee"). Citation notes and the author's own
`[^n]` notes are numbered together, in reading order; a citation inside an author's note stays
there, formatted in place (citeproc.lua places it so). Around each new note, punctuation moves
as pandoc's citeproc moves it (`notes-after-punctuation`):

- `claim [@a].` -> `claim.[1]`: the space before a bracketed citation goes, and the punctuation
  after it (a run of punctuation characters) comes before the note;
- `as @a says.` keeps its space; punctuation right after a citation (one of `.,;:!?` first)
  goes inside it, before the note, unless what the citation shows already ends with some;
- with an English locale, a period or comma moved after a closing quotation mark goes inside it.

The citation token keeps rendering its cluster (a marker filled in with what it shows in the
text); the note holds a `citation_note` token whose marker is filled in with the note's text.
"""

from __future__ import annotations

import unicodedata

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from builder.markdown.citations import footnote_bodies
from builder.markdown.crossrefs import figure_image

NOTE_MARKER = "\x00N{}\x00"                  # the note's text, filled in after formatting
MOVED = "\x00M\x00{}\x00m\x00"                # punctuation moved into a narrative citation
_BREAKS = ("softbreak",)
_AFTER_ANY_CITATION = ".,;:!?"
_CLOSING_QUOTES = ("\"", "'", "”", "’")


def notes_plugin(md: MarkdownIt, language: str = "en") -> None:
    """Turn citations in the text into footnotes (a note style)."""
    quotes_take_punctuation = language.lower() in ("en", "en-us")
    md.core.ruler.after("citation_positions", "citation_notes",
                        lambda state: _citation_notes(state, quotes_take_punctuation))
    md.add_render_rule("citation_note", lambda self, tokens, idx, options, env: NOTE_MARKER.format(tokens[idx].meta["index"]))
    md.add_render_rule("citation_moved", lambda self, tokens, idx, options, env: MOVED.format(tokens[idx].content))


def _citation_notes(state: StateCore, quotes_take_punctuation: bool) -> None:
    clusters = state.env.get("clusters", [])
    if not any(cluster.in_text for cluster in clusters):
        return
    data = state.env.setdefault("footnotes", {})
    data.setdefault("refs", {})
    old = data.setdefault("list", {})
    renumber = _Renumbering(old, clusters, footnote_bodies(state.tokens), quotes_take_punctuation)
    renumber.blocks(state.tokens, top_level=True)
    renumber.finish(state.tokens)
    data["list"] = renumber.notes
    data["refs"] = {label: renumber.new_ids[number] for label, number in data["refs"].items()
                    if number in renumber.new_ids}


class _Renumbering:
    """Walks the body in reading order (a note's content where it is first referenced), making a
    note of each citation in the text and numbering all notes in the order they are met."""

    def __init__(self, old: dict, clusters: list, bodies: dict, quotes_take_punctuation: bool):
        self.old, self.clusters, self.bodies = old, clusters, bodies
        self.quotes_take_punctuation = quotes_take_punctuation
        self.notes: dict[int, dict] = {}
        self.new_ids: dict[int, int] = {}
        self.done: set[int] = set()         # id() of the footnote_ref tokens renumbered

    def blocks(self, tokens, top_level: bool = False) -> None:
        depth = 0
        for index, token in enumerate(tokens):
            if token.type == "footnote_reference_open" and top_level:
                depth += 1
            elif token.type == "footnote_reference_close" and top_level:
                depth -= 1
            elif depth == 0 and token.type == "inline" and token.children is not None:
                figure = figure_image(tokens, index)       # its caption is text, as in pandoc
                if figure is not None:
                    figure.children = self.inline(figure.children, in_text=top_level)
                token.children = self.inline(token.children, in_text=top_level)

    def inline(self, children: list[Token], in_text: bool) -> list[Token]:
        out: list[Token] = []
        for token in children:
            if token.type == "footnote_ref":
                self.reference(token)
                out.append(token)
            elif (token.type == "citation" and in_text and token.meta.get("index") is not None
                  and self.clusters[token.meta["index"]].in_text):
                index = token.meta["index"]
                number = len(self.notes)
                note = Token("citation_note", "", 0)
                note.meta = {"index": index}
                self.notes[number] = {"content": token.content, "tokens": [note]}
                reference = Token("footnote_ref", "", 0)
                reference.meta = {"id": number, "subId": 0, "label": None, "citation": True}
                self.done.add(id(reference))
                out += [token, reference]
            else:
                out.append(token)
        return _move_punctuation(out, self.quotes_take_punctuation)

    def reference(self, token: Token) -> None:
        """An author's note referenced here: numbered now if first met, and its content read now."""
        if id(token) in self.done:
            return
        self.done.add(id(token))
        old = token.meta["id"]
        if old not in self.new_ids:
            self.new_ids[old] = len(self.notes)
            note = self.notes[self.new_ids[old]] = self.old.get(old, {})
            if "tokens" in note:
                note["tokens"] = self.inline(note["tokens"], in_text=False)
            elif "label" in note:
                self.blocks(self.bodies.get(note["label"], []))
        token.meta = dict(token.meta, id=self.new_ids[old])

    def finish(self, tokens) -> None:
        """Notes referenced only where reading order does not go (an image's description): numbered last."""
        for token in _all_tokens(tokens, self.old):
            if token.type == "footnote_ref" and id(token) not in self.done:
                old = token.meta["id"]
                if old not in self.new_ids:
                    self.new_ids[old] = len(self.notes)
                    self.notes[self.new_ids[old]] = self.old.get(old, {})
                token.meta = dict(token.meta, id=self.new_ids[old])
                self.done.add(id(token))


def _move_punctuation(tokens: list[Token], quotes_take_punctuation: bool) -> list[Token]:
    """Pandoc's notes-after-punctuation around each citation note (see the module's docstring)."""
    out = list(tokens)
    index = 0
    while index < len(out):
        token = out[index]
        if not (token.type == "footnote_ref" and token.meta.get("citation") and index > 0
                and out[index - 1].type == "citation"):
            index += 1
            continue
        citation_at = index - 1
        citation = out[citation_at]
        following = out[index + 1] if index + 1 < len(out) and out[index + 1].type == "text" else None
        bracketed = citation.content.startswith("[")
        before = out[citation_at - 1] if citation_at > 0 else None
        spacy_before = before is not None and (before.type in _BREAKS or (before.type == "text" and before.content[-1:].isspace()))
        if before is not None and before.type == "text" and before.content.strip():
            something_before = True
        else:   # the space alone: something must come before it, and not a citation's note (pandoc keeps that space)
            earlier = out[citation_at - 2] if citation_at > 1 else None
            something_before = earlier is not None and not (earlier.type == "footnote_ref" and earlier.meta.get("citation"))
        if bracketed and spacy_before and something_before:
            # 'x [@a],' -> 'x,[@a]': the space goes; a run of punctuation after comes before the note
            run = _punctuation_run(following.content) if following is not None else ""
            if before.type in _BREAKS:
                out.pop(citation_at - 1)
                citation_at -= 1
                index -= 1
                before = out[citation_at - 1] if citation_at > 0 and out[citation_at - 1].type == "text" else None
            else:
                before.content = before.content.rstrip()
            if run:
                following.content = following.content[len(run):]
                if before is not None and before.type == "text":
                    before.content = _append_punctuation(before.content, run, quotes_take_punctuation)
                else:
                    out.insert(citation_at, _text(run))
                    index += 1
        elif following is not None and following.content[:1] in _AFTER_ANY_CITATION and following.content:
            # 'x[@a],' -> 'x,[@a]'; inside a narrative citation, before its note
            run = _punctuation_run(following.content)
            following.content = following.content[len(run):]
            if bracketed:
                out.insert(citation_at, _text(run))
            else:
                moved = Token("citation_moved", "", 0)
                moved.content = run
                out.insert(index, moved)
            index += 1
        index += 1
    return out


def _punctuation_run(text: str) -> str:
    """The punctuation that follows a citation and moves before its note; none after the closing
    quotation mark of a quotation the citation ends (pandoc reads the citation as inside it)."""
    if text[:1] in _CLOSING_QUOTES:
        return ""
    run = 0
    while run < len(text) and unicodedata.category(text[run]).startswith("P"):
        run += 1
    return text[:run]


def _append_punctuation(text: str, run: str, quotes_take_punctuation: bool) -> str:
    """text + run; a period or comma after a closing quotation mark goes inside it (English)."""
    if quotes_take_punctuation and run[:1] in ".," and text[-1:] in ('"', "”", "’"):
        return text[:-1] + run[:1] + text[-1:] + run[1:]
    return text + run


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _all_tokens(tokens, notes: dict):
    """Every token of the body, inline children and inline notes' tokens included."""
    stack = list(tokens) + [token for note in notes.values() for token in note.get("tokens", ())]
    while stack:
        token = stack.pop()
        yield token
        stack.extend(token.children or ())
