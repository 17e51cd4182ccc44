"""The Admiralty (NATO) grading system: source reliability A-F, information credibility 1-6."""

from __future__ import annotations


def N_(message: str) -> str:
    """message itself: marks a meaning for the theme's word catalogue, where a page's language
    translates it (the `translate` of the functions below, site/words.py's gettext)."""
    return message


RELIABILITY = {
    "A": N_("completely reliable"),
    "B": N_("usually reliable"),
    "C": N_("fairly reliable"),
    "D": N_("not usually reliable"),
    "E": N_("unreliable"),
    "F": N_("reliability cannot be judged"),
}

CREDIBILITY = {
    "1": N_("confirmed by other sources"),
    "2": N_("probably true"),
    "3": N_("possibly true"),
    "4": N_("doubtful"),
    "5": N_("improbable"),
    "6": N_("truth cannot be judged"),
}


def describe_reliability(letter: str, translate=N_) -> str:
    """'B — usually reliable' (the meaning in translate's language), or '' for anything that is not
    a grade letter."""
    letter = letter.strip().upper()
    return f"{letter} — {translate(RELIABILITY[letter])}" if letter in RELIABILITY else ""
