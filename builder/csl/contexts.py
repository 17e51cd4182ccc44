"""The citing sentence of each citation: the sentence of the paragraph around it, with citations
shown as the style formats them ("cite this" and source pages list where a source is cited)."""

from __future__ import annotations

import bisect
import re
from html import unescape

from builder.markdown.citations import Cluster
from builder.model import CitationUse
from builder.text import strip_tags

_SENTENCE_END = re.compile(r"(?<=[.!?…])[”’\"')\]]*\s+(?=[\"“‘(\[]?[A-Z0-9\u00C0-\u024F\u0400-\u04FF\uAC00-\uD7A3])")
_ABBREVIATION = re.compile(r"(?:\b[A-Z]|\b(?:p|pp|cf|e\.g|i\.e|vol|no|ch|sec|para|fig|Mr|Mrs|Ms|Dr|St|Gen|Col|Lt|Jr|Sr|U\.S|U\.N|etc|vs|al))\.$")


def citation_uses(clusters: list[Cluster], formatted: tuple[str, ...]) -> tuple:
    """For each cited key, the sentence around its citation, with citations shown as formatted.

    Each paragraph is marked, stripped and split once for all the citations it holds, so a
    paragraph of thousands of citations costs time in proportion to its length."""
    plain = [unescape(strip_tags(html)) for html in formatted] if formatted else [c.source for c in clusters]
    by_context: dict[str, list[int]] = {}
    for index, cluster in enumerate(clusters):
        by_context.setdefault(cluster.context, []).append(index)
    sentences: dict[int, str] = {}
    for context, indexes in by_context.items():
        sentences.update(_sentences_around(context, indexes, clusters, plain))
    return tuple(CitationUse(key, sentences[index]) for index, cluster in enumerate(clusters) for key in cluster.keys)


_MARKER = re.compile("\x00(\\d+)\x00")


def _sentences_around(context: str, indexes: list[int], clusters: list[Cluster], plain: list[str]) -> dict[int, str]:
    """The sentence of context around each of the given clusters (by index), citations shown as plain text."""
    pieces, position = [], 0
    for index in indexes:                    # each citation where it is written, in reading order
        source = clusters[index].source
        at = context.find(source, position)
        if at == -1:
            continue                         # not in its context (an evidence box's own citation)
        pieces += [context[position:at], f"\x00{index}\x00"]
        position = at + len(source)
    marked = _strip_markup("".join(pieces) + context[position:])
    # The citations as the reader sees them, each one's offset kept.
    parts, offsets, length, last = [], {}, 0, 0
    for match in _MARKER.finditer(marked):
        index = int(match.group(1))
        parts += [marked[last:match.start()], plain[index]]
        length += match.start() - last
        offsets[index] = length
        length += len(plain[index])
        last = match.end()
    text = "".join(parts) + marked[last:]
    spans = _sentence_spans(text, sorted((start, start + len(plain[i])) for i, start in offsets.items()))
    starts = [start for start, _ in spans]
    found = {}
    for index in indexes:
        if index in offsets:
            start, end = spans[bisect.bisect_right(starts, offsets[index]) - 1]
            found[index] = " ".join(text[start:end].split())
        else:
            found[index] = " ".join(text.split())
    return found


def _sentence_spans(text: str, unbroken: list[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """(start, end) of each sentence of text, split at sentence ends but not after initials or common
    abbreviations ('S. Kim', 'p. 4'), nor inside an unbroken (start, end) span (a citation:
    '[see @a, paras. 2-4]'), the spans sorted."""
    spans, start = [], 0
    span_starts = [span_start for span_start, _ in unbroken]
    for match in _SENTENCE_END.finditer(text):
        if _ABBREVIATION.search(text[max(start, match.start() - 6):match.start()]):
            continue
        inside = bisect.bisect_right(span_starts, match.start()) - 1
        if inside >= 0 and unbroken[inside][0] < match.start() < unbroken[inside][1]:
            continue
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def _strip_markup(text: str) -> str:
    text = re.sub(r"\\(.)", r"\1", text)
    text = re.sub(r"\[\^[^\]]+\]", "", text)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"(\*\*|\*|__|`)", "", text)
