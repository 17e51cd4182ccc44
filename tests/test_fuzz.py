"""The whole command line against mutated publications: never a traceback, never a hang, never a
write, delete or read outside the publication's own output.

Each example starts from a small publication (two articles with citations and an evidence box,
a page, a .bib, a saved source), applies one to three mutations drawn from a seeded generator
— hostile front matter, ids, keys, names, .bib blocks, settings, control characters, links out
of the folder, odd file names — and runs one or two commands. It asserts:

- the exit status is 0 or 1, and no exception escapes (the runner does not catch them);
- every command ends within its time limit;
- nothing outside the publication changed, and inside it only what the command is for
  (`_site/`, `.dossier-cache/`; citations/ for `cite fmt`; content/articles/ for `new`);
- no file of the built site holds the text of a file outside the publication.

    DOSSIER_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest tests/test_fuzz.py -q   # a long run
    DOSSIER_FUZZ_SEED=1234 ...                                                     # one example again

CI runs DEFAULT_EXAMPLES examples from a fixed start, so a failure names its seed.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli import main
from helpers import time_limit, write

DEFAULT_EXAMPLES = 120
TIME_LIMIT = 90          # seconds per command, generous for a loaded 2-core CI machine
CANARY = "CANARY-4f1d2b9e"

HOSTILE = ["..", ".", "../../../ESCAPED", "../outside/canary.txt", "/etc/passwd", "index.html", "feed.xml", "!!!",
           "", " ", "\x00", "\x0c", "\x0b", "\x07", "\x1b[31m", "\u2028", "\ufeff", "\ufffe", "가나다", "a" * 300,
           "{", "}", "@", "[@kim2016", "::: ", "<script>alert(1)</script>", "%2e%2e%2f", "~", "C:\\x", "9" * 5000,
           "'", '"', "#", "---", "\\", "\u202e", "ev-a", "main", "fn1", "kim2016", "a/b", "$HOME", "*", "?", "\n"]

SNIPPETS = ["[@kim2016]", "[@nokey]", "@ev-a", "@fig-x", "@tbl-y", "{#x}", "\n:::\n", "\n::: {.evidence #ev-b source=kim2016}\nq\n:::\n",
            "[^1]", "\n[^1]: n\n", "<div>", "</div>", "`code`", "\x0c", "\x0b", "\x00", "![x](../../../outside/canary.svg)",
            "[x](/etc/passwd)", "[x](../../../outside/canary.txt)", "\n## H {#main}\n", "\n## H {#ev-a}\n", "$$", "\\", "\n---\n",
            "<abbr title=x>A</abbr>", "\n| a | b |\n|---|---|\n| 1 | 2 |\n\n: Cap {#tbl-y}\n", "[-@kim2016, p. 3]",
            "<img src=x onerror=alert(1)>", "[see @kim2016; @lee2015]", "\n```\n", "{.evidence}", "\u202e", "&#0;"]

BIB_BLOCKS = ["@book{loop, crossref = {loop}, title = {L}}", "@book{la, crossref = {lb}}\n@book{lb, crossref = {la}}",
              "@book{xd, xdata = {xd}}", "@book(paren, title = {P}, year = 2000)", "@book{unbalanced, title = {A {b}",
              "@string{s0 = {ab}}\n" + "".join(f"@string{{s{i} = s{i - 1} # s{i - 1}}}\n" for i in range(1, 8)) + "@misc{big, title = s7}",
              "@book{../../x, title = {Path}}", "@book{index.html, title = {Index}}", "@notatype{odd, title = {O}}",
              "@book{ctrl, title = {a\x0cb\x07c}}", "@book{huge, title = {" + "x" * 100_000 + "}}", "@book{nokey}",
              "@comment{c}", "@preamble{\"\\newcommand\"}", "@book{bad, title = {$x}, doi = {nope}, url = {javascript:x}}",
              "@book{kim2016, title = {Duplicate}}", "@book{utf, author = {\\\"{O}zt\\\"{u}rk, \\c{C}}, title = {\\unknown{x}}}",
              "%% a comment", "@", "@book{", "@book{e, date = {2016-13-45}, year = {MMXVI}}"]

SETTINGS = ["title", "output", "csl", "theme", "menu", "pdf", "language", "base_url", "index_articles", "unsafe_html",
            "authors", "extra", "description"]

FRONT_KEYS = ["title", "date", "updated", "authors", "tags", "summary", "subtitle", "draft", "evidence", "corrections"]

FILE_NAMES = ["index.html.md", "..md", "-.md", "가.md", "a b.md", "UPPER.MD", "x\x01y.md", ".hidden.md", "a.md~",
              "feed.xml.md", "sub/nested.md", "404.md", "a" * 200 + ".md"]


def base_publication(root: Path) -> None:
    write(root / "dossier.yml", 'title: "Fuzzed"\nbase_url: https://example.org/fz/\nauthors: [Ana Lyst]\n')
    write(root / "content" / "articles" / "a.md",
          "---\ntitle: Markets\ndate: 2016-04-08\nauthors: [Ana Lyst]\ntags: [markets, 북한]\nsummary: Short.\n---\n\n"
          "## Findings\n\nTraders grew bolder [@kim2016, p. 3]. @lee2015 disagrees.[^1]\n\n"
          "::: {.evidence #ev-a source=kim2016 date=2016-03-14 grade=B2}\nTraders now set prices themselves.\n:::\n\n"
          "See @ev-a.\n\n[^1]: A note.\n")
    write(root / "content" / "articles" / "b.md",
          "---\ntitle: Cadres\ndate: 2016-05-01\ntags: [elites]\n---\n\nLoyalty frays [see @lee2015, ch. 2].\n")
    write(root / "content" / "pages" / "about.md", "---\ntitle: About\n---\n\nWho we are.\n")
    write(root / "content" / "assets" / "map.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>\n')
    write(root / "citations" / "sources.bib",
          "@book{kim2016, title = {Markets}, author = {Kim, A.}, year = {2016}}\n\n"
          "@article{lee2015, title = {Cadres}, author = {Lee, B.}, journal = {J}, year = {2015}}\n")
    write(root / "citations" / "snapshots" / "kim2016.txt", "Saved: 2016-03-15\n\nTraders now set prices themselves.\n")


def outside_folder(folder: Path) -> None:
    write(folder / "canary.txt", CANARY + "\n")
    write(folder / "canary.svg", f'<svg xmlns="http://www.w3.org/2000/svg"><text>{CANARY}</text></svg>\n')
    write(folder / "canary.bib", f"@book{{canary, title = {{{CANARY}}}, year = {{2016}}}}\n")
    write(folder / "canary.csl", f"<style>{CANARY}</style>\n")
    write(folder / "dir" / "canary.md", f"---\ntitle: {CANARY}\ndate: 2016-01-01\n---\n\n{CANARY}\n")


# --- Mutations: each takes (rng, root, outside) and changes the publication ------------------

def _yaml_value(rng: random.Random) -> str:
    text = rng.choice(HOSTILE)
    return rng.choice([json.dumps(text), json.dumps([text, rng.choice(HOSTILE)]), json.dumps({"name": text}),
                       text.replace("\n", " ") or "''", "[" + text + "]", "{x: [y]}", "null", "2016-02-30", "-1"])


def mutate_front_matter(rng, root, outside):
    path = root / "content" / "articles" / rng.choice(["a.md", "b.md"])
    text = path.read_text(encoding="utf-8")
    key = rng.choice(FRONT_KEYS)
    line = f"{key}: {_yaml_value(rng)}\n"
    parts = text.split("---\n", 2)
    if len(parts) < 3:          # an earlier mutation broke the front matter already
        return
    head, rest = parts[1], parts[2]
    lines = [l for l in head.splitlines(keepends=True) if not l.startswith(f"{key}:")]
    lines.insert(rng.randrange(len(lines) + 1), line)
    path.write_text("---\n" + "".join(lines) + "---\n" + rest, encoding="utf-8")


def mutate_evidence(rng, root, outside):
    path = root / "content" / "articles" / "a.md"
    attributes = {"id": "#" + rng.choice(HOSTILE).replace(" ", "").replace("}", ""),
                  "source": "source=" + rng.choice(["kim2016", "lee2015", "nokey", "../../x", "", "index.html"]),
                  "grade": "grade=" + rng.choice(["B2", "Z9", "", "b2", "\x07"]),
                  "extra": rng.choice(['locator="p. 3"', "translated=ko", 'url="javascript:x"', 'id=".."',
                                       'archived="file:///etc/passwd"', "note=" + json.dumps(rng.choice(HOSTILE))])}
    chosen = " ".join(value for value in attributes.values() if rng.random() < 0.8)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("{.evidence #ev-a source=kim2016 date=2016-03-14 grade=B2}",
                                 "{.evidence " + chosen + "}"), encoding="utf-8")


def mutate_body(rng, root, outside):
    path = root / "content" / "articles" / rng.choice(["a.md", "b.md"])
    text = path.read_text(encoding="utf-8")
    start = text.index("---\n", 4) + 4
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(start, len(text) + 1)
        snippet = rng.choice(SNIPPETS) if rng.random() < 0.8 else "".join(rng.choice("[]{}@#:.-/\\`*_<>!|~\x0c\n ")
                                                                          for _ in range(rng.randint(1, 12)))
        text = text[:at] + snippet + text[at:]
    path.write_text(text, encoding="utf-8")


def mutate_bib(rng, root, outside):
    path = root / "citations" / rng.choice(["sources.bib", "more.bib"])
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    path.write_text(text + "\n" + rng.choice(BIB_BLOCKS) + "\n", encoding="utf-8")


def mutate_settings(rng, root, outside):
    path = root / "dossier.yml"
    key = rng.choice(SETTINGS)
    value = rng.choice([_yaml_value(rng), "../outside", str(outside), "../outside/canary.csl", "styles/x.csl",
                        "{variant: [x]}", "{order: [{x: y}]}", "{cover_image: ../outside/canary.svg}", "_site/x"])
    lines = [l for l in path.read_text(encoding="utf-8").splitlines(keepends=True) if not l.startswith(f"{key}:")]
    path.write_text("".join(lines) + f"{key}: {value}\n", encoding="utf-8")


def mutate_link(rng, root, outside):
    """Replace a file or folder of the publication by a link: out of it, to nothing, or to itself."""
    target = rng.choice([root / "content" / "articles" / "b.md", root / "citations" / "sources.bib",
                         root / "citations" / "snapshots" / "kim2016.txt", root / "content" / "assets" / "map.svg",
                         root / "content" / "pages", root / "citations" / "snapshots", root / "_site"])
    to = rng.choice([outside / "canary.txt", outside / "canary.bib", outside / "dir", outside / "missing",
                     target, root / "content", outside])
    if target.is_dir() and not target.is_symlink():
        import shutil
        shutil.rmtree(target)
    elif target.exists() or target.is_symlink():
        target.unlink()
    target.symlink_to(to)


def mutate_file_name(rng, root, outside):
    name = rng.choice(FILE_NAMES)
    folder = rng.choice(["articles", "pages"])
    write(root / "content" / folder / name, f"---\ntitle: {json.dumps(name)}\ndate: 2016-06-01\n---\n\nBody [@kim2016].\n")


def mutate_snapshot(rng, root, outside):
    path = root / "citations" / "snapshots" / rng.choice(["kim2016.txt", "kim2016.md", "lee2015.html", "..txt"])
    content = rng.choice(["", "\x00\x0c", "Saved: 2016-99-99\n", "---\nsaved: [x]\n---\n", "<script>x</script>",
                          "[x] " * 200, "Traders … now … set " * 50, "\ufeff" + CANARY[:3]])
    if path.is_symlink():
        path.unlink()
    write(path, content)


MUTATIONS = [mutate_front_matter, mutate_evidence, mutate_body, mutate_bib, mutate_settings, mutate_link,
             mutate_file_name, mutate_snapshot]

COMMANDS = [(["build", "--no-pdf"], 6), (["check"], 2), (["cite", "check"], 2), (["cite", "fmt"], 1),
            (["cite", "unused"], 1), (["cite", "where", "kim2016"], 1), (["new", "A new one"], 1)]


# --- What a command may change ------------------------------------------------------------------

def tree(folder: Path) -> dict[str, str]:
    """Every entry under folder -> its bytes' digest, 'dir', or 'link:TARGET' (links are not followed)."""
    result = {}
    for directory, folders, files in os.walk(folder):
        for name in folders + files:
            path = Path(directory) / name
            key = path.relative_to(folder).as_posix()
            if path.is_symlink():
                result[key] = "link:" + os.readlink(path)
            elif path.is_dir():
                result[key] = "dir"
            else:
                result[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return result


def allowed(command: list[str], root: Path) -> tuple[str, ...]:
    """Paths under the fuzz folder a command may change: the output folder dossier.yml names
    (inside the publication; one outside is refused), the cache, and what the command is for."""
    pub = root.name
    paths = (f"{pub}/_site", f"{pub}/._site.", f"{pub}/.dossier-cache")
    output = _output_setting(root)
    if output:
        output = os.path.normpath(f"{pub}/{output}")
        parent, name = os.path.split(output)
        paths += (output + "/", f"{parent}/.{name}.")
        while parent and parent != pub:     # the folders made to hold it, and the site itself
            paths += (parent + "\0",)
            parent = os.path.dirname(parent)
        paths += (output + "\0",)
    if command[:2] == ["cite", "fmt"]:
        paths += (f"{pub}/citations/",)
    if command[0] == "new":
        paths += (f"{pub}/content/articles/",)
    return paths


def _output_setting(root: Path) -> str:
    import yaml

    try:
        settings = yaml.safe_load((root / "dossier.yml").read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError):
        return ""
    output = settings.get("output") if isinstance(settings, dict) else None
    return output if isinstance(output, str) else ""


def changed(before: dict, after: dict, allowed_paths: tuple[str, ...]) -> list[str]:
    keys = set(before) | set(after)
    exact = {path[:-1] for path in allowed_paths if path.endswith("\0")}
    prefixes = tuple(path for path in allowed_paths if not path.endswith("\0"))
    return sorted(k for k in keys if before.get(k) != after.get(k) and k not in exact and not k.startswith(prefixes))


def leaked(site: Path) -> list[str]:
    """Files of the built site that hold the text of a file outside the publication."""
    if not site.is_dir() or site.is_symlink():
        return []
    found = []
    for path in sorted(p for p in site.rglob("*") if p.is_file() and not p.is_symlink()):
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        if CANARY.encode() in data:
            found.append(path.relative_to(site).as_posix())
    return found


def run_example(seed: int, folder: Path) -> None:
    rng = random.Random(seed)
    root, outside = folder / "pub", folder / "outside"
    base_publication(root)
    outside_folder(outside)
    applied = [rng.choice(MUTATIONS) for _ in range(rng.randint(1, 3))]
    for mutation in applied:
        try:
            mutation(rng, root, outside)
        except (OSError, ValueError):   # an earlier mutation made a link of the file, or broke its front matter
            pass
    commands = [rng.choices([c for c, _ in COMMANDS], weights=[w for _, w in COMMANDS])[0]
                for _ in range(rng.randint(1, 2))]
    for command in commands:
        before = tree(folder)
        what = f"seed {seed} ({', '.join(m.__name__ for m in applied)}): dossier {' '.join(command)}"
        with time_limit(TIME_LIMIT, what):
            result = CliRunner().invoke(main, ["-C", str(root), *command], catch_exceptions=False)
        assert result.exit_code in (0, 1), f"{what}: exit {result.exit_code}\n{result.output}"
        assert "Traceback" not in result.output, f"{what}:\n{result.output}"
        after = tree(folder)
        assert changed(before, after, allowed(command, root)) == [], f"{what}: changed outside its place"
        assert leaked(root / "_site") == [], f"{what}: the site holds text from outside the publication"


def _seeds() -> list[int]:
    if os.environ.get("DOSSIER_FUZZ_SEED"):
        return [int(os.environ["DOSSIER_FUZZ_SEED"])]
    count = int(os.environ.get("DOSSIER_FUZZ_EXAMPLES", DEFAULT_EXAMPLES))
    return list(range(1000, 1000 + count))


@pytest.mark.slow
@pytest.mark.parametrize("seed", _seeds())
def test_commands_on_a_mutated_publication(seed, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    run_example(seed, tmp_path)
