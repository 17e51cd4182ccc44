"""Korean titles written in Latin letters for file names and addresses (`dossier new`): the Revised
Romanization of Korean, syllable by syllable ('북한 시장 동향' -> 'bukhan sijang donghyang')."""

from __future__ import annotations

_FIRST, _LAST = 0xAC00, 0xD7A3          # the precomposed Hangul syllables
_INITIALS = ("g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h")
_VOWELS = ("a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi",
           "yu", "eu", "ui", "i")
_FINALS = ("", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t",
           "ng", "t", "t", "k", "t", "p", "t")


def romanize_hangul(text: str) -> str:
    """text with each Hangul syllable in Revised Romanization (without the sound changes between
    syllables, as Korean names are usually written in addresses); other characters as they are."""
    out = []
    for char in text:
        code = ord(char)
        if _FIRST <= code <= _LAST:
            index = code - _FIRST
            initial, rest = divmod(index, 21 * 28)
            vowel, final = divmod(rest, 28)
            out.append(_INITIALS[initial] + _VOWELS[vowel] + _FINALS[final])
        else:
            out.append(char)
    return "".join(out)
