"""The Markdown dialect: CommonMark plus Pandoc's extensions, as markdown-it-py plugins: attributes,
fenced divs, headings and the table of contents, citation syntax, evidence box syntax,
cross-references, unique ids, where the bibliography goes (refs), citations as footnotes for a
note style (notes), footnotes marked up for assistive technology (footnote_html), example lists
(examples), pandoc's grid, simple and multiline tables (grid_tables, column_tables), code fences
where pandoc opens them (code_fences), bare URIs and e-mail addresses as links where pandoc
makes them (bare_uris), links handed to a resolver, code highlighting, a nesting
limit.
It parses and renders; what a citation or a box means is decided later (csl, evidence).

May import: the base modules only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.attrs import attrs_block_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from builder.errors import Problem
from builder.markdown.attributes import inline_attributes_plugin
from builder.markdown.bare_uris import bare_uris_plugin
from builder.markdown.citations import Cluster, citations_plugin
from builder.markdown.code_fences import code_fences_plugin
from builder.markdown.column_tables import column_tables_plugin
from builder.markdown.crossrefs import crossrefs_plugin
from builder.markdown.evidence import EvidenceBox, evidence_plugin
from builder.markdown.examples import examples_plugin
from builder.markdown.fenced_divs import fenced_divs_plugin
from builder.markdown.footnote_html import footnote_html_plugin
from builder.markdown.grid_tables import grid_tables_plugin
from builder.markdown.headings import heading_attributes_plugin, table_of_contents
from builder.markdown.highlight import highlight_code
from builder.markdown.ids import ids_plugin
from builder.markdown.links import LinkResolver, links_plugin
from builder.markdown.nesting import nesting_plugin
from builder.markdown.notes import notes_plugin
from builder.markdown.refs import refs_plugin
from builder.model import Heading
from builder.text import html_text, slugify

_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class MarkdownResult:
    html: str
    toc: tuple[Heading, ...]
    word_count: int
    first_paragraph: str
    problems: tuple[Problem, ...]


def create_parser(page_ids: Iterable[str] = (), *, notes: bool = False, language: str = "en") -> MarkdownIt:
    """The parser every document goes through; raw HTML is escaped unless unsafe_html. page_ids:
    the ids the page around a body uses (the theme's), which no id of the body may take; notes: the
    style is a note style, so citations in the text become footnotes (markdown/notes.py)."""
    page_ids = frozenset(page_ids)
    md = MarkdownIt("commonmark", {"typographer": True, "html": True, "highlight": highlight_code})
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.validateLink = _validate_link
    md.use(nesting_plugin)
    md.use(footnote_plugin)
    md.use(footnote_html_plugin)
    md.use(deflist_plugin)
    md.use(fenced_divs_plugin)
    md.use(code_fences_plugin)
    md.use(grid_tables_plugin)
    md.use(column_tables_plugin)
    md.use(inline_attributes_plugin)
    md.use(attrs_block_plugin)
    md.use(heading_attributes_plugin)
    md.use(anchors_plugin, min_level=1, max_level=6, slug_func=lambda text: _heading_slug(text, page_ids))
    md.use(links_plugin)
    md.use(bare_uris_plugin)
    md.use(citations_plugin)
    md.use(examples_plugin)
    if notes:
        md.use(notes_plugin, language)
    md.use(evidence_plugin)
    md.use(crossrefs_plugin)
    md.use(ids_plugin, page_ids)
    md.use(refs_plugin)
    return md


@dataclass
class ParsedMarkdown:
    """Tokens of one body, before citations are formatted."""

    tokens: list
    env: dict

    @property
    def clusters(self) -> list[Cluster]:
        return self.env.get("clusters", [])

    @property
    def evidence(self) -> list[EvidenceBox]:
        return self.env.get("evidence", [])

    @property
    def problems(self) -> tuple[Problem, ...]:
        return tuple(self.env.get("problems", ()))


def parse_markdown(md: MarkdownIt, text: str, *, path: str = "<string>", line_offset: int = 0,
                   resolve_link: LinkResolver | None = None) -> ParsedMarkdown:
    """Parse one document body; line_offset is the body's first line in its file, minus one."""
    env: dict = {"path": path, "line_offset": line_offset, "problems": []}
    if resolve_link is not None:
        env["resolve_link"] = resolve_link
    return ParsedMarkdown(md.parse(text, env), env)


def render_parsed(md: MarkdownIt, parsed: ParsedMarkdown, citations_html: tuple[str, ...] = (),
                  evidence_caption=None, references: dict[str, str] | None = None,
                  evidence_original_label=None, number_label=None, evidence_marks=None) -> MarkdownResult:
    """HTML of a parsed body, with each citation cluster replaced by its formatted HTML;
    evidence_caption(box, citations_html) gives each evidence box's <figcaption>; references, what
    each place the bibliography may go holds (markdown/refs.py: "div", "heading");
    evidence_original_label(box), the words above a translated box's original; number_label(kind,
    number), a numbered target's words in the document's language ("Figure 2"; kind: fig, tbl, ev);
    evidence_marks(box, part, edge), a mark where each quote and original starts and ends
    (markdown/evidence.py)."""
    env = dict(parsed.env, citations_html=citations_html, evidence_caption=evidence_caption,
               references_html=references or {}, evidence_original_label=evidence_original_label,
               number_label=number_label, evidence_marks=evidence_marks)
    html = md.renderer.render(parsed.tokens, md.options, env)
    tokens = parsed.tokens
    words = len(_WORD.findall("\n".join(token.content for token in tokens if token.type == "inline")))
    return MarkdownResult(html, table_of_contents(md, tokens, env), words,
                          _first_paragraph(md, tokens, options=md.options, env=env), parsed.problems)


def render_markdown(md: MarkdownIt, text: str, *, path: str = "<string>", line_offset: int = 0,
                    resolve_link: LinkResolver | None = None) -> MarkdownResult:
    """Parse and render a body whose citations need no formatting (they stay as written)."""
    return render_parsed(md, parse_markdown(md, text, path=path, line_offset=line_offset, resolve_link=resolve_link))


def _validate_link(url: str) -> bool:
    """markdown-it's check (no javascript:, vbscript: or data: links, which stay text), except that
    file: links are kept for the link resolver to refuse with a message naming them."""
    from markdown_it.common.normalize_url import validateLink

    return url.strip().lower().startswith("file:") or validateLink(url)


def _first_paragraph(md: MarkdownIt, tokens, options, env) -> str:
    """Plain text of the first top-level paragraph (citations as formatted), for a summary when none is given."""
    for index, token in enumerate(tokens):
        if token.type == "paragraph_open" and token.level == 0:
            children = [c for c in tokens[index + 1].children or () if c.type != "footnote_ref"]
            html = md.renderer.renderInline(children, options, env)
            return html_text(html)
    return ""


# A heading whose text gives an id the page uses, or one of the prefixes other parts of a body
# get (bibliography entries, footnotes, evidence boxes, figures, tables), gets "-1" appended.
_TAKEN_PREFIX = re.compile(r"^(?:ref-|ev-|fig-|tbl-|fn\d|fnref\d)")


def _heading_slug(text: str, page_ids: frozenset[str]) -> str:
    """A heading's id; headings of only punctuation or symbols still get one, and none takes an
    id the page or the body's other parts use ('## Main' would make a second id="main")."""
    slug = slugify(text) or "section"
    return f"{slug}-1" if slug in page_ids or _TAKEN_PREFIX.match(slug) else slug
