"""The Admiralty (NATO) grading system: source reliability A-F, information credibility 1-6."""

from __future__ import annotations

RELIABILITY = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}

CREDIBILITY = {
    "1": "confirmed by other sources",
    "2": "probably true",
    "3": "possibly true",
    "4": "doubtful",
    "5": "improbable",
    "6": "truth cannot be judged",
}


def describe_reliability(letter: str) -> str:
    """'B — usually reliable', or '' for anything that is not a grade letter."""
    letter = letter.strip().upper()
    return f"{letter} — {RELIABILITY[letter]}" if letter in RELIABILITY else ""
