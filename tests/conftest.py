"""Shared fixtures: copies of the fixture publications, and the command line run in-process."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli import main

TESTS = Path(__file__).parent
FIXTURES = TESTS / "fixtures"
REPOSITORY = TESTS.parent


@pytest.fixture
def publication(tmp_path):
    """copy(name, to=name) -> a fresh copy of tests/fixtures/NAME under tmp_path."""
    def copy(name: str, to: str | None = None) -> Path:
        target = tmp_path / (to or name)
        shutil.copytree(FIXTURES / name, target, symlinks=True)
        return target
    return copy


@pytest.fixture
def cli():
    """run(*args, env=None) -> click Result; exceptions are not caught, so a traceback fails the test."""
    def run(*args: str, env: dict | None = None):
        return CliRunner().invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)
    return run

