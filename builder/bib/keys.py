"""Citation keys in .bib files, as BibTeX and pandoc read them.

BibTeX takes any characters in a key but white space, ',', braces, '"' and '\\'; pandoc's reader
(its isBibtexKeyChar) letters, digits and . : ; ? ! ` ' ( ) $ / * @ _ + = - [ ] & only, so that a URL
or a DOI is a key: `@misc{https://example.org/a=b, ...}`. bibtexparser takes the '=' of such a key
for a field's: mask_keys hides it from bibtexparser, and unmask_key gives it back.
"""

from __future__ import annotations

import re

# A BibTeX name for a citation key: no white space and none of the characters that end it.
_VALID_KEY = re.compile(r"[^\s,{}\"\\]+")
# Of those, pandoc reads letters, digits and these only.
_PANDOC_KEY_PUNCTUATION = frozenset(".:;?!`'()$/*@_+=-[]&")
# The head of an entry whose key holds '=' (`@misc{https://example.org/a=b,`), as pandoc reads it.
_KEY_WITH_EQUALS = re.compile(r"@[A-Za-z]+\s*\{\s*[\w.:;?!`'()$/*@+\-\[\]&]*=[\w.:;?!`'()$/*@+=\-\[\]&]*(?=\s*,)")
_MASKS = "\ue000\ue001\ue002\ue003"     # private-use characters: one that the text does not hold


def is_valid_key(key: str) -> bool:
    return bool(key) and _VALID_KEY.fullmatch(key) is not None


def unreadable_key_character(key: str) -> str | None:
    """The first character of key that pandoc's BibTeX reader refuses in a key, or None."""
    return next((char for char in key if not char.isalnum() and char not in _PANDOC_KEY_PUNCTUATION), None)


def mask_keys(text: str, failed: list[int]) -> tuple[str, str]:
    """text with the '=' of each key that holds one replaced by a character of the same length that
    the text does not hold, and that character ('' when no key needs it). Only the heads of blocks
    bibtexparser could not read (at the offsets in failed) are touched: a value that looks like a
    head is never changed."""
    heads = [head for start in failed if (head := _KEY_WITH_EQUALS.match(text, start)) is not None]
    mask = next((char for char in _MASKS if char not in text), "")
    if not heads or not mask:
        return text, ""
    pieces, cursor = [], 0
    for head in heads:
        pieces += [text[cursor:head.start()], head.group().replace("=", mask)]
        cursor = head.end()
    return "".join(pieces) + text[cursor:], mask


def unmask_key(block, mask: str) -> None:
    """The key of a bibtexparser entry read from masked text, as written (also inside a duplicate's block)."""
    from bibtexparser.model import Entry

    for inner in (block, getattr(block, "ignore_error_block", None)):
        if isinstance(inner, Entry) and mask in inner.key:
            inner.key = inner.key.replace(mask, "=")
