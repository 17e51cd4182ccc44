"""WeasyPrint's warnings about a theme's print.css, as problems at their place in that file
(builder/pdf/layout.py's stylesheet_problems, reported by builder/pdf/typeset.py's PdfSummary).

Each publication here has one short article; a build of its PDFs takes a second or two.
"""

from __future__ import annotations

import logging
from pathlib import Path

from builder.build import BuildResult, build
from builder.pdf.layout import Stylesheet, stylesheet_problems
from builder.site.theme import shipped_theme_dir
from helpers import write

PRINT_CSS = "themes/default/static/print.css"

# A bad declaration on line 4, an invalid value on line 5, an unknown pseudo-element on line 7.
BAD_CSS = """\
@page { size: A5; margin: 2cm; }
body { font-family: serif; }
p {
  colr: red;
  margin-top: banana;
}
p::nonsense { color: red; }
"""


def write_publication(root: Path, print_css: str | None, body: str = "Text.") -> Path:
    """A publication of one article, with print_css as its theme's print.css (None: the shipped one)."""
    write(root / "dossier.yml", "title: P\nbase_url: https://example.org/\n")
    write(root / "content" / "articles" / "a.md", f"---\ntitle: A\ndate: 2016-01-01\n---\n\n{body}\n")
    if print_css is not None:
        write(root / PRINT_CSS, print_css)
    return root


def build_into(root: Path, site: Path) -> BuildResult:
    """Build root's site, PDFs included, into site (another folder: another build, its layouts cached)."""
    result = build(root, out=site)
    assert result.pdf is not None and result.pdf.problems == tuple(result.pdf.problems)
    return result


def shown(problems) -> list[str]:
    return [str(problem) for problem in problems]


def weasyprint_logger_state() -> tuple:
    import weasyprint  # noqa: F401  (importing it adds its own NullHandler)

    logger = logging.getLogger("weasyprint")
    return logger.level, logger.propagate, list(logger.handlers)


def test_bad_declarations_are_warnings_at_their_place_in_print_css_also_from_the_cache(tmp_path):
    root = write_publication(tmp_path / "pub", BAD_CSS)
    before = weasyprint_logger_state()
    result = build_into(root, tmp_path / "site")
    expected = [
        "themes/default/static/print.css:4:3: warning: the PDF edition cannot use this CSS as written: "
        "ignored `colr: red`, unknown property; correct or remove it",
        "themes/default/static/print.css:5:3: warning: the PDF edition cannot use this CSS as written: "
        "ignored `margin-top: banana`, invalid value; correct or remove it",
        "themes/default/static/print.css:7:1: warning: the PDF edition cannot use this CSS as written: "
        "invalid or unsupported selector 'p::nonsense'; correct or remove it",
    ]
    # Once each, though the article, the contents and the page numbers each hold the CSS.
    assert shown(result.pdf.problems) == expected
    assert shown(result.warnings) == expected
    assert result.pdf.laid_out_articles == ("a",)
    assert weasyprint_logger_state() == before      # no handler left behind, level as it was

    # A second build lays nothing out and reports the same warnings, kept with the cached layouts.
    again = build_into(root, tmp_path / "again")
    assert again.pdf.laid_out == 0
    assert shown(again.pdf.problems) == expected
    assert shown(again.warnings) == expected


def test_a_valid_print_css_and_refused_fetches_report_nothing(tmp_path):
    # The shipped print.css as the publication's own, with a web font and an article's outside
    # image, which the PDF stage refuses to fetch on purpose: no problem.
    css = (shipped_theme_dir() / "static" / "print.css").read_text(encoding="utf-8")
    css += '@font-face { font-family: "Web"; src: url(https://fonts.example.net/web.woff2); }\n'
    root = write_publication(tmp_path / "pub", css, "Text ![a map](https://images.example.net/map.png).")
    result = build_into(root, tmp_path / "site")
    assert result.pdf.laid_out_articles == ("a",)
    assert result.pdf.problems == ()
    assert result.warnings == []


def test_without_a_print_css_of_its_own_nothing_is_reported(tmp_path):
    result = build_into(write_publication(tmp_path / "pub", None), tmp_path / "site")
    assert result.pdf.problems == ()


def test_only_the_theme_css_is_reported_not_style_attributes_other_styles_or_dossiers_rules():
    import weasyprint

    css = "p {\n  colr: red;\n}\n"
    html = ("<html><head><style>\n/* the template's own */\nh1 { colr: blue; }\n</style>"
            f"<style>\n{css}@page {{ colr: green; }}\n</style></head>"
            '<body><p style="colr: red">x</p><img src="https://images.example.net/map.png"></body></html>')
    with stylesheet_problems(Stylesheet(PRINT_CSS, css)) as problems:
        weasyprint.HTML(string=html, base_url="https://example.org/").render()
    assert [(problem.path, problem.line, problem.col) for problem in problems] == [(PRINT_CSS, 2, 3)]


def test_the_logger_is_restored_when_weasyprint_fails():
    before = weasyprint_logger_state()
    try:
        with stylesheet_problems(Stylesheet(PRINT_CSS, "p { colr: red; }")):
            raise RuntimeError("layout failed")
    except RuntimeError:
        pass
    assert weasyprint_logger_state() == before
