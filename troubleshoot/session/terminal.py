"""Whether a person can answer prompts here, and the message when nobody can.

Kept apart from the launcher so a command can check it before importing anything heavy.
"""

from __future__ import annotations

import sys

from troubleshoot.errors import NoTerminal

RUN_HINT = "or give the answers in a file with --answers FILE (see the README)"
RESUME_HINT = "as resuming a session needs a person to answer"


def has_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def require_terminal(hint: str = RUN_HINT) -> None:
    """Refuse, saying what to do instead, when no person can answer prompts."""
    if not has_terminal():
        raise NoTerminal(
            f"there is no terminal to ask questions on: run this in a terminal, {hint}"
        )
