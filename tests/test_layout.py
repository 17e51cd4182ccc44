"""builder/'s shape: each package imports only what its docstring allows, and no module grows past
what a reader takes in at once."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

BUILDER = Path(__file__).resolve().parent.parent / "builder"
BASE = {"errors", "model", "text", "urls", "__init__"}    # builder's base modules: anyone may import them
LONGEST = 400        # lines


def _packages() -> list[Path]:
    return sorted(path for path in BUILDER.iterdir() if (path / "__init__.py").is_file())


def _allowed(package: Path) -> set[str]:
    """The packages (and builder.* modules) a package's docstring says it may import."""
    doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8"))) or ""
    match = re.search(r"May import: (.*?)\.\s*$", doc, re.S)
    assert match, f"{package.name}/__init__.py: the docstring does not say what the package may import"
    allowed = set()
    for name in re.split(r",\s*|\s+and\s+", " ".join(match.group(1).split())):
        found = re.search(r"builder\.(\w+)", name)
        if found:
            allowed.add(found.group(1))
        elif name not in ("the base modules only", ""):
            allowed.add(name.strip())
    return allowed


def _imported(path: Path) -> set[str]:
    """The first part after builder. of every module path imports (at any depth of the code)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("builder."):
            names.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            names |= {alias.name.split(".")[1] for alias in node.names if alias.name.startswith("builder.")}
    return names


@pytest.mark.parametrize("package", _packages(), ids=lambda path: path.name)
def test_a_package_imports_only_what_it_says(package):
    allowed = _allowed(package) | BASE | {package.name}
    unknown = sorted(name for name in allowed - BASE - {package.name} if not (BUILDER / name).exists()
                     and not (BUILDER / f"{name}.py").exists())
    assert not unknown, f"{package.name}/__init__.py names packages that do not exist: {unknown}"
    wrong = {f"{path.relative_to(BUILDER)}: builder.{name}" for path in package.rglob("*.py")
             for name in _imported(path) - allowed}
    assert not wrong, f"imports that {package.name}/__init__.py does not allow: {sorted(wrong)}"


def test_the_base_modules_import_no_stage():
    for name in BASE - {"__init__"}:
        assert _imported(BUILDER / f"{name}.py") <= BASE, name


def test_every_folder_of_code_is_a_package_with_its_docstring():
    for folder in BUILDER.iterdir():
        if folder.is_dir() and folder.name != "__pycache__" and any(folder.glob("*.py")):
            assert (folder / "__init__.py").is_file(), folder.name


def test_the_pipeline_reads_in_order():
    """A package never imports one that comes after it in the pipeline, so the order holds."""
    order = ["run", "config", "content", "markdown", "bib", "csl", "evidence", "site", "pdf", "serve"]
    assert sorted(path.name for path in _packages()) == sorted(order)
    for index, name in enumerate(order):
        later = set(order[index + 1:])
        assert not (_allowed(BUILDER / name) & later), name


def test_no_module_is_longer_than_a_reader_takes_in():
    long = {str(path.relative_to(BUILDER)): lines for path in BUILDER.rglob("*.py")
            if (lines := len(path.read_text(encoding="utf-8").splitlines())) > LONGEST}
    assert not long, f"modules over {LONGEST} lines: {long}"
