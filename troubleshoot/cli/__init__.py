"""The command line: thin Typer commands over `tree`, `session` and `cases`.

Every `TroubleshootError` raised by a command becomes ``Error: <message>`` on stderr and exit 1,
in one place (`_Group.invoke`).
"""

from __future__ import annotations

from troubleshoot.cli.app import app


def main() -> None:
    """The `troubleshoot` console script."""
    from troubleshoot.cli import authoring, sessions  # noqa: F401 - registers the commands

    app()


__all__ = ["app", "main"]
