"""Quote verification of a document's evidence boxes: what each box shows, against its saved source.

What is verified is what is shown: a box's quote is read as the page renders it (shown.py), every
block of it, raw HTML included, and that text must occur in its source's snapshot. Words hidden
from sighted readers or from screen readers inside a quote are an error, whether or not the
source has a snapshot; what a verified quote shows that is no text (an image) is an error too.

A translated box (`translated=ko`) is verified by its original (`::: original`), never by the
translation it shows; one that gives no original where its source has a snapshot is a warning,
and claims nothing. A misquote is an error unless the publication sets `verify_quotes: warn`
(then a warning, and the box says it differs from its saved source); `dossier check` makes it an
error either way. Its message points at the quote's first differing word, shows the changes word
by word (differences.py) and where the closest passage is in the snapshot.
"""

from __future__ import annotations

import re

from builder.bib.bibliography import Bibliography
from builder.errors import Problem, Severity
from builder.evidence.boxes import SavedCopy, Snapshots, grade_of, language_name
from builder.evidence.differences import word_changes
from builder.evidence.shown import Concealment, Shown
from builder.markdown.evidence import EvidenceBox
from builder.model import Document, EvidenceRecord
from builder.text import html_text

__all__ = ["verify_boxes"]

_LONG_QUOTE = 2000      # longer quotes are verified by where they stop matching (verify.py)


def verify_boxes(document: Document, boxes: list[EvidenceBox], shown: dict[tuple[str, int], Shown],
                 bibliography: Bibliography, snapshots: Snapshots, strict: bool,
                 translator: str = "", citations: tuple[str, ...] = ()) -> tuple[tuple[EvidenceRecord, ...], list[Problem]]:
    """Check what every box shows (a translated box's original) against its source's snapshot.
    shown: each quote ('Q', index) and original ('O', index) as the page shows it; strict: a misquote
    is an error, else a warning. translator: the publication's, for a translated box naming none;
    citations: each citation cluster of the document as formatted (HTML), the boxes' among them."""
    records, problems = [], []
    lines = document.body.split("\n")
    for index, box in enumerate(boxes):
        quote = shown.get(("Q", index)) or Shown(box.quote, [], True)
        original = shown.get(("O", index)) or (Shown(box.original, [], True) if box.original else None)
        language = box.get("translated")
        verifies_original = bool(language and box.original and original is not None)
        found = snapshots.saved(box.source) if box.source else None
        place = _Place(document, lines, box)
        problems += place.concealed(quote, "quote", found if not language else None)
        if original is not None:
            problems += place.concealed(original, "original", found if verifies_original else None)
        status, saved = "no-snapshot", ""
        if found is not None and language and not box.original:
            status = "no-original"
            problems.append(Problem(document.relpath, document.body_line + box.line, 1,
                                    f"evidence box '#{box.id}' is translated from {language_name(language, 'en')} and is not "
                                    f"verified against the saved source '{box.source}': add the original wording inside "
                                    "the box in a '::: original' div", Severity.WARNING))
        elif found is not None:
            checked = original if verifies_original else quote
            result = found.snapshot.verify(checked.text)
            status, saved = result.status, found.saved
            if status == "not-found":
                problems.append(place.misquote(checked.text, result, found, verifies_original,
                                               Severity.ERROR if strict else Severity.WARNING))
        records.append(EvidenceRecord(box.id, box.number, box.source, quote.text, grade_of(box, bibliography),
                                      box.get("date"), status, saved, original.text if language and original else "",
                                      language, (box.get("translator") or translator) if language else "",
                                      box.get("locator"), *_links(box), box.get("note"), _citation(box, citations),
                                      box.written_id))
    return tuple(records), problems


def _links(box: EvidenceBox) -> tuple[str, str]:
    """The box's url= and archived= where they are web addresses (as its caption links them)."""
    return tuple(value if value.startswith(("http://", "https://")) else ""
                 for value in (box.get("url"), box.get("archived")))


def _citation(box: EvidenceBox, citations: tuple[str, ...]) -> str:
    """The box's citation as plain text, as the style formats it."""
    return html_text(citations[box.cluster_index]) if 0 <= box.cluster_index < len(citations) else ""


class _Place:
    """Where in its document a box's problems are: the quote's words, found in the Markdown."""

    def __init__(self, document: Document, lines: list[str], box: EvidenceBox):
        self.document, self.lines, self.box = document, lines, box

    def concealed(self, shown: Shown, part: str, found: SavedCopy | None) -> list[Problem]:
        """Hidden words in a quote (errors), what a verified one shows that is no text, a quote with no end."""
        box, problems, seen = self.box, [], {}
        start = self._start(part)
        if not shown.ended:
            problems.append(Problem(self.document.relpath, *self._at(start), f"the {part} in evidence box '#{box.id}' "
                                    "does not end inside the box: raw HTML in it (an unclosed comment or element) takes "
                                    "in what follows, so what it shows cannot be verified", Severity.ERROR))
        for concealment in shown.concealed:
            seen[concealment.pattern] = seen.get(concealment.pattern, 0) + 1
            at = self._at(self._find(concealment.pattern, start, seen[concealment.pattern]) or start)
            if concealment.whom:
                problems.append(Problem(self.document.relpath, *at, f"the {part} in evidence box '#{box.id}' hides "
                                        f"\"{concealment.text}\" from {concealment.whom} ({concealment.how}): every reader "
                                        "must get the words that are verified; remove the markup, or the words",
                                        Severity.ERROR))
            elif found is not None:
                problems.append(Problem(self.document.relpath, *at, f"the {part} in evidence box '#{box.id}' shows "
                                        f"{_what(concealment)}, which is not checked against the saved source "
                                        f"'{box.source}': only text is verified; move it out of the box", Severity.ERROR))
        return problems

    def misquote(self, text: str, result, found: SavedCopy, original: bool, severity: Severity) -> Problem:
        """The problem of a quote (or original) that is not in its saved source."""
        box = self.box
        start = self._start("original" if original else "quote")
        changes = word_changes(_around_missing(text, result.missing), result.closest,
                               window=len(text) > _LONG_QUOTE) if result.closest else None
        first = self._find(changes.first, start, changes.earlier + 1) if changes and changes.first else None
        at = self._at(first or start)
        where = found.where(result.closest_at)
        similar = f"{result.similarity:.0%}"
        part = "the original in evidence box" if original else "quote in evidence box"
        if changes and changes.count:
            more = f", and {changes.count - 3} more changes" if changes.count > 3 else ""
            return Problem(self.document.relpath, *at, f"{part} '#{box.id}' is not in the saved source '{box.source}': "
                           f"\"{changes.text}\" (quote → source{more}); closest passage at {where}, {similar} similar",
                           severity)
        if result.closest:
            return Problem(self.document.relpath, *at, f"{part} '#{box.id}' is not in the saved source '{box.source}': "
                           f"'{result.missing}' not found; closest passage at {where}, {similar} similar: "
                           f"\"{' '.join(result.closest.split())}\"", severity)
        return Problem(self.document.relpath, *at, f"{part} '#{box.id}' is not in the saved source '{box.source}': "
                       f"'{result.missing}' not found, and no passage of it is like the quote", severity)

    def _start(self, part: str) -> tuple[int, int]:
        box = self.box
        if part == "original":
            return box.text_at or box.original_at or box.quote_at
        return box.quote_at

    def _find(self, needle: str, start: tuple[int, int], nth: int) -> tuple[int, int] | None:
        """The 0-based line and column of the nth occurrence of needle in the box from start (None if not there)."""
        pattern = re.compile((r"(?<![\w-])" if needle[:1].isalnum() else "") + re.escape(needle)
                             + (r"(?![\w-])" if needle[-1:].isalnum() else ""), re.IGNORECASE)
        line, col = start
        for number in range(line, min(self.box.end, len(self.lines))):
            for match in pattern.finditer(self.lines[number], col if number == line else 0):
                nth -= 1
                if nth == 0:
                    return number, match.start()
        return None

    def _at(self, position: tuple[int, int]) -> tuple[int, int]:
        return self.document.body_line + position[0], position[1] + 1


def _around_missing(text: str, missing: str, reach: int = 100) -> str:
    """The quote, or for a long one (verified by where it stops matching) its words around the piece
    that is missing, as many as the saved passage shown holds."""
    if len(text) <= _LONG_QUOTE:
        return text
    core = missing.strip("… ")
    at = text.find(core[:40])
    if at == -1:
        return missing
    begin, end = text.rfind(" ", 0, max(0, at - reach)) + 1, text.find(" ", at + reach)
    return text[begin:end if end != -1 else len(text)]


def _what(concealment: Concealment) -> str:
    return f"{concealment.how} (\"{concealment.text}\")" if concealment.text else concealment.how
