"""How Markdown plugins report problems: into env, positioned in the source file."""

from __future__ import annotations

from builder.errors import Problem, Severity


def report(env: dict, line: int, col: int, message: str,
           severity: Severity = Severity.ERROR) -> None:
    """Record a problem at 0-based body line and 0-based column of the Markdown body."""
    env.setdefault("problems", []).append(
        Problem(env.get("path", "<string>"), env.get("line_offset", 0) + line + 1, col + 1,
                message, severity))


def inline_position(src_lines: list[str], block, offset: int) -> tuple[int, int]:
    """0-based body line and column of offset within an inline block's content.

    Block content drops list and quote markers, so the column is found by searching the
    source line from the content column onwards for the character at offset.
    """
    first = block.map[0] if block.map else 0
    content = block.content
    line = first + content.count("\n", 0, offset)
    col_in_content = offset - (content.rfind("\n", 0, offset) + 1)
    text = src_lines[line] if line < len(src_lines) else ""
    start = col_in_content + (block.meta or {}).get("source_column", 0)    # a grid table's cell
    col = text.find(content[offset:offset + 1], start) if offset < len(content) else -1
    return line, col if col != -1 else col_in_content
