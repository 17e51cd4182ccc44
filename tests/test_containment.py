"""Containment: no name in a publication, no output folder and no command writes or deletes
anything outside the site it builds (or the file a command is for).

Each test is named after a way this once went wrong. The tree around the publication is
snapshotted before and compared after, so a write or delete anywhere else fails the test.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from builder.build import build, build_pdfs
from builder.errors import BuildFailed
from helpers import snapshot, write

THEME_INDEX = (Path(__file__).resolve().parent.parent / "themes" / "default" / "templates" / "index.html").read_text()
BIB = "@book{kim2016, title = {Markets}, author = {Kim, A.}, year = {2016}}\n"


def write_publication(root: Path, body: str = "Text [@kim2016].\n", front: str = "", bib: str = BIB) -> Path:
    write(root / "dossier.yml", "title: Contained\nbase_url: https://example.org/\n")
    write(root / "content" / "articles" / "a.md", f"---\ntitle: A\ndate: 2016-01-01\n{front}---\n\n{body}")
    write(root / "content" / "pages" / "about.md", "---\ntitle: About\n---\n\nAbout.\n")
    write(root / "citations" / "sources.bib", bib)
    write(root / "themes" / "default" / "templates" / "index.html", THEME_INDEX)
    return root


def around(tmp_path: Path, root: Path) -> dict[str, str]:
    """Everything under tmp_path except the publication's own output and cache."""
    return {path: digest for path, digest in snapshot(tmp_path).items()
            if not path.startswith((f"{root.name}/_site", f"{root.name}/.dossier-cache"))}


def problems_of(root: Path, **options) -> list[str]:
    with pytest.raises(BuildFailed) as failed:
        build(root, pdf=False, use_cache=False, **options)
    return [str(p) for p in failed.value.problems]


# --- Names that become paths ---------------------------------------------------------------

@pytest.mark.parametrize("box_id, message", [
    ("../../../themes/default/templates", "evidence id '#../../../themes/default/templates' is not an identifier"),
    ("../../../../ESCAPED", "evidence id '#../../../../ESCAPED' is not an identifier"),
    ("..", "evidence id '#..' is not an identifier"),
    ("1a", "evidence id '#1a' is not an identifier"),
    ("index.html", "evidence id '#index.html' cannot name the box's page: choose another id"),
])
def test_evidence_id_with_path_segments_writes_nowhere(tmp_path, box_id, message):
    root = write_publication(tmp_path / "pub", f"::: {{.evidence #{box_id} source=kim2016}}\nA quote.\n:::\n")
    before = around(tmp_path, root)
    [problem] = problems_of(root)
    assert problem.startswith("content/articles/a.md:6:16: error: " + message)
    assert around(tmp_path, root) == before
    assert not (root / "_site").exists()


def test_evidence_id_given_as_id_attribute_is_checked_too(tmp_path):
    root = write_publication(tmp_path / "pub", '::: {.evidence id=".." source=kim2016}\nA quote.\n:::\n')
    assert problems_of(root) == [
        "content/articles/a.md:6:16: error: evidence id '#..' is not an identifier: begin with a letter, "
        "then use letters, digits, '-', '_', ':' or '.'"]


def test_evidence_ids_that_give_one_page_are_duplicates(tmp_path):
    root = write_publication(tmp_path / "pub", "::: {.evidence #ev:a source=kim2016}\nA.\n:::\n\n"
                                         "::: {.evidence #ev-a source=kim2016}\nB.\n:::\n")
    assert problems_of(root) == [
        "content/articles/a.md:10:16: error: duplicate evidence id '#ev-a': first used on line 6"]


def test_check_reports_a_hostile_evidence_id(tmp_path, cli):
    root = write_publication(tmp_path / "pub", "::: {.evidence #../../x source=kim2016}\nA quote.\n:::\n")
    result = cli("-C", root, "check")
    assert result.exit_code == 1
    assert "content/articles/a.md:6:16: error: evidence id '#../../x' is not an identifier" in result.stderr


@pytest.mark.parametrize("key", ["index.html", "feed.xml", "INDEX.HTML", "{..}", "{a/../../b}", "{../../x}"])
def test_citation_key_that_is_a_file_name_gets_a_page_of_its_own(tmp_path, key):
    bib = f"@book{{{key.strip('{}')}, title = {{Hostile}}, author = {{Kim, A.}}, year = {{2016}}}}\n" + BIB
    root = write_publication(tmp_path / "pub", f"Text [@kim2016] and [@{key}].\n", bib=bib)
    before = around(tmp_path, root)
    result = build(root, pdf=False, use_cache=False)
    pages = sorted(o.path for o in result.outputs if o.path.startswith("sources/"))
    assert "sources/index.html" in pages and "sources/kim2016/index.html" in pages
    assert all(path.count("/") == 2 and path.endswith("/index.html") for path in pages if path != "sources/index.html")
    assert (root / "_site" / "sources" / "index.html").is_file()
    assert around(tmp_path, root) == before


@pytest.mark.parametrize("authors, name", [('["!!!"]', "!!!"), ('[{name: "..."}]', "...")])
def test_author_name_without_letters_is_an_error(tmp_path, authors, name):
    root = write_publication(tmp_path / "pub", front=f"authors: {authors}\n")
    assert problems_of(root) == [
        f"content/articles/a.md:4:11: error: author name '{name}' has no letter or digit to make the author's page "
        "address of: write the name in letters"]


def test_tag_without_letters_is_an_error(tmp_path):
    root = write_publication(tmp_path / "pub", front='tags: ["..", ok]\n')
    assert problems_of(root) == ["content/articles/a.md:4:8: error: tag '..' is not usable as a tag"]


# --- Theme templates ------------------------------------------------------------------------------

@pytest.mark.parametrize("expression", [
    "{{ cycler.__init__.__globals__.os.system('touch ESCAPED') }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ lipsum.__globals__['os'].popen('touch ESCAPED').read() }}",
    "{% for i in range(10**12) %}{% endfor %}",
    "{{ 'x' * 300000000 }}",
    "{{ 7 ** 100000000 }}",
])
def test_a_theme_template_cannot_reach_python_or_loop_for_ever(tmp_path, expression):
    root = write_publication(tmp_path / "pub")
    write(root / "themes" / "default" / "templates" / "index.html", THEME_INDEX.replace("{% block main %}",
                                                                                       "{% block main %}" + expression))
    before = around(tmp_path, root)
    [problem] = problems_of(root)
    assert problem.startswith("themes/default/templates/index.html:3:1: error: template error: ")
    assert around(tmp_path, root) == before and not (tmp_path / "ESCAPED").exists()


# --- The cache ----------------------------------------------------------------------------------

def test_a_cache_folder_that_is_a_link_out_is_never_written_through(tmp_path):
    root = write_publication(tmp_path / "pub")
    outside = tmp_path / "outside"
    write(outside / "keep.txt", "keep\n")
    (root / ".dossier-cache").symlink_to(outside)
    before = snapshot(outside)
    build(root, pdf=False)
    assert snapshot(outside) == before
    assert (root / ".dossier-cache").is_dir() and not (root / ".dossier-cache").is_symlink()


def test_links_planted_inside_the_cache_are_never_written_through(tmp_path):
    root = write_publication(tmp_path / "pub")
    build(root, pdf=False)
    outside = tmp_path / "outside"
    write(outside / "secret.json", "{}")
    (outside / "body").mkdir()
    cache = root / ".dossier-cache"
    (cache / "last-build.json").unlink()
    (cache / "last-build.json").symlink_to(outside / "secret.json")
    import shutil
    shutil.rmtree(cache / "body")
    (cache / "body").symlink_to(outside / "body")
    (cache / "lock").unlink()
    (cache / "lock").symlink_to(outside / "lock")
    before = snapshot(outside)
    write(root / "content" / "articles" / "a.md", "---\ntitle: A2\ndate: 2016-01-01\n---\n\nChanged [@kim2016].\n")
    build(root, pdf=False)
    assert snapshot(outside) == before
    assert not any(p.is_symlink() for p in cache.rglob("*"))


def test_a_cache_that_arrives_with_the_publication_is_never_trusted(tmp_path):
    import json

    root = write_publication(tmp_path / "pub")
    build(root, pdf=False)
    import hashlib

    for path in (root / ".dossier-cache" / "body").rglob("*.json"):      # entries crafted to pass their check
        value = json.loads(path.read_bytes().partition(b"\n")[2])
        value["html"] = "<script>alert('from the cache')</script>"
        text = json.dumps(value).encode()
        path.write_bytes(hashlib.sha256(text).hexdigest().encode() + b"\n" + text)
        from builder.run.cache import Cache
        assert "from the cache" in Cache(root / ".dossier-cache").get("body", path.stem)["html"]  # where it was made: read
    (root / ".dossier-cache" / "last-build.json").write_text("[1, 2]")
    copy = tmp_path / "clone"
    shutil.copytree(root, copy, symlinks=True, ignore=shutil.ignore_patterns("_site"))   # as a clone would bring it
    build(copy, pdf=False)
    assert "from the cache" not in (copy / "_site" / "articles" / "a" / "index.html").read_text()


def test_a_cache_that_arrives_with_the_publication_never_says_nothing_changed(tmp_path, cli):
    """The command line's quick answer (builder/uptodate.py) claims the cache as the build does:
    a record brought by a pull request, made where the site would match it, is not believed."""
    root = write_publication(tmp_path / "pub")
    build(root, pdf=False)
    cache = root / ".dossier-cache"
    shutil.copytree(cache, tmp_path / "brought")            # the same files, in a folder this build did not make
    shutil.rmtree(cache)
    os.rename(tmp_path / "brought", cache)
    result = cli("-C", str(root), "build", "--no-pdf")
    assert result.exit_code == 0 and result.output.startswith("Built "), result.output
    assert "Nothing changed" in cli("-C", str(root), "build", "--no-pdf").output


@pytest.mark.parametrize("record", ['[1, 2]', '{"warnings": [{"path": "a"}]}', '{"warnings": 3}', '{"inputs": "x"}',
                                    '{"warnings": [["a", "1", 1, "m", "warning"]]}'])
def test_a_last_build_record_that_is_not_what_a_build_wrote_is_ignored(tmp_path, record):
    root = write_publication(tmp_path / "pub")
    build(root, pdf=False)
    (root / ".dossier-cache" / "last-build.json").write_text(record)
    result = build(root, pdf=False)
    assert not result.unchanged and result.warnings == []
    assert build(root, pdf=False).unchanged        # and the next build writes a good one


# --- Links that loop ------------------------------------------------------------------------

def test_links_that_loop_are_errors_not_tracebacks(tmp_path, cli):
    root = write_publication(tmp_path / "pub")
    (root / "citations" / "loop.bib").symlink_to("loop.bib")
    (root / "content" / "articles" / "b.md").symlink_to("c.md")
    (root / "content" / "articles" / "c.md").symlink_to("b.md")
    (root / "content" / "assets").mkdir()
    (root / "content" / "assets" / "x.png").symlink_to("x.png")
    result = cli("-C", root, "build", "--no-pdf")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:4] == [
        "citations/loop.bib:1:1: error: is a link that leads back to itself (a loop): replace it with the file",
        "content/articles/b.md:1:1: error: document is a link to a file outside the publication folder",
        "content/articles/c.md:1:1: error: document is a link to a file outside the publication folder",
        "content/assets/x.png:1:1: error: asset is a link to a file outside the publication folder"]
    for command in (["check"], ["cite", "check"], ["cite", "fmt"], ["cite", "unused"]):
        assert cli("-C", root, *command).exit_code in (0, 1)


def test_links_to_devices_and_loops_in_content_neither_hang_nor_fill_memory(tmp_path, cli):
    from helpers import time_limit

    root = write_publication(tmp_path / "pub")
    (root / "content" / "zero").symlink_to("/dev/zero")
    for name in "abc":
        (root / "content" / name).symlink_to(".")
    (root / "content" / "root").symlink_to("/")
    with time_limit(60, "a build of a publication with links to /dev/zero, / and loops"):
        result = cli("-C", root, "build", "--no-pdf")
    assert result.exit_code in (0, 1), result.output
    assert "content/zero:1:1: warning: not published" in result.stderr


@pytest.mark.parametrize("csl", ["loop.csl", "a/x.csl"])
def test_a_csl_link_that_loops_is_an_error(tmp_path, csl):
    root = write_publication(tmp_path / "pub")
    (root / "loop.csl").symlink_to("loop.csl")
    (root / "a").symlink_to("b")
    (root / "b").symlink_to("a")
    with (root / "dossier.yml").open("a") as settings:
        settings.write(f"csl: {csl}\n")
    assert problems_of(root) == [f"dossier.yml:3:6: error: csl file '{csl}' is outside the publication folder"]


def test_names_too_long_for_the_file_system_are_errors_not_tracebacks(tmp_path, cli):
    long = "a" * 300
    bib = BIB + f"@book{{{long}, title = {{Long}}, author = {{Kim, A.}}, year = {{2016}}}}\n"
    root = write_publication(tmp_path / "pub", f"[x]({long}.png) and ![y]({long}.md)\n\n"
                                         f"::: {{.evidence #ev-a source={long}}}\nA quote.\n:::\n\n"
                                         f'<img src="{long}.png">\n', bib=bib)
    result = cli("-C", root, "build")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"content/articles/a.md:6:5: error: link target '{long}.png' does not exist",
        f"content/articles/a.md:6:320: error: link target '{long}.md' does not exist",
        "2 errors; nothing was written"]
    text = (root / "content" / "articles" / "a.md").read_text()
    (root / "content" / "articles" / "a.md").write_text(text.replace(f"[x]({long}.png) and ![y]({long}.md)", "Text."))
    result = cli("-C", root, "build")          # the evidence source's snapshot and the PDF's image: none
    assert result.exit_code == 0, result.output


# --- Files the build does not read are not skipped without a word -------------------------

def test_upper_case_md_and_subfolders_are_not_skipped_silently(tmp_path):
    root = write_publication(tmp_path / "pub")
    write(root / "content" / "articles" / "b.MD", "---\ntitle: B\ndate: 2016-01-02\n---\n\nB.\n")
    write(root / "content" / "articles" / "sub" / "c.md", "---\ntitle: C\ndate: 2016-01-03\n---\n\nC.\n")
    write(root / "content" / "articles" / "photo.png", b"\x89PNG")
    write(root / "content" / "notes.md", "notes\n")
    write(root / "content" / "articles" / "a.md~", "backup\n")
    result = build(root, pdf=False, use_cache=False)
    assert "articles/b/index.html" in {o.path for o in result.outputs}
    assert [str(p) for p in result.warnings] == [
        "content/articles/photo.png:1:1: warning: not published: only .md files of content/articles/ are read; "
        "put images and downloads in content/assets/",
        "content/articles/sub/c.md:1:1: warning: not published: it is in a subfolder: documents are read from "
        "content/articles/ itself; move it there",
        "content/notes.md:1:1: warning: not published: content/ holds articles/, pages/ and assets/ only; "
        "move it into one of them"]


# --- Control characters -------------------------------------------------------------------------

def test_control_characters_in_a_body_and_front_matter_are_warnings_at_their_place(tmp_path):
    root = write_publication(tmp_path / "pub", "Pasted\x0cfrom a PDF [@kim2016].\n\nA bell\x07.\n", front="summary: \"a\\x07b\"\n")
    result = build(root, pdf=False, use_cache=False)
    assert [str(p) for p in result.warnings] == [
        "content/articles/a.md:4:10: warning: unprintable character U+0007 (bell) removed from the value",
        "content/articles/a.md:7:7: warning: unprintable character U+000C (form feed) replaced by a space",
        "content/articles/a.md:9:7: warning: unprintable character U+0007 (bell) replaced by a space"]
    html = (root / "_site" / "articles" / "a" / "index.html").read_text()
    assert "Pasted from a PDF" in html and "\x0c" not in html and "\x07" not in html


def test_control_characters_in_a_bib_field_are_left_out_with_a_warning(tmp_path):
    bib = "@book{kim2016, title = {Mar\x0ckets\x07}, author = {Kim, A.}, year = {2016}}\n"
    root = write_publication(tmp_path / "pub", bib=bib)
    for _ in range(2):          # the second build reads the converted entries from the cache
        result = build(root, pdf=False)
        assert [str(p) for p in result.warnings] == [
            "citations/sources.bib:1:1: warning: unprintable characters removed from entry 'kim2016': "
            "U+0007 (bell), U+000C (form feed)"]
        (root / "content" / "articles" / "a.md").write_text(
            (root / "content" / "articles" / "a.md").read_text() + "\nMore.\n")
    for path in (root / "_site").rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".bib", ".ris"):
            text = path.read_text()
            assert "\x0c" not in text and "\x07" not in text, path


# --- Ids in a page ---------------------------------------------------------------------------

def test_heading_id_and_evidence_id_that_collide_are_an_error(tmp_path):
    root = write_publication(tmp_path / "pub", "## Findings {#ev-a}\n\n::: {.evidence #ev-a source=kim2016}\nA.\n:::\n")
    assert problems_of(root) == ["content/articles/a.md:8:1: error: duplicate id '#ev-a': first used on line 6"]


def test_a_written_id_the_page_uses_is_an_error(tmp_path):
    root = write_publication(tmp_path / "pub", "::: {#main}\nA.\n:::\n\n## Notes {#fn1}\n")
    assert problems_of(root) == [
        "content/articles/a.md:6:1: error: id '#main' is one the page itself uses: choose another",
        "content/articles/a.md:10:1: error: id '#fn1' is one the page itself uses: choose another"]


def test_a_heading_made_id_gives_way_to_a_written_one(tmp_path):
    root = write_publication(tmp_path / "pub", "## Findings\n\n::: {#findings}\nA.\n:::\n")
    build(root, pdf=False, use_cache=False)
    html = (root / "_site" / "articles" / "a" / "index.html").read_text()
    assert html.count('id="findings"') == 1 and 'id="findings-1"' in html


def test_table_of_contents_shows_text_not_tags_and_keeps_citations(tmp_path):
    root = write_publication(tmp_path / "pub", '## The <abbr title="Korean People\'s Army">KPA</abbr> and *markets* '
                                         "[@kim2016] too[^1]\n\nText.\n\n## Second\n\n[^1]: A note.\n")
    result = build(root, pdf=False, use_cache=False)
    html = (root / "_site" / "articles" / "a" / "index.html").read_text()
    toc = html[html.index('id="toc-heading"'):]
    toc = toc[:toc.index("</nav>")]
    assert "The KPA and markets (Kim 2016) too</a>" in toc
    assert "&lt;abbr" not in toc and "<abbr" not in toc
    assert result.warnings == []


# --- The output folder ------------------------------------------------------------------------

def test_out_with_dotdot_cannot_delete_the_theme(tmp_path, cli):
    root = write_publication(tmp_path / "pub")
    before = snapshot(tmp_path)
    result = cli("-C", root, "build", "--no-pdf", "--out", f"{root}/x/../themes/default/templates")
    assert result.exit_code == 1
    assert "would overwrite the publication's own files" in result.stderr
    assert snapshot(tmp_path) == before


def test_out_that_holds_the_publication_through_a_symlink_is_refused(tmp_path, cli):
    www = tmp_path / "data" / "www"
    write(www / "notes.txt", "keep me\n")
    write_publication(www / "ledger")
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "ledger").symlink_to(www / "ledger")
    before = snapshot(tmp_path / "data")
    result = cli("-C", tmp_path / "home" / "ledger", "build", "--no-pdf", "--out", www)
    assert result.exit_code == 1
    assert f"output folder {www} would overwrite the publication's own files" in result.stderr
    assert snapshot(tmp_path / "data") == before


def test_out_that_is_the_home_folder_is_refused(tmp_path, cli):
    root = write_publication(tmp_path / "pub")
    home = tmp_path / "home"
    home.mkdir()
    result = cli("-C", root, "build", "--no-pdf", "--out", tmp_path, env={"HOME": str(home)})
    assert result.exit_code == 1
    assert f"output folder {tmp_path} " in result.stderr
    result = cli("-C", root, "build", "--no-pdf", "--out", home, env={"HOME": str(home)})
    assert f"output folder {home} is the home folder or holds it: choose a folder of its own" in result.stderr
    assert list(home.iterdir()) == []


def test_out_that_holds_files_dossier_did_not_write_is_refused_even_with_an_index(tmp_path, cli):
    root = write_publication(tmp_path / "pub")
    deploy = tmp_path / "deploy"
    write(deploy / "index.html", "a hand-made home page\n")
    write(deploy / "notes.txt", "keep me\n")
    before = snapshot(tmp_path)
    result = cli("-C", root, "build", "--no-pdf", "--out", deploy)
    assert result.exit_code == 1
    assert "Dossier did not build it (no .dossier-site file)" in result.stderr
    assert snapshot(tmp_path) == before     # refused before anything is read or cached


def test_out_that_dossier_built_is_replaced(tmp_path, cli):
    root = write_publication(tmp_path / "pub")
    public = tmp_path / "public"
    assert cli("-C", root, "build", "--no-pdf", "--out", public).exit_code == 0
    (root / "content" / "pages" / "about.md").unlink()
    assert cli("-C", root, "build", "--no-pdf", "--out", public).exit_code == 0
    assert (public / ".dossier-site").is_file() and not (public / "about").exists()


def test_output_setting_outside_the_publication_is_refused(tmp_path):
    root = write_publication(tmp_path / "pub")
    with (root / "dossier.yml").open("a") as settings:
        settings.write("output: ../www\n")
    before = snapshot(tmp_path)
    assert problems_of(root) == [
        "dossier.yml:3:9: error: 'output' must be a folder inside the publication, not '../www' "
        "(to build elsewhere, use --out)"]
    assert snapshot(tmp_path) == before


def test_site_symlink_to_a_deploy_folder_is_followed_not_replaced(tmp_path):
    root = write_publication(tmp_path / "pub")
    deploy = tmp_path / "deploy"
    build(root, pdf=False, use_cache=False, out=deploy)        # the operator's first build there
    (root / "_site").symlink_to(deploy)
    build(root, pdf=False, use_cache=False)
    assert (root / "_site").is_symlink()
    assert (deploy / "index.html").is_file() and (deploy / ".dossier-site").is_file()
    (root / "content" / "pages" / "about.md").unlink()
    build(root, pdf=False, use_cache=False)
    assert (root / "_site").is_symlink() and not (deploy / "about").exists()


@pytest.mark.parametrize("target", ["missing", "empty"])
def test_site_symlink_out_of_the_publication_to_a_folder_dossier_did_not_build_is_refused(tmp_path, target):
    root = write_publication(tmp_path / "pub")
    (tmp_path / "empty").mkdir()
    (root / "_site").symlink_to(tmp_path / target)
    before = snapshot(tmp_path / "empty")
    assert problems_of(root) == [
        f"dossier.yml:1:1: error: output folder _site is a link to {tmp_path / target}, outside the publication, "
        f"which Dossier did not build: build there once with --out {tmp_path / target}, or remove the link"]
    assert not (tmp_path / "missing").exists() and snapshot(tmp_path / "empty") == before


def test_site_symlink_to_a_folder_of_other_files_is_refused(tmp_path):
    root = write_publication(tmp_path / "pub")
    write(tmp_path / "important" / "thesis.docx", "years of work")
    (root / "_site").symlink_to(tmp_path / "important")
    before = snapshot(tmp_path / "important")
    [problem] = problems_of(root)
    assert problem == (f"dossier.yml:1:1: error: output folder _site is a link to {tmp_path / 'important'}, outside "
                       f"the publication, which Dossier did not build: build there once with --out "
                       f"{tmp_path / 'important'}, or remove the link")
    assert snapshot(tmp_path / "important") == before and (root / "_site").is_symlink()


def test_a_site_built_before_markers_is_still_replaced(tmp_path):
    root = write_publication(tmp_path / "pub")
    write(root / "_site" / "index.html", "an older build\n")
    write(root / "_site" / "old" / "index.html", "an older page\n")
    write(root / "_site" / "pagefind" / "pagefind-entry.json", "{}")
    build(root, pdf=False, use_cache=False)
    assert not (root / "_site" / "old").exists()


def test_a_publications_own_folder_with_an_index_is_not_taken_for_an_old_site(tmp_path):
    root = write_publication(tmp_path / "pub")
    with (root / "dossier.yml").open("a") as settings:
        settings.write("output: docs\n")
    write(root / "docs" / "index.html", "hand-written documentation\n")
    assert problems_of(root) == [
        f"{root / 'docs'}:1:1: error: refusing to replace this folder: it is not empty and Dossier did not build it "
        "(no .dossier-site file); empty it or choose another output folder"]


# --- dossier.yml ------------------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["outside.yml", "folder", "loop", "/dev/zero"])
def test_dossier_yml_is_read_only_as_a_file_of_the_publication(tmp_path, cli, target):
    root = write_publication(tmp_path / "pub")
    write(tmp_path / "outside.yml", "title: From outside\n")
    (tmp_path / "folder").mkdir()
    (root / "dossier.yml").unlink()
    (root / "dossier.yml").symlink_to(target if target != "loop" else root / "dossier.yml")
    if target in ("outside.yml", "folder"):
        (root / "dossier.yml").unlink()
        (root / "dossier.yml").symlink_to(tmp_path / target)
    result = cli("-C", root, "build", "--no-pdf")
    assert result.exit_code == 1
    assert result.stderr.startswith("dossier.yml:1:1: error: dossier.yml must be a file of the publication, not a "
                                    "folder or a link leading out of it (or to nothing)")


def test_dossier_yml_too_large_or_not_utf8_is_an_error_at_its_place(tmp_path, cli):
    root = write_publication(tmp_path / "pub")
    write(root / "dossier.yml", b"title: T\nbase_url: https://example.org/\n" + b"# x\n" * 300_000)
    result = cli("-C", root, "build", "--no-pdf")
    assert result.stderr.startswith("dossier.yml:1:1: error: dossier.yml is larger than 1024 kB: settings are a few lines")
    write(root / "dossier.yml", "title: T\n# 김정은\n".encode() + b"description: caf\xe9\n")
    result = cli("-C", root, "build", "--no-pdf")
    assert result.stderr.startswith("dossier.yml:3:17: error: file is not valid UTF-8")


# --- Commands ----------------------------------------------------------------------------------

def test_init_in_a_folder_with_content_overwrites_nothing(tmp_path, cli):
    root = tmp_path / "existing"
    write(root / "content" / "pages" / "about.md", "---\ntitle: Our about page\n---\n\nYears of work.\n")
    before = snapshot(root)
    result = cli("init", root)
    assert result.exit_code == 0, result.output
    assert f"Kept {os.path.relpath(root / 'content' / 'pages' / 'about.md')} as it was" in result.output
    assert (root / "content" / "pages" / "about.md").read_text() == before["content/pages/about.md"] or \
        snapshot(root)["content/pages/about.md"] == before["content/pages/about.md"]
    assert (root / "dossier.yml").is_file()


def test_init_below_a_file_or_on_a_dangling_link_is_an_error(tmp_path, cli):
    write(tmp_path / "afile", "x")
    result = cli("init", tmp_path / "afile" / "sub")
    assert result.exit_code == 1
    assert f"{tmp_path / 'afile' / 'sub'}:1:1: error: cannot start a publication here (" in result.stderr
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    result = cli("init", tmp_path / "dangling")
    assert result.exit_code == 1
    assert "cannot start a publication here: it is a link to nothing" in result.stderr
    assert not (tmp_path / "nowhere").exists()


def test_new_where_articles_cannot_be_written_is_an_error(tmp_path, cli):
    root = write_publication(tmp_path / "pub")
    import shutil
    shutil.rmtree(root / "content" / "articles")
    write(root / "content" / "articles", "a file where the folder should be")
    result = cli("-C", root, "new", "Fresh")
    assert result.exit_code == 1
    assert result.stderr.startswith("content/articles/fresh.md:1:1: error: cannot create the file (")


def test_new_with_a_control_character_or_a_long_title(tmp_path, cli):
    root = write_publication(tmp_path / "pub")
    result = cli("-C", root, "new", "a\x01b")
    assert result.exit_code == 1
    assert result.stderr.startswith("<title>:1:2: error: the title holds a control character (U+0001): remove it")
    result = cli("-C", root, "new", "word " * 60)
    assert result.exit_code == 0, result.output
    [created] = [p for p in (root / "content" / "articles").iterdir() if p.name.startswith("word")]
    assert len(created.name.encode()) <= 255
    assert build(root, pdf=False, use_cache=False, drafts=True).documents == 3


@pytest.mark.slow
def test_pdf_before_any_build_leaves_a_site_the_next_build_replaces(tmp_path):
    root = write_publication(tmp_path / "pub")
    [path] = build_pdfs(root, {"a"}).paths
    assert path == root / "_site" / "pdf" / "a.pdf"
    assert sorted(p.name for p in (root / "_site").iterdir()) == [".dossier-site", "pdf"]
    build(root, pdf=False)
    assert (root / "_site" / "index.html").is_file()


def test_pdf_never_writes_through_links_planted_in_the_site(tmp_path):
    root = write_publication(tmp_path / "pub")
    victim = write(tmp_path / "victim.txt", "keep me\n")
    write(root / "_site" / "index.html", "a site committed with its links\n")
    write(root / "_site" / "pagefind" / "pagefind-entry.json", "{}")
    (root / "_site" / "pdf").mkdir()
    (root / "_site" / "pdf" / "a.pdf").symlink_to(victim)
    (root / "_site" / ".dossier-site").symlink_to(tmp_path / "created-by-marker")
    with pytest.raises(BuildFailed) as failed:
        build_pdfs(root, {"a"})
    assert [str(p) for p in failed.value.problems] == [
        f"{root / '_site'}:1:1: error: refusing to write 'pdf/a.pdf': the path would leave the site folder"]
    assert victim.read_text() == "keep me\n" and not (tmp_path / "created-by-marker").exists()
    (root / "_site" / "pdf" / "a.pdf").unlink()
    build_pdfs(root, {"a"})
    assert victim.read_text() == "keep me\n" and (root / "_site" / "pdf" / "a.pdf").is_file()


def test_cite_add_and_new_never_write_through_links_out_of_the_publication(tmp_path, cli):
    root = write_publication(tmp_path / "pub")
    (root / "citations" / "sources.bib").unlink()
    (root / "citations" / "references.bib").symlink_to(tmp_path / "evil.bib")
    entry = "@book{park2017, title = {Markets}, author = {Park, C.}, year = {2017}}\n"
    result = cli("-C", root, "cite", "add", input=entry)
    assert result.exit_code == 1
    assert result.stderr.startswith("citations/references.bib:1:1: error: is a link to a place outside the "
                                    "publication folder: nothing is written there")
    assert not (tmp_path / "evil.bib").exists()
    shutil.rmtree(root / "content" / "articles")
    (tmp_path / "elsewhere").mkdir()
    (root / "content" / "articles").symlink_to(tmp_path / "elsewhere")
    result = cli("-C", root, "new", "Hello there")
    assert result.exit_code == 1
    assert result.stderr.startswith("content/articles/hello-there.md:1:1: error: cannot create the file (its folder "
                                    "is a link to a place outside the publication folder)")
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_cite_add_and_fmt_keep_a_symlinked_bib_a_symlink(tmp_path, cli):
    root = write_publication(tmp_path / "pub")
    library = write(root / "zotero" / "library.bib", "@book{lee2015,title={Cadres},author={Lee, B.},year={2015}}\n")
    (root / "citations" / "refs.bib").symlink_to(Path("..") / "zotero" / "library.bib")
    result = cli("-C", root, "cite", "fmt")
    assert result.exit_code == 0, result.output
    assert (root / "citations" / "refs.bib").is_symlink()
    assert "  title = {Cadres},\n" in library.read_text()
    entry = "@book{park2017, title = {Markets}, author = {Park, C.}, year = {2017}}\n"
    result = cli("-C", root, "cite", "add", "--file", "citations/refs.bib", input=entry)
    assert result.exit_code == 0, result.output
    assert (root / "citations" / "refs.bib").is_symlink()
    assert "@book{park2017," in library.read_text()
