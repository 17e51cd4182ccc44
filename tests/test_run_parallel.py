"""builder/run/parallel.py: parsing and rendering in forked workers fail cleanly, never hang."""

import os
import signal
from pathlib import Path

import pytest

from builder.build import build
from builder.errors import BuildFailed
from helpers import REPOSITORY, write


def small(root: Path) -> Path:
    write(root / "dossier.yml", "title: Small\nbase_url: https://example.org/\n")
    for index in range(4):
        write(root / "content" / "articles" / f"a{index}.md",
              f"---\ntitle: A{index}\ndate: 2016-01-0{index + 1}\n---\n\nText {index}.\n")
    return root


@pytest.fixture
def deadline():
    """The test fails after 60 s instead of hanging the suite (a lost worker used to mean waiting forever)."""
    def expired(signum, frame):
        raise AssertionError("the build hung")
    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("stage", ["parsing", "rendering"])
def test_a_worker_that_dies_fails_the_build_with_a_message(tmp_path, monkeypatch, deadline, stage):
    import builder.site.bodies
    import builder.site.render

    root = small(tmp_path / "pub")
    monkeypatch.setattr(builder.site.bodies, "PARALLEL_FROM", 1)
    monkeypatch.setattr(builder.site.render, "PARALLEL_FROM", 1)
    parent = os.getpid()
    if stage == "parsing":
        original = builder.site.bodies.BodyRenderer._draft

        def dying(self, document):
            if os.getpid() != parent and document.slug == "a2":
                os.kill(os.getpid(), signal.SIGKILL)     # as the kernel's out-of-memory killer would
            return original(self, document)
        monkeypatch.setattr(builder.site.bodies.BodyRenderer, "_draft", dying)
        expected = ("content:1:1: error: a worker process parsing documents stopped unexpectedly (killed, or out of "
                    "memory); nothing was written")
    else:
        original = builder.site.render._render

        def dying(*args, **kwargs):
            if os.getpid() != parent:
                os.kill(os.getpid(), signal.SIGKILL)
            return original(*args, **kwargs)
        monkeypatch.setattr(builder.site.render, "_render", dying)
        expected = ("themes:1:1: error: a worker process rendering pages stopped unexpectedly (killed, or out of "
                    "memory); nothing was written")
    with pytest.raises(BuildFailed) as failed:
        build(root, pdf=False, use_cache=False)
    [problem] = failed.value.problems
    assert str(problem) == expected
    assert not (root / "_site").exists()


def test_an_exception_in_a_worker_reaches_the_build_as_itself(tmp_path, monkeypatch, deadline):
    import builder.site.bodies

    root = small(tmp_path / "pub")
    monkeypatch.setattr(builder.site.bodies, "PARALLEL_FROM", 1)

    def failing(self, document):
        raise RecursionError("too deep")
    monkeypatch.setattr(builder.site.bodies.BodyRenderer, "_draft", failing)
    with pytest.raises(RecursionError, match="too deep"):
        build(root, pdf=False, use_cache=False)


# --- One build of a publication at a time ----------------------------------------------------------

HOLD_LOCK = """
import fcntl, os, sys, time
if os.path.isdir(sys.argv[1]):      # an output folder's: the folder itself is locked
    descriptor = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(descriptor, fcntl.LOCK_EX)
else:                               # a publication's: its cache's lock file
    descriptor = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
    fcntl.lockf(descriptor, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""


def test_a_second_build_waits_for_the_first(tmp_path, deadline):
    import subprocess
    import sys
    import time

    root = small(tmp_path / "pub")
    (root / ".dossier-cache").mkdir()
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(root / ".dossier-cache" / "lock"), "2"],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "locked\n"      # another build holds the publication
    stages = []
    started = time.monotonic()
    build(root, pdf=False, progress=lambda stage, done, total: stages.append(stage))
    waited = time.monotonic() - started
    holder.wait()
    assert stages[0] == "Waiting for another build of this publication to finish"
    assert waited >= 1.0 and (root / "_site" / "index.html").exists()


def test_a_build_into_an_output_folder_another_build_writes_beside_waits(tmp_path, deadline):
    """Two publications built into one --out at once would each undo the other's unfinished update
    (its work folder beside the site looks like one a killed build left): the second waits."""
    import subprocess
    import sys
    import time

    root = small(tmp_path / "pub")
    out = tmp_path / "www" / "site"
    out.parent.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(out.parent), "2"],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "locked\n"      # another publication's build writes there
    stages = []
    started = time.monotonic()
    build(root, pdf=False, out=out, progress=lambda stage, done, total: stages.append(stage))
    waited = time.monotonic() - started
    holder.wait()
    assert "Waiting for another build writing beside the output folder" in stages
    assert waited >= 1.0 and (out / "index.html").exists()
    stages.clear()
    build(root, pdf=False, out=out, progress=lambda stage, done, total: stages.append(stage))
    assert not [stage for stage in stages if stage.startswith("Waiting")]      # released with the build


KILLED_WITH_A_WORKER = """
import os, signal, sys, time
from pathlib import Path
from builder.run.lock import output_lock
with output_lock(Path(sys.argv[1]) / "site", lambda: None):
    if os.fork() == 0:              # a worker of the build (parsing, rendering), still busy
        os.write(1, b"working\\n")
        time.sleep(30)
        os._exit(0)
    os.write(1, b"locked\\n")
    time.sleep(0.2)
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_build_killed_with_its_workers_still_running_leaves_its_output_folder_unlocked(tmp_path, deadline):
    """The OOM killer ends the build, not the processes it forked: they must not keep its lock."""
    import fcntl
    import subprocess
    import sys

    folder = tmp_path / "www"
    folder.mkdir()
    killed = subprocess.Popen([sys.executable, "-c", KILLED_WITH_A_WORKER, str(folder)], stdout=subprocess.PIPE,
                              text=True, env=dict(os.environ, PYTHONPATH=str(REPOSITORY)), start_new_session=True)
    try:
        assert {killed.stdout.readline(), killed.stdout.readline()} == {"locked\n", "working\n"}
        killed.wait(timeout=30)
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)      # free at once: no worker holds it
        finally:
            os.close(descriptor)
    finally:
        os.killpg(killed.pid, 9)


def test_a_build_that_was_killed_leaves_nothing_locked(tmp_path, deadline):
    import subprocess
    import sys

    root = small(tmp_path / "pub")
    (root / ".dossier-cache").mkdir()
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(root / ".dossier-cache" / "lock"), "60"],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "locked\n"
    holder.kill()
    holder.wait()
    stages = []
    build(root, pdf=False, progress=lambda stage, done, total: stages.append(stage))
    assert "Waiting for another build of this publication to finish" not in stages


def test_clearing_a_stale_cache_keeps_the_lock_of_the_running_build(tmp_path):
    # The first build after a cache format change clears .dossier-cache/: the lock file the
    # build holds must stay, or a second build would lock a new file and run alongside.
    from builder.run.cache import Cache

    folder = tmp_path / ".dossier-cache"
    write(folder / "VERSION", "dossier 0.0 cache 0\n")
    write(folder / "body" / "ab" / "ab12.json", "{}")
    lock = write(folder / "lock", "")
    before = lock.stat().st_ino
    Cache(folder)
    assert (folder / "lock").stat().st_ino == before
    assert not (folder / "body").exists()


def test_a_file_system_without_locks_builds_unlocked(tmp_path, monkeypatch):
    import errno
    import fcntl

    def no_locks(descriptor, operation):
        raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))

    monkeypatch.setattr(fcntl, "lockf", no_locks)
    root = small(tmp_path / "pub")
    stages = []
    build(root, pdf=False, progress=lambda stage, done, total: stages.append(stage))
    assert "Waiting for another build of this publication to finish" not in stages
    assert (root / "_site" / "index.html").exists()
