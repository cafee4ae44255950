"""The command line: thin Typer commands over `tree`, `session` and `cases`.

Every `TroubleshootError` raised by a command becomes ``Error: <message>`` on stderr and exit 1,
in one place (`app._Group.invoke`). A command's module is imported only when the command is
needed (`cli/commands.py` says which module defines each command), so `--help` stays fast.
"""

from __future__ import annotations

from troubleshoot.cli.app import app

__all__ = ["app", "main"]


def main() -> None:
    """The `troubleshoot` console script."""
    app()
