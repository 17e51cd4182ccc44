"""builder/run/cache.py: a cache is bound to its folder; CI may vouch for one it restored."""

import shutil

from builder.build import build
from builder.run.cache import TRUST_VARIABLE
from helpers import write


def _publication(root):
    write(root / "dossier.yml", "title: T\n")
    write(root / "content" / "articles" / "a.md", "---\ntitle: A\ndate: 2016-01-01\n---\n\nBody.\n")
    return root


def _entries(root):
    return sorted(path.relative_to(root / ".dossier-cache").as_posix()
                  for path in (root / ".dossier-cache" / "body").rglob("*.json"))


def _restore(root):
    """What actions/cache does between two runs: the same folder name, a new folder (a new inode)."""
    cache = root / ".dossier-cache"
    restored = root.parent / "restored-cache"
    shutil.copytree(cache, restored)         # made while the old one exists, so never its inode
    shutil.rmtree(cache)
    restored.rename(cache)


def test_a_cache_restored_by_ci_is_used_when_the_workflow_vouches_for_it(tmp_path, monkeypatch):
    root = _publication(tmp_path / "pub")
    build(root, pdf=False)
    entries = _entries(root)
    assert entries
    _restore(root)
    marker = write(root / ".dossier-cache" / "body" / "kept-by-trust", "")
    monkeypatch.setenv(TRUST_VARIABLE, "1")
    build(root, pdf=False)
    assert marker.exists() and _entries(root) == entries         # found in the cache, nothing made anew
    monkeypatch.delenv(TRUST_VARIABLE)
    build(root, pdf=False)
    assert marker.exists()                               # bound to its new folder: its own from now on


def test_without_the_variable_a_restored_cache_is_emptied(tmp_path, monkeypatch):
    root = _publication(tmp_path / "pub")
    build(root, pdf=False)
    _restore(root)
    marker = write(root / ".dossier-cache" / "body" / "kept-by-trust", "")
    monkeypatch.setenv(TRUST_VARIABLE, "yes")            # only "1" vouches
    build(root, pdf=False)
    assert not marker.exists()


def test_a_cache_of_another_version_is_emptied_even_when_vouched_for(tmp_path, monkeypatch):
    root = _publication(tmp_path / "first")
    build(root, pdf=False)
    stamp = root / ".dossier-cache" / "VERSION"
    stamp.write_text(stamp.read_text().replace("dossier ", "dossier 0.0.0-", 1))
    marker = write(root / ".dossier-cache" / "body" / "kept-by-trust", "")
    monkeypatch.setenv(TRUST_VARIABLE, "1")
    build(root, pdf=False)
    assert not marker.exists()
