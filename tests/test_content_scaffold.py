"""builder/content/scaffold.py and starter.py: `dossier init` makes a publication that builds, verifies
its evidence and checks clean, and never replaces a file that is there."""

import os

import yaml

from helpers import broken_links, snapshot, write


def test_init_then_build_gives_a_verified_quote_and_no_warnings(cli, tmp_path):
    root = tmp_path / "pub"
    result = cli("init", root)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout.splitlines()[-1] == f"Next: cd {os.path.relpath(root)}, then dossier serve, and open the address it prints"
    for name in (".gitignore", ".github/workflows/publish.yml", "citations/references.bib",
                 "citations/snapshots/gazette2023.md", "content/articles/first-analysis.md",
                 "content/pages/about.md", "content/pages/methodology.md", "dossier.yml"):
        assert f"Created {os.path.relpath(root / name)}" in result.stdout.splitlines(), name
    assert (root / ".gitignore").read_text().splitlines()[1:] == ["_site/", ".dossier-cache/"]
    assert (root / "citations" / "snapshots" / "gazette2023.md").read_text().startswith("---\nsaved: ")

    built = cli("-C", root, "build")
    assert built.exit_code == 0, built.output
    assert built.stderr == ""
    html = (root / "_site" / "articles" / "first-analysis" / "index.html").read_text(encoding="utf-8")
    assert "✓ verified against saved source" in html
    assert "differs from" not in html
    for cited in ("(Northfield Transport Office 2023)", "(Northfield Transport Office 2023, 3)",
                  "(see Lindqvist 2021, 18–20; also Osei 2019, ch. 2)", "(2019, 41)", "helped them (Evidence 1)."):
        assert cited in _text(html), cited
    assert "Lindqvist (2021) says" in _text(html)
    for page in ("about", "methodology"):
        assert (root / "_site" / page / "index.html").is_file()
    assert (root / "_site" / "pdf" / "first-analysis.pdf").is_file()
    assert broken_links(root / "_site", "https://example.org/") == []

    checked = cli("-C", root, "check")
    assert (checked.exit_code, checked.stderr) == (0, "")
    assert checked.stdout == "Checked 3 documents: no errors\n"         # no box without a saved copy
    cited = cli("-C", root, "cite", "check")
    assert (cited.exit_code, cited.stderr) == (0, "0 errors, 0 warnings\n")


def _text(html: str) -> str:
    """The page's text without its tags, to find what a reader reads."""
    import html as entities
    import re

    return " ".join(entities.unescape(re.sub(r"<[^>]+>", "", html)).split())


def test_the_workflow_builds_with_the_cache_kept_and_publishes_to_pages(cli, tmp_path):
    assert cli("init", tmp_path).exit_code == 0
    workflow = yaml.safe_load((tmp_path / ".github" / "workflows" / "publish.yml").read_text())
    triggers = workflow.get("on", workflow.get(True))       # YAML 1.1 reads the key `on` as true
    assert triggers["push"] == {"branches": ["main"]}
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    steps = workflow["jobs"]["build"]["steps"]
    uses = [step.get("uses", "").split("@")[0] for step in steps]
    assert uses.index("actions/checkout") < uses.index("actions/cache") < uses.index("actions/upload-pages-artifact")
    cache = steps[uses.index("actions/cache")]
    assert cache["with"]["path"].split() == [".dossier-cache", "_site"]
    assert cache["with"]["key"].startswith("dossier-${{ runner.os }}-")
    removal = next(index for index, step in enumerate(steps) if step.get("run") == "rm -rf .dossier-cache _site")
    assert removal < uses.index("actions/cache")        # a cache committed to the repository is never used
    build = next(step for step in steps if step.get("run") == "dossier build")
    assert build["env"] == {"DOSSIER_TRUST_CACHE": "1"}
    assert steps[uses.index("actions/upload-pages-artifact")]["with"] == {"path": "_site"}
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert [step["uses"].split("@")[0] for step in deploy["steps"]] == ["actions/deploy-pages"]


def test_init_keeps_an_article_and_a_gitignore_it_finds_and_says_so(cli, tmp_path):
    root = tmp_path / "pub"
    write(root / "content" / "articles" / "first-analysis.md", "---\ntitle: Mine\ndate: 2020-01-02\n---\n\nMy words.\n")
    write(root / ".gitignore", "*.log\n")
    before = snapshot(root)
    result = cli("init", root)
    assert result.exit_code == 0, result.output
    for name in (".gitignore", "content/articles/first-analysis.md"):
        assert f"Kept {os.path.relpath(root / name)} as it was" in result.stdout.splitlines()
        assert snapshot(root)[name] == before[name]
    assert f"Created {os.path.relpath(root / 'dossier.yml')}" in result.stdout.splitlines()
    built = cli("-C", root, "build", "--no-pdf")
    assert (built.exit_code, built.stderr) == (0, "")


def test_init_in_a_publication_adds_only_missing_setup_files(publication, cli):
    root = publication("minimal")
    before = snapshot(root)
    result = cli("init", root)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"Created {os.path.relpath(root / '.gitignore')}",
        f"Created {os.path.relpath(root / '.github' / 'workflows' / 'publish.yml')}",
        f"Kept {os.path.relpath(root / 'dossier.yml')} as it was",
        "A publication exists here: only missing setup files were added; its content was left alone"]
    after = snapshot(root)
    assert {name: digest for name, digest in after.items() if name in before} == before
    assert sorted(set(after) - set(before)) == [".github/", ".github/workflows/", ".github/workflows/publish.yml",
                                                ".gitignore"]
    again = cli("init", root)
    assert again.stdout.splitlines()[-1] == "A publication exists here: it has every setup file; nothing was changed"
    assert snapshot(root) == after
