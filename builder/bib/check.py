"""Check the bibliography files as written: every problem at the path:line:col of the block, field or value.

.bib files are checked here in full; CSL-JSON and CSL-YAML items are read and checked by builder.bib.csljson,
and share the checks across files (builder.bib.catalogue): a key defined more than once, a key cited that
no file defines.
"""

from __future__ import annotations

import re
import unicodedata

from builder.bib.catalogue import Catalogue, Source, catalogue
from builder.bib.csljson import CslFile
from builder.bib.inherit import CROSS_REFERENCES, VISIT_LIMIT, inheritance_problems
from builder.bib.keys import is_valid_key, unreadable_key_character
from builder.bib.latex import latex_problems, plain_text
from builder.bib.rules import (COMMON_TYPES, DATE_FIELDS, MONTH_MACROS, REQUIRED_FIELDS, TYPE_HINTS, VERBATIM_FIELDS,
                               doi_problem, url_problem, year_problem)
from builder.bib.source import (BibFile, FieldSpan, SourceBlock, braces_balanced, comment_hiding_the_end,
                                head_key, is_valid_field_name, split_value, string_value_offset)
from builder.bib.values import limit_problems, over_limit
from builder.errors import Problem, Severity, error, warning
from builder.text import close_matches, date_problem, suggestion

_FORMATTED_FIELDS = frozenset({*DATE_FIELDS, "year", "url", "doi"})
_PLACES_NAMED = 5
_SPACE = re.compile(r"\s*")


def check_files(files: list[BibFile | CslFile]) -> tuple[Catalogue, list[Problem]]:
    """Every problem in the bibliography files on their own: blocks, entries, fields, duplicates."""
    cat = catalogue(files)
    problems, _ = reading_problems(cat)
    for bib, block, _ in cat.definitions:
        problems += _check_string(bib, block, cat)
    for sources in cat.entries.values():
        for source in sources:
            problems += check_entry(source, cat)
    for csl in cat.csl_files:
        problems += list(csl.problems)
        for item in csl.items:
            problems += [error(item.path, again.line, again.col,
                               f"entry '{item.key}' sets {again.name} twice (first on line {first.line})")
                         for again, first in _in_order(item.repeated())]
    problems += duplicate_keys(cat) + near_duplicates(cat)
    return cat, problems


def _in_order(pairs: list[tuple]) -> list[tuple]:
    """(later, earlier) of each pair of places, whichever of the two pandoc uses."""
    return [(a, b) if (a.line, a.col) > (b.line, b.col) else (b, a) for a, b in pairs]


def reading_problems(cat: Catalogue) -> tuple[list[Problem], frozenset[str]]:
    """What keeps the .bib files from being read, or read in bounded time and memory: the build
    stops on these before pandoc reads anything, and `dossier cite check` reports them too.
    Blocks that cannot be read, values past the limits, crossref and xdata loops and chains
    too costly to follow (and, as warnings, the entries they name that do not exist). Also
    the keys of the entries pandoc must never be given because of them."""
    problems = [failed_block_problem(bib, block) for bib in cat.files for block in bib.blocks if block.kind == "failed"]
    withheld: set[str] = set()
    problems += _comment_problems(cat, withheld) + limit_problems(cat, withheld) + inheritance_problems(cat, withheld)
    return problems, frozenset(withheld)


def _comment_problems(cat: Catalogue, withheld: set[str]) -> list[Problem]:
    """An error at each '%' that would make pandoc end an entry or @string elsewhere than BibTeX does."""
    problems = []
    blocks = [(source.bib, source.block, source.key) for sources in cat.entries.values() for source in sources]
    blocks += [(bib, block, None) for bib, block, _ in cat.definitions]
    for bib, block, key in blocks:
        offset = comment_hiding_the_end(bib.source(block))
        if offset is not None:
            withheld.update([key] if key is not None else [])
            what = f"entry '{key}'" if key is not None else f"@string {block.block.key}"
            problems.append(error(bib.path, *bib.position(block.start + offset),
                                  f"'%' hides the rest of this line from pandoc, braces included, so pandoc "
                                  f"would not end {what} where BibTeX does: delete the line, or write \\% for a "
                                  "percent sign"))
    return problems


def check_entry(source: Source, cat: Catalogue, required_fields: bool = True) -> list[Problem]:
    """Key, type, every field's value and (if required_fields, as a warning) the fields its type needs."""
    bib, block, entry = source.bib, source.block, source.block.block
    problems = []
    at = (bib.path, block.line, block.col)
    if not entry.key:
        problems.append(error(*at, f"@{entry.entry_type} entry has no citation key: "
                                   f"write @{entry.entry_type}{{key, ...}}"))
    elif not is_valid_key(entry.key):
        problems.append(error(*at, f"citation key '{entry.key}' contains white space "
                                   "or one of , { } \" \\"))
    elif (char := unreadable_key_character(entry.key)) is not None:
        problems.append(error(*at, f"citation key '{entry.key}' contains '{char}', which pandoc does not read in a "
                                   "key: use letters, digits and . : ; ? ! ` ' / * @ _ + - [ ] &"))
    if entry.entry_type not in REQUIRED_FIELDS:
        problems.append(error(*at, _unknown_type_message(entry.entry_type)))
    fields = source.fields()
    seen: dict[str, FieldSpan] = {}
    for name, span in fields:
        where = (bib.path, *bib.position(span.name_offset))
        if not is_valid_field_name(name):
            problems.append(error(*where, f"cannot read field name '{name}' in entry '{entry.key}'"))
            continue
        if name in seen:
            first = bib.position(seen[name].name_offset)[0]
            problems.append(error(*where, f"entry '{entry.key}' sets {name} twice (first on line {first})"))
        seen[name] = span
        problems += _check_value(bib, name, span, cat)
    if required_fields and entry.entry_type in REQUIRED_FIELDS:
        problems += _missing_fields(source, {name for name, _ in fields}, cat, at)
    return problems


def linked_keys(raw: str) -> list[str]:
    """The keys a crossref, xdata, related or entryset value names."""
    return [key.strip() for key in plain_value(raw).split(",") if key.strip()]


def _unknown_type_message(entry_type: str) -> str:
    names = [TYPE_HINTS[entry_type]] if entry_type in TYPE_HINTS else close_matches(entry_type, REQUIRED_FIELDS)
    if not names:
        return (f"unknown entry type '@{entry_type}': use a BibLaTeX type such as "
                f"{', '.join('@' + name for name in COMMON_TYPES)} (a newspaper or magazine article is an @article)")
    return f"unknown entry type '@{entry_type}'{suggestion([f'@{name}' for name in names])}"


def _missing_fields(source: Source, names: set[str], cat: Catalogue, at: tuple) -> list[Problem]:
    missing = missing_fields(source, cat, names)
    if not missing:
        return []
    entry = source.block.block
    return [warning(*at, f"@{entry.entry_type} entry '{entry.key}' has no {', no '.join(missing)}")]


def missing_fields(source: Source, cat: Catalogue, names: set[str] | None = None) -> list[str]:
    """The required fields (as "a or b" alternatives) an entry lacks, counting inherited ones."""
    if names is None:
        names = {name for name, _ in source.fields()}
    available = set(names) | _inherited(source, cat)
    return [" or ".join(options) for options in REQUIRED_FIELDS.get(source.block.block.entry_type, ())
            if not available.intersection(options)]


def _inherited(source: Source, cat: Catalogue) -> set[str]:
    """Fields an entry inherits through crossref and xdata (a parent's title is the child's booktitle).
    Only the first VISIT_LIMIT ancestors count: past those the chain is an error of its own."""
    names: set[str] = set()
    seen: set[str] = set()
    pending = [source]
    while pending and len(seen) <= VISIT_LIMIT:
        for name, span in pending.pop().fields():
            if name not in CROSS_REFERENCES:
                continue
            for key in linked_keys(span.raw):
                parent = cat.used(key)
                if parent is not None and key not in seen:
                    seen.add(key)
                    names |= {n for n, _ in parent.fields()}
                    pending.append(parent)
    if "title" in names:
        names |= {"booktitle", "maintitle", "journaltitle"}
    return names


def plain_value(raw: str) -> str:
    """A value's text without its delimiters (@string names as written)."""
    pieces = split_value(raw)
    return "".join(p.text for p in pieces) if pieces else raw


def _check_value(bib: BibFile, name: str, span: FieldSpan, cat: Catalogue) -> list[Problem]:
    if over_limit(span.raw):
        return []           # reported by reading_problems; nothing more is read of it
    pieces = split_value(span.raw)
    where = (bib.path, *bib.position(span.value_offset))
    if pieces is None:
        reason = "unbalanced braces" if not braces_balanced(span.raw) else f"cannot read the value {span.raw!r}"
        return [error(*where, f"{name}: {reason}")]
    problems = []
    for piece in pieces:
        if piece.kind == "macro":
            if not cat.strings.defines(piece.text) and piece.text.lower() not in MONTH_MACROS:
                position = bib.position(span.value_offset + piece.offset)
                problems.append(error(bib.path, *position, f"{name} uses '{piece.text}', which no @string defines "
                                                           f"(write {{{piece.text}}} for the text itself)"))
        elif _is_latex(name) and piece.kind != "number":
            for offset, severity, message in latex_problems(piece.text, cat.commands):
                position = bib.position(span.value_offset + piece.offset + offset)
                problems.append(Problem(bib.path, *position, f"{name}: {message}", severity))
    if name in _FORMATTED_FIELDS:
        message, severity = _format_problem(name, cat.strings.text(cat.strings.expansion(pieces, keep_unknown=False)))
        if message:
            problems.append(Problem(*where, message, severity))
    return problems


def _is_latex(name: str) -> bool:
    """Whether a field holds LaTeX text (not a URL, file, identifier or date)."""
    return name not in VERBATIM_FIELDS and not any(part in name for part in ("url", "doi", "file", "date"))


def _format_problem(name: str, text: str) -> tuple[str | None, Severity]:
    bare = text.replace("{", "").replace("}", "")
    if name in DATE_FIELDS:
        return date_problem(bare), Severity.ERROR
    if name == "year":
        return year_problem(bare), Severity.WARNING
    if name == "url":
        return url_problem(text), Severity.ERROR
    if name == "doi":
        found = doi_problem(bare)
        if found:
            return found[1], Severity(found[0])
    return None, Severity.ERROR


def _check_string(bib: BibFile, block: SourceBlock, cat: Catalogue) -> list[Problem]:
    problems = []
    if not is_valid_field_name(block.block.key):
        problems.append(error(bib.path, block.line, block.col, f"@string name '{block.block.key}' is not a name "
                                                               "pandoc reads: use letters, digits and - _ : +"))
    if over_limit(block.block.value):
        return problems     # reported by reading_problems; nothing more is read of it
    pieces = split_value(block.block.value)
    if pieces is None:
        return [error(bib.path, block.line, block.col, f"cannot read the value of @string '{block.block.key}'")]
    value_at = string_value_offset(bib, block)
    for piece in pieces:
        if piece.kind in ("braced", "quoted"):
            for offset, severity, message in latex_problems(piece.text, cat.commands):
                position = bib.position(value_at + piece.offset + offset)
                problems.append(Problem(bib.path, *position, f"@string {block.block.key}: {message}", severity))
    return problems


def duplicate_keys(cat: Catalogue) -> list[Problem]:
    """An error at every definition of a key defined more than once (in .bib or CSL files), naming the others."""
    problems = []
    for key in cat.keys():
        sources = cat.defined(key)
        if not key or len(sources) < 2:
            continue
        first = sources[:_PLACES_NAMED + 1]      # a key defined thousands of times: not thousands of places each
        for source in sources:
            places = ", ".join([other.where for other in first if other is not source][:_PLACES_NAMED])
            if len(sources) - 1 > _PLACES_NAMED:
                places += f" and {len(sources) - 1 - _PLACES_NAMED} more"
            problems.append(error(source.path, source.line, source.col,
                                  f"citation key '{key}' is defined more than once: also at {places}"))
    return problems


def near_duplicates(cat: Catalogue) -> list[Problem]:
    """A warning at each entry with the DOI, or the title and year, of an earlier one."""
    problems = []
    by_doi: dict[str, Source] = {}
    by_title: dict[tuple[str, str], Source] = {}
    for key, sources in cat.entries.items():
        source = sources[0]
        values = {name: plain_value(span.raw) for name, span in source.fields()}
        doi = _normal_doi(values.get("doi", ""))
        title = _normal_title(values.get("title", ""))
        year = _year(values)
        earlier = by_doi.get(doi) if doi else None
        reason = f"same DOI {doi}"
        if earlier is None and title:
            earlier = by_title.get((title, year))
            reason = "same title and year" if year else "same title"
        if earlier is not None and earlier.key != key:
            problems.append(warning(source.bib.path, source.block.line, source.block.col,
                                    f"entries '{key}' and '{earlier.key}' ({earlier.where}) may be the same "
                                    f"source: {reason}"))
        if doi:
            by_doi.setdefault(doi, source)
        if title:
            by_title.setdefault((title, year), source)
    return problems


def _normal_doi(value: str) -> str:
    text = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", value.strip(), flags=re.IGNORECASE)
    return text.lower()


def _year(values: dict[str, str]) -> str:
    for name in ("year", "date"):
        found = re.search(r"\d{4}", values.get(name, ""))
        if found:
            return found.group(0)
    return ""


def _normal_title(value: str) -> str:
    """A title reduced for comparison: LaTeX decoded, accents dropped, case folded, only words."""
    text = unicodedata.normalize("NFKD", plain_text(value))
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    return " ".join(re.findall(r"\w+", text))


def failed_block_problem(bib: BibFile, block: SourceBlock) -> Problem:
    """An error naming what is wrong with a block bibtexparser could not read."""
    failed = block.block
    key = head_key(bib.source(block))
    what = f"entry '{key}'" if key else "this block"
    reason = getattr(failed.error, "abort_reason", None) or str(failed.error or "")
    next_line = bib.position(_SPACE.match(bib.text, block.end).end())[0]
    return error(bib.path, block.line, block.col, f"cannot read {what}: {_friendly(reason, next_line)}")


def _friendly(reason: str, next_line: int) -> str:
    reason = re.sub(r"\s+", " ", reason).strip()
    if "Expected comma after entry key" in reason:
        return "it has no citation key (write @type{key, name = {value}, ...})"
    if "field-value closing `}`" in reason:
        return f"unbalanced braces: a '{{' in a value is not closed before line {next_line}"
    if 'field-value closing `"`' in reason:
        return f"a quoted value is not closed before line {next_line}"
    if "field-value closing" in reason or "looking for closing bracket" in reason:
        return f"its braces do not balance: the entry is not closed before line {next_line}"
    if "end of file" in reason:
        return "it is not closed before the end of the file (unbalanced braces?)"
    if "Expected a `=` after entry key" in reason:
        return "a field has no '=' (write name = {value})"
    if "after a closed entry field value" in reason:
        return "a ',' is missing between two fields"
    return reason or "unreadable BibTeX"
