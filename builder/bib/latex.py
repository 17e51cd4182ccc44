"""LaTeX in BibTeX values: does it convert to plain text, and what is that text."""

from __future__ import annotations

import re
from functools import cache, lru_cache

from builder.bib.source import braces_balanced
from builder.errors import Severity

# Commands BibLaTeX, biber or pandoc understand that pylatexenc's text conversion does not list.
KNOWN_COMMANDS = frozenset("""
    / @ textsuperscript textsubscript texttt textsf textsl textup textmd textnormal textrm mbox hbox
    doi nolinkurl mkbibquote mkbibemph mkbibitalic mkbibbold mkbibacro mkbibsuperscript mkbibsubscript
    mkbibparens mkbibbrackets enquote LaTeX TeX BibTeX t textunderscore textbar textless textgreater P S
    pounds euro noopsort relax lowercase uppercase MakeUppercase MakeLowercase MakeSentenceCase
    NoCaseChange nocase bibstring addcomma addcolon adddot addperiod addsemicolon addspace
    addabbrvspace addnbspace addthinspace nopunct isdot autocap sc it bf em rm tt sf sl small large
    footnotesize SS ddag copyright textperiodcentered slash hyphen protect arabic
""".split()) | {" "}
_DEFINED_COMMAND = re.compile(
    r"\\(?:(?:re)?newcommand|providecommand|DeclareRobustCommand|def|let)\*?\s*\{?\\([A-Za-z@]+)")


def defined_commands(preamble: str) -> set[str]:
    """Names of the commands a @preamble defines (\\newcommand, \\def, ...)."""
    return set(_DEFINED_COMMAND.findall(preamble))


@lru_cache(maxsize=4096)
def latex_problems(text: str, defined: frozenset[str] = frozenset()) -> tuple[tuple[int, Severity, str], ...]:
    """(offset, severity, message) for LaTeX in text that does not convert to plain text."""
    if not braces_balanced(text):
        return ((0, Severity.ERROR, "unbalanced braces"),)
    if not any(char in text for char in "\\$%"):
        return ()
    from pylatexenc.latexwalker import LatexWalker, LatexWalkerError

    try:
        nodes = LatexWalker(text, tolerant_parsing=False).get_latex_nodes()[0]
    except LatexWalkerError as exc:
        reason = str(getattr(exc, "msg", "") or exc).split(" @(")[0].strip()
        opened = getattr(exc, "open_contexts", None)
        # Point at what was left open (a '{' or '$'), else where reading stopped.
        position = opened[-1][1] if opened else getattr(exc, "pos", None)
        return ((position or 0, Severity.ERROR, f"LaTeX does not decode: {reason}"),)
    except Exception as exc:  # pylatexenc may fail on odd input in other ways; report, never crash
        return ((0, Severity.ERROR, f"LaTeX does not decode: {exc}"),)
    problems = []
    known = _known_commands()
    for node in _walk(nodes):
        kind = type(node).__name__
        if kind == "LatexMacroNode" and node.macroname not in known and node.macroname not in defined:
            problems.append((node.pos, Severity.WARNING, f"unknown LaTeX command \\{node.macroname} "
                                                         "(it will not convert to text)"))
        elif kind == "LatexCommentNode":
            problems.append((node.pos, Severity.WARNING, "'%' starts a LaTeX comment that hides the rest "
                                                         "of the line: write \\% for a percent sign"))
    return tuple(problems)


def _walk(nodes):
    for node in nodes or ():
        if node is None:
            continue
        yield node
        yield from _walk(getattr(node, "nodelist", None))
        arguments = getattr(node, "nodeargd", None)
        if arguments is not None:
            yield from _walk(getattr(arguments, "argnlist", None))


@cache
def _known_commands() -> frozenset[str]:
    from pylatexenc.latex2text import get_default_latex_context_db

    database = get_default_latex_context_db()
    names = {spec.macroname for spec in database.iter_macro_specs()}
    return frozenset(names) | KNOWN_COMMANDS


def plain_text(value: str) -> str:
    """value with its LaTeX converted to text (as written when it does not convert)."""
    if "\\" not in value:
        return value.replace("{", "").replace("}", "")
    try:
        from pylatexenc.latex2text import LatexNodes2Text

        return LatexNodes2Text().latex_to_text(value)
    except Exception:  # LaTeX that does not convert is reported by latex_problems
        return value
