"""docs/errors.md lists every error and warning Dossier can print, and each one has a test.

The message templates are read from builder/'s source: the message given to error(),
warning(), report() and Problem(), the reasons returned by the functions that explain a
problem (builder/bib/rules.py, builder/bib/latex.py, the link resolver, bibtexparser's failures)
and the command line's own `error:` lines. Each template's literal text (up to its first
placeholder) must occur in docs/errors.md, and in some test that asserts it with its position.

    .venv/bin/python tests/test_errors_catalogue.py    lists every template, where it is, and its tests
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
BUILDER = REPOSITORY / "builder"
CATALOGUE = REPOSITORY / "docs" / "errors.md"
TESTS = Path(__file__).resolve().parent

MESSAGE_CALLS = {"error", "warning", "report", "Problem"}
# Functions whose returned (or collected) strings are messages, or the reasons inside one.
MESSAGE_MAKERS = {
    "bib/rules.py": {"year_problem", "url_problem", "doi_problem"},
    "text.py": {"date_problem", "date_fix"},
    "bib/latex.py": {"latex_problems"},
    "bib/check.py": {"_friendly", "_unknown_type_message"},
    "content/links.py": {"resolve"},
    "bib/format.py": {"format_entry", "_format_block"},
}
_SHORTEST = 4   # literal text shorter than this says nothing ("{name}: {reason}")


@dataclass(frozen=True)
class Template:
    text: str          # the template with {placeholders}, as in the source
    literal: str       # its literal text up to the first placeholder (or the first literal run)
    where: str         # builder/FILE.py:LINE
    runs: tuple[str, ...] = ()   # every run of literal text between placeholders that says something

    @property
    def distinctive(self) -> str:
        """Its longest literal run: what a test asserting the message must contain."""
        return max(self.runs, key=len, default=self.literal)


def _parts(node: ast.AST) -> list[str | None] | None:
    """The literal pieces of a string expression, None for each placeholder; None if not a string."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [value.value if isinstance(value, ast.Constant) else None for value in node.values]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _parts(node.left), _parts(node.right)
        return left + right if left is not None and right is not None else None
    return None


def _template(node: ast.AST, where: str) -> Template | None:
    parts = _parts(node)
    if parts is None:
        return None
    text = "".join(part if part is not None else "{…}" for part in parts)
    runs = [part for part in parts if part]
    literal = ""
    for part in parts:
        if part is None:
            break
        literal += part
    if len(literal.strip()) < _SHORTEST:
        literal = max(runs, key=len, default="")
    literal = literal.strip()
    if len(literal) < _SHORTEST or " " not in text.strip() or not re.search(r"[a-z]{3}", literal):
        return None
    meaningful = tuple(run.strip() for run in runs if len(run.strip()) >= _SHORTEST and re.search(r"[a-z]{3}", run))
    return Template(text, literal, where, meaningful)


def _message_arguments(call: ast.Call) -> list[ast.AST]:
    name = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", None)
    if name not in MESSAGE_CALLS:
        return []
    return [arg for arg in call.args[1:] if not isinstance(arg, ast.Starred)] + \
        [keyword.value for keyword in call.keywords if keyword.arg == "message"]


def message_templates() -> list[Template]:
    """Every message template in builder/, in file order."""
    templates = []
    for path in sorted(BUILDER.rglob("*.py")):
        relative = path.relative_to(REPOSITORY).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        makers = MESSAGE_MAKERS.get(path.relative_to(BUILDER).as_posix(), set())
        for node in ast.walk(tree):
            found: list[ast.AST] = []
            if isinstance(node, ast.Call):
                found = _message_arguments(node)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in makers:
                found = [string for returned in _results(node) for string in ast.walk(returned)
                         if isinstance(string, (ast.JoinedStr, ast.Constant))]
            if path.name == "cli.py" and isinstance(node, (ast.JoinedStr, ast.Constant)):
                parts = _parts(node) or []
                if any(part and (": error: " in part or part.startswith(("error: ", "build interrupted"))) for part in parts):
                    found = [node]
            for argument in found:
                template = _template(argument, f"{relative}:{argument.lineno}")
                if template is not None and template not in templates:
                    templates.append(template)
    return _drop_fragments(templates)


def _results(function: ast.FunctionDef) -> list[ast.AST]:
    """What a message maker returns, yields or appends to its list of problems."""
    results = []
    for node in ast.walk(function):
        if isinstance(node, (ast.Return, ast.Yield)) and node.value is not None:
            results.append(node.value)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "append":
            results += node.args
    return results


def _drop_fragments(templates: list[Template]) -> list[Template]:
    """Within a message maker, a string that is part of a longer template found there is no template of its own."""
    kept = []
    for template in templates:
        if any(other is not template and other.where.split(":")[0] == template.where.split(":")[0]
               and template.text in other.text and len(other.text) > len(template.text) for other in templates):
            continue
        kept.append(template)
    return kept


def test_templates_are_found():
    templates = message_templates()
    literals = {t.literal for t in templates}
    assert len(templates) > 100
    for known in ("unknown citation key '", "link to absolute path '", "cannot write the site (",
                  "is not a date: write YYYY, YYYY-MM or YYYY-MM-DD", "unknown LaTeX command",
                  "blocks nested more than", "build interrupted; the previous site is unchanged"):
        assert any(known in literal for literal in literals), known


def test_every_message_is_in_the_catalogue():
    """Its literal opening, and every other run of its literal text, occur in docs/errors.md."""
    catalogue = CATALOGUE.read_text(encoding="utf-8")
    missing = [f"{t.where}: {part!r}" for t in message_templates() for part in (t.literal, *t.runs)
               if part not in catalogue]
    assert missing == []


# Each message's tests: a test file holding its literal text next to a position, either in the
# same string ("path:3:7: error: unknown ...", "3:7: error: ...") or as a (path, line, col)
# comparison nearby. Tests often split a long message over two string literals, so the
# literal is looked for by its first few words.
_POSITIONED = re.compile(r"\d+:\d+: (?:error|warning): |\.line\b|, \d+, \d+\)|\(problem\.path, problem\.line")
# Lines the command line prints without a position, since they concern no input file.
POSITIONLESS = ("build interrupted; the previous site is unchanged", "error: no entry in citations/*.bib has the key",
                "error: cannot serve on 127.0.0.1")


_JOINED = re.compile(r"""(?<=[^\\])(["'])\)?\s*\n\s*\(?f?\1""")


def _opening_words(literal: str, length: int = 32) -> str:
    if len(literal) <= length:
        return literal.rstrip(" ('\"{")
    return literal[:literal.rfind(" ", 0, length)].rstrip(" ('\"{")


def asserting_tests(template: Template) -> list[str]:
    """The test files that assert the message, together with its position unless it has none."""
    words = _opening_words(template.distinctive)
    positionless = template.literal.startswith(POSITIONLESS)
    found = []
    for path in sorted(TESTS.glob("test_*.py")):
        if path.name == Path(__file__).name:
            continue
        text = _JOINED.sub("", path.read_text(encoding="utf-8"))     # "a message " "split in two" -> one
        for match in re.finditer(re.escape(words), text):
            around = text[max(0, match.start() - 400):match.end() + 400]
            if positionless or _POSITIONED.search(around):
                found.append(path.name)
                break
    return found


# Messages that no test can provoke; each says why.
UNTESTABLE = {
    "internal error (the traceback is in the terminal)": "dossier serve reports a bug in Dossier itself",
    "a ',' is missing between two fields": "bibtexparser 2 reads such a value whole (then 'cannot read the value')",
    "unreadable BibTeX": "bibtexparser gives no reason at all for a block it cannot read",
    "cannot read dossier.yml (": "a regular file of the publication that cannot be read: a failing disk (as root, "
                                 "permissions do not stop a read)",
}


def test_every_message_has_a_test_asserting_its_position():
    untested = [f"{t.where}: {t.literal!r}" for t in message_templates()
                if not asserting_tests(t) and not t.literal.startswith(tuple(UNTESTABLE))]
    assert untested == []


if __name__ == "__main__":
    for template in message_templates():
        print(f"{template.where:36} {', '.join(asserting_tests(template)) or '-':40} {template.text}")
