"""Find the theme: the publication's own files first, then the default theme shipped with Dossier."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from builder.config.themes import shipped_theme_dir, theme_dirs
from builder.errors import Problem
from builder.model import Asset, Settings
from builder.run.confinement import inside
from builder.site.words import Words
from builder.text import decode_utf8, long_number, word_list


def template_environment(settings: Settings, words: Words | None = None,
                         compiled: dict | None = None) -> jinja2.Environment:
    """Jinja2 with autoescaping and strict undefined variables over the theme folders.

    A publication's own templates are content (a pull request may change them), so they run
    sandboxed: no reaching Python's internals ({{ cycler.__init__.__globals__.os }}), no
    range() of billions. The shipped templates are Dossier's own code and run without the
    sandbox, which costs ~70% more rendering time (1.2 s at 1,000 articles). compiled (`dossier
    serve`): the templates compiled by earlier builds, by name and source (jinja's bytecode cache)."""
    dirs = theme_dirs(settings)
    loader = jinja2.FileSystemLoader([str(d / "templates") for d in dirs])
    own_templates = any((d / "templates").is_dir() for d in dirs if d != shipped_theme_dir())
    kind = _sandbox() if own_templates else jinja2.Environment
    env = kind(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
               trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, extensions=["jinja2.ext.i18n"],
               bytecode_cache=_Compiled(compiled, kind.__name__) if compiled is not None else None)
    # {{ _("References") }}, {{ ngettext("%(num)d source", "%(num)d sources", n) }}: the theme's words in
    # the language of the page being rendered (site/words.py); newstyle fills in %(name)s, escaped.
    words = words if words is not None else Words({})
    gettext, ngettext = words.for_templates()
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    env.globals["words"] = words        # words("evidence.label", number=n): templates not yet on gettext
    env.filters["number"] = long_number  # 1,234 as the page's language writes it
    env.filters["word_list"] = _word_list
    return env


class _Compiled(jinja2.BytecodeCache):
    """Compiled templates kept in a dict, by environment kind, template and source checksum."""

    def __init__(self, store: dict, kind: str):
        self.store, self.kind = store, kind

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.store.get((self.kind, bucket.key, bucket.checksum))
        if code is not None:
            bucket.code = code

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[self.kind, bucket.key, bucket.checksum] = bucket.code


def _word_list(items) -> Markup:
    """{{ links|word_list }}: items (text or markup) joined as the page's language writes a list."""
    return Markup(word_list([str(escape(item)) for item in items]))


MAX_PRODUCT = 1_000_000     # items of a string or list a template may make with * (or numbers with **)


def _sandbox() -> type:
    """Jinja's sandbox, with * and ** bounded: {{ "x" * 300000000 }} would take gigabytes."""
    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import SandboxedEnvironment

    class BoundedSandbox(SandboxedEnvironment):
        intercepted_binops = frozenset(["*", "**"])

        def call_binop(self, context, operator, left, right):
            if operator == "*":
                for sized, times in ((left, right), (right, left)):
                    if isinstance(sized, (str, list, tuple)) and isinstance(times, int) and len(sized) * times > MAX_PRODUCT:
                        raise SecurityError(f"a template may not make more than {MAX_PRODUCT:,} items with *")
            if operator == "**" and isinstance(right, int) and abs(right) > 1000:
                raise SecurityError("a template may not raise a number to a power over 1,000")
            return super().call_binop(context, operator, left, right)

    return BoundedSandbox


def theme_assets(settings: Settings) -> list[Asset]:
    """The theme's static/ files, copied to theme/ in the site; overrides win by path."""
    chosen: dict[str, Asset] = {}
    for directory in reversed(theme_dirs(settings)):
        static = directory / "static"
        if not static.is_dir():
            continue
        for path in sorted(static.rglob("*")):
            if path.is_file():
                target = "theme/" + path.relative_to(static).as_posix()
                chosen[target] = Asset(source=path, target=target)
    return [chosen[target] for target in sorted(chosen)]


def template_problems(settings: Settings) -> list[Problem]:
    """The publication's own templates each read as UTF-8 (Jinja would fail on one that is not,
    without a position): an error at the first byte that is not."""
    root, templates = settings.root, settings.theme_dir / "templates"
    problems = []
    for path in sorted(templates.rglob("*")) if templates.is_dir() else ():
        if path.is_file() and inside(root, path):
            _, problem = decode_utf8(path.read_bytes(), path.relative_to(root).as_posix())
            problems += [problem] if problem else []
    return problems


def page_ids(settings: Settings) -> frozenset[str]:
    """The ids the theme's pages give their own elements (its landmarks and headings), which no id in
    a document's body may take."""
    return template_ids(theme_dirs(settings))


_LITERAL_ID = re.compile(r"""\bid=(["'])([^"'{}<>\s]+)\1""")


def template_ids(dirs: list[Path]) -> frozenset[str]:
    """Every literal id="..." in the templates of the theme folders dirs (a template of an earlier
    folder hides the one of the same name in a later one); ids made by an expression are not known."""
    chosen: dict[str, Path] = {}
    for directory in dirs:
        templates = directory / "templates"
        for path in sorted(templates.rglob("*.html")) if templates.is_dir() else ():
            chosen.setdefault(path.relative_to(templates).as_posix(), path)
    ids = set()
    for path in chosen.values():
        try:
            ids |= {match.group(2) for match in _LITERAL_ID.finditer(path.read_text(encoding="utf-8", errors="replace"))}
        except OSError:
            continue
    return frozenset(ids)


def print_css(settings: Settings) -> tuple[str, str, list[Problem]]:
    """The theme's print stylesheet (static/print.css), the publication's own first: its text, its
    path in the publication ('' for the shipped one), and the problem if it is not UTF-8."""
    root = settings.root
    for directory in theme_dirs(settings):
        path = directory / "static" / "print.css"
        if not path.is_file():
            continue
        own = path.is_relative_to(root)
        if own and not inside(root, path):
            return "", "", []         # a link out of the publication: reported as such, never read
        where = path.relative_to(root).as_posix() if own else ""
        text, problem = decode_utf8(path.read_bytes(), where or str(path))
        return text or "", where, [problem] if problem else []
    return "", "", []
