"""A build, or a `dossier cite` command, that is killed or cannot write leaves the previous output whole.

The kill tests run `python -m builder build` on a generated publication (benchmarks/make_corpus.py)
big enough to take several seconds, stop it with SIGTERM or SIGKILL, and compare the site
with the one built before, file by file.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from builder.build import build
from builder.errors import BuildFailed
from builder.run.journal import WHOLE, work_folder
from helpers import REPOSITORY, snapshot, write

ARTICLES = 40


def leftovers(out_dir: Path) -> list[str]:
    return sorted(p.name for p in out_dir.parent.iterdir() if p.name.startswith(f".{out_dir.name}."))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """A publication of ARTICLES generated articles, built once (no PDFs)."""
    root = tmp_path_factory.mktemp("atomic") / "corpus"
    subprocess.run([sys.executable, str(REPOSITORY / "benchmarks" / "make_corpus.py"), str(root),
                    "--articles", str(ARTICLES)], check=True, capture_output=True, timeout=60)
    result = _dossier(root, "build", "--no-pdf")
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def edited(corpus, tmp_path) -> tuple[Path, dict]:
    """A copy of the built corpus with one article edited and no cache: a rebuild has all the work to do."""
    root = tmp_path / "corpus"
    shutil.copytree(corpus, root, symlinks=True)
    shutil.rmtree(root / ".dossier-cache", ignore_errors=True)
    article = sorted((root / "content" / "articles").glob("*.md"))[0]
    article.write_text(article.read_text(encoding="utf-8") + "\nAn added paragraph.\n", encoding="utf-8")
    return root, snapshot(root / "_site")


def _dossier(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "builder", "-C", str(root), *args], capture_output=True, text=True,
                          timeout=180, env=dict(os.environ, CI="true", PYTHONPATH=str(REPOSITORY)))


def _start_build(root: Path) -> subprocess.Popen:
    """The build in a process group of its own, as a terminal or a CI runner starts it."""
    return subprocess.Popen([sys.executable, "-m", "builder", "-C", str(root), "build", "--no-pdf"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            env=dict(os.environ, CI="true", PYTHONPATH=str(REPOSITORY)))


def _wait_for(root: Path, process: subprocess.Popen, pattern: str, timeout: float = 60) -> None:
    """Until the build has made what pattern (relative to the publication) matches."""
    deadline = time.monotonic() + timeout
    while not list(root.glob(pattern)):
        assert process.poll() is None, "the build finished before it could be interrupted"
        assert time.monotonic() < deadline, f"the build never made {pattern}"
        time.sleep(0.005)


# When: early (reading), while writing the changed files beside the site (a rebuild updates the
# site in place: run/inplace.py), while indexing (the changed files moved in, the search
# bundles being made beside the site).
MOMENTS = {"early": None, "while writing": "._site.update-*/new", "while indexing": "._site.update-*/new/pagefind"}


def _stop(root: Path, process: subprocess.Popen, moment: str) -> None:
    if MOMENTS[moment] is None:
        time.sleep(1.0)
    else:
        _wait_for(root, process, MOMENTS[moment])


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_sigterm_leaves_the_previous_site_and_says_so(edited, moment):
    root, before = edited
    process = _start_build(root)
    _stop(root, process, moment)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 143, stderr
    assert "build interrupted; the previous site is unchanged" in stderr
    assert "Traceback" not in stderr
    assert snapshot(root / "_site") == before
    assert leftovers(root / "_site") == []


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_sigkill_leaves_the_previous_site_and_the_next_build_recovers(edited, moment):
    """Killed before the moves into the site, the site is the previous one; killed after (while
    indexing), its journal puts the previous one back: the next build does that first."""
    from builder.run.write import site_folder

    root, before = edited
    process = _start_build(root)
    _stop(root, process, moment)
    os.killpg(process.pid, signal.SIGKILL)          # the build and what it started (the search indexer)
    process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL
    journals = [path.read_text(encoding="utf-8") for path in root.glob("._site.update-*/journal")]
    if moment == "while indexing":
        assert journals and '"replace", "articles/' in journals[0]      # the edited article was moved in
        assert snapshot(root / "_site") != before
    elif snapshot(root / "_site") != before:     # killed in the moment between the moves and the indexer
        assert journals and journals[0], "the site changed without a journal"
    site_folder(root / "_site")                     # what a build does first
    assert snapshot(root / "_site") == before
    assert leftovers(root / "_site") == []
    result = _dossier(root, "build", "--no-pdf")
    assert result.returncode == 0, result.stderr
    assert leftovers(root / "_site") == []
    pages = (root / "_site" / "articles").glob("*/index.html")
    assert any("An added paragraph." in page.read_text(encoding="utf-8") for page in pages)


SLOW_INDEXER = """
import os, sys, time
output = sys.argv[sys.argv.index("--output-path") + 1]
os.makedirs(output)
with open(os.path.join(output, "pid"), "w") as stream:
    stream.write(str(os.getpid()))
os.rename(os.path.join(output, "pid"), os.path.join(output, "begun"))
time.sleep(60)
"""


def _running(pid: int) -> bool:
    """Whether process pid runs (a zombie no longer does: ended, not yet reaped)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux") or not shutil.which("setpriv"),
                    reason="the search indexer ends with the build through Linux's parent-death signal (util-linux setpriv)")
def test_the_search_indexer_ends_with_a_build_killed_alone(edited, tmp_path):
    """The OOM killer or `kill -9 PID` ends the build, not its process group: the indexer, left
    running, would go on writing into the update folder the next build removes. Here it is one that
    takes a minute (a `pagefind` module first on the build's path); it must end with the build."""
    from builder.run.write import site_folder

    root, before = edited
    write(tmp_path / "slow" / "pagefind" / "__init__.py", "")
    write(tmp_path / "slow" / "pagefind" / "__main__.py", SLOW_INDEXER)
    process = subprocess.Popen([sys.executable, "-m", "builder", "-C", str(root), "build", "--no-pdf"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                               env=dict(os.environ, CI="true", PYTHONPATH=f"{tmp_path / 'slow'}{os.pathsep}{REPOSITORY}"))
    try:
        _wait_for(root, process, "._site.update-*/new/pagefind/begun")
        [begun] = root.glob("._site.update-*/new/pagefind/begun")
        indexer = int(begun.read_text())
        process.kill()                              # the build alone
        process.communicate(timeout=60)
        deadline = time.monotonic() + 5
        while _running(indexer) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not _running(indexer), "the search indexer outlived the build"
    finally:
        os.killpg(process.pid, signal.SIGKILL) if process.poll() is None else None
    site_folder(root / "_site")
    assert snapshot(root / "_site") == before
    assert leftovers(root / "_site") == []


def test_a_build_killed_between_the_two_renames_is_recovered(tmp_path):
    """SIGKILL after the old site was moved aside and before the new one took its place."""
    root = _small(tmp_path / "pub")
    site = build(root, pdf=False, use_cache=False).out_dir
    before = snapshot(site)
    work = work_folder(site, WHOLE)                 # what the build had made beside the site
    (work / "new" / "half").mkdir()
    (work / "old").rmdir()
    site.rename(work / "old")
    build(root, pdf=False, use_cache=False)
    assert leftovers(site) == []
    assert snapshot(site) == before


# --- Write errors ----------------------------------------------------------------------------


def _small(root: Path) -> Path:
    write(root / "dossier.yml", "title: Small\nbase_url: https://example.org/\n")
    for index in range(3):
        write(root / "content" / "articles" / f"a{index}.md", f"---\ntitle: A{index}\ndate: 2016-01-0{index + 1}\n---\n\nText {index}.\n")
    write(root / "content" / "assets" / "map.png", b"\x89PNG\r\n\x1a\n")
    return root


def _disk_full_after(monkeypatch, target, name: str, calls: int) -> None:
    """target.name raises OSError(ENOSPC) from its calls-th call on."""
    original = getattr(target, name)
    count = {"n": 0}

    def failing(*args, **kwargs):
        count["n"] += 1
        if count["n"] >= calls:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return original(*args, **kwargs)

    monkeypatch.setattr(target, name, failing)


@pytest.mark.parametrize("target, name, calls", [
    (Path, "write_bytes", 5),          # pages
    (shutil, "copyfile", 1),           # assets and theme files (the changed ones: unchanged files are linked)
])
def test_a_full_disk_leaves_the_previous_site(tmp_path, monkeypatch, cli, target, name, calls):
    root = _small(tmp_path / "pub")
    site = build(root, pdf=False, use_cache=False).out_dir
    before = snapshot(site)
    (root / "content" / "articles" / "a0.md").write_text("---\ntitle: Changed\ndate: 2016-01-01\n---\n\nNew.\n")
    (root / "content" / "assets" / "map.png").write_bytes(b"\x89PNG\r\n\x1a\nchanged")
    _disk_full_after(monkeypatch, target, name, calls)
    result = cli("-C", root, "build", "--no-pdf")
    monkeypatch.undo()
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{site}:1:1: error: cannot write the site (No space left on device); the previous site is unchanged",
        "1 error; nothing was written"]
    assert snapshot(site) == before
    assert leftovers(site) == []


@pytest.mark.parametrize("legacy", [False, True])
@pytest.mark.parametrize("restore_fails", [False, True])
def test_a_failed_swap_puts_the_previous_site_back(tmp_path, monkeypatch, restore_fails, legacy):
    """The second rename (new site into place) fails: the old site goes back, or the next build puts it
    back; a site built before the marker (a home page and a search index) too."""
    from builder.model import Output
    from builder.run.write import write_site

    site = tmp_path / "_site"
    if legacy:
        write(site / "index.html", "old")
        write(site / "pagefind" / "pagefind-entry.json", "{}")
    else:
        write_site([Output("index.html", b"old")], site)
    monkeypatch.setattr("builder.run.write._exchange", lambda new, current: False)     # the two-rename swap
    _disk_full_after(monkeypatch, os, "replace", 2 if restore_fails else 99)
    if not restore_fails:
        original, calls = os.replace, []

        def replace_failing_once(source, target):
            calls.append(source)
            if len(calls) == 2:
                raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))
            return original(source, target)

        monkeypatch.setattr(os, "replace", replace_failing_once)
    with pytest.raises(BuildFailed) as failed:
        write_site([Output("index.html", b"new")], site, legacy=legacy)
    monkeypatch.undo()
    [problem] = failed.value.problems
    if restore_fails:
        [work] = leftovers(site)
        assert problem.message.endswith(f"the previous site is in {tmp_path / work / 'old'}, and the next build "
                                        "puts it back")
        assert not site.exists() and (tmp_path / work / "old" / "index.html").read_bytes() == b"old"
        write_site([Output("index.html", b"newer")], site, legacy=legacy)
        assert (site / "index.html").read_bytes() == b"newer"
    else:
        assert problem.message == "cannot write the site (Invalid cross-device link); the previous site is unchanged"
        assert (site / "index.html").read_bytes() == b"old"
    assert leftovers(site) == []


def test_a_full_disk_while_typesetting_leaves_the_previous_site(tmp_path, monkeypatch):
    root = _small(tmp_path / "pub")
    site = build(root, use_cache=False).out_dir
    before = snapshot(site)
    (root / "content" / "articles" / "a1.md").write_text("---\ntitle: Changed\ndate: 2016-01-02\n---\n\nNew.\n")
    original = Path.write_bytes

    def no_room_for_pdfs(path, data):
        if path.suffix == ".pdf":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return original(path, data)

    monkeypatch.setattr(Path, "write_bytes", no_room_for_pdfs)
    with pytest.raises(BuildFailed) as failed:
        build(root, use_cache=False)
    monkeypatch.undo()
    [problem] = failed.value.problems
    # Named where it was to be written, not in the staging folder that is gone.
    assert Path(problem.path).parent == site / "pdf" and problem.path.endswith(".pdf")
    assert (problem.line, problem.col) == (1, 1)
    assert problem.message == "cannot write the PDF (No space left on device)"
    assert snapshot(site) == before
    assert leftovers(site) == []


# --- dossier cite: never a half-written .bib ---------------------------------------------------

UNFORMATTED = "@Book{kim2016,title={Markets},author={Kim, A.},year=2016}\n"


def _with_bib(root: Path) -> Path:
    write(root / "dossier.yml", "title: Cite\nbase_url: https://example.org/\n")
    write(root / "content" / "articles" / "a.md", "---\ntitle: A\ndate: 2016-01-01\n---\n\nAs @kim2016 shows.\n")
    write(root / "citations" / "sources.bib", UNFORMATTED)
    return root


def _bib_leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "citations").iterdir() if p.name.startswith("."))


@pytest.mark.parametrize("target, name", [(os, "open"), (os, "fdopen"), (os, "fsync"), (os, "replace")])
def test_cite_fmt_with_a_write_error_leaves_the_bib_file_whole(tmp_path, monkeypatch, cli, target, name):
    root = _with_bib(tmp_path / "pub")
    _disk_full_after(monkeypatch, target, name, 1)
    result = cli("-C", root, "cite", "fmt")
    monkeypatch.undo()
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{root}/citations/sources.bib:1:1: error: cannot write the file (No space left on device); it is unchanged",
        "1 error; nothing was written"]
    assert (root / "citations" / "sources.bib").read_text() == UNFORMATTED
    assert _bib_leftovers(root) == []


def test_cite_add_with_a_write_error_leaves_the_bib_file_whole(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from builder.cli import main

    root = _with_bib(tmp_path / "pub")
    _disk_full_after(monkeypatch, os, "fsync", 1)
    result = CliRunner().invoke(main, ["-C", str(root), "cite", "add"], catch_exceptions=False,
                                input="@book{lee2015, title = {Trade}, author = {Lee, B.}, publisher = {P}, year = {2015}}\n")
    monkeypatch.undo()
    assert result.exit_code == 1, result.output
    assert (f"{root}/citations/sources.bib:1:1: error: cannot write the file (No space left on device); it is unchanged"
            in result.stderr.splitlines())
    assert (root / "citations" / "sources.bib").read_text() == UNFORMATTED
    assert _bib_leftovers(root) == []


@pytest.mark.parametrize("command", [["cite", "fmt"], ["cite", "add"]])
def test_cite_commands_killed_while_writing_leave_the_bib_file_whole(tmp_path, command):
    """SIGKILL at the moment of writing: the .bib is either the old file or the new one, never part of one."""
    root = _with_bib(tmp_path / "pub")
    before = (root / "citations" / "sources.bib").read_text()
    probe = ("import os, signal, sys\n"
             "import builder.bib.cite\n"
             "original = os.fsync\n"
             "def fsync_then_die(fd):\n"
             "    os.kill(os.getpid(), signal.SIGKILL)\n"
             "os.fsync = fsync_then_die\n"
             "from builder.cli import main\n"
             f"sys.argv = ['dossier', '-C', {str(root)!r}, *{command!r}]\n"
             "main()\n")
    stdin = "@book{lee2015, title = {Trade}, author = {Lee, B.}, publisher = {P}, year = {2015}}\n"
    result = subprocess.run([sys.executable, "-c", probe], input=stdin, capture_output=True, text=True, timeout=60,
                            env=dict(os.environ, PYTHONPATH=str(REPOSITORY)))
    assert result.returncode == -signal.SIGKILL
    assert (root / "citations" / "sources.bib").read_text() == before
    # The temporary file a killed process leaves is hidden and never read as a .bib.
    assert all(name.endswith(".tmp") for name in _bib_leftovers(root))
    assert _dossier(root, "cite", "check").returncode in (0, 1)
