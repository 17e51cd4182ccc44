"""Where the theme is: the publication's own folder first, then the default theme shipped with
Dossier (apart from site/theme.py, which reads it, so that finding it imports no template engine)."""

from __future__ import annotations

from pathlib import Path

from builder.model import Settings

_PACKAGE_THEME = Path(__file__).parent.parent / "themes" / "default"
_REPOSITORY_THEME = Path(__file__).parent.parent.parent / "themes" / "default"


def shipped_theme_dir() -> Path:
    """The default theme: inside the installed package, or the repository's themes/default."""
    return _PACKAGE_THEME if _PACKAGE_THEME.is_dir() else _REPOSITORY_THEME


def theme_dirs(settings: Settings) -> list[Path]:
    """Theme folders in lookup order; a file in an earlier folder overrides a later one."""
    dirs = []
    own = settings.theme_dir
    if own.is_dir():
        dirs.append(own)
    shipped = shipped_theme_dir()
    if not dirs or own.resolve() != shipped.resolve():
        dirs.append(shipped)
    return dirs
