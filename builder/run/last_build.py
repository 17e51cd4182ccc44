"""What the last successful build read and wrote (.dossier-cache/last-build.json)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from builder.errors import Problem
from builder.run.fingerprint import output_fingerprint
from builder.run.write import replace_file


class LastBuild:
    """What the last successful build read and wrote, to recognise a rebuild with nothing to do."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self.data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.data = {}
        try:            # anything but what save() wrote is no record
            self.warnings = [Problem.from_record(p) for p in self.data["warnings"]]
        except (TypeError, KeyError, ValueError):
            self.data, self.warnings = {}, []

    def unchanged(self, fingerprint: str, out_dir: Path, search: bool = True) -> bool:
        """Whether the site in out_dir is what these inputs build; a build that indexes for search
        does not take one whose index was not remade (`dossier serve` indexes after the build)."""
        return (self.data.get("inputs") == fingerprint and out_dir.is_dir()
                and (not search or self.data.get("indexed", True))
                and self.data.get("output") == output_fingerprint(out_dir)[0])

    def listed(self, root: Path) -> list[Path]:
        """The files documents named in `bibliography:` (which may be outside content/ and citations/)."""
        return [root / path for path in self.data.get("listed", ()) if isinstance(path, str)]

    def save(self, fingerprint: str, out_dir: Path, warnings: list[Problem], documents: int, listed: list[str],
             indexed: bool = True, pdf: bool = True) -> None:
        output, files = output_fingerprint(out_dir)
        self.data = {"inputs": fingerprint, "output": output, "documents": documents,
                     "files": files, "warnings": [p.record() for p in warnings], "listed": listed, "indexed": indexed,
                     "pdf": pdf, "out": os.path.realpath(out_dir)}
        self._write()

    def without_pdfs(self, out_dir: Path) -> bool:
        """Whether the site in out_dir was built without PDFs (--no-pdf): its pages link none."""
        return self.data.get("pdf") is False and self.data.get("out") == os.path.realpath(out_dir)

    def indexed(self, out_dir: Path) -> None:
        """The site in out_dir has its search index remade since the build this records."""
        if self.data:
            self.data.update(output=output_fingerprint(out_dir)[0], indexed=True)
            self._write()

    def _write(self) -> None:
        try:
            replace_file(self.path, json.dumps(self.data).encode("utf-8"))
        except OSError:
            pass
