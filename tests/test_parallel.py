"""builder/parallel.py: parsing and rendering in forked workers fail cleanly, never hang."""

import os
import signal
from pathlib import Path

import pytest

from builder.build import build
from builder.errors import BuildFailed
from helpers import write


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
    import builder.bodies
    import builder.render

    root = small(tmp_path / "pub")
    monkeypatch.setattr(builder.bodies, "PARALLEL_FROM", 1)
    monkeypatch.setattr(builder.render, "PARALLEL_FROM", 1)
    parent = os.getpid()
    if stage == "parsing":
        original = builder.bodies.Bodies._template

        def dying(self, document):
            if os.getpid() != parent and document.slug == "a2":
                os.kill(os.getpid(), signal.SIGKILL)     # as the kernel's out-of-memory killer would
            return original(self, document)
        monkeypatch.setattr(builder.bodies.Bodies, "_template", dying)
        expected = ("content:1:1: error: a worker process parsing documents stopped unexpectedly (killed, or out of "
                    "memory); nothing was written")
    else:
        original = builder.render._render

        def dying(*args, **kwargs):
            if os.getpid() != parent:
                os.kill(os.getpid(), signal.SIGKILL)
            return original(*args, **kwargs)
        monkeypatch.setattr(builder.render, "_render", dying)
        expected = ("themes:1:1: error: a worker process rendering pages stopped unexpectedly (killed, or out of "
                    "memory); nothing was written")
    with pytest.raises(BuildFailed) as failed:
        build(root, pdf=False, use_cache=False)
    [problem] = failed.value.problems
    assert str(problem) == expected
    assert not (root / "_site").exists()


def test_an_exception_in_a_worker_reaches_the_build_as_itself(tmp_path, monkeypatch, deadline):
    import builder.bodies

    root = small(tmp_path / "pub")
    monkeypatch.setattr(builder.bodies, "PARALLEL_FROM", 1)

    def failing(self, document):
        raise RecursionError("too deep")
    monkeypatch.setattr(builder.bodies.Bodies, "_template", failing)
    with pytest.raises(RecursionError, match="too deep"):
        build(root, pdf=False, use_cache=False)
