"""The theme's words: every word a reader sees, in the language of the page that shows it.

Words are gettext messages, the English text being the msgid: `{{ _("References") }}` in a
template, `words.gettext("Topics of %(title)s", title=...)` in Python. Their translations are
gettext catalogues, themes/THEME/locale/LANGUAGE.po, read with Babel (catalogue.py): the shipped
theme's, then the publication's own, whose entries win. English needs none (the msgid is the
English) but may have one to reword it. A page's language is its document's (`lang:`), else
the publication's; its words come from the catalogue of the language's primary subtag (ko for
ko-KR). A word a language lacks is shown in English, and said once per build when the words are
read, as is a language that has no catalogue at all.

Why gettext, and Babel: a .po file is what translators and their tools (Poedit, Weblate, Crowdin)
already know, with plural forms per language and a msgid that is the English itself, so a theme
is written in plain English and a missing translation degrades to it. Babel reads .po files as
they are (no compile step for users), extracts msgids from templates through Jinja's own
extractor (jinja2.ext.babel_extract) and from Python, and brings CLDR for dates, numbers and lists.
Jinja's i18n extension, newstyle, fills in %(name)s and keeps autoescaping.
"""

from __future__ import annotations

import re
from pathlib import Path

from markupsafe import Markup, escape

from builder.errors import Problem, warning
from builder.model import Document, Settings
from builder.run.cache import digest
from builder.run.confinement import inside
from builder.site.catalogue import Catalogue, english_plural, read_catalogue
from builder.text import decode_utf8, did_you_mean, long_number, page_language

BASE_LANGUAGE = "en"
LOCALE = "locale"                    # a theme's folder of catalogues
TEMPLATE = "messages.pot"            # the shipped theme's list of every msgid
_NUM = re.compile(r"(?<!%)%\(num\)[ds]")      # the count of a plural message


def N_(message: str) -> str:
    """message itself: marks a msgid for the catalogue where it is translated later (gettext's N_)."""
    return message


# The words of code and templates that still ask for them by key, words("evidence.label", number=3),
# as the YAML catalogue of words did before the gettext catalogues (the evidence caption's).
_KEYS = {
    "evidence.label": N_("Evidence %(number)s"),
    "evidence.status.verified": N_("Verified against saved source"),
    "evidence.status.not-found": N_("Not found in saved source"),
    "evidence.status.differs": N_("Differs from the saved source of %(date)s"),
    "evidence.status.no-snapshot": N_("No saved source"),
    "evidence.status.no-original": N_("Translation not verified: no original given"),
    "evidence.status.verified-original": N_("Original verified against saved source"),
    "evidence.translated_from": N_("Translated from %(language)s"),
    "evidence.translated_by": N_("Translated from %(language)s by %(translator)s"),
    "evidence.original": N_("Original (%(language)s)"),
    "evidence.original_verified": N_("✓ original verified against saved source"),
}


def language_code(tag: str) -> str:
    """The catalogue of a language tag: its primary subtag, in lower case ('ko' for 'ko-KR')."""
    return (tag.split("-")[0].lower() or BASE_LANGUAGE) if tag else BASE_LANGUAGE


class Words:
    """The words of one build in every language its pages use; each call speaks the language of
    the page being made (builder.text.in_language)."""

    def __init__(self, languages: dict[str, Catalogue], signature: str = ""):
        self._languages = dict(languages)
        self._signature = signature

    def gettext(self, message: str, /, **values: object) -> str:
        """message in the page's language, its %(name)s filled in with values."""
        return self.translate(message) % values

    def ngettext(self, singular: str, plural: str, n: int, /, **values: object) -> str:
        """The form for n of a message in the page's language, %(num)d being n as the language writes it."""
        return self.counted(singular, plural, n) % values

    def __call__(self, key: str, /, **values: object) -> str:
        """words("evidence.label", number=3): a word by its key, for templates written before the catalogues."""
        return self.gettext(_KEYS[key], **values)

    def translate(self, message: str) -> str:
        """message in the page's language, as written there (English when the language lacks it)."""
        for code in (language_code(page_language()), BASE_LANGUAGE):
            found = self._languages.get(code)
            if found is not None and message in found.entries:
                return found.entries[message]
        return message

    def translate_plural(self, singular: str, plural: str, n: int) -> str:
        """The form of (singular, plural) for n in the page's language, by its plural rule."""
        for code in (language_code(page_language()), BASE_LANGUAGE):
            found = self._languages.get(code)
            forms = found.entries.get((singular, plural)) if found is not None else None
            if forms:
                return forms[min(found.plural(n), len(forms) - 1)]
        return singular if english_plural(n) == 0 else plural

    def counted(self, singular: str, plural: str, n: int) -> str:
        """translate_plural() with %(num)d filled in: n with the separators of the page's language."""
        return _NUM.sub(lambda _: long_number(n).replace("%", "%%"), self.translate_plural(singular, plural, n))

    def for_templates(self) -> tuple:
        """gettext and ngettext for Jinja's i18n extension: a translation is text, never markup, so
        what a catalogue writes is escaped; the extension fills in the values (escaping them too)."""
        return (lambda message: Markup(escape(self.translate(message))),
                lambda singular, plural, n: Markup(escape(self.counted(singular, plural, n))))

    def signature(self) -> str:
        """What a cached page made with these words depends on: every catalogue read, as read."""
        return self._signature


def load_words(settings: Settings, theme_dirs: list[Path], documents: list[Document]) -> tuple[Words, list[Problem]]:
    """The words of every language the publication's pages use (its own and its documents'), from
    the catalogues of the theme folders (the publication's own first, the shipped one last)."""
    shipped = theme_dirs[-1]
    own = [folder for folder in theme_dirs[:-1] if folder != shipped]
    used = {language_code(settings.language): None}
    for document in documents:
        used.setdefault(language_code(document.language or settings.language), document)
    problems: list[Problem] = []
    read: list[tuple[str, str]] = []
    languages: dict[str, Catalogue] = {}
    known = _shipped_messages(shipped) | own_messages(own)
    for code in sorted(set(used) | {BASE_LANGUAGE}):
        catalogues = []
        for folder in [shipped, *reversed(own)]:
            catalogue = _read(folder / LOCALE / f"{code}.po", code, settings, folder != shipped, problems, read)
            if catalogue is not None:
                catalogues.append(catalogue)
                problems += _unknown(catalogue, known) if folder != shipped else []
        if catalogues:      # the last one read names the language in messages; its plural rule holds
            last = catalogues[-1]
            languages[code] = Catalogue(last.path, {k: v for c in catalogues for k, v in c.entries.items()}, {},
                                        last.plural, last.plural_forms)
    for code, document in sorted(used.items()):
        if code != BASE_LANGUAGE:
            problems += _missing(code, languages.get(code), known, settings, document)
    return Words(languages, digest(read)), problems


def _read(path: Path, code: str, settings: Settings, own: bool, problems: list[Problem],
          read: list[tuple[str, str]]) -> Catalogue | None:
    """One catalogue, if it exists (a publication's own only inside the publication); read gathers
    each file's name and text, for the words' signature."""
    root = settings.root
    if not path.is_file() or (own and not inside(root, path)):
        return None
    where = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    text, problem = decode_utf8(path.read_bytes(), where)
    if text is None:
        problems.append(problem)
        return None
    read.append((where, text))
    catalogue, found = read_catalogue(text, where, code)
    problems += found
    return catalogue


def _missing(code: str, catalogue: Catalogue | None, known: dict, settings: Settings,
             document: Document | None) -> list[Problem]:
    """A warning for each word the language lacks, or one for a language with no catalogue."""
    name = language_name(code)
    if catalogue is None:
        where, line, col = ((document.relpath, 1, 1) if document is not None
                            else ("dossier.yml", *settings.position("language")))
        return [warning(where, line, col, f"no catalogue of words in {name} ('{code}'): its pages show English words; "
                                          f"translate themes/default/{LOCALE}/{TEMPLATE} into "
                                          f"themes/{settings.theme}/{LOCALE}/{code}.po")]
    return [warning(catalogue.path, 1, 1, f"no {name} for '{_singular(key)}': English is shown")
            for key in known if key not in catalogue.entries]


def _unknown(catalogue: Catalogue, known: dict) -> list[Problem]:
    """A warning for each msgid of a publication's catalogue that no template or code asks for."""
    singulars = [_singular(key) for key in known]
    return [warning(catalogue.path, line, 1, f"no template asks for '{_singular(key)}'"
                                             f"{did_you_mean(_singular(key), singulars)}: its translation is not used")
            for key, line in catalogue.lines.items() if key not in known]


def _singular(key) -> str:
    return key[0] if isinstance(key, tuple) else key


def language_name(code: str) -> str:
    """A language's name in English ('Korean' for 'ko'), or its code when Babel does not know it."""
    from babel import Locale

    return Locale(BASE_LANGUAGE).languages.get(code, code)


def _shipped_messages(shipped: Path) -> dict:
    """Every msgid the shipped theme and the build use (its messages.pot), in order."""
    from babel.messages.pofile import read_po

    path = shipped / LOCALE / TEMPLATE
    with path.open(encoding="utf-8") as stream:
        catalog = read_po(stream)
    return {(tuple(m.id) if isinstance(m.id, (list, tuple)) else m.id): None for m in catalog if m.id}


def own_messages(folders: list[Path]) -> dict:
    """The msgids the templates of a publication's own theme folders ask for (Babel's extractor)."""
    import jinja2
    from jinja2.ext import babel_extract

    found: dict = {}
    for folder in folders:
        templates = folder / "templates"
        for path in sorted(templates.rglob("*")) if templates.is_dir() else ():
            if not path.is_file():
                continue
            try:
                with path.open("rb") as stream:
                    messages = list(babel_extract(stream, ("_", "gettext", "ngettext"), [], {"trimmed": "false"}))
            except (jinja2.TemplateError, UnicodeDecodeError, OSError):
                continue        # the template's own problem, reported where it is read
            for _, function, message, _ in messages:
                ids = message if isinstance(message, tuple) else (message,)
                if ids and all(isinstance(i, str) for i in ids[:2 if function == "ngettext" else 1]):
                    found[tuple(ids[:2]) if function == "ngettext" else ids[0]] = None
    return found
