"""Generate a synthetic Dossier publication for benchmarks: articles, a page and a .bib file.

    python benchmarks/make_corpus.py OUT_DIR [--articles 1000] [--entries 300] [--seed 1] [--no-citations]

Writes OUT_DIR/dossier.yml, OUT_DIR/content/articles/*.md, OUT_DIR/content/pages/about.md,
OUT_DIR/citations/sources.bib and OUT_DIR/corpus.json (the parameters and which rare words
went into how many articles). Each article has 1,200-1,800 words of pseudo-prose from a
vocabulary of a few thousand word forms plus topical terms, front matter, headings, lists,
a pipe table, footnotes, 5-15 citation clusters in every Pandoc form, and 1-3 evidence boxes,
each cross-referenced with @ev-id. A few rare words each occur in only a handful of articles.

--no-citations writes the same articles with citations, evidence boxes and cross-references
as plain text ("(Kim 2016a, p. 3)", a block quote, "Evidence 2") and no citations/ folder,
for comparisons with tools that do not know citations.

Output depends only on the arguments: every article draws from its own seeded
random.Random, so `--articles 50` writes the first 50 articles of `--articles 1000`
(for the same --entries and --seed). No network, no clock.
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import shutil
import sys
import unicodedata
from bisect import bisect
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from random import Random

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus_words  # noqa: E402

# --- Vocabulary -------------------------------------------------------------------------


class Zipf:
    """Items in a seeded random order, drawn with weight 1/(rank + 2.7): a few common, a long tail."""

    def __init__(self, items: list, rng: Random, exponent: float = 1.0) -> None:
        self.items = list(items)
        rng.shuffle(self.items)
        self._cumulative = list(accumulate(1 / (rank + 2.7) ** exponent for rank in range(len(self.items))))

    def pick(self, rng: Random):
        return self.items[bisect(self._cumulative, rng.random() * self._cumulative[-1])]


_IRREGULAR_PLURALS = {"goods": "goods", "headquarters": "headquarters", "series": "series",
                      "apparatus": "apparatus", "phenomenon": "phenomena", "criterion": "criteria"}


def _plural(noun: str) -> str:
    if noun in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[noun]
    if noun.endswith("is"):
        return noun[:-2] + "es"
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def _verb_forms(spec: str) -> tuple[str, str, str, str]:
    """(base, third person singular, past, gerund) from `base`, `base/past` or `base/past/gerund`."""
    base, *given = spec.split("/")
    if base.endswith(("s", "x", "z", "ch", "sh")):
        third = base + "es"
    elif base.endswith("y") and base[-2] not in "aeiou":
        third = base[:-1] + "ies"
    else:
        third = base + "s"
    if len(given) >= 1:
        past = given[0]
    elif base.endswith("e"):
        past = base + "d"
    elif base.endswith("y") and base[-2] not in "aeiou":
        past = base[:-1] + "ied"
    else:
        past = base + "ed"
    if len(given) >= 2:
        gerund = given[1]
    elif base.endswith("e") and not base.endswith(("ee", "ye", "oe")):
        gerund = base[:-1] + "ing"
    else:
        gerund = base + "ing"
    return base, third, past, gerund


def _terms(text: str) -> list[str]:
    return [term.replace("_", " ") for term in text.split()]


class Vocabulary:
    """The word lists, each in a seeded Zipf order."""

    def __init__(self, rng: Random) -> None:
        nouns = corpus_words.NOUNS.split()
        self.nouns = Zipf([(n, _plural(n)) for n in nouns], rng)
        self.noun_list = [(n, _plural(n)) for n in nouns]
        self.verbs = Zipf([_verb_forms(v) for v in corpus_words.VERBS.split()], rng)
        self.adjectives = Zipf(corpus_words.ADJECTIVES.split(), rng)
        self.adverbs = Zipf(list(dict.fromkeys(corpus_words.ADVERBS.split())), rng)
        self.topical = Zipf(_terms(corpus_words.TOPICAL), rng, exponent=0.8)
        self.topical_list = _terms(corpus_words.TOPICAL)
        self.places = Zipf(_terms(corpus_words.PLACES), rng)
        self.organisations = Zipf(_terms(corpus_words.ORGANISATIONS), rng)
        self.rare = Zipf(corpus_words.RARE.split(), rng, exponent=1.3)


# --- Sentences ---------------------------------------------------------------------------

# Slots: n noun, ns plural, a adjective, r adverb, v verb (3rd person), vd past, vb base,
# vg gerund, t/t2 topical term, p place, o organisation, y/y2 year, k count, c percentage.
TEMPLATES = [
    "the {a} {n} of {t} {vd} {r} after {y}",
    "in {p}, {o} {vd} a {a} {n} that {v} the {ns} of {t}",
    "few {ns} {vb} the {n} as {a} as the {n} in {p} suggests",
    "{t} {r} {vd} the {a} {ns} that {o} had {vd} in {y}",
    "what the {n} {v} is not the {n} itself but the {a} {n} behind it",
    "by {y}, {t} accounted for roughly {c} of the {a} {n}",
    "the {n} was {r} {a}, and the {ns} around it {vd} {r}",
    "officials in {p} {vd} that the {n} would {vb} the {a} {n}",
    "{o} {r} {v} the {n} as a {a} {n} rather than a {a} one",
    "there is no {a} {n} that {t} will {vb} without a {a} {n}",
    "{vg} the {n} of {t} {v} a {a} {n} for the {ns} involved",
    "the {ns} of {p} {vd} {k} {ns} between {y} and {y2}",
    "it is {a} to {vb} the {n} without {vg} the {ns} of {t}",
    "a {a} {n} in {p} {vd} the {n} of {t}",
    "our {n} {v} that the {a} {n} {v} {r} on {t}",
    "the {a} {ns} {vb} {r}, but the {n} of {t} {v} {a}",
    "since {y}, {o} has {vd} the {n} of {t} {r}",
    "where the {n} {v}, the {ns} {vb} the {a} {n}",
    "this {n} {v} why {t} {vd} so {r} in {p}",
    "neither the {n} nor the {a} {n} {vd} the {ns} in {p}",
    "the {n} is {a}: {t} {v} the {n}, and the {ns} {vb} the rest",
    "{k} {ns} in {p} {vd} the {a} {n} of {t}",
    "the {a} {n} {v} less about {t} than about the {ns} of {p}",
    "even a {a} {n} {v} the {ns} that {o} {v}",
    "as the {n} {vd}, {t} became {r} {a}",
    "reports from {p} {vb} a {a} {n} in {t}",
    "the question is whether the {n} can {vb} the {a} {ns} of {t}",
    "at least {k} {ns} {vd} the {n} before the {a} {n} of {y}",
    "{t} and {t2} {vb} the same {a} {n}",
    "the {ns} that {o} {vd} in {y} {vb} a {a} {n} of {t}",
    "for the {ns} of {p}, the {n} {v} a {a} and {a} {n}",
    "it would be {a} to {vb} the {n} of {t} as {a}",
    "{o} {vd} {k} {ns} and {vd} the {n} {r}",
    "the {n} {vd} when {t} {vd} the {a} {ns} in {p}",
    "most {ns} {r} {vb} the {a} {n}, while a {a} {n} {v} {t}",
    "the {a} {n} and the {a} {n} {vb} one another",
]
RARE_TEMPLATES = [
    "the {rare} of the {n} {vd} {r} in {p}",
    "observers {r} {vd} the {n} as a kind of {rare}",
    "what some call {rare} {v} the {a} {n} of {t}",
    "the {a} {n} looked less like reform than like {rare}",
]
KOREAN_TERMS = [("장마당", "jangmadang"), ("돈주", "donju"), ("인민반", "inminban"),
                ("외화벌이", "oehwa beori"), ("충성자금", "chungsong jagum"), ("노동당", "Rodongdang")]
KOREAN_TEMPLATES = [
    "the Korean term {hangul} ({roman}) {v} the {a} {n} of {t}",
    "what Koreans call {hangul}, or {roman}, {vd} the {ns} of {p}",
]
CONNECTORS = ["however, ", "by contrast, ", "in practice, ", "at the same time, ", "for this reason, ",
              "in other words, ", "more importantly, ", "even so, ", "in {y}, ", "according to officials in {p}, "]


def _parse_template(template: str) -> list[tuple[str, str]]:
    parts = re.split(r"\{(\w+)\}", template)
    return [(parts[i], parts[i + 1] if i + 1 < len(parts) else "") for i in range(0, len(parts), 2)]


_PARSED = [_parse_template(t) for t in TEMPLATES]
_PARSED_RARE = [_parse_template(t) for t in RARE_TEMPLATES]
_PARSED_KOREAN = [_parse_template(t) for t in KOREAN_TEMPLATES]
_PARSED_CONNECTORS = [_parse_template(t) for t in CONNECTORS]
_A_AN = re.compile(r"\b([Aa]) (?=[aeiouAEIOU])(?!uni|Uni|use|usu|eu|one)")


class Writer:
    """Fills sentence templates for one article, leaning towards that article's focus words."""

    def __init__(self, vocab: Vocabulary, rng: Random) -> None:
        self.vocab = vocab
        self.rng = rng
        self.focus_nouns = rng.sample(vocab.noun_list, 12)
        self.focus_topical = rng.sample(vocab.topical_list, 6)
        self.focus_places = [vocab.places.pick(rng) for _ in range(3)]

    def slot(self, name: str, extra: dict | None = None) -> str:
        rng, vocab = self.rng, self.vocab
        if extra and name in extra:
            return extra[name]
        if name in ("n", "ns"):
            noun = rng.choice(self.focus_nouns) if rng.random() < 0.25 else vocab.nouns.pick(rng)
            return noun[0] if name == "n" else noun[1]
        if name == "a":
            word = vocab.adjectives.pick(rng)
            return f"*{word}*" if rng.random() < 0.01 else word
        if name == "r":
            return vocab.adverbs.pick(rng)
        if name in ("v", "vd", "vb", "vg"):
            base, third, past, gerund = vocab.verbs.pick(rng)
            return {"v": third, "vd": past, "vb": base, "vg": gerund}[name]
        if name in ("t", "t2"):
            return rng.choice(self.focus_topical) if rng.random() < 0.5 else vocab.topical.pick(rng)
        if name == "p":
            return rng.choice(self.focus_places) if rng.random() < 0.4 else vocab.places.pick(rng)
        if name == "o":
            return vocab.organisations.pick(rng)
        if name in ("y", "y2"):
            return str(rng.randint(1994, 2024))
        if name == "k":
            return str(rng.choice([2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 20, 30, 40, 100, 130, 200]))
        if name == "c":
            return f"{rng.randint(3, 85)} per cent"
        raise KeyError(name)

    def fill(self, parsed: list[tuple[str, str]], extra: dict | None = None) -> str:
        return "".join(text + (self.slot(name, extra) if name else "") for text, name in parsed)

    def clause_parts(self, rare: str | None = None) -> tuple[str, str]:
        """(connector, clause): a sentence without its capital letter and full stop, and what may open it."""
        rng = self.rng
        if rare is not None:
            body = self.fill(rng.choice(_PARSED_RARE), {"rare": rare})
        else:
            body = self.fill(rng.choice(_PARSED))
        connector = self.fill(rng.choice(_PARSED_CONNECTORS)) if rng.random() < 0.18 else ""
        return _A_AN.sub(r"\1n ", connector), _A_AN.sub(r"\1n ", body)

    def clause(self, rare: str | None = None) -> str:
        return "".join(self.clause_parts(rare))

    def korean_clause(self) -> str:
        hangul, roman = self.rng.choice(KOREAN_TERMS)
        return _A_AN.sub(r"\1n ", self.fill(self.rng.choice(_PARSED_KOREAN), {"hangul": hangul, "roman": roman}))

    def sentence(self) -> str:
        return capitalize(self.clause()) + "."

    def phrase(self, words: int) -> str:
        """A short heading-like phrase."""
        rng = self.rng
        options = [
            lambda: f"{self.slot('a')} {self.slot('ns')} and {self.slot('t')}",
            lambda: f"the {self.slot('n')} of {self.slot('t')}",
            lambda: f"{self.slot('t')} in {self.slot('p')}",
            lambda: f"why the {self.slot('n')} {self.slot('vd')}",
            lambda: f"{self.slot('vg')} the {self.slot('a')} {self.slot('n')}",
            lambda: f"what {self.slot('t')} {self.slot('v')}",
        ]
        text = rng.choice(options)()
        while len(text.split()) < words:
            text += f" {rng.choice(['in', 'after', 'under', 'beyond', 'before'])} {self.slot('y')}"
        return capitalize(text)


def capitalize(text: str) -> str:
    """Upper-case the first letter, looking past emphasis; leave '@key' and '5 markets' alone."""
    index = 1 if text.startswith("*") else 0
    if index < len(text) and text[index].isalpha():
        return text[:index] + text[index].upper() + text[index + 1:]
    return text


# --- Bibliography ------------------------------------------------------------------------

KOREAN_SURNAMES = ["Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Shin",
                   "Seo", "Kwon", "Hwang", "Ahn", "Song", "Hong", "Moon", "Baek"]
KOREAN_GIVEN = ["Ji-hoon", "Min-jun", "Seo-yeon", "Ji-won", "Hyun-woo", "Soo-jin", "Eun-ji", "Dong-hyun",
                "Yu-na", "Jae-won", "Sung-min", "Hye-jin", "Young-ho", "Mi-kyung", "Tae-hee", "Jin-woo"]
# The same surnames with several given names, publishing in the same few years: CSL styles
# must add initials (J. Kim 2016 / M. Kim 2016) and letters (Kim 2016a / 2016b).
CROWDED_AUTHORS = [("Kim", "Ji-hoon"), ("Kim", "Min-jun"), ("Kim", "Seo-yeon"), ("Lee", "Ji-won"),
                   ("Lee", "Hyun-woo"), ("Park", "Soo-jin"), ("Park", "Dong-hyun")]
CROWDED_YEARS = [2015, 2016, 2017]
# (surname as printed, given, BibTeX surname, BibTeX given)
OTHER_AUTHORS = [
    ("Anderson", "Clare", "Anderson", "Clare"), ("Becker", "Thomas", "Becker", "Thomas"),
    ("Carter", "Ruth", "Carter", "Ruth"), ("Dubois", "Hélène", "Dubois", r"H{\'e}l{\`e}ne"),
    ("Eriksen", "Søren", "Eriksen", r"S{\o}ren"), ("Fischer", "Anna", "Fischer", "Anna"),
    ("García", "María", r"Garc{\'\i}a", r"Mar{\'\i}a"), ("Hoffmann", "Jonas", "Hoffmann", "Jonas"),
    ("Ivanova", "Olga", "Ivanova", "Olga"), ("Jansen", "Pieter", "Jansen", "Pieter"),
    ("Kowalski", "Piotr", "Kowalski", "Piotr"), ("Laurent", "François", "Laurent", r"Fran{\c{c}}ois"),
    ("Müller", "Jörg", r"M{\"u}ller", r"J{\"o}rg"), ("Novak", "Petra", "Novak", "Petra"),
    ("O'Brien", "Siobhan", "O'Brien", "Siobhan"), ("Petrov", "Dmitri", "Petrov", "Dmitri"),
    ("Rossi", "Giulia", "Rossi", "Giulia"), ("Schmidt", "Karin", "Schmidt", "Karin"),
    ("Tanaka", "Hiroshi", "Tanaka", "Hiroshi"), ("Watanabe", "Kenji", "Watanabe", "Kenji"),
    ("Zhang", "Wei", "Zhang", "Wei"), ("Chen", "Xiaoming", "Chen", "Xiaoming"),
    ("Šimunović", "Ivana", r"{\v{S}}imunovi{\'c}", "Ivana"), ("van der Berg", "Anouk", "van der Berg", "Anouk"),
    ("Nakamura", "Emi", "Nakamura", "Emi"), ("Okonkwo", "Chidi", "Okonkwo", "Chidi"),
]
ORGANISATIONS = [("Korean Central News Agency", "kcna"), ("Ministry of Unification", "mou"),
                 ("United Nations Security Council", "unsc"), ("UN Panel of Experts", "unpoe"),
                 ("Korea Institute for National Unification", "kinu"), ("International Crisis Group", "icg"),
                 ("Committee for Human Rights in North Korea", "hrnk"), ("Bank of Korea", "bok"),
                 ("Radio Free Asia", "rfa"), ("Human Rights Watch", "hrw")]
# (name as printed, BibTeX value, abbreviation); yonhap is the @string macro.
NEWSPAPERS = [("Yonhap News Agency", "yonhap", "yonhap"), ("Daily NK", "{Daily NK}", "dailynk"),
              ("NK News", "{NK News}", "nknews"), ("The Korea Herald", "{The Korea Herald}", "herald"),
              ("Hankyoreh", "{Hankyoreh}", "hankyoreh"), ("Rodong Sinmun", "{Rodong Sinmun}", "rodong")]
JOURNALS = ["Korean Studies Review", "Journal of East Asian Affairs", "Asian Survey", "Pacific Affairs",
            "North Korean Review", "International Journal of Korean Unification Studies",
            "Journal of Comparative Economics", "Survival", "Asia Policy", "Korea Observer"]
PUBLISHERS = [("Oxford University Press", "Oxford"), ("Cambridge University Press", "Cambridge"),
              ("Routledge", "Abingdon"), ("Columbia University Press", "New York"),
              ("Stanford University Press", "Stanford, CA"), ("Cornell University Press", "Ithaca, NY"),
              ("Palgrave Macmillan", "Basingstoke"), ("Hanul Academy", "Seoul"), ("Yale University Press", "New Haven")]
RELIABILITY_WEIGHTS = {"A": 1, "B": 5, "C": 4, "D": 1, "E": 2, "F": 1}


@dataclass
class Source:
    key: str
    kind: str                      # journal, newspaper, book, online, report, incollection, collection
    label: str                     # author part of a plain-text citation: "Kim", "Kim and Lee", ...
    surname: str                   # what precedes [-@key] in running text
    year: int
    fields: list = field(default_factory=list)   # (name, value, is_macro)
    letter: str = ""               # plain-text disambiguation: 2016a, 2016b

    @property
    def plain(self) -> str:
        return f"{self.label} {self.year}{self.letter}"


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z0-9]", "", text.encode("ascii", "ignore").decode().lower())


def _bib_title(writer: Writer) -> str:
    """A title in title case with proper nouns protected by braces."""
    rng = writer.rng
    topic = writer.slot("t")
    if topic != topic.lower():   # protect proper names from the style's sentence case
        topic = f"the {{{topic[4:]}}}" if topic.startswith("the ") else f"{{{topic}}}"
    place = writer.slot("p")
    start, end = sorted(int(writer.slot("y")) for _ in range(2))
    shapes = [
        lambda: f"{writer.slot('a')} {writer.slot('ns')}: {{{place}}} and the {writer.slot('n')} of {topic}",
        lambda: f"the {writer.slot('n')} of {topic} in {{{place}}}, {start}--{end}",
        lambda: f"{writer.slot('vg')} the {writer.slot('a')} {writer.slot('n')}",
        lambda: f"{topic} \\& the {writer.slot('a')} {writer.slot('n')}",
        lambda: f"beyond \\emph{{{capitalize(writer.slot('a'))}}} {writer.slot('ns')}: {topic} in {{{place}}}",
        lambda: f"{writer.slot('a')} {writer.slot('n')} and {writer.slot('a')} {writer.slot('n')}",
    ]
    title = rng.choice(shapes)()
    small = {"a", "an", "and", "the", "of", "in", "on", "to", "for", "by", "\\&"}
    words = title.split(" ")
    return " ".join(w if (i and w in small) or w.startswith(("{", "\\")) else capitalize(w)
                    for i, w in enumerate(words))


def make_bibliography(count: int, seed: int, vocab: Vocabulary) -> list[Source]:
    """count entries: about one in 25 a @collection that @incollection entries crossref."""
    rng = Random(f"dossier-corpus/{seed}/bibliography")
    writer = Writer(vocab, rng)
    used: set[str] = set()

    def new_key(base: str, colon: bool = False) -> str:
        base = f"{base[:-4]}:{base[-4:]}" if colon else base
        key, n = base, 1
        while key in used:
            n += 1
            key = base + "abcdefghijklmnopqrstuvwxyz"[n - 1] if n <= 26 else f"{base}-{n}"
        used.add(key)
        return key

    def person(crowded: bool) -> tuple[str, str, str]:
        """(printed surname, BibTeX name, key stem)"""
        if crowded:
            surname, given = rng.choice(CROWDED_AUTHORS)
            return surname, f"{surname}, {given}", surname.lower()
        if rng.random() < 0.5:
            surname, given = rng.choice(KOREAN_SURNAMES), rng.choice(KOREAN_GIVEN)
            return surname, f"{surname}, {given}", surname.lower()
        printed, _given, bib_surname, bib_given = rng.choice(OTHER_AUTHORS)
        return printed, f"{bib_surname}, {bib_given}", _ascii(printed)

    def people(crowded: bool) -> tuple[str, str, str, str]:
        """(label, surname, BibTeX author list, key stem)"""
        n = rng.choices([1, 2, 3], [7, 2, 1])[0]
        first = person(crowded)
        others = [person(False) for _ in range(n - 1)]
        names = [first] + [o for o in others if o[1] != first[1]]
        if len(names) == 1:
            label = names[0][0]
        elif len(names) == 2:
            label = f"{names[0][0]} and {names[1][0]}"
        else:
            label = f"{names[0][0]} et al."
        return label, label, " and ".join(p[1] for p in names), first[2]

    def year(crowded: bool) -> int:
        return rng.choice(CROWDED_YEARS) if crowded else rng.randint(2003, 2024)

    def date_in(y: int) -> str:
        day = datetime.date(y, 1, 1) + datetime.timedelta(days=rng.randrange(365))
        return day.isoformat()

    def reliability(chance: float) -> list:
        if rng.random() >= chance:
            return []
        letters = list(RELIABILITY_WEIGHTS)
        return [("reliability", rng.choices(letters, list(RELIABILITY_WEIGHTS.values()))[0], False)]

    sources: list[Source] = []
    collections: list[Source] = []
    n_collections = max(1, count // 25)
    for _ in range(n_collections):
        label, surname, editors, stem = people(rng.random() < 0.3)
        y = year(False)
        publisher, location = rng.choice(PUBLISHERS)
        editors_label = f"{label}, eds." if " and " in label else f"{label}, ed."
        collections.append(Source(new_key(f"{stem}{y}ed"), "collection", editors_label,
                                  surname, y, [("editor", editors, False), ("title", _bib_title(writer), False),
                                               ("publisher", publisher, False), ("location", location, False),
                                               ("year", str(y), False)]))
    kinds = ["journal", "newspaper", "book", "online", "report", "incollection"]
    for _ in range(count - n_collections):
        kind = rng.choices(kinds, [22, 13, 13, 17, 13, 15])[0]
        crowded = kind in ("journal", "book", "incollection", "report") and rng.random() < 0.3
        title = _bib_title(writer)
        if kind == "journal":
            label, surname, authors, stem = people(crowded)
            y = year(crowded)
            fields = [("author", authors, False), ("title", title, False),
                      ("journaltitle", rng.choice(JOURNALS), False), ("year", str(y), False),
                      ("volume", str(rng.randint(1, 40)), False), ("number", str(rng.randint(1, 4)), False),
                      ("pages", f"{(p := rng.randint(1, 300))}--{p + rng.randint(10, 40)}", False)]
            if rng.random() < 0.5:
                fields.append(("doi", f"10.5555/dossier.{stem}.{y}.{rng.randint(100, 999)}", False))
            source = Source(new_key(f"{stem}{y}"), kind, label, surname, y, fields)
        elif kind == "newspaper":
            printed, value, abbreviation = rng.choice(NEWSPAPERS)
            y = rng.randint(2008, 2024)
            fields = [("entrysubtype", "newspaper", False), ("title", title, False),
                      ("journaltitle", value.strip("{}") if value == "yonhap" else value, value == "yonhap"),
                      ("date", date_in(y), False),
                      ("url", f"https://news.example.org/{abbreviation}/{y}/{rng.randint(10000, 99999)}", False),
                      ("urldate", f"{min(y + 1, 2024)}-05-20", False)] + reliability(0.8)
            source = Source(new_key(f"{abbreviation}{y}"), kind, printed, printed, y, fields)
        elif kind == "book":
            label, surname, authors, stem = people(crowded)
            y = year(crowded)
            publisher, location = rng.choice(PUBLISHERS)
            korean = surname in KOREAN_SURNAMES and rng.random() < 0.2
            fields = [("author", authors, False),
                      ("title", rng.choice(corpus_words.HANGUL_TITLES) if korean else title, False),
                      ("publisher", publisher, False), ("location", location, False),
                      ("date" if rng.random() < 0.5 else "year", str(y), False)]
            if korean:
                fields.append(("langid", "korean", False))
            elif rng.random() < 0.3:
                fields.append(("subtitle", capitalize(writer.phrase(4)), False))
            source = Source(new_key(f"{stem}{y}"), kind, label, surname, y, fields)
        elif kind == "online":
            y = rng.randint(2008, 2024)
            if rng.random() < 0.6:
                name, abbreviation = rng.choice(ORGANISATIONS)
                label, authors, stem, colon = name, f"{{{name}}}", f"{abbreviation}", rng.random() < 0.3
                surname = name
            else:
                label, surname, authors, stem = people(False)
                colon = False
            fields = [("author", authors, False), ("title", title, False), ("date", date_in(y), False),
                      ("url", f"https://web.example.org/{stem}/{y}/{rng.randint(1000, 9999)}.html", False),
                      ("urldate", f"{min(y + 1, 2024)}-06-01", False)] + reliability(0.6)
            source = Source(new_key(f"{stem}{y}", colon), kind, label, surname, y, fields)
        elif kind == "report":
            y = year(crowded)
            if crowded or rng.random() < 0.5:
                label, surname, authors, stem = people(crowded)
            else:
                name, stem = rng.choice(ORGANISATIONS)
                label, surname, authors = name, name, f"{{{name}}}"
            institution = ("kinu", True) if rng.random() < 0.4 else (rng.choice(ORGANISATIONS)[0], False)
            fields = [("author", authors, False), ("title", title, False),
                      ("type", rng.choice(["Working Paper", "Policy Brief", "Report"]), False),
                      ("institution", institution[0], institution[1]),
                      ("number", f"{y}-{rng.randint(1, 40):02d}", False),
                      ("date", f"{y}-{rng.randint(1, 12):02d}", False)] + reliability(0.5)
            source = Source(new_key(f"{stem}{y}"), kind, label, surname, y, fields)
        else:  # incollection
            parent = rng.choice(collections)
            label, surname, authors, stem = people(crowded)
            fields = [("author", authors, False), ("title", title, False), ("crossref", parent.key, False),
                      ("pages", f"{(p := rng.randint(1, 250))}--{p + rng.randint(12, 30)}", False)]
            source = Source(new_key(f"{stem}{parent.year}"), kind, label, surname, parent.year, fields)
        sources.append(source)
    everything = sources + collections   # parents after their children, as BibTeX wants
    groups: dict[tuple[str, int], list[Source]] = {}
    for source in everything:
        groups.setdefault((source.label, source.year), []).append(source)
    for group in groups.values():
        if len(group) > 1:
            for letter, source in zip("abcdefghijklmnopqrstuvwxyz" * 10, group):
                source.letter = letter
    return everything


def format_bib(sources: list[Source]) -> str:
    types = {"journal": "article", "newspaper": "article", "book": "book", "online": "online",
             "report": "report", "incollection": "incollection", "collection": "collection"}
    out = ["% Synthetic sources written by benchmarks/make_corpus.py.", "",
           '@string{yonhap = "Yonhap News Agency"}',
           '@string{kinu   = "Korea Institute for National Unification"}', ""]
    for source in sources:
        width = max(len(name) for name, _, _ in source.fields)
        lines = [f"@{types[source.kind]}{{{source.key},"]
        for name, value, macro in source.fields:
            lines.append(f"  {name.ljust(width)} = {value if macro else '{' + value + '}'},")
        lines.append("}")
        out.append("\n".join(lines))
        out.append("")
    return "\n".join(out)


# --- Articles ----------------------------------------------------------------------------

AUTHORS = [
    "Mira Halvorsen", "Daniel Okafor", "Kim Ji-won", "Lee Min-ho", "Park Seo-yeon", "Choi Hyun-woo",
    "Jung Soo-ah", "Kang Dong-won", "Yoon Ha-eun", "Han Tae-yang", "Grace Lim", "Ahn Jae-sung",
    "김민지", "Song Ye-jin", "Paul Becker", "Hélène Dubois", "Sofia Marchetti", "Tomás Ferreira",
    "Anna Kowalczyk", "James Whitfield", "Yuki Tanaka", "Chen Li", "Olga Sidorova", "Noah Adeyemi",
    "Ingrid Solberg", "Rahul Mehta", "Claire Fontaine", "Ben Goldstein", "Amara Nwosu", "Erik Lindqvist",
]
TAGS = [
    "sanctions", "north-korea", "markets", "defections", "nuclear", "missiles", "human-rights", "china",
    "russia", "elite-politics", "security-services", "propaganda", "information", "food-security",
    "agriculture", "energy", "finance", "cyber", "shipping", "smuggling", "border", "labour",
    "diplomacy", "united-nations", "south-korea", "japan", "united-states", "military", "succession",
    "party-congress", "economy", "trade", "currency", "health", "covid-19", "tourism", "construction",
    "religion", "media", "methodology",
]
LOCATORS = [lambda r: f"p. {r.randint(2, 320)}", lambda r: f"pp. {(p := r.randint(2, 300))}-{p + r.randint(1, 12)}",
            lambda r: f"ch. {r.randint(1, 12)}", lambda r: f"para. {r.randint(1, 40)}",
            lambda r: f"sec. {r.randint(1, 9)}", lambda r: f"paras. {(p := r.randint(1, 30))}-{p + r.randint(1, 4)}"]
PREFIXES = ["see", "see also", "e.g.", "cf.", "also", "compare", "but see"]
SUFFIXES = ["for a wider survey", "and sources cited there", "on the earlier period", "with caveats",
            "for the official view", "for a dissenting reading"]
NARRATIVE_VERBS = ["argue", "show", "find", "suggest", "note", "report", "doubt", "conclude"]
FORMS = ["paren", "paren_locator", "multi", "narrative", "narrative_locator", "suppress"]


@dataclass
class Cite:
    source: Source
    prefix: str = ""
    locator: str = ""
    suffix: str = ""


@dataclass
class Sentence:
    body: str                      # without capital letter and full stop
    connector: str = ""            # "however, ": dropped when a narrative citation opens the sentence
    lead: str = ""                 # narrative opening: "@key argues that "
    before: list = field(default_factory=list)   # inside the sentence, before the full stop
    after: list = field(default_factory=list)    # after the full stop: footnote references

    def render(self) -> str:
        opening = self.lead or self.connector
        text = opening + self.body if opening.startswith("@") else capitalize(opening + self.body)
        return text + "".join(" " + b for b in self.before) + "." + "".join(self.after)


class ArticleWriter:
    """One article: every random draw happens here in the same order whatever the mode."""

    def __init__(self, index: int, corpus: "Corpus") -> None:
        self.index = index
        self.corpus = corpus
        self.citations = corpus.citations
        self.rng = Random(f"dossier-corpus/{corpus.seed}/article/{index}")
        self.writer = Writer(corpus.vocab, self.rng)
        self.rare_words: list[str] = []

    # -- citations, in either syntax

    def cite(self) -> Cite:
        return Cite(self.corpus.cited.pick(self.rng))

    def paren(self, cites: list[Cite]) -> str:
        if self.citations:
            return "[" + "; ".join(_join(c.prefix, f"@{c.source.key}" + (f", {c.locator}" if c.locator else "")
                                         + (f", {c.suffix}" if c.suffix else "")) for c in cites) + "]"
        return "(" + "; ".join(_join(c.prefix, c.source.plain + (f", {c.locator}" if c.locator else "")
                                     + (f", {c.suffix}" if c.suffix else "")) for c in cites) + ")"

    def cluster(self, form: str) -> tuple[str, str]:
        """(lead, tail) for a sentence: a narrative opening or a parenthetical before the full stop."""
        rng = self.rng
        cite = self.cite()
        verb = rng.choice(NARRATIVE_VERBS)
        verb += (" that" if " and " in cite.source.label or "et al." in cite.source.label else "s that")
        locator = rng.choice(LOCATORS)(rng)
        if form == "paren":
            return "", self.paren([cite])
        if form == "paren_locator":
            cite.locator = locator
            return "", self.paren([cite])
        if form == "multi":
            cites = [cite] + [self.cite() for _ in range(rng.randint(1, 2))]
            cites[0].prefix = rng.choice(PREFIXES)
            cites[0].locator = locator
            cites[1].prefix = rng.choice(["also", "and", "cf.", ""])
            cites[-1].suffix = rng.choice(SUFFIXES) if rng.random() < 0.6 else ""
            return "", self.paren(cites)
        key, label, year = cite.source.key, cite.source.label, f"{cite.source.year}{cite.source.letter}"
        if form == "narrative":
            if rng.random() < 0.3:
                return (f"according to @{key}, " if self.citations else f"according to {label} ({year}), "), ""
            return (f"@{key} {verb} " if self.citations else f"{label} ({year}) {verb} "), ""
        if form == "narrative_locator":
            return (f"@{key} [{locator}] {verb} " if self.citations else f"{label} ({year}, {locator}) {verb} "), ""
        # suppress-author: the name is written out, the citation gives year and locator
        with_locator = rng.random() < 0.6
        if self.citations:
            return f"{cite.source.surname} [-@{key}{', ' + locator if with_locator else ''}] {verb} ", ""
        return f"{cite.source.surname} ({year}{', ' + locator if with_locator else ''}) {verb} ", ""

    # -- blocks

    def paragraph(self, budget: int, inserts: list) -> tuple[str, int]:
        """A paragraph of about budget words with the inserts attached to its sentences."""
        rng, writer = self.rng, self.writer
        sentences: list[Sentence] = []
        words = 0
        while words < budget - 8 or len(sentences) < 2:   # stop near the budget, not past it
            connector, body = ("", writer.korean_clause()) if rng.random() < 0.01 else writer.clause_parts()
            sentences.append(Sentence(body, connector))
            words += len(body.split()) + len(connector.split())
        for kind, value in inserts:
            if kind == "rare":
                sentence = Sentence(*reversed(writer.clause_parts(rare=value)))
                sentences.insert(rng.randrange(len(sentences) + 1), sentence)
                words += len(sentence.body.split())
                continue
            sentence = sentences[rng.randrange(len(sentences))]
            if kind == "cite":
                lead, tail = value
                if lead and sentence.lead:
                    sentence = next((s for s in sentences if not s.lead), None)
                    if sentence is None:
                        sentence = Sentence(*reversed(writer.clause_parts()))
                        sentences.append(sentence)
                if lead:
                    sentence.lead = lead
                if tail:
                    sentence.before.append(tail)
            elif kind == "footnote":
                sentence.after.append(f"[^{value}]")
            elif kind == "xref":
                box_id, number = value
                if rng.random() < 0.3 and not sentence.lead:
                    sentence.lead = f"as @{box_id} shows, " if self.citations else f"as Evidence {number} shows, "
                else:
                    sentence.before.append(f"(@{box_id})" if self.citations else f"(Evidence {number})")
            elif kind == "link":
                slug, text = value
                sentence.before.append(f"(see our analysis of [{text}]({slug}.md))")
        return " ".join(s.render() for s in sentences), words

    def evidence(self, box_id: str, number: int) -> tuple[str, int]:
        rng, writer = self.rng, self.writer
        source = self.corpus.cited.pick(rng)
        quote = " ".join(writer.sentence() for _ in range(rng.randint(1, 3)))
        attributes = [("source", source.key)]
        if rng.random() < 0.85:
            letter = rng.choices("ABCDEF", [1, 5, 4, 2, 2, 1])[0]
            attributes.append(("grade", letter + (str(rng.randint(1, 6)) if rng.random() < 0.85 else "")))
        if rng.random() < 0.8:
            attributes.append(("locator", rng.choice(LOCATORS)(rng)))
        day = datetime.date(source.year, 1, 1) + datetime.timedelta(days=rng.randrange(365))
        attributes.append(("date", day.isoformat()))
        if rng.random() < 0.25:
            attributes.append(("translated", "ko"))
            if rng.random() < 0.5:
                attributes.append(("note", rng.choice(corpus_words.HANGUL_NOTES)))
        if rng.random() < 0.3:
            address = f"https://archive.example.org/{source.key.replace(':', '-')}/{rng.randint(100, 999)}"
            attributes.append(("url", address))
        words = len(quote.split())
        if self.citations:
            attrs = " ".join(f"{name}={_attr(value)}" for name, value in attributes)
            return f"::: {{.evidence #{box_id} {attrs}}}\n{quote}\n:::", words
        values = dict(attributes)
        parts = [source.plain + (f", {values['locator']}" if "locator" in values else ""), values["date"]]
        if "grade" in values:
            parts.append(f"grade {values['grade']}")
        if "translated" in values:
            parts.append("translated from Korean")
        return f"> {quote}\n>\n> — Evidence {number}: {'; '.join(parts)}", words

    def bullet_list(self) -> tuple[str, int]:
        rng, writer = self.rng, self.writer
        numbered = rng.random() < 0.5
        items = [writer.sentence() for _ in range(rng.randint(3, 6))]
        lines = [f"{i}. {item}" if numbered else f"- {item}" for i, item in enumerate(items, 1)]
        if not numbered and rng.random() < 0.3:
            lines.insert(2, f"    - {writer.sentence()}")
        return "\n".join(lines), sum(len(line.split()) - 1 for line in lines)

    def table(self, cell_cite: tuple[str, str] | None) -> tuple[str, int]:
        rng, writer = self.rng, self.writer
        rows = ["| Year | Indicator | Value | Assessment |", "|---|---|---:|---|"]
        first = rng.randint(2008, 2020)
        for n in range(rng.randint(3, 6)):
            note = capitalize(f"{writer.slot('a')} {writer.slot('n')}")
            if cell_cite and n == 0:
                note += " " + cell_cite[1]
            rows.append(f"| {first + n} | {writer.slot('t')} | {rng.randint(1, 9999):,} | {note} |")
        return "\n".join(rows), sum(len(r.split()) for r in rows[2:]) // 2

    def write(self) -> str:
        rng, writer = self.rng, self.writer
        index = self.index
        subtitle = writer.phrase(3)
        title = capitalize(writer.phrase(4)) + ": " + subtitle[0].lower() + subtitle[1:]
        title = title.replace('"', "")
        date = datetime.date(2010, 1, 1) + datetime.timedelta(days=rng.randrange(15 * 365 + 3))
        authors = rng.sample(AUTHORS, rng.choices([1, 2, 3], [6, 3, 1])[0])
        tags = rng.sample(TAGS, rng.randint(2, 4))
        summary = writer.sentence() + " " + writer.sentence()
        target = rng.randint(1250, 1750)   # leaves room for the spread of sentence lengths

        # the plan: intro paragraphs, then sections with optional subsections
        plan: list[tuple[str, object]] = [("p", None), ("p", None)]
        for _ in range(rng.randint(3, 5)):
            plan.append(("h2", writer.phrase(3)))
            plan += [("p", None)] * rng.randint(2, 3)
            if rng.random() < 0.5:
                plan.append(("h3", writer.phrase(3)))
                plan += [("p", None)] * rng.randint(1, 2)
        paragraphs = [i for i, (kind, _) in enumerate(plan) if kind == "p"]
        inserts: dict[int, list] = {i: [] for i in paragraphs}

        # evidence boxes after distinct paragraphs, each referred to in that paragraph
        boxes = []
        for number, after in enumerate(sorted(rng.sample(paragraphs[1:], rng.randint(1, 3))), 1):
            box_id = f"ev-{index:04d}-{number}"
            boxes.append((after, box_id, number))
            inserts[after].append(("xref", (box_id, number)))

        # citation clusters: every form at least once when there are six or more
        n_clusters = rng.randint(5, 15)
        forms = FORMS[:]
        rng.shuffle(forms)
        forms = (forms + [rng.choice(FORMS) for _ in range(n_clusters)])[:n_clusters]
        n_footnotes = rng.randint(2, 4)
        footnote_cites: dict[int, list] = {n: [] for n in range(1, n_footnotes + 1)}
        table_cite = None
        for form in forms:
            where = rng.random()
            clause = self.cluster(form)
            if where < 0.12 and not clause[0]:
                footnote_cites[rng.randint(1, n_footnotes)].append(clause)
            elif where < 0.16 and not clause[0] and table_cite is None:
                table_cite = clause
            else:
                inserts[rng.choice(paragraphs)].append(("cite", clause))
        for n in range(1, n_footnotes + 1):
            inserts[rng.choice(paragraphs)].append(("footnote", n))
        if rng.random() < 0.35:
            for _ in range(rng.randint(1, 2)):
                word = self.corpus.vocab.rare.pick(rng)
                self.rare_words.append(word)
                inserts[rng.choice(paragraphs)].append(("rare", word))
        if index > 0 and rng.random() < 0.2:
            other = rng.randrange(index)
            inserts[rng.choice(paragraphs)].append(("link", (self.corpus.slug(other), writer.phrase(3).lower())))
        extras = {rng.choice(paragraphs): "list"}
        extras.setdefault(rng.choice(paragraphs), "table")
        if rng.random() < 0.4:
            extras.setdefault(rng.choice(paragraphs), "list")

        # fixed blocks first, so the paragraphs can take up the rest of the word budget
        blocks_after: dict[int, list[str]] = {i: [] for i in paragraphs}
        used = 0
        for position in sorted(extras):
            text, words = self.bullet_list() if extras[position] == "list" else self.table(table_cite)
            blocks_after[position].append(text)
            used += words
        if table_cite is not None and "table" not in extras.values():
            inserts[paragraphs[0]].append(("cite", table_cite))
        for after, box_id, number in boxes:
            text, words = self.evidence(box_id, number)
            blocks_after[after].append(text)
            used += words
        footnotes = []
        for n in range(1, n_footnotes + 1):
            sentences = [Sentence(writer.clause()) for _ in range(rng.randint(1, 2))]
            for lead, tail in footnote_cites[n]:
                sentences[-1].before.append(tail)
            text = " ".join(s.render() for s in sentences)
            footnotes.append(f"[^{n}]: {text}")
            used += len(text.split())
        headings = sum(len(str(v).split()) for k, v in plan if k != "p")
        in_text = 5 * n_clusters + 3 * len(boxes)   # citations and cross-references add words too
        remaining = max(target - used - headings - in_text, 60 * len(paragraphs))
        shares = [rng.uniform(0.7, 1.3) for _ in paragraphs]
        scale = remaining / sum(shares)

        body: list[str] = []
        for i, (kind, value) in enumerate(plan):
            if kind == "h2":
                body.append(f"## {value}")
            elif kind == "h3":
                body.append(f"### {value}")
            else:
                budget = int(shares[paragraphs.index(i)] * scale)
                text, _ = self.paragraph(budget, inserts[i])
                body.append(text)
                body += blocks_after[i]
        body += footnotes

        front = ["---", f'title: "{title}"', f"date: {date.isoformat()}"]
        if rng.random() < 0.1:
            front.append(f"updated: {(date + datetime.timedelta(days=rng.randint(1, 90))).isoformat()}")
        front += [f"authors: [{', '.join(_yaml_string(a) for a in authors)}]",
                  f"tags: [{', '.join(tags)}]", f'summary: "{summary}"', "---", ""]
        return "\n".join(front) + "\n\n".join(body) + "\n"


def _join(prefix: str, text: str) -> str:
    return f"{prefix} {text}" if prefix else text


def _attr(value: str) -> str:
    return value if re.fullmatch(r"[\w.-]+", value) else f'"{value}"'


def _yaml_string(text: str) -> str:
    return text if re.fullmatch(r"[A-Za-z][\w -]*", text) else f'"{text}"'


# --- The publication ---------------------------------------------------------------------


class Corpus:
    def __init__(self, articles: int, entries: int, seed: int, citations: bool) -> None:
        self.articles, self.entries, self.seed, self.citations = articles, entries, seed, citations
        self.vocab = Vocabulary(Random(f"dossier-corpus/{seed}/vocabulary"))
        self.sources = make_bibliography(entries, seed, self.vocab)
        citable = [s for s in self.sources if s.kind != "collection"]
        self.cited = Zipf(citable, Random(f"dossier-corpus/{seed}/citation-order"), exponent=0.7)
        self._slugs: dict[int, str] = {}

    def slug(self, index: int) -> str:
        if index not in self._slugs:
            rng = Random(f"dossier-corpus/{self.seed}/slug/{index}")
            words: list[str] = []
            while len(words) < 2:
                noun = self.vocab.nouns.pick(rng)[0]
                if noun not in words:
                    words.append(noun)
            words.append(self.vocab.adjectives.pick(rng))
            self._slugs[index] = f"{index:04d}-" + "-".join(words)
        return self._slugs[index]

    def about_page(self) -> str:
        rng = Random(f"dossier-corpus/{self.seed}/about")
        writer = Writer(self.vocab, rng)
        parts = ["---", 'title: "About this publication"',
                 'summary: "A synthetic publication generated for benchmarks: who writes it and how it is made."',
                 "---", "",
                 f"This publication is synthetic. Its {self.articles} articles and {self.entries} sources were "
                 f"generated by `benchmarks/make_corpus.py` with seed {self.seed}, to measure how Dossier scales."]
        for heading in ("What we publish", "Who writes it", "Corrections"):
            parts.append(f"## {heading}")
            for _ in range(2):
                parts.append(" ".join(writer.sentence() for _ in range(rng.randint(3, 6))))
            if heading == "Who writes it":
                parts.append("\n".join(f"- **{name}** — {writer.sentence()}" for name in AUTHORS[:8]))
        return "\n\n".join(parts) + "\n"

    def settings(self) -> str:
        mode = "" if self.citations else ", citations as plain text"
        return (f'title: "Synthetic Ledger"\n'
                f'description: "A synthetic publication of {self.articles} articles and {self.entries} sources '
                f'(benchmarks/make_corpus.py, seed {self.seed}{mode})."\n'
                f"base_url: http://127.0.0.1:8000/\n"
                f"language: en\n"
                f"csl: chicago-author-date\n"
                f"index_articles: 10\n"
                f"menu: [about]\n")


def write_corpus(out: Path, articles: int, entries: int, seed: int, citations: bool = True) -> dict:
    """Write the publication into out (replacing a corpus written there before); return its summary."""
    marker = out / "corpus.json"
    if out.exists() and any(out.iterdir()) and not marker.exists():
        raise SystemExit(f"{out} is not empty and holds no corpus.json: refusing to write into it")
    for folder in ("content", "citations", "_site"):
        shutil.rmtree(out / folder, ignore_errors=True)
    corpus = Corpus(articles, entries, seed, citations)
    (out / "content" / "articles").mkdir(parents=True)
    (out / "content" / "pages").mkdir(parents=True)
    (out / "dossier.yml").write_text(corpus.settings(), encoding="utf-8")
    (out / "content" / "pages" / "about.md").write_text(corpus.about_page(), encoding="utf-8")
    if citations:
        (out / "citations").mkdir()
        (out / "citations" / "sources.bib").write_text(format_bib(corpus.sources), encoding="utf-8")
    rare: dict[str, int] = {}
    for index in range(articles):
        writer = ArticleWriter(index, corpus)
        text = writer.write()
        (out / "content" / "articles" / f"{corpus.slug(index)}.md").write_text(text, encoding="utf-8")
        for word in sorted(set(writer.rare_words)):
            rare[word] = rare.get(word, 0) + 1
    summary = {"articles": articles, "entries": entries, "seed": seed, "citations": citations,
               "rare_words": dict(sorted(rare.items(), key=lambda item: (item[1], item[0])))}
    marker.write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return summary


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="output folder (created; a corpus written there before is replaced)")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--entries", type=int, default=300, help="number of .bib entries")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-citations", action="store_true",
                        help="write citations, evidence boxes and cross-references as plain text, and no .bib")
    args = parser.parse_args(argv)
    if args.articles < 1 or args.entries < 10:
        parser.error("need at least 1 article and 10 entries")
    summary = write_corpus(args.out, args.articles, args.entries, args.seed, not args.no_citations)
    print(f"Wrote {summary['articles']} articles and {summary['entries'] if summary['citations'] else 0} "
          f"sources into {args.out}/")


if __name__ == "__main__":
    main()
