"""builder/cli.py: the commands, their exit codes, and plain output for CI."""

import os
import pty
import subprocess
import sys

from helpers import snapshot, write

BAD_DATE = "---\ntitle: Bad\ndate: 2016-13-45\n---\n\nBody.\n"


def test_build_writes_the_site_and_says_so(publication, cli):
    root = publication("minimal")
    result = cli("-C", root, "build", "--no-pdf")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Built 3 documents, ")
    assert f"files into {root / '_site'}/ in " in result.stdout
    assert result.stderr == ""
    assert (root / "_site" / "index.html").is_file()


def test_build_out_writes_elsewhere(publication, cli, tmp_path):
    root = publication("minimal")
    result = cli("-C", root, "build", "--no-pdf", "--out", tmp_path / "public")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "public" / "articles" / "alpha" / "index.html").is_file()
    assert not (root / "_site").exists()


def test_build_refuses_an_output_folder_inside_the_content(publication, cli):
    root = publication("minimal")
    before = snapshot(root)
    result = cli("-C", root, "build", "--no-pdf", "--out", root / "content" / "site")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"dossier.yml:1:1: error: output folder {root / 'content' / 'site'} would overwrite the publication's own files: "
        "choose a folder of its own",
        "1 error; nothing was written"]
    assert snapshot(root) == before


def test_build_drafts_flag(publication, cli):
    root = publication("minimal")
    result = cli("-C", root, "build", "--no-pdf", "--drafts")
    assert result.stdout.startswith("Built 4 documents, ")
    assert (root / "_site" / "articles" / "draft-notes" / "index.html").is_file()


def test_check_prints_warnings_and_succeeds(publication, cli):
    root = publication("minimal")
    with (root / "dossier.yml").open("a") as settings:
        settings.write("colour: blue\n")
    result = cli("-C", root, "check")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "dossier.yml:6:1: warning: unknown setting 'colour' (kept for templates; free keys belong under 'extra:')"]
    assert result.stdout == "Checked 3 documents: no errors\n"


def test_build_errors_exit_1_with_positions(publication, cli):
    root = publication("minimal")
    write(root / "content" / "articles" / "bad.md", BAD_DATE)
    result = cli("-C", root, "build", "--no-pdf")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "content/articles/bad.md:3:7: error: invalid date '2016-13-45': there is no month 13: use YYYY-MM-DD",
        "1 error; nothing was written"]
    assert not (root / "_site").exists()


def without_cache(files: dict[str, str]) -> dict[str, str]:
    return {path: digest for path, digest in files.items() if not path.startswith(".dossier-cache/")}


def test_check_writes_nothing_but_the_cache(publication, cli):
    root = publication("minimal")
    before = snapshot(root)
    result = cli("-C", root, "check")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Checked 3 documents: no errors\n"
    assert without_cache(snapshot(root)) == before


def test_check_reports_every_problem_and_exits_1(publication, cli):
    root = publication("broken")
    before = snapshot(root)
    result = cli("-C", root, "check")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "5 errors; nothing was written"
    assert len(result.stderr.splitlines()) == 7
    assert without_cache(snapshot(root)) == before


def test_check_drafts_checks_draft_bodies(publication, cli):
    root = publication("minimal")
    write(root / "content" / "articles" / "wip.md",
          "---\ntitle: WIP\ndate: 2016-01-01\ndraft: true\n---\n\nSee [x](missing.md).\n")
    assert cli("-C", root, "check").exit_code == 0
    result = cli("-C", root, "check", "--drafts")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == "content/articles/wip.md:7:9: error: link target 'missing.md' does not exist"


def test_no_publication_here(cli, tmp_path):
    result = cli("-C", tmp_path, "build", "--no-pdf")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "dossier.yml:1:1: error: no dossier.yml here: run `dossier init` or use -C DIR",
        "1 error; nothing was written"]


def test_new_starts_a_draft_article(publication, cli):
    root = publication("minimal")
    result = cli("-C", root, "new", "Kim Jong-un's 김정은 speech", env={"SOURCE_DATE_EPOCH": "1460073600"})
    assert result.exit_code == 0, result.output
    path = root / "content" / "articles" / "kim-jong-un-s-gimjeongeun-speech.md"   # Korean romanized
    assert result.stdout == f"Created {os.path.relpath(path)}\n"
    assert path.read_text(encoding="utf-8") == (
        "---\n"
        "title: \"Kim Jong-un's 김정은 speech\"\n"
        "date: 2016-04-08\n"
        "authors: [\"Test Author\"]\n"
        "tags: []\n"
        "summary: \"\"\n"
        "draft: true\n"
        "---\n\n"
        "Write the analysis here. Set `draft: false` to publish it.\n")
    assert cli("-C", root, "check", "--drafts").stdout == "Checked 5 documents: no errors\n"


def test_new_refuses_to_overwrite(publication, cli):
    root = publication("minimal")
    before = snapshot(root)
    result = cli("-C", root, "new", "Alpha")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "content/articles/alpha.md:1:1: error: an article with this name exists already",
        "1 error; nothing was written"]
    assert snapshot(root) == before


def test_new_refuses_a_title_without_letters(publication, cli):
    result = cli("-C", publication("minimal"), "new", "???")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == "<title>:1:1: error: the title gives an empty file name: use letters or digits"


def test_init_makes_a_publication_that_builds(cli, tmp_path):
    target = tmp_path / "ledger"
    result = cli("init", target, "--title", "Ledger & Co")
    assert result.exit_code == 0, result.output
    assert (target / "dossier.yml").read_text().startswith('title: "Ledger & Co"\n')
    for name in ("content/articles/first-analysis.md", "content/pages/about.md"):
        assert f"Created {os.path.relpath(target / name)}" in result.stdout.splitlines()
    assert (target / "content" / "assets").is_dir() and (target / "citations").is_dir()
    built = cli("-C", target, "build", "--no-pdf")
    assert built.exit_code == 0, built.output
    assert (target / "_site" / "articles" / "first-analysis" / "index.html").is_file()


def test_init_uses_the_c_folder(cli, tmp_path):
    assert cli("-C", tmp_path / "fresh", "init").exit_code == 0
    assert (tmp_path / "fresh" / "dossier.yml").is_file()


def test_help_and_version(cli):
    assert cli("--help").exit_code == 0
    result = cli("--version")
    assert (result.exit_code, result.stdout.startswith("dossier, version ")) == (0, True)


def run_on_terminal(args: list[str], env: dict) -> tuple[int, str]:
    """Run a command with a pseudo-terminal as stdout and stderr; (exit status, everything it printed)."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(args, stdin=terminal, stdout=terminal, stderr=terminal, env=env)
    os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:        # the terminal closes when the process ends
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    return process.wait(timeout=60), b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def build_command(root) -> list[str]:
    return [sys.executable, "-m", "builder", "-C", str(root), "build", "--no-pdf"]


def environment(**extra: str) -> dict:
    env = {key: value for key, value in os.environ.items() if key != "CI"}
    return {**env, **extra}


def test_a_terminal_gets_a_progress_display(publication):
    root = publication("minimal")
    status, output = run_on_terminal(build_command(root), environment())
    assert status == 0
    assert "\x1b[" in output


def test_ci_prints_plain_lines_without_traceback(publication):
    root = publication("minimal")
    write(root / "content" / "articles" / "bad.md", BAD_DATE)
    status, output = run_on_terminal(build_command(root), environment(CI="true"))
    assert status == 1
    assert output.splitlines() == [
        "content/articles/bad.md:3:7: error: invalid date '2016-13-45': there is no month 13: use YYYY-MM-DD",
        "1 error; nothing was written"]

    (root / "content" / "articles" / "bad.md").unlink()
    status, output = run_on_terminal(build_command(root), environment(CI="true"))
    assert status == 0
    assert "\x1b" not in output
    [line] = output.splitlines()
    assert line.startswith("Built 3 documents, ")


def test_python_m_builder_is_the_same_command(publication):
    root = publication("minimal")
    write(root / "content" / "articles" / "bad.md", BAD_DATE)
    result = subprocess.run([sys.executable, "-m", "builder", "-C", str(root), "check"],
                            capture_output=True, text=True, env=environment(), timeout=60)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == "content/articles/bad.md:3:7: error: invalid date '2016-13-45': there is no month 13: use YYYY-MM-DD"


# --- issue 16: commands where a user stands --------------------------------------------------------------

def test_commands_find_the_publication_in_a_folder_above(publication, cli, monkeypatch):
    root = publication("minimal")
    monkeypatch.chdir(root / "content" / "articles")
    result = cli("check")
    assert (result.exit_code, result.stdout) == (0, "Checked 3 documents: no errors\n")
    assert cli("-C", root / "content", "check").exit_code == 0


def test_the_search_for_dossier_yml_stops_at_a_git_repository(publication, cli, monkeypatch):
    root = publication("minimal")
    (root / "content" / ".git").mkdir()
    monkeypatch.chdir(root / "content" / "articles")
    result = cli("check")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "dossier.yml:1:1: error: no dossier.yml here: run `dossier init` or use -C DIR",
        "1 error; nothing was written"]


def test_init_starts_a_publication_where_it_is_run_not_above(publication, cli, monkeypatch):
    root = publication("minimal")
    (root / "sub").mkdir()
    monkeypatch.chdir(root / "sub")
    assert cli("init").exit_code == 0
    assert (root / "sub" / "dossier.yml").is_file()


def test_new_takes_a_slug(publication, cli):
    root = publication("minimal")
    result = cli("-C", root, "new", "북한 시장 동향", "--slug", "NK markets")
    assert result.exit_code == 0, result.output
    assert (root / "content" / "articles" / "nk-markets.md").read_text(encoding="utf-8").startswith(
        '---\ntitle: "북한 시장 동향"\n')
    assert cli("-C", root, "new", "북한 시장 동향").exit_code == 0
    assert (root / "content" / "articles" / "bukhan-sijang-donghyang.md").is_file()
    result = cli("-C", root, "new", "Title", "--slug", "???")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == "--slug:1:1: error: the slug gives an empty file name: use letters or digits"


# --- dossier snapshot, and the evidence check --list names --------------------------------------

def test_snapshot_saves_a_file_and_check_then_verifies_against_it(publication, cli, tmp_path):
    root = publication("evidence-basic")
    source = write(tmp_path / "downloads" / "kcna.txt", "Enterprises exercise their rights to manage production.\n")
    result = cli("-C", root, "snapshot", "kcna2015", "--from", source, "--date", "2016-09-06")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Saved citations/snapshots/kcna2015.md: 56 characters of the text at " f"{source}\n"
    assert (root / "citations" / "snapshots" / "kcna2015.md").read_text(encoding="utf-8") == (
        '---\nsaved: 2016-09-06\nfile: "kcna.txt"\n---\n\nEnterprises exercise their rights to manage production.\n')
    again = cli("-C", root, "snapshot", "kcna2015", "--from", source)
    assert again.exit_code == 1
    assert again.stderr.splitlines() == [
        "citations/snapshots/kcna2015.md:1:1: error: a saved copy of 'kcna2015' exists already: pass --force to replace it",
        "1 error; nothing was written"]
    assert cli("-C", root, "snapshot", "kcna2015", "--from", source, "--force").exit_code == 0


def test_snapshot_of_an_unknown_key_suggests_the_closest(publication, cli):
    root = publication("evidence-basic")
    result = cli("-C", root, "snapshot", "kcna2016")
    assert result.exit_code == 1
    assert result.stderr == ("error: no entry in citations/*.bib has the key 'kcna2016' "
                             "(did you mean 'kcna2015' or 'yonhap2016'?)\n")
    assert not (root / "citations" / "snapshots" / "kcna2016.md").exists()


def test_snapshot_refuses_a_file_address(publication, cli):
    root = publication("evidence-basic")
    result = cli("-C", root, "snapshot", "kcna2015", "--from", "file:///etc/hostname")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "file:///etc/hostname:1:1: error: cannot save a copy of 'kcna2015' from file:///etc/hostname: "
        "only http:// and https:// addresses are fetched",
        "1 error; nothing was written"]


def test_check_counts_evidence_whose_source_has_no_saved_copy(publication, cli, tmp_path):
    root = publication("evidence-basic")
    result = cli("-C", root, "check")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == ("3 evidence boxes quote 2 sources with no saved copy "
                                              "(--list names them): dossier snapshot KEY saves one")
    listed = cli("-C", root, "check", "--list")
    assert listed.stdout.splitlines()[-4:] == [
        "content/articles/loyalty.md:15:50: ostberg2015 (#ev-quota) has no saved copy",
        "content/articles/loyalty.md:19:38: kcna2015 (#ev-enterprise) has no saved copy",
        "content/articles/markets.md:21:36: ostberg2015 (#ev-no-grade) has no saved copy",
        "3 evidence boxes quote 2 sources with no saved copy: dossier snapshot KEY saves one"]
    write(tmp_path / "kcna.txt", "Enterprises exercise their rights to manage production.\n")
    assert cli("-C", root, "snapshot", "kcna2015", "--from", tmp_path / "kcna.txt").exit_code == 0
    assert cli("-C", root, "check").stdout.splitlines()[-1] == (
        "2 evidence boxes quote 1 source with no saved copy (--list names them): dossier snapshot KEY saves one")
