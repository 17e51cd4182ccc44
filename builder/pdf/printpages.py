"""Each article's print HTML kept between builds by a digest of what it is made from
(.dossier-cache/pdf/print/), so that a build does not render every article's print page again to
find the few whose layout changed: at 1,000 articles that was ~3.8 s of a one-edit build's PDF
stage. A page is made from the print templates, the theme's words, the settings, the print CSS,
Dossier's code, the site's view and the article's (its body, metadata, pictures and language);
their digest names the kept page. A kept page that cannot be read is made again."""

from __future__ import annotations

import dataclasses
import gzip
import json
import zlib
from pathlib import Path
from typing import Callable

from builder.run.digests import digest_of
from builder.run.fingerprint import code_digest, theme_digest

FORMAT = 1
MAX_BYTES = 64 << 20        # a kept page larger than this once unpacked is not read


def _well_formed(kept: object) -> bool:
    """Whether kept is what get() writes: the page's HTML and, for each anchor, the keys it cites."""
    return (isinstance(kept, dict) and isinstance(kept.get("html"), str) and isinstance(kept.get("cited"), dict)
            and all(isinstance(keys, list) and all(isinstance(key, str) for key in keys)
                    for keys in kept["cited"].values()))


class PrintPages:
    """The kept print pages in folder; get() one, prune() those this build did not ask for."""

    def __init__(self, folder: Path, env, settings, css: str, site):
        self.folder = folder
        words = env.globals.get("words")
        templates = [Path(path) for path in getattr(env.loader, "searchpath", ())]
        # The settings but where the publication is and where each was written: a copy of it builds the same pages.
        settings = dataclasses.replace(settings, root=Path("."), positions={})
        self.key = digest_of([FORMAT, settings, words.signature() if words is not None else "",
                              theme_digest(templates), code_digest(), css, site])
        self.used: set[str] = set()

    def get(self, article, make: Callable[[], tuple[str, dict]]) -> tuple[str, dict]:
        """The article's print HTML and its anchors' citations: kept, or made by make() and kept."""
        digest = digest_of([self.key, article])
        self.used.add(digest)
        path = self.folder / f"{digest}.json.gz"
        try:
            with gzip.open(path) as stream:
                kept = json.loads(stream.read(MAX_BYTES + 1))
            if _well_formed(kept):
                return kept["html"], kept["cited"]
        except (OSError, ValueError, EOFError, zlib.error):
            pass        # unreadable or not what get() writes: made again, below
        html, cited = make()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            path.write_bytes(gzip.compress(json.dumps({"html": html, "cited": cited}).encode(), compresslevel=1, mtime=0))
        except OSError:
            pass    # the cache only saves time
        return html, cited

    def prune(self) -> None:
        """Delete the kept pages this build did not ask for: the cache holds the latest ones."""
        try:
            for path in self.folder.glob("*.json.gz"):
                if path.name.removesuffix(".json.gz") not in self.used:
                    path.unlink(missing_ok=True)
        except OSError:
            pass
