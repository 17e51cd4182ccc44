"""One font program per font in a PDF put together from laid-out parts (an edition; an article
with its page numbers).

An edition is put together from its articles' PDFs, and WeasyPrint embeds in each a subset of every
font it used: an edition of 50 articles holds 50 subsets of the same Korean font (each ~150-700 kB,
most of it the font's tables, not its glyphs). WeasyPrint subsets with HarfBuzz keeping the glyph
ids (RETAIN_GIDS), so every subset of one font numbers its glyphs as the font does: one subset of
the font with the glyphs of them all serves every article's font dictionary unchanged (their widths,
ToUnicode maps and glyph ids stay). The font is found by its PostScript name among the system's
fonts (fontconfig) and subset again with HarfBuzz (uharfbuzz, the HarfBuzz project's binding: the
same subsetter, so the same tables and outlines); the new subset is used only if every glyph every
article used has the same outline and advance in it as in that article's own subset, so a font
that is not the system's (a theme's own, another version) stays as the articles embedded it.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from functools import cache

# WeasyPrint's subsetting options (weasyprint/pdf/fonts.py), so that the outlines match.
_DROPPED_TABLES = ("BASE", "DSIG", "EBDT", "EBLC", "EBSC", "GPOS", "GSUB", "JSTF", "LTSH", "PCLT", "SVG ")
_FONT_FILES = ("/FontFile2", "/FontFile3")


@dataclass
class FontSharing:
    """What share_fonts() did: how many fonts got one program, and the fonts left as embedded, and why."""

    shared: int = 0
    kept: list[str] = field(default_factory=list)


@dataclass
class _Use:
    descriptor: object          # the FontDescriptor (a pikepdf Dictionary)
    key: str                    # its /FontFile2 or /FontFile3
    stream: tuple[int, int]     # the program's object
    program: bytes
    glyphs: set[int]


def share_fonts(pdf) -> FontSharing:
    """Give every font of pdf (a pikepdf Pdf) one embedded program, where it can. The programs it
    replaces are left unreferenced: qpdf does not write them."""
    import uharfbuzz as hb

    report = FontSharing()
    for name, uses in sorted(_font_uses(pdf).items()):
        programs: dict[tuple[int, int], tuple[bytes, set[int]]] = {}   # each distinct program, with the glyphs drawn from it
        for use in uses:
            programs.setdefault(use.stream, (use.program, set()))[1].update(use.glyphs)
        if len(programs) < 2:
            continue
        if any("/CIDSet" in use.descriptor for use in uses):      # lists a subset's glyphs (PDF/A-1): left alone
            report.kept.append(f"{name}: its descriptors list their glyphs (CIDSet)")
            continue
        found = system_fonts().get(name)
        if found is None:
            report.kept.append(f"{name}: not a font of this system")
            continue
        glyphs = set().union(*(drawn for _, drawn in programs.values())) | {0}
        try:
            merged = _subset(hb.Face(hb.Blob.from_file_path(found[0]), found[1]), glyphs)
        except hb.HarfBuzzError:        # the file went, or is not a font after all
            merged = None
        if merged is None or not all(_same_glyphs(program, merged, drawn) for program, drawn in programs.values()):
            report.kept.append(f"{name}: the system's font is not the one the articles embedded")
            continue
        stream = pdf.make_stream(merged)
        subtype = uses[0].descriptor[uses[0].key].get("/Subtype")
        if subtype is not None:
            stream.Subtype = subtype
        for use in uses:
            use.descriptor[use.key] = stream
        report.shared += 1
    return report


def _font_uses(pdf) -> dict[str, list[_Use]]:
    """Each embedded CID font's uses, by PostScript name: its descriptor, program and glyph ids."""
    import uharfbuzz as hb
    from pikepdf import Dictionary, Name

    uses: dict[str, list[_Use]] = {}
    programs: dict[tuple[int, int], tuple[bytes, str]] = {}
    for obj in pdf.objects:
        if not isinstance(obj, Dictionary) or obj.get("/Subtype") not in (Name.CIDFontType0, Name.CIDFontType2):
            continue
        if obj.get("/CIDToGIDMap", Name.Identity) != Name.Identity:
            continue
        descriptor = obj.get("/FontDescriptor")
        key = next((k for k in _FONT_FILES if descriptor is not None and k in descriptor), None)
        if key is None:
            continue
        stream = descriptor[key]
        if stream.objgen not in programs:
            program = stream.read_bytes()
            face = hb.Face(hb.Blob(program))
            programs[stream.objgen] = (program, face.get_name(hb.OTNameIdPredefined.POSTSCRIPT_NAME) or "")
        program, name = programs[stream.objgen]
        glyphs = _widths_glyphs(obj.get("/W", []))
        if name and glyphs:
            uses.setdefault(name, []).append(_Use(descriptor, key, stream.objgen, program, glyphs))
    return uses


def _widths_glyphs(widths) -> set[int]:
    """The glyph ids a /W array gives widths for (WeasyPrint writes one for each glyph used)."""
    from pikepdf import Array

    glyphs: set[int] = set()
    index = 0
    try:
        while index < len(widths):
            first, following = int(widths[index]), widths[index + 1]
            if isinstance(following, (list, Array)):
                glyphs.update(range(first, first + len(following)))
                index += 2
            else:
                glyphs.update(range(first, int(following) + 1))
                index += 3
    except (IndexError, TypeError, ValueError):
        return set()
    return glyphs


@cache
def system_fonts() -> dict[str, tuple[str, int]]:
    """PostScript name -> (file, index in it) of the fonts fontconfig knows (the first of each name)."""
    try:
        listed = subprocess.run(["fc-list", "--format", "%{postscriptname}\t%{file}\t%{index}\n"],
                                capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    fonts: dict[str, tuple[str, int]] = {}
    for line in sorted(listed.splitlines()):
        name, _, rest = line.partition("\t")
        file, _, index = rest.partition("\t")
        if name and file and index.isdigit():
            fonts.setdefault(name, (file, int(index)))
    return fonts


def _subset(face, glyphs: set[int]) -> bytes | None:
    import uharfbuzz as hb

    plan = hb.SubsetInput()
    for glyph in sorted(glyphs):
        plan.glyph_set.add(glyph)
    dropped = plan.sets(hb.SubsetInputSets.DROP_TABLE_TAG)
    for tag in _DROPPED_TABLES:
        dropped.add(int.from_bytes(tag.encode("ascii"), "big"))
    plan.flags = (hb.SubsetFlags.RETAIN_GIDS | hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED
                  | hb.SubsetFlags.DESUBROUTINIZE | hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.NOTDEF_OUTLINE)
    subset = hb.subset(face, plan)
    return bytes(subset.blob.data) if subset is not None else None


def _same_glyphs(program: bytes, merged: bytes, glyphs: set[int]) -> bool:
    """Whether each of glyphs has the same outline and advance in the merged program as in program."""
    import uharfbuzz as hb

    own, new = hb.Font(hb.Face(hb.Blob(program))), hb.Font(hb.Face(hb.Blob(merged)))
    for glyph in sorted(glyphs):
        if (_outline(own, glyph) != _outline(new, glyph)
                or own.get_glyph_h_advance(glyph) != new.get_glyph_h_advance(glyph)):
            return False
    return True


class _Recorder:
    """A pen that writes down what it is asked to draw."""

    def __init__(self):
        self.path: list[tuple] = []

    def moveTo(self, point):            # noqa: N802 (fontTools' pen protocol)
        self.path.append(("M", point))

    def lineTo(self, point):            # noqa: N802
        self.path.append(("L", point))

    def curveTo(self, *points):         # noqa: N802
        self.path.append(("C", points))

    def qCurveTo(self, *points):        # noqa: N802
        self.path.append(("Q", points))

    def closePath(self):                # noqa: N802
        self.path.append(("Z",))


def _outline(font, glyph: int) -> list[tuple]:
    pen = _Recorder()
    font.draw_glyph_with_pen(glyph, pen)
    return pen.path
