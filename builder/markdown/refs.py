"""Where a document's bibliography goes, by pandoc's rule, and the citations of `nocite:`.

Pandoc puts the bibliography at the end of a div with the id `refs` (`::: {#refs}`) when the
document has one; else, when the document ends with a heading, after that heading; else at the
end. The parser marks both places with a `references` token (the div's: place "div", the last
heading's: place "heading"), which renders as what env['references_html'] holds for its place:
which one is filled, and with what, is decided once the citations are formatted (site/bodies.py).

The author's `refs` div keeps its id on the page; the page around the body then writes no
element with it (the theme's own references section is not written), so the check of unique
ids (markdown/ids.py) is not asked about it.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from builder.model import MetaText

REFS = "refs"


def refs_plugin(md: MarkdownIt) -> None:
    """Mark where the bibliography may go; the ids plugin must be in use already."""
    md.core.ruler.before("unique_ids", "references_places", _mark_places)
    md.core.ruler.after("unique_ids", "references_id", _restore_id)
    md.add_render_rule("references", _render)


def _mark_places(state: StateCore) -> None:
    tokens = state.tokens
    last = _last_block(tokens)
    if last is not None and tokens[last].type == "heading_close" and tokens[last].level == 0:
        tokens.insert(last + 1, _placeholder("heading"))
    for index, token in enumerate(tokens):
        if token.type == "fenced_div_open" and token.attrGet("id") == REFS:
            token.attrs.pop("id")
            token.meta["references"] = True
            tokens.insert(_closing(tokens, index), _placeholder("div"))
            return


def _restore_id(state: StateCore) -> None:
    for token in state.tokens:
        if token.type == "fenced_div_open" and token.meta.get("references"):
            token.attrs = {"id": REFS, **token.attrs}


def _last_block(tokens: list[Token]) -> int | None:
    """Index of the token ending the body's last block (footnotes are not blocks of the body to pandoc)."""
    last, in_notes = None, False
    for index, token in enumerate(tokens):
        if token.type in ("footnote_block_open", "footnote_block_close"):
            in_notes = token.type == "footnote_block_open"
        elif token.block and token.level == 0 and not in_notes:
            last = index
    return last


def _closing(tokens: list[Token], opening: int) -> int:
    level = tokens[opening].level
    for index in range(opening + 1, len(tokens)):
        if tokens[index].type == "fenced_div_close" and tokens[index].level == level:
            return index
    return len(tokens)


def _placeholder(place: str) -> Token:
    token = Token("references", "", 0)
    token.block = True
    token.meta = {"place": place}
    return token


def _render(self, tokens, idx, options, env) -> str:
    return env.get("references_html", {}).get(tokens[idx].meta["place"], "")


_NOCITE_PARSER: MarkdownIt | None = None


def nocite_citations(texts: tuple[MetaText, ...]) -> list[tuple[str, int, int]]:
    """(key, line, col) of each citation in `nocite:` texts, read as pandoc reads metadata (Markdown);
    the key '*' stands for every entry of the bibliography."""
    global _NOCITE_PARSER
    from builder.markdown.citations import citations_plugin

    if _NOCITE_PARSER is None:
        _NOCITE_PARSER = MarkdownIt("commonmark").use(citations_plugin)
    found = []
    for text in texts:
        env: dict = {}
        _NOCITE_PARSER.parse(text.text, env)
        for cluster in env.get("clusters", []):
            for key, line, col in zip(cluster.keys, cluster.key_lines, cluster.key_cols):
                found.append((key, text.line + line, text.col + col))
    return found
