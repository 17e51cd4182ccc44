"""builder/site/words.py: the words the build puts on pages come from the theme's catalogue
(themes/default/words/en.yml), which a publication changes key by key in its own theme, for its
language; a bad catalogue is a problem at its line and column."""

import ast
import re

import pytest

from builder.build import build
from builder.errors import BuildFailed
from builder.site.theme import shipped_theme_dir
from helpers import REPOSITORY


@pytest.fixture
def evidence(publication):
    return publication("evidence-basic")


def own_words(root, text: str, language: str = "en"):
    folder = root / "themes" / "default" / "words"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{language}.yml").write_text(text, encoding="utf-8")


def title(path) -> str:
    return re.search(r"<title>(.*?)</title>", path.read_text(encoding="utf-8"), re.DOTALL).group(1)


def test_every_word_the_code_and_templates_ask_for_is_in_the_shipped_catalogue():
    import yaml

    catalogue = yaml.safe_load((shipped_theme_dir() / "words" / "en.yml").read_text(encoding="utf-8"))
    asked = set()
    for path in (REPOSITORY / "builder").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "words" and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant):
                    asked.add(first.value)
                elif isinstance(first, ast.JoinedStr):      # f"page.{kind}.description": every kind it takes
                    pattern = "".join(re.escape(p.value) if isinstance(p, ast.Constant) else "[^.]+" for p in first.values)
                    assert any(re.fullmatch(pattern, key) for key in catalogue), pattern
    for path in (shipped_theme_dir() / "templates").rglob("*.html"):
        asked |= set(re.findall(r"""words\(["']([^"']+)["']""", path.read_text(encoding="utf-8")))
    assert asked and asked <= set(catalogue), sorted(asked - set(catalogue))
    assert all(isinstance(value, str) for value in catalogue.values())


def test_a_publication_changes_words_key_by_key_for_its_language(evidence):
    settings = evidence / "dossier.yml"
    settings.write_text(settings.read_text(encoding="utf-8") + "language: ko\n", encoding="utf-8")
    own_words(evidence, 'page.archive: "Everything"\n')
    own_words(evidence, 'page.archive.description: "{title}의 모든 글"\nevidence.label: "증거 {number}"\n', "ko")
    site = build(evidence, pdf=False).out_dir
    assert title(site / "archive" / "index.html").startswith("Everything")
    assert "의 모든 글" in (site / "archive" / "index.html").read_text(encoding="utf-8")
    assert title(site / "tags" / "index.html").startswith("Topics")        # not changed: the shipped word
    article = (site / "articles" / "markets" / "index.html").read_text(encoding="utf-8")
    assert '<span class="evidence__label">증거 1</span>' in article        # the caption, from the theme's words
    assert "증거 1" in (site / "evidence" / "index.html").read_text(encoding="utf-8")


def test_a_changed_word_shows_in_cached_bodies_too(evidence):
    build(evidence, pdf=False)
    own_words(evidence, 'evidence.label: "Exhibit {number}"\n')
    article = (build(evidence, pdf=False).out_dir / "articles" / "markets" / "index.html").read_text(encoding="utf-8")
    assert '<span class="evidence__label">Exhibit 1</span>' in article


@pytest.mark.parametrize("text, expected", [
    ('page.archiv: "All"\n',
     "themes/default/words/en.yml:1:1: warning: unknown word 'page.archiv' (did you mean 'page.archive' or "
     "'page.search'?): it is not used"),
    ('page.archive.description: "Everything in {site}"\n',
     "themes/default/words/en.yml:1:27: error: word 'page.archive.description' uses {site}, which the build does not "
     "fill in for it (the names it may use: {title})"),
    ('page.archive: "All {"\n',
     "themes/default/words/en.yml:1:15: error: word 'page.archive' has a stray brace (Single '{' encountered in format "
     "string): write {{ or }} for a brace itself"),
    ('page.archive: "All {}"\n',
     "themes/default/words/en.yml:1:15: error: word 'page.archive' has a {} with no name, or a name with other "
     "characters: write {{ or }} for a brace itself"),
    ("page.archive: [a, b]\n", "themes/default/words/en.yml:1:15: error: word 'page.archive' must be text"),
    ("- a\n- b\n", "themes/default/words/en.yml:1:1: error: a words catalogue must be a YAML mapping (key: word lines)"),
    ('page.archive: "x\n', "themes/default/words/en.yml:1:15: error: malformed YAML: found unexpected end of stream "
                           "(while scanning a quoted scalar)"),
])
def test_a_bad_catalogue_is_a_problem_at_its_place(evidence, text, expected):
    own_words(evidence, text)
    try:
        problems = build(evidence, pdf=False).warnings
    except BuildFailed as failed:
        problems = failed.problems
    assert expected in [str(p) for p in problems]
