"""Consoles for people (Rich, respects NO_COLOR) and plain output for machines.

Every console here shows control characters visibly (`printable`), whatever it is given to print:
no text from a tree, an agent or a customer reaches the terminal as an escape sequence.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Any

import typer

from troubleshoot.printable import printable

if TYPE_CHECKING:
    from rich.console import Console


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"


def _guarded(console: Console) -> Console:
    """`console`, with the text of everything it prints passed through `visible`."""
    from rich.console import RenderHook
    from rich.segment import Segment

    class Visible:
        def __init__(self, renderable: Any) -> None:
            self.renderable = renderable

        def __rich_console__(self, console: Console, options: Any) -> Any:
            for segment in console.render(self.renderable, options):
                if segment.control or not segment.text:
                    yield segment
                else:
                    yield Segment(printable(segment.text), segment.style)

    class Guard(RenderHook):
        def process_renderables(self, renderables: list[Any]) -> list[Any]:
            return [Visible(r) for r in renderables]

    console.push_render_hook(Guard())
    return console


@cache
def console() -> Console:
    """Standard output for people. A closed output (``| head``) raises `BrokenPipeError`, so a
    running session can pause itself and say so (Rich would exit at once)."""
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError("the output was closed")

    return _guarded(_Console(highlight=False))


@cache
def err_console() -> Console:
    from rich.console import Console

    return _guarded(Console(stderr=True, highlight=False))


def print_error(message: str) -> None:
    err_console().print(f"Error: {message}", markup=False, highlight=False, soft_wrap=True)


def echo(text: str, err: bool = False, nl: bool = True) -> None:
    """Plain text for people, control characters shown visibly."""
    typer.echo(printable(text), err=err, nl=nl)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
