"""builder/run/write.py: the site is written aside and swapped in; a failure changes nothing."""

import os
import shutil

import pytest

from builder.errors import BuildFailed, error
from builder.model import Output
from builder.run.journal import WHOLE, work_folder
from builder.run.write import stage_site, write_site
from helpers import snapshot, write


def page(path: str, text: str) -> Output:
    return Output(path, content=text.encode())


def leftovers(out_dir):
    return sorted(p.name for p in out_dir.parent.iterdir() if p.name.startswith(f".{out_dir.name}."))


@pytest.fixture
def old_site(tmp_path):
    out_dir = tmp_path / "_site"
    write_site([page("index.html", "old"), page("gone/index.html", "old page")], out_dir)
    return out_dir


def test_writes_pages_and_copies_files(tmp_path):
    source = write(tmp_path / "map.png", b"\x89PNG")
    out_dir = tmp_path / "out" / "_site"
    write_site([page("index.html", "home"), page("articles/a/index.html", "a"),
                Output("assets/map.png", source=source)], out_dir)
    assert sorted(snapshot(out_dir)) == [
        ".dossier-site", "articles/", "articles/a/", "articles/a/index.html", "assets/", "assets/map.png", "index.html"]
    assert (out_dir / "assets" / "map.png").read_bytes() == b"\x89PNG"
    assert leftovers(out_dir) == []


def test_replaces_the_whole_previous_site(old_site):
    write_site([page("index.html", "new")], old_site)
    assert (old_site / "index.html").read_text() == "new"
    assert not (old_site / "gone").exists()
    assert leftovers(old_site) == []


def test_a_failing_write_leaves_the_old_site(old_site, tmp_path):
    before = snapshot(old_site)
    with pytest.raises(BuildFailed) as failed:
        write_site([page("index.html", "new"), Output("assets/map.png", source=tmp_path / "vanished.png")], old_site)
    [problem] = failed.value.problems
    assert (problem.path, problem.line, problem.col) == (str(old_site), 1, 1)
    assert problem.message.startswith("cannot write the site (")
    assert problem.message.endswith("); the previous site is unchanged")
    assert snapshot(old_site) == before
    assert leftovers(old_site) == []


def test_a_file_where_a_folder_must_go_fails_cleanly(old_site):
    before = snapshot(old_site)
    with pytest.raises(BuildFailed) as failed:
        write_site([page("index.html", "new"), page("a", "file"), page("a/index.html", "page")], old_site)
    assert [str(p) for p in failed.value.problems] == [
        "a generated page:1:1: error: a would be both a file and the folder of a/index.html"]
    assert snapshot(old_site) == before


def test_two_outputs_at_one_path_are_refused(old_site, tmp_path):
    before = snapshot(old_site)
    with pytest.raises(BuildFailed) as failed:
        write_site([page("index.html", "x"), Output("index.html", source=tmp_path / "index.html")], old_site)
    assert [str(p) for p in failed.value.problems] == [
        f"{tmp_path / 'index.html'}:1:1: error: two files would be written to index.html"]
    assert snapshot(old_site) == before


def test_refuses_to_replace_a_folder_that_is_not_a_site(tmp_path):
    out_dir = tmp_path / "documents"
    write(out_dir / "thesis.docx", b"years of work")
    before = snapshot(out_dir)
    with pytest.raises(BuildFailed) as failed:
        write_site([page("index.html", "x")], out_dir)
    assert [str(p) for p in failed.value.problems] == [
        f"{out_dir}:1:1: error: refusing to replace this folder: it is not empty and Dossier did not build it "
        "(no .dossier-site file); empty it or choose another output folder"]
    assert snapshot(out_dir) == before
    assert leftovers(out_dir) == []


def test_refuses_to_replace_a_file(tmp_path):
    out_dir = write(tmp_path / "notes", "keep me")
    with pytest.raises(BuildFailed) as failed:
        write_site([page("index.html", "x")], out_dir)
    assert [str(p) for p in failed.value.problems] == [
        f"{out_dir}:1:1: error: refusing to replace this file: the output must be a folder"]
    assert out_dir.read_text() == "keep me"


def test_an_empty_folder_may_be_used(tmp_path):
    out_dir = tmp_path / "empty"
    out_dir.mkdir()
    write_site([page("index.html", "x")], out_dir)
    assert (out_dir / "index.html").read_text() == "x"


def killed_midway(out_dir, *, retired: bool):
    """What a build killed while it wrote the site whole leaves beside it: its work folder (new/ the
    site half written; old/ the previous site if it was moved aside between the two renames)."""
    work = work_folder(out_dir, WHOLE)
    write(work / "new" / "index.html", "half written")
    write(work / "new" / ".dossier-site", "")
    if retired:
        (work / "old").rmdir()
        out_dir.rename(work / "old")
    return work


def test_recovers_a_site_half_swapped_by_a_killed_build(old_site):
    # Killed between the two renames: the old site is retired, the new one not yet in place.
    killed_midway(old_site, retired=True)
    assert not old_site.exists()
    write_site([page("index.html", "new")], old_site)
    assert (old_site / "index.html").read_text() == "new"
    assert leftovers(old_site) == []


def test_recovery_restores_the_old_site_when_the_next_build_fails(old_site, tmp_path):
    killed_midway(old_site, retired=True)
    with pytest.raises(BuildFailed):
        write_site([page("index.html", "new"), Output("x.png", source=tmp_path / "missing.png")], old_site)
    assert (old_site / "index.html").read_text() == "old"
    assert (old_site / "gone" / "index.html").read_text() == "old page"
    assert leftovers(old_site) == []


def test_leftovers_beside_an_intact_site_are_removed(old_site):
    killed_midway(old_site, retired=False)
    (old_site.parent / "._site.new-empty_00").mkdir()     # killed as it made the folder, before its stamp
    write_site([page("index.html", "new")], old_site)
    assert (old_site / "index.html").read_text() == "new"
    assert leftovers(old_site) == []


def test_folders_named_like_leftovers_that_a_build_did_not_make_are_left_alone(tmp_path):
    """A pull request can add anything beside _site/: folders named as a build names its work
    folders, even with a stamp, a retired site and no _site/, are neither moved nor removed."""
    out_dir = tmp_path / "_site"
    write(tmp_path / "._site.new-mine" / "notes.txt", "mine")
    write(tmp_path / "._site.old-notes" / "notes.txt", "mine too")
    write(tmp_path / "._site.old-123" / ".dossier-site", "a site another Dossier retired")
    crafted = tmp_path / "._site.new-abcd1234"
    write(crafted / "stamp", "dossier new 1:2\n")
    write(crafted / "old" / ".dossier-site", "")
    write(crafted / "old" / "index.html", "the pull request's page")
    write(crafted / "new" / "index.html", "the pull request's other page")
    made = work_folder(out_dir, WHOLE)              # made here, then copied: its stamp names the original
    write(made / "old" / ".dossier-site", "")
    shutil.copytree(made, tmp_path / "._site.new-copied00")
    shutil.rmtree(made)
    before = snapshot(tmp_path)
    write_site([page("index.html", "new")], out_dir)
    after = snapshot(tmp_path)
    assert {k: v for k, v in after.items() if not k.startswith("_site")} == before
    assert (out_dir / "index.html").read_text() == "new"


# --- Unchanged files are shared with the previous site, not written again -------------------------

def inode(path):
    return path.stat().st_ino


def test_a_rebuild_links_unchanged_files_and_writes_changed_ones(tmp_path):
    source = write(tmp_path / "map.png", b"\x89PNG" * 100)
    out_dir = tmp_path / "_site"
    outputs = [page("index.html", "home"), page("a/index.html", "a"), Output("assets/map.png", source=source)]
    write_site(outputs, out_dir)
    before = {name: inode(out_dir / name) for name in ("index.html", "a/index.html", "assets/map.png")}
    write_site([page("index.html", "home, edited"), page("a/index.html", "a"), Output("assets/map.png", source=source)],
               out_dir)
    assert inode(out_dir / "a/index.html") == before["a/index.html"]
    assert inode(out_dir / "assets/map.png") == before["assets/map.png"]
    assert inode(out_dir / "index.html") != before["index.html"]
    assert (out_dir / "index.html").read_text() == "home, edited"
    # The retired site is gone, so nothing else names the shared files.
    assert all((out_dir / name).stat().st_nlink == 1 for name in before)
    assert leftovers(out_dir) == []


def test_files_the_later_stages_add_to_the_staged_site_are_linked_too(tmp_path):
    out_dir = tmp_path / "_site"
    with stage_site([page("index.html", "home")], out_dir) as staged:
        write(staged.folder / "pagefind" / "same.pf", b"same bytes")
        staged.publish()
    first = inode(out_dir / "pagefind" / "same.pf")
    with stage_site([page("index.html", "home")], out_dir) as staged:
        write(staged.folder / "pagefind" / "same.pf", b"same bytes")
        write(staged.folder / "pagefind" / "new.pf", b"new bytes")
        staged.publish()
    assert inode(out_dir / "pagefind" / "same.pf") == first
    assert sorted(p.name for p in (out_dir / "pagefind").iterdir()) == ["new.pf", "same.pf"]


def test_a_staged_site_that_a_later_stage_fails_is_removed_and_the_site_kept(tmp_path):
    out_dir = tmp_path / "_site"
    write_site([page("index.html", "old")], out_dir)
    with pytest.raises(BuildFailed) as failed:
        with stage_site([page("index.html", "new")], out_dir) as staged:
            raise BuildFailed([error(str(staged.folder / "pdf" / "a.pdf"), 1, 1, "the PDF stage failed")])
    assert (out_dir / "index.html").read_text() == "old"
    assert leftovers(out_dir) == []
    # the problem names the file of the site it was to be, not of the staging folder that is gone
    assert str(failed.value.problems[0]) == f"{out_dir / 'pdf' / 'a.pdf'}:1:1: error: the PDF stage failed"


def test_a_staged_site_never_published_is_removed(tmp_path):
    out_dir = tmp_path / "_site"
    with stage_site([page("index.html", "new")], out_dir):
        pass
    assert not out_dir.exists()
    assert leftovers(out_dir) == []


def test_a_file_with_another_name_outside_the_site_is_never_shared(tmp_path):
    # A file of the old site hard-linked from elsewhere (or a symlink) is written afresh, so the
    # new site never shares an inode with a file outside it.
    out_dir = tmp_path / "_site"
    write_site([page("index.html", "home"), page("a/index.html", "a")], out_dir)
    os.link(out_dir / "a/index.html", tmp_path / "elsewhere.html")
    outside = write(tmp_path / "outside.html", "home")
    (out_dir / "index.html").unlink()
    (out_dir / "index.html").symlink_to(outside)
    write_site([page("index.html", "home"), page("a/index.html", "a")], out_dir)
    assert inode(out_dir / "a/index.html") != inode(tmp_path / "elsewhere.html")
    assert not (out_dir / "index.html").is_symlink() and inode(out_dir / "index.html") != inode(outside)
    assert (out_dir / "a/index.html").read_text() == "a"


def test_the_site_folder_is_never_missing_while_rebuilds_swap_it_in(tmp_path):
    # Where the system can swap two folders in one step, a reader (the dev server) never
    # finds the site gone between the old one leaving and the new one arriving.
    import sys
    import threading

    from builder.run.write import _exchange

    probe = tmp_path / "probe"
    (probe / "a").mkdir(parents=True)
    (probe / "b").mkdir()
    if not _exchange(probe / "a", probe / "b"):
        pytest.skip(f"no one-step folder swap on {sys.platform} here")
    out_dir = tmp_path / "_site"
    write_site([page("index.html", "0")], out_dir)
    missing, done = [], threading.Event()

    def watch():
        while not done.is_set():
            if not (out_dir / "index.html").exists():
                missing.append(True)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for build in range(1, 30):
            write_site([page("index.html", str(build))], out_dir)
    finally:
        done.set()
        watcher.join()
    assert missing == [] and (out_dir / "index.html").read_text() == "29"
    assert leftovers(out_dir) == []


def test_files_reached_through_a_symlinked_folder_are_written_not_linked(tmp_path):
    out_dir = tmp_path / "_site"
    write_site([page("index.html", "home"), page("a/index.html", "a")], out_dir)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    write(elsewhere / "index.html", "a")
    import shutil
    shutil.rmtree(out_dir / "a")
    (out_dir / "a").symlink_to(elsewhere)
    write_site([page("index.html", "home"), page("a/index.html", "a")], out_dir)
    assert not (out_dir / "a").is_symlink()
    assert inode(out_dir / "a" / "index.html") != inode(elsewhere / "index.html")
    assert (elsewhere / "index.html").stat().st_nlink == 1


def test_replace_file_keeps_the_mode_gives_new_files_the_umask_and_leaves_no_temporary(tmp_path):
    from builder.run.write import replace_file

    kept = write(tmp_path / "kept.bib", "old")
    kept.chmod(0o640)
    replace_file(kept, b"new", durable=True)
    assert kept.read_text() == "new" and oct(kept.stat().st_mode & 0o777) == "0o640"
    previous = os.umask(0o027)
    try:
        replace_file(tmp_path / "fresh.json", b"{}")
    finally:
        os.umask(previous)
    assert oct((tmp_path / "fresh.json").stat().st_mode & 0o777) == "0o640"
    (tmp_path / "link").symlink_to(kept)
    replace_file(tmp_path / "link", b"through?")
    assert kept.read_text() == "new" and not (tmp_path / "link").is_symlink()     # the link is replaced
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh.json", "kept.bib", "link"]
