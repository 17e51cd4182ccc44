"""builder/run/fingerprint.py: a rebuild is skipped only when nothing the build reads has changed,
the publication's citation style (and the parent a dependent style names) included."""

from pathlib import Path

from builder.build import build
from helpers import write

ARTICLE = "---\ntitle: A\ndate: 2016-01-01\n---\n\nText [@a].\n"
STYLE = ('<?xml version="1.0" encoding="utf-8"?>\n<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" '
         'version="1.0">\n  <info><title>Mine</title><id>mine</id></info>\n  <citation>\n'
         '    <layout prefix="(" suffix=")"><text value="VERSION-1 "/><names variable="author"><name form="short"/>'
         '</names></layout>\n  </citation>\n</style>\n')
DEPENDENT = ('<?xml version="1.0" encoding="utf-8"?>\n<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0">\n'
             '  <info><title>Journal</title><id>journal</id>'
             '<link href="styles/base.csl" rel="independent-parent"/></info>\n</style>\n')


def write_publication(root: Path, csl: str, files: dict[str, str]) -> Path:
    write(root / "dossier.yml", f"title: P\nbase_url: https://example.org/\ncsl: {csl}\n")
    write(root / "content" / "articles" / "a.md", ARTICLE)
    write(root / "citations" / "refs.bib", "@book{a, title = {Markets}, author = {Kim, Ann}, year = {2016}}\n")
    for name, text in files.items():
        write(root / name, text)
    return root


def citation_after_edit(root: Path, edited: Path) -> str:
    """Build, check a second build has nothing to do, edit the style file, build again: the article."""
    first = build(root, pdf=False)
    assert "VERSION-1" in (first.out_dir / "articles" / "a" / "index.html").read_text(encoding="utf-8")
    assert build(root, pdf=False).unchanged
    edited.write_text(edited.read_text(encoding="utf-8").replace("VERSION-1", "VERSION-2"), encoding="utf-8")
    again = build(root, pdf=False)
    assert not again.unchanged
    return (again.out_dir / "articles" / "a" / "index.html").read_text(encoding="utf-8")


def test_editing_the_publication_style_rebuilds(tmp_path):
    root = write_publication(tmp_path / "pub", "styles/mine.csl", {"styles/mine.csl": STYLE})
    html = citation_after_edit(root, root / "styles" / "mine.csl")
    assert "VERSION-2" in html and "VERSION-1" not in html


def test_editing_the_parent_of_a_dependent_style_rebuilds(tmp_path):
    root = write_publication(tmp_path / "pub", "styles/journal.csl",
                       {"styles/journal.csl": DEPENDENT, "styles/base.csl": STYLE})
    html = citation_after_edit(root, root / "styles" / "base.csl")
    assert "VERSION-2" in html and "VERSION-1" not in html
