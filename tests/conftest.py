"""Shared fixtures: copies of the fixture publications, and the command line run in-process."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli import main
from helpers import FIXTURES


@pytest.fixture
def publication(tmp_path):
    """copy(name) -> a fresh copy of tests/fixtures/NAME under tmp_path."""
    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(FIXTURES / name, target, symlinks=True)
        return target
    return copy


@pytest.fixture
def cli():
    """run(*args, env=None, input=None) -> click Result; exceptions are not caught, so a traceback fails the test."""
    def run(*args: str, env: dict | None = None, input: str | None = None):
        return CliRunner().invoke(main, [str(a) for a in args], env=env, input=input, catch_exceptions=False)
    return run

