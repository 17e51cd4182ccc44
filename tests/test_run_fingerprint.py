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


def test_a_build_with_nothing_to_do_imports_none_of_the_stages(tmp_path):
    """`dossier build` answers "nothing changed" from builder/uptodate.py alone: the parser,
    citations, templates and PDF stages are not imported (~230 ms of a ~340 ms answer)."""
    import subprocess
    import sys

    root = write_publication(tmp_path / "pub", "chicago-author-date", {})
    build(root, pdf=False)
    probe = ("import sys\nfrom builder.cli import main\ntry:\n    main(['-C', sys.argv[1], 'build', '--no-pdf'])\n"
             "except SystemExit:\n    pass\nprint(sorted(m for m in ('builder.build', 'jinja2', 'markdown_it', "
             "'builder.pdf.typeset') if m in sys.modules))\n")
    ran = subprocess.run([sys.executable, "-c", probe, str(root)], capture_output=True, text=True, timeout=60)
    assert "Nothing changed since the last build of" in ran.stdout, ran.stdout + ran.stderr
    assert ran.stdout.strip().splitlines()[-1] == "[]"
    (root / "content" / "articles" / "a.md").write_text(ARTICLE.replace("Text", "New text"), encoding="utf-8")
    ran = subprocess.run([sys.executable, "-c", probe, str(root)], capture_output=True, text=True, timeout=60)
    assert "Built 1 documents" in ran.stdout and "builder.build" in ran.stdout.strip().splitlines()[-1]


def test_each_file_is_read_again_only_when_its_size_times_or_inode_change(tmp_path, monkeypatch):
    import os

    from builder.run import fingerprint

    monkeypatch.setattr(fingerprint, "_SETTLED_NS", 0)      # every file counts as settled at once
    read: list[Path] = []
    content = fingerprint._content
    monkeypatch.setattr(fingerprint, "_content", lambda path, within: (read.append(path), content(path, within))[1])
    root = write_publication(tmp_path / "pub", "chicago-author-date", {})
    article = root / "content" / "articles" / "a.md"
    build(root, pdf=False)
    assert (root / ".dossier-cache" / "inputs.json").is_file()
    read.clear()
    assert build(root, pdf=False).unchanged and read == []
    os.utime(article)                                   # touched, the same bytes: read once, then known
    assert build(root, pdf=False).unchanged and read == [article]
    read.clear()
    assert build(root, pdf=False).unchanged and read == []
    stat = article.stat()                               # same size, and the old modification time put back:
    article.write_text(ARTICLE.replace("Text", "Txet"), encoding="utf-8")     # the change time still tells
    os.utime(article, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert not build(root, pdf=False).unchanged
    assert "Txet" in (root / "_site" / "articles" / "a" / "index.html").read_text(encoding="utf-8")


def test_a_file_changed_in_the_last_seconds_is_read_again_on_the_next_build(tmp_path):
    """Its time stamp may not move on a second change made within its granularity (git's
    "racy clean"): it is not remembered until it has been left alone for two seconds."""
    from builder.run.fingerprint import read_digests

    root = write_publication(tmp_path / "pub", "chicago-author-date", {})
    build(root, pdf=False)
    assert root / "content" / "articles" / "a.md" not in read_digests(root / ".dossier-cache" / "inputs.json")


def test_a_crafted_or_broken_digest_file_is_no_memo(tmp_path):
    from builder.run.fingerprint import read_digests

    path = tmp_path / "inputs.json"
    for text in ["", "[]", "{\"a\": 1}", "{\"a\": [1, 2, 3, 4, 5, 6, 7, \"zz\"]}", "{\"a\": [1, 2, 3, 4, 5, 6, true, \""
                 + "0" * 64 + "\"]}", "{\"a\": [1, 2, 3, 4, 5, 6, 7, \"" + "g" * 64 + "\"]}", "\xff"]:
        path.write_text(text, encoding="utf-8", errors="surrogateescape")
        assert read_digests(path) == {}, text
    path.write_text("{\"a\": [1, 2, 3, 4, 5, 6, 7, \"" + "0" * 64 + "\"]}", encoding="utf-8")
    assert read_digests(path) == {Path("a"): ((1, 2, 3, 4, 5, 6, 7), bytes(32))}
