"""Where a build may put the site: the output folder, chosen and checked before anything is read."""

from __future__ import annotations

import os
from pathlib import Path

from builder.errors import BuildFailed, error
from builder.model import Settings
from builder.run.cache import CACHE_DIR
from builder.run.write import check_site_folder, is_site


def output_folder(settings: Settings, out: Path | None) -> Path:
    """The output folder, refused where a build would replace the publication, a folder holding
    it, its home folder, a folder of its sources or one Dossier did not build; refused before
    anything is read. Paths are compared resolved (links followed)."""
    root = settings.root.absolute()
    real_root = Path(os.path.realpath(root))
    if out is None and not _inside(root / settings.output, root):
        raise BuildFailed([error("dossier.yml", *settings.position("output"), f"'output' must be a folder inside the "
                                 f"publication, not '{settings.output}' (to build elsewhere, use --out)")])
    out_dir = (out if out is not None else root / settings.output).absolute()
    real = Path(os.path.realpath(out_dir))
    own = [real_root / name for name in ("content", "citations", "themes", CACHE_DIR, ".git")]
    home = Path(os.path.realpath(os.path.expanduser("~")))
    reason = ""
    if real == real_root or real_root.is_relative_to(real) or any(real.is_relative_to(p) for p in own):
        reason = "would overwrite the publication's own files"
    elif home.is_relative_to(real):
        reason = "is the home folder or holds it"
    if reason:
        where = settings.position("output") if out is None else (1, 1)
        raise BuildFailed([error("dossier.yml", *where, f"output folder {out_dir} {reason}: choose a folder of its own")])
    if out is None and not real.is_relative_to(real_root) and not is_site(real):
        # A link is content, as any file of the publication: it may lead to a site Dossier built
        # (a deploy folder), but never make a build write into a folder of someone else's.
        raise BuildFailed([error("dossier.yml", *settings.position("output"), f"output folder {settings.output} is a "
                                 f"link to {real}, outside the publication, which Dossier did not build: "
                                 f"build there once with --out {real}, or remove the link")])
    check_site_folder(out_dir, legacy=out is None)
    return out_dir


def _inside(path: Path, root: Path) -> bool:
    """Whether path, written relative to root, stays inside it (by its text: '..' parts count)."""
    return os.path.normpath(path).startswith(os.path.normpath(root) + os.sep)
