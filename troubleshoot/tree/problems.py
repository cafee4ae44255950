"""A problem found in a tree file, located as ``path:line:col``."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong (or suspicious) in a tree file; line and column count from 1."""

    path: str
    line: int
    col: int
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        tag = "" if self.severity is Severity.ERROR else "warning: "
        return f"{self.path}:{self.line}:{self.col}: {tag}{self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "severity": str(self.severity),
            "message": self.message,
        }
