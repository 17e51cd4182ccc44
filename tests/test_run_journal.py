"""A rebuild updates the site in place (run/inplace.py) under a journal (run/journal.py): the result is
the site a build from nothing writes, and an update that fails, is interrupted or is killed at any
step leaves the previous site, or one the next build puts back."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pytest

from builder.errors import BuildFailed
from builder.model import Output
from builder.run.inplace import SiteUpdate, write_aside
from builder.run.journal import KIND, WHOLE, Journal, made_here, recover, work_folder
from builder.run.write import StagedSite, stage_site, write_site
from helpers import snapshot

OLD = [Output("index.html", b"home"), Output("a/index.html", b"a"), Output("b/index.html", b"b"),
       Output("gone/deep/index.html", b"gone"), Output("feed.xml", b"<feed/>")]
NEW = [Output("index.html", b"home, new"), Output("a/index.html", b"a"), Output("b/index.html", b"b, new"),
       Output("c/new/index.html", b"c"), Output("feed.xml", b"<feed/>")]


class Killed(BaseException):
    """A kill in the middle of a step: nothing after it runs, not even the cleanup."""


@pytest.fixture
def site(tmp_path) -> Path:
    site = tmp_path / "_site"
    write_site(OLD, site)
    (site / "pagefind").mkdir()
    (site / "pagefind" / "pagefind.js").write_text("old index")
    return site


def _updated(site: Path, outputs: list[Output], *, search: bool) -> SiteUpdate:
    update = write_aside(outputs, site)
    assert isinstance(update, SiteUpdate)
    _index(update, search)
    return update


def _index(update: SiteUpdate, search: bool) -> None:
    """What the build's search stage does with an update (indexing or not)."""
    site = update.out_dir
    if search:
        pages, bundles = update.ready()
        assert pages == site
        (bundles / "pagefind").mkdir()
        (bundles / "pagefind" / "pagefind.js").write_text("new index")
    else:
        update.carry_search()


def _leftovers(site: Path) -> list[str]:
    return sorted(p.name for p in site.parent.iterdir() if p.name.startswith(f".{site.name}."))


@pytest.mark.parametrize("search", [True, False])
def test_an_update_makes_the_site_a_build_from_nothing_makes(site, tmp_path, search):
    with _updated(site, NEW, search=search) as update:
        update.publish()
    fresh = tmp_path / "fresh"
    write_site(NEW, fresh)
    assert {k: v for k, v in snapshot(site).items() if not k.startswith("pagefind/")} == snapshot(fresh)
    # the search bundle: the new one, or (not indexed) the previous site's
    assert (site / "pagefind" / "pagefind.js").read_text() == ("new index" if search else "old index")
    assert not (site / "gone").exists()             # its folders removed with its file
    assert _leftovers(site) == []


def test_unchanged_files_are_not_touched(site):
    kept = os.lstat(site / "a" / "index.html")
    with _updated(site, NEW, search=False) as update:
        assert sorted(p.relative_to(update.folder).as_posix() for p in update.folder.rglob("*") if p.is_file()) == \
            ["b/index.html", "c/new/index.html", "index.html"]     # only what changed is written
        update.publish()
    after = os.lstat(site / "a" / "index.html")
    assert (after.st_ino, after.st_mtime_ns, after.st_nlink) == (kept.st_ino, kept.st_mtime_ns, 1)


def test_a_failure_before_publishing_leaves_the_previous_site(site):
    before = snapshot(site)
    with pytest.raises(BuildFailed):
        with _updated(site, NEW, search=True):
            raise BuildFailed([])       # the search indexer failed, after the pages were moved in
    assert snapshot(site) == before
    assert _leftovers(site) == []


def test_ctrl_c_during_the_moves_takes_effect_after_them_and_undoes_them(site, monkeypatch):
    before = snapshot(site)
    original, calls = os.replace, []

    def replace(source, target):
        calls.append(source)
        if len(calls) == 2:
            os.kill(os.getpid(), signal.SIGINT)     # held back until the moves are done
        return original(source, target)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        with write_aside(NEW, site) as update:
            update.ready()
    monkeypatch.undo()
    assert len(calls) > 2                           # the moves went on after the signal came
    assert snapshot(site) == before
    assert _leftovers(site) == []


@pytest.mark.parametrize("search", [True, False])
def test_a_kill_at_any_step_is_undone_by_the_next_build(site, monkeypatch, search):
    """Killed at the n-th move or link of the update, for every n until the update completes."""
    before = snapshot(site)
    for step in range(1, 100):
        counts = {"n": 0}

        def killing(original):
            def step_once(*args, **kwargs):
                counts["n"] += 1
                if counts["n"] == step:
                    raise Killed()
                return original(*args, **kwargs)
            return step_once

        update = write_aside(NEW, site)
        monkeypatch.setattr(os, "replace", killing(os.replace))
        monkeypatch.setattr(os, "link", killing(os.link))
        try:
            _index(update, search)
            update.publish()
            done = True
        except Killed:
            done = False
        monkeypatch.undo()
        update.journal.close()
        if done:
            assert step > 5, "the update never reached its moves"
            break
        recover(site)                               # what the next build does first
        assert snapshot(site) == before, f"killed at step {step}"
        assert _leftovers(site) == []
    else:
        pytest.fail("the update never completed")


def _crafted(site: Path, journal: str, old: Path | None = None) -> Path:
    """An update folder beside the site, as a pull request could bring it (with a stamp that looks right)."""
    folder = site.with_name(f".{site.name}.update-4242")
    (folder / "new").mkdir(parents=True)
    if old is None:
        (folder / "old").mkdir()
    else:
        (folder / "old").symlink_to(old)
    info = os.lstat(site)
    (folder / "stamp").write_text(f"dossier update {info.st_dev}:{info.st_ino}\n")
    (folder / "journal").write_text(journal)
    return folder


def test_an_update_folder_not_made_here_is_never_undone(site, tmp_path):
    """A folder beside the site that this machine did not make (its stamp names another folder) is
    left alone: its journal would pull files from anywhere into the site, for the build to delete."""
    victim = tmp_path / "victim"
    (victim / "ssh").mkdir(parents=True)
    (victim / "ssh" / "id_ed25519").write_text("private key")
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me")
    folder = _crafted(site, '["remove", "ssh"]\n["add", "../outside.txt"]\n["remove", "/etc/passwd"]\n'
                            '["replace", "a/../../outside.txt"]\n["add", "index.html"]\n' + "[" * 200000 + "\n",
                      old=victim)
    before = snapshot(site)
    recover(site)
    with write_aside(NEW, site) as update:          # what a build does: recovers, then updates
        update.publish()
    assert (victim / "ssh" / "id_ed25519").read_text() == "private key"
    assert outside.read_text() == "keep me"
    assert folder.is_dir() and (folder / "journal").is_file()      # not ours: not even removed
    assert snapshot(site) != before and (site / "index.html").read_bytes() == b"home, new"


def test_a_journal_made_here_with_its_folders_swapped_for_links_is_left_alone(site, tmp_path):
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "notes.txt").write_text("mine")
    update = write_aside(NEW, site)
    update.ready()                                  # the pages moved in, then the build is killed
    update.journal.close()
    shutil.rmtree(update.journal.old)
    update.journal.old.symlink_to(victim)
    recover(site)
    assert (victim / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in victim.iterdir()) == ["notes.txt"]


def test_a_work_folder_of_one_kind_is_not_taken_for_the_other(site, tmp_path):
    """Stamps name their kind: an update's folder renamed as a site written whole (its old/ holding
    a site) is not moved in as the site, nor a whole site's folder undone as an update."""
    update = work_folder(site, KIND)
    (update / "old" / ".dossier-site").write_text("")
    (update / "old" / "index.html").write_text("not the site")
    as_whole = update.rename(site.with_name("._site.new-renamed"))
    whole = work_folder(site, WHOLE)
    (whole / "journal").write_text('["remove", "index.html"]\n')
    as_update = whole.rename(site.with_name("._site.update-renamed"))
    shutil.rmtree(site)
    stage_site(OLD, site).publish()                 # recovers first: neither is touched
    assert (site / "index.html").read_bytes() == b"home"
    assert (as_whole / "old" / "index.html").read_text() == "not the site"
    assert (as_update / "journal").is_file()
    assert made_here(site, WHOLE) == [] and made_here(site, KIND) == []


def test_a_file_name_that_is_not_utf8_is_written_whole(site):
    (site / "a" / b"\xff.html".decode("utf-8", "surrogateescape")).write_bytes(b"odd")
    with write_aside(NEW, site) as staged:
        assert isinstance(staged, StagedSite)
        staged.publish()
    assert sorted(p.name for p in (site / "a").iterdir()) == ["index.html"]


@pytest.mark.parametrize("extra", ["pdf/notes.html", "pdf/x.txt", "pagefind/page.html", "a/empty/", "pdf",
                                   ".pagefind-next-3/pagefind.js"])
def test_a_site_holding_what_builds_do_not_write_is_written_whole(site, extra):
    """Pages in the search bundles or pdf/ would be read by the indexer; an empty folder or a file
    where pdf/ goes would stay: a site holding any of them is written whole, as a first build."""
    target = site / extra
    if extra.endswith("/"):
        target.mkdir()
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("<p>not the site's</p>")
    with write_aside(NEW, site) as staged:
        assert isinstance(staged, StagedSite)


def test_a_file_renamed_only_by_case_is_written_whole(site):
    outputs = [output for output in NEW if output.path != "b/index.html"] + [Output("B/index.html", b"b, new")]
    with write_aside(outputs, site) as staged:
        assert isinstance(staged, StagedSite)


def test_no_room_beside_the_site_for_an_update_writes_it_whole(site, monkeypatch):
    def no_room(cls, site):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Journal, "begin", classmethod(no_room))
    with write_aside(NEW, site) as staged:
        assert isinstance(staged, StagedSite)


def test_no_hard_links_on_the_file_system(site, monkeypatch):
    def refused(*args, **kwargs):
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", refused)
    before = snapshot(site)
    with pytest.raises(BuildFailed):
        with write_aside(NEW, site) as update:
            update.ready()
            raise BuildFailed([])
    assert snapshot(site) == before
    with write_aside(NEW, site) as update:
        update.publish()
    assert (site / "index.html").read_bytes() == b"home, new"


def test_a_second_ctrl_c_does_not_cut_the_undo_short(site, monkeypatch):
    before = snapshot(site)
    original, sent = os.replace, []

    def replace(source, target):
        if "/old/" in str(source) and not sent:         # the undo's first step
            sent.append(True)
            os.kill(os.getpid(), signal.SIGINT)
        return original(source, target)

    with pytest.raises(BuildFailed):
        with write_aside(NEW, site) as update:
            update.ready()
            monkeypatch.setattr(os, "replace", replace)
            raise BuildFailed([])
    monkeypatch.undo()
    assert sent and snapshot(site) == before
    assert _leftovers(site) == []


def test_a_site_holding_a_link_is_written_whole_not_updated(site, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("not the site's")
    (site / "b" / "index.html").unlink()
    (site / "b" / "index.html").symlink_to(secret)
    staged = write_aside(NEW, site)
    assert isinstance(staged, StagedSite)
    with staged:
        staged.publish()
    assert secret.read_text() == "not the site's"
    assert not (site / "b" / "index.html").is_symlink()
    assert (site / "b" / "index.html").read_bytes() == b"b, new"


def test_an_output_where_the_site_has_a_folder_is_written_whole(site):
    with write_aside(NEW + [Output("gone", b"now a file")], site) as staged:
        assert isinstance(staged, StagedSite)
    outputs = NEW + [Output("index.html/x", b"under a file")]
    with pytest.raises(BuildFailed):
        write_aside(outputs, site)          # a file and a folder at one path: refused as before


def test_an_update_of_a_site_folder_since_removed_is_never_undone_against_the_new_one(site, tmp_path):
    update = write_aside(NEW, site)
    update.ready()                                  # moved in, then the build is killed
    update.journal.close()
    shutil.rmtree(site)                             # the user starts again from nothing
    write_site(OLD, site)
    before = snapshot(site)
    recover(site)
    assert snapshot(site) == before                 # not "undone" against a site it never touched
    assert _leftovers(site) == []                   # but removed: it was this machine's


def test_a_stamp_that_is_a_pipe_does_not_hang_the_build(site):
    folder = site.with_name(f".{site.name}.update-abcd1234")
    (folder / "new").mkdir(parents=True)
    (folder / "old").mkdir()
    os.mkfifo(folder / "stamp")
    recover(site)                                   # returns: the pipe is not read
    assert folder.is_dir()


def test_a_commit_that_cannot_be_noted_puts_the_previous_site_back(site, monkeypatch):
    before = snapshot(site)
    original = os.write

    def full_disk(descriptor, data):
        if b'"commit"' in bytes(data):
            raise OSError(28, "No space left on device")
        return original(descriptor, data)

    monkeypatch.setattr(os, "write", full_disk)
    with pytest.raises(BuildFailed) as failed:
        with write_aside(NEW, site) as update:
            update.publish()
    assert "No space left on device" in failed.value.problems[0].message
    assert snapshot(site) == before
    assert _leftovers(site) == []


def test_the_journal_is_on_disk_before_the_first_move(site, monkeypatch):
    """A power cut cannot leave a move the journal does not know: the journal names every move and
    is synced (with its folder) before the first is made; the commit is synced too."""
    events = []
    update = write_aside(NEW, site)
    journal = update.journal.folder / "journal"
    for name in ("fsync", "replace", "link"):
        original = getattr(os, name)

        def recording(*args, name=name, original=original, **kwargs):
            steps = journal.read_text().count("\n") if journal.exists() else None
            events.append((name, steps))
            return original(*args, **kwargs)
        monkeypatch.setattr(os, name, recording)
    update.publish()
    monkeypatch.undo()
    moves = [index for index, (name, _) in enumerate(events) if name != "fsync"]
    syncs = [index for index, (name, _) in enumerate(events) if name == "fsync"]
    assert moves and syncs and syncs[0] < moves[0]
    moved = sum(1 for output in NEW if (site / output.path).read_bytes() != dict((o.path, o.content) for o in OLD).get(output.path))
    assert events[syncs[0]][1] >= moved + 1         # every move noted (and the removal of gone/)
    assert events[-1][0] == "fsync"                 # the commit


def test_a_journal_written_in_pieces_holds_every_move(site, monkeypatch):
    """A write to a nearly full disk may write part of what it is given: the rest is written too."""
    original = os.write
    monkeypatch.setattr(os, "write", lambda descriptor, data: original(descriptor, bytes(data[:7])))
    update = write_aside(NEW, site)
    update.ready()
    monkeypatch.undo()
    steps = (update.journal.folder / "journal").read_text().splitlines()
    assert len(steps) >= 4 and all(line.startswith("[") and line.endswith("]") for line in steps)
    update.journal.undo()                           # what a kill now would leave the next build to do
    assert (site / "index.html").read_bytes() == b"home" and not (site / "c").exists()


def test_a_work_folder_killed_as_its_stamp_was_written_is_removed(site):
    folder = site.with_name("._site.update-stamp000")
    folder.mkdir()
    (folder / "stamp").write_bytes(b"")             # created, not yet written
    recover(site)
    assert not folder.exists()


@pytest.mark.parametrize("extra", ["editions", "editions/index.html/x", "C/other.html"])
def test_what_the_pdf_stage_or_a_folder_of_another_case_would_clash_with_is_written_whole(site, extra):
    """A file where the editions page's folder goes (the PDF stage writes it), or a folder whose name
    differs from an output's only in case ("C/" where an output goes into "c/")."""
    target = site / extra
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("in the way")
    with write_aside(NEW, site) as staged:
        assert isinstance(staged, StagedSite)


def test_an_empty_pdf_folder_is_updated_in_place(site):
    (site / "pdf").mkdir()                          # PDFs on, no article yet
    with write_aside(NEW, site) as update:
        assert isinstance(update, SiteUpdate)
        update.publish()
    assert not (site / "pdf").exists()              # no PDF stage ran: dropped, as a whole write drops it


def test_the_pdf_stage_reads_only_the_outputs_of_either_kind_of_site(site, tmp_path):
    """Neither the marker nor what the PDF stage itself writes is a file of the new site it may use."""
    with write_aside(NEW, site) as update:
        live, _, reading = update.for_pdf()
        assert reading(live / "b" / "index.html") == update.folder / "b" / "index.html"     # changed: beside
        assert reading(live / "a" / "index.html") == live / "a" / "index.html"
        assert reading(live / "gone" / "deep" / "index.html") is None                      # dropped
        assert reading(live / ".dossier-site") is None
    with stage_site(NEW, tmp_path / "whole") as staged:
        folder, _, reading = staged.for_pdf()
        assert reading(folder / "a" / "index.html") == folder / "a" / "index.html"
        assert reading(folder / ".dossier-site") is None and reading(folder / "pdf" / "x.pdf") is None
