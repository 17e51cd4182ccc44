"""How Markdown plugins report problems: into env, positioned in the source file."""

from __future__ import annotations

from builder.errors import Problem, Severity


def report(env: dict, line: int, col: int, message: str,
           severity: Severity = Severity.ERROR) -> None:
    """Record a problem at 0-based body line and 0-based column of the Markdown body."""
    env.setdefault("problems", []).append(
        Problem(env.get("path", "<string>"), env.get("line_offset", 0) + line + 1, col + 1,
                message, severity))
