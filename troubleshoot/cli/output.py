"""Consoles for people (Rich, respects NO_COLOR) and plain output for machines."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"


@cache
def console() -> Console:
    """Standard output for people. A closed output (``| head``) raises `BrokenPipeError`, so a
    running session can pause itself and say so (Rich would exit at once)."""
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError("the output was closed")

    return _Console(highlight=False)


@cache
def err_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def print_error(message: str) -> None:
    err_console().print(f"Error: {message}", markup=False, highlight=False, soft_wrap=True)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
