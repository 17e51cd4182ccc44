"""A rebuild after an edit renders only what the edit changed (site/memo.py), and its site is
byte for byte the site a cold build of the edited publication makes: one test per kind of edit,
each run as `dossier build` makes it (from the cache on disk, the changed files moved into the
site under a journal: run/inplace.py) and as `dossier serve` does (a session kept between builds,
the site updated file by file)."""

from __future__ import annotations

import re
import time
import shutil
from pathlib import Path

import pytest

from builder.build import build
from builder.session import Session
from builder.run.write import MARKER, SEARCH_BUNDLES
from builder.site import memo as page_memo

REPO = Path(__file__).resolve().parent.parent
ARTICLES = "content/articles"


@pytest.fixture(scope="module", params=["build", "serve"])
def publication(request, tmp_path_factory) -> Path:
    """A copy of the example publication (its own copy of the default theme), built once with its
    cache; for "serve", with a session its rebuilds keep (_SESSIONS)."""
    root = tmp_path_factory.mktemp(f"incremental-{request.param}") / "ledger"
    root.mkdir()
    for name in ("content", "citations", "themes"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "dossier.yml", root / "dossier.yml")
    _SESSIONS[root] = Session() if request.param == "serve" else None
    build(root, pdf=False, search=True, session=_SESSIONS[root])
    return root


_SESSIONS: dict[Path, Session | None] = {}


@pytest.fixture(autouse=True)
def recorded_view_digests_are_the_views(monkeypatch):
    """A document's view digested as the last build's view made from the same (site/memo.py) has
    the digest of its own values, whatever the edit: what a view is made from leaves nothing out."""
    original, recorded = page_memo.PageMemo._document_view_digest, []

    def checked(memo, view, bodies):
        found = original(memo, view, bodies)
        assert found == page_memo.values_digest(view, bodies), f"{view.url}: the recorded digest is not the view's"
        recorded.extend(key for key, digest in memo.views.items() if memo._previous_views.get(key) == digest)
        return found

    monkeypatch.setattr(page_memo.PageMemo, "_document_view_digest", checked)
    return recorded


def _files(folder: Path) -> dict[str, bytes]:
    skipped = (MARKER, *SEARCH_BUNDLES)
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file() and path.relative_to(folder).parts[0] not in skipped}


def _rebuilt_as_cold(root: Path, tmp_path: Path) -> list[str]:
    """Rebuild with the cache, build cold into another folder, compare; the pages and feeds rendered again."""
    counts = []
    original = page_memo.PageMemo.save

    def save(memo):
        counts.append(sorted(memo.fresh))
        original(memo)

    page_memo.PageMemo.save = save
    try:
        build(root, pdf=False, search=False, session=_SESSIONS[root])
    finally:
        page_memo.PageMemo.save = original
    build(root, pdf=False, search=False, use_cache=False, out=tmp_path / "cold")
    incremental, cold = _files(root / "_site"), _files(tmp_path / "cold")
    assert sorted(incremental) == sorted(cold)
    differing = [path for path in cold if incremental[path] != cold[path]]
    assert differing == []
    return counts[0]


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def test_nothing_changed_renders_nothing(publication, tmp_path, recorded_view_digests_are_the_views):
    (publication / ".dossier-cache" / "last-build.json").unlink()     # not skipped as a whole: page by page
    assert _rebuilt_as_cold(publication, tmp_path) == []
    if _SESSIONS[publication] is None:      # a new process: the views' digests are the last build's
        assert recorded_view_digests_are_the_views


@pytest.mark.parametrize("views", [[1, 2], {"a" * 64: 5}, "x", None])
def test_a_damaged_record_of_view_digests_only_costs_time(publication, tmp_path, views):
    import json

    record = publication / ".dossier-cache" / "pages.json"
    data = json.loads(record.read_text(encoding="utf-8"))
    data["views"] = views if not isinstance(views, dict) else {key: 5 for key in data.get("views", {})} | views
    record.write_text(json.dumps(data), encoding="utf-8")
    (publication / ".dossier-cache" / "last-build.json").unlink(missing_ok=True)
    _rebuilt_as_cold(publication, tmp_path)


def test_body_edit_renders_the_article_not_the_lists_it_is_on(publication, tmp_path):
    article = publication / ARTICLES / "donju-markets-hard-currency.md"
    _edit(article, "This piece sets out how that arrangement works",
          "This piece, revised, sets out how that arrangement works")
    rendered = _rebuilt_as_cold(publication, tmp_path)
    # its page and the feeds that carry its text; no list it is on, no page quoting other sentences
    assert [path for path in rendered if not path.endswith(".xml")] == ["articles/donju-markets-hard-currency/index.html"]
    assert "feed.xml" in rendered and "tags/markets/feed.xml" in rendered


def test_title_edit(publication, tmp_path):
    _edit(publication / ARTICLES / "donju-markets-hard-currency.md", 'title: "Money masters and the squeeze',
          'title: "Money-masters and the squeeze')
    assert len(_rebuilt_as_cold(publication, tmp_path)) > 5       # the lists it is on


def test_tags_edit(publication, tmp_path):
    _edit(publication / ARTICLES / "donju-markets-hard-currency.md", "tags: [north-korea, markets,",
          "tags: [north-korea, markets, donju,")
    _rebuilt_as_cold(publication, tmp_path)
    assert (publication / "_site" / "tags" / "donju" / "index.html").is_file()


def test_date_edit(publication, tmp_path):
    _edit(publication / ARTICLES / "donju-markets-hard-currency.md", "date: 2016-06-20", "date: 2015-06-20")
    _rebuilt_as_cold(publication, tmp_path)
    assert (publication / "_site" / "years" / "2015" / "index.html").is_file() or \
        any("2015" in p.as_posix() for p in (publication / "_site").rglob("index.html"))


def test_bib_entry_edit(publication, tmp_path):
    bib = publication / "citations" / "research.bib"
    text = bib.read_text(encoding="utf-8")
    title = re.search(r"title\s*=\s*\{([^{}]+)", text)
    assert title
    _edit(bib, title.group(1), title.group(1) + " (revised)")
    assert len(_rebuilt_as_cold(publication, tmp_path)) > 1


def test_template_edit(publication, tmp_path):
    _edit(publication / "themes" / "default" / "templates" / "archive.html", "</ol>", "</ol>\n<!-- edited -->")
    _rebuilt_as_cold(publication, tmp_path)
    assert "<!-- edited -->" in (publication / "_site" / "archive" / "index.html").read_text(encoding="utf-8")


def test_setting_edit(publication, tmp_path):
    _edit(publication / "dossier.yml", 'title: "Pyongyang Ledger"', 'title: "The Pyongyang Ledger"')
    _rebuilt_as_cold(publication, tmp_path)


def test_page_edit(publication, tmp_path):
    about = publication / "content" / "pages" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nOne more sentence about us.\n", encoding="utf-8")
    _rebuilt_as_cold(publication, tmp_path)


def test_added_and_deleted_article(publication, tmp_path):
    (publication / ARTICLES / "a-new-note.md").write_text(
        '---\ntitle: "A new note"\ndate: 2016-07-01\ntags: [markets]\n---\n\nMarkets again [@smith2015, ch. 9].\n',
        encoding="utf-8")
    _rebuilt_as_cold(publication, tmp_path / "added")
    assert (publication / "_site" / "articles" / "a-new-note" / "index.html").is_file()
    (publication / ARTICLES / "a-new-note.md").unlink()
    _rebuilt_as_cold(publication, tmp_path / "deleted")
    assert not (publication / "_site" / "articles" / "a-new-note").exists()


def test_a_page_changed_in_the_site_folder_is_rendered_again(publication, tmp_path):
    page = publication / "_site" / "archive" / "index.html"
    text = page.read_bytes()
    page.unlink()
    page.write_bytes(text.replace(b"</body>", b"<script>tampered()</script></body>"))
    (publication / ".dossier-cache" / "last-build.json").unlink()
    assert _rebuilt_as_cold(publication, tmp_path) == ["archive/index.html"]
    assert b"tampered" not in page.read_bytes()


def test_an_update_that_cannot_write_a_file_says_so(tmp_path):
    """`dossier serve`'s in-place update: a file of the site made a folder cannot be replaced."""
    from builder.errors import BuildFailed

    root = tmp_path / "ledger"
    root.mkdir()
    for name in ("content", "citations"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "dossier.yml", root / "dossier.yml")
    session = Session()
    build(root, pdf=False, search=True, session=session)
    robots = root / "_site" / "robots.txt"
    robots.unlink()
    (robots / "in-the-way").mkdir(parents=True)
    _edit(root / "dossier.yml", "base_url: https://example.org/ledger/", "base_url: https://example.org/other/")
    with pytest.raises(BuildFailed) as failed:
        build(root, pdf=False, search=False, session=session)
    assert [str(p) for p in failed.value.problems] == [
        f"{root / '_site'}:1:1: error: cannot update the site (Is a directory); the next build writes it whole"]
    (robots / "in-the-way").rmdir()
    robots.rmdir()
    build(root, pdf=False, search=False, session=session)
    assert robots.read_text(encoding="utf-8").endswith("Sitemap: https://example.org/other/sitemap.xml\n")


def test_serve_on_a_site_already_built_reads_it_first_and_updates_in_place(tmp_path):
    """A server started on an up-to-date site builds nothing, reads the publication in the background
    (LiveSite.warm), and its first save is written in place: unchanged files keep their inode, the
    edited page changes, and the page of an article deleted meanwhile goes."""
    from builder.serve.live import LiveSite

    root = tmp_path / "ledger"
    root.mkdir()
    for name in ("content", "citations"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "dossier.yml", root / "dossier.yml")
    (root / ARTICLES / "a-new-note.md").write_text(
        '---\ntitle: "A new note"\ndate: 2016-07-01\n---\n\nMarkets again [@smith2015, ch. 9].\n', encoding="utf-8")
    build(root, pdf=False)
    site_dir = root / "_site"
    folder_inode = site_dir.stat().st_ino       # a site written aside and swapped in is another folder
    site = LiveSite(root, port=0, output=lambda line, is_problem: None)
    try:
        site.start()
        assert site.warm.wait(60) and site._kept.paths and "about/index.html" in site._kept.paths
        assert not any(path.startswith(("pagefind/", "pdf/")) for path in site._kept.paths)
        (root / ARTICLES / "a-new-note.md").unlink()
        _edit(root / ARTICLES / "donju-markets-hard-currency.md", "This piece sets out", "This piece, warm, sets out")
        deadline = time.monotonic() + 60
        while site.builds < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert site.builds == 2
    finally:
        site.stop()
    assert b"This piece, warm, sets out" in (site_dir / "articles" / "donju-markets-hard-currency" / "index.html").read_bytes()
    assert site_dir.stat().st_ino == folder_inode            # updated in place
    assert not (site_dir / "articles" / "a-new-note").exists()
    assert (site_dir / "pagefind" / "pagefind-entry.json").is_file()


def test_the_warm_up_keeps_the_view_digests_so_the_first_save_digests_what_changed(tmp_path, monkeypatch):
    """`dossier serve`'s warm-up (a build that writes nothing) keeps the page memo's view digests:
    the first save digests about as many values as any later save (it digested every view: 1.6 s
    to the reload at 1,000 articles, against 0.8 s for the saves after it)."""
    from builder.run.update import site_files

    root = tmp_path / "ledger"
    root.mkdir()
    for name in ("content", "citations"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "dossier.yml", root / "dossier.yml")
    build(root, pdf=False)
    session = Session()
    build(root, pdf=False, search=False, write=False, session=session)         # as LiveSite._warm_up
    session.paths = site_files(root / "_site")
    assert session.digests
    calls = []
    counted = page_memo.digest_of
    monkeypatch.setattr(page_memo, "digest_of", lambda value: (calls.append(1), counted(value))[1])
    article = root / ARTICLES / "donju-markets-hard-currency.md"
    per_save = []
    for word in ("first", "second"):
        _edit(article, "This piece sets out" if word == "first" else "This piece, first, sets out",
              f"This piece, {word}, sets out")
        calls.clear()
        build(root, pdf=False, search=False, session=session)
        per_save.append(len(calls))
    assert per_save[0] <= per_save[1] * 1.2 + 5, per_save


def test_an_edit_indexed_for_search_is_the_site_a_cold_build_makes(publication, tmp_path):
    """With its search bundles: made beside the site and moved in whole."""
    _edit(publication / ARTICLES / "donju-markets-hard-currency.md", "This piece",
          "This searchable piece")
    build(publication, pdf=False, search=True, session=_SESSIONS[publication])
    build(publication, pdf=False, search=True, use_cache=False, out=tmp_path / "cold")

    def everything(folder: Path) -> dict[str, bytes]:
        return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
                if path.is_file()}

    incremental, cold = everything(publication / "_site"), everything(tmp_path / "cold")
    assert [path for path in incremental if path.startswith("pagefind/")]
    assert sorted(incremental) == sorted(cold)
    assert [path for path in cold if incremental[path] != cold[path]] == []
    assert sorted(p.name for p in publication.iterdir() if p.name.startswith("._site.")) == []
