"""The command line: thin Typer commands over `tree`, `session` and `cases`.

Every `TroubleshootError` raised by a command becomes ``Error: <message>`` on stderr and exit 1,
in one place (`app._Group.invoke`). Importing this package registers every command on `app`.
"""

from __future__ import annotations

from troubleshoot.cli import authoring, cases, export, push, review, sessions, stats
from troubleshoot.cli.app import app

__all__ = [
    "app",
    "authoring",
    "cases",
    "export",
    "main",
    "push",
    "review",
    "sessions",
    "stats",
]


def main() -> None:
    """The `troubleshoot` console script."""
    app()
