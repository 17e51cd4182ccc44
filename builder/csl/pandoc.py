"""Pandoc's citeproc as a long-lived worker: CSL formatting and BibLaTeX -> CSL-JSON.

Pandoc's own engine is used because the output must match what Pandoc, Quarto and
R Markdown users get (see the citations issue for the measurements against
citeproc-py and citeproc-js); one `pandoc lua` process serves the whole build.
"""

from __future__ import annotations

import atexit
import importlib.util
import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from builder.text import UNPRINTABLE

_SCRIPT = Path(__file__).with_name("citeproc.lua")


class CiteprocError(Exception):
    """Pandoc refused a request; the message is pandoc's."""


@dataclass(frozen=True, slots=True)
class Formatted:
    citations: tuple[str, ...]                  # HTML of each cluster, in request order
    bibliography: tuple[tuple[str, str], ...]   # (key, entry HTML) in the style's order
    notes: tuple[str, ...] = ()                 # a note style: each cluster's footnote text ('' if it makes none)


def pandoc_path() -> str:
    """The pandoc binary shipped by pypandoc-binary, else one on PATH."""
    spec = importlib.util.find_spec("pypandoc")
    if spec and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            candidate = Path(location) / "files" / "pandoc"
            if candidate.exists():
                return str(candidate)
    found = shutil.which("pandoc")
    if found is None:
        raise CiteprocError("pandoc not found: install the Python package pypandoc-binary")
    return found


class Citeproc:
    """One pandoc worker process, started on first use and stopped at exit."""

    def __init__(self) -> None:
        self._process: subprocess.Popen | None = None
        self._busy = False      # a request is out and its answer not read (the build was interrupted)

    def _request(self, request: dict) -> dict:
        if self._process is None or self._process.poll() is not None:
            # pandoc's own warnings ("citation x not found") are the build's to give, in its words;
            # they are kept to explain a worker that stops
            self._stderr = tempfile.TemporaryFile()
            self._process = subprocess.Popen([pandoc_path(), "lua", str(_SCRIPT)], stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, stderr=self._stderr, text=True,
                                             encoding="utf-8")
            atexit.register(self.close)
        assert self._process.stdin and self._process.stdout
        self._busy = True
        self._process.stdin.write(json.dumps(request, ensure_ascii=False) + "\n")
        self._process.stdin.flush()
        line = self._process.stdout.readline()
        self._busy = False
        if not line:
            self.close()
            raise CiteprocError(f"the pandoc worker stopped unexpectedly{self._last_words()}")
        try:
            response = json.loads(line)
        except ValueError:
            self.close()
            raise CiteprocError(f"the pandoc worker answered something that is not JSON: {line[:200]!r}") from None
        if "error" in response:
            raise CiteprocError(response["error"])
        return response

    def convert(self, biblatex: str, lang: str = "en-US") -> list[dict]:
        """CSL-JSON items for BibLaTeX/BibTeX text, as pandoc reads it for a document in lang."""
        return self._request({"convert": biblatex, "lang": lang})["items"]

    def format(self, clusters: list[str], references: list[dict], style: Path, lang: str,
               nocite: bool = False, notes: list[dict] | None = None, keys: list[list[str]] | None = None,
               links: tuple[bool, bool] = (True, True), biblatex: str = "", apart: bool = False) -> Formatted:
        """Format citation clusters (Pandoc Markdown) and the bibliography of what they cite (nocite:
        of every reference). For a note style, notes places each cluster (citeproc.lua's
        format_notes) and keys are its keys. links: pandoc's link-citations and link-bibliography.
        apart: references holds no entry of biblatex (else pandoc reads biblatex to leave those out)."""
        import secrets

        request = {"clusters": clusters, "references": references, "style": str(style), "lang": lang,
                   "nocite": nocite, "separator": f"<!--{secrets.token_hex(12)}-->",
                   "link_citations": links[0], "link_bibliography": links[1],
                   "biblatex": UNPRINTABLE.sub("", biblatex),     # as printable_items leaves them out of CSL-JSON
                   "references_apart": apart}
        if notes is not None:
            request.update(notes=notes, keys=keys)
        response = self._request(request)
        return Formatted(tuple(c.strip() for c in response["citations"]),
                         tuple((b["id"], b["html"].strip()) for b in response["bibliography"]),
                         tuple(n.strip() for n in response.get("notes", ())))

    def _last_words(self) -> str:
        self._stderr.seek(0, 2)
        self._stderr.seek(max(0, self._stderr.tell() - 600))
        said = self._stderr.read().decode("utf-8", "replace").strip()
        return f": {said.splitlines()[-1]}" if said else ""

    def close(self) -> None:
        if self._process is not None:
            if self._busy:      # nobody will read the answer it is working on: stop it now
                self._process.kill()
            elif self._process.stdin:
                self._process.stdin.close()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
            self._busy = False
