"""Problems found in the input, reported as `path:line:col: severity: message`."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One problem in one input file; line and col are 1-based."""

    path: str
    line: int
    col: int
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.severity.value}: {self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def record(self) -> list:
        """The problem as JSON data (the build cache, last-build.json)."""
        return [self.path, self.line, self.col, self.message, self.severity.value]

    @classmethod
    def from_record(cls, data: list) -> Problem:
        """A problem from record()'s data; ValueError if it is not such data."""
        if not (isinstance(data, list) and len(data) == 5 and all(isinstance(v, str) for v in (data[0], data[3]))
                and all(isinstance(v, int) for v in data[1:3])):
            raise ValueError(f"not a problem record: {data!r:.80}")
        return cls(data[0], data[1], data[2], data[3], Severity(data[4]))


def error(path: str | Path, line: int, col: int, message: str) -> Problem:
    return Problem(str(path), line, col, message, Severity.ERROR)


def warning(path: str | Path, line: int, col: int, message: str) -> Problem:
    return Problem(str(path), line, col, message, Severity.WARNING)


class BuildFailed(Exception):
    """Raised once, at the end of a stage, with every problem that stage found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=_reading_order)
        super().__init__("\n".join(str(p) for p in self.problems))


def _reading_order(problem: Problem) -> tuple:
    return (problem.path, problem.line, problem.col, problem.message)


def sorted_problems(problems: list[Problem]) -> list[Problem]:
    """Problems in the order a reader meets them: by file, then position."""
    return sorted(problems, key=_reading_order)


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset in text."""
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col
