"""Errors meant for people: each message says what went wrong and what to do next.

The CLI turns every `TroubleshootError` into ``Error: <message>`` on stderr and exit code 1.
Anything else is a bug and is allowed to show a traceback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from troubleshoot.tree.problems import Problem


class TroubleshootError(Exception):
    """A problem the user can fix; the message is shown to them as it is."""


class TreeError(TroubleshootError):
    """A decision tree could not be loaded or is invalid."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class TreeNotFound(TroubleshootError):
    """No tree has the requested id."""


class AnswersError(TroubleshootError):
    """An answers or scenarios file does not fit the tree."""


class CaseLogError(TroubleshootError):
    """The case log cannot be used (locked, read-only, corrupt, too new, not supported)."""


class SessionChanged(TroubleshootError):
    """Another agent wrote to the same session at the same time."""

    @classmethod
    def by(cls, session_id: str, who: str | None) -> SessionChanged:
        """The refusal every backend gives when `who` changed the walk under the caller."""
        return cls(
            f"session {session_id} was changed by {who or 'another agent'} at the same time as "
            "you; nothing of yours after that was saved. Run 'troubleshoot resume "
            f"{session_id}' to see the session as it is now"
        )


class SessionNotFound(TroubleshootError):
    """No session has the requested id."""


class NoTerminal(TroubleshootError):
    """An interactive prompt was needed but there is no terminal."""


class OutputClosed(TroubleshootError):
    """The output went away mid-session (a closed pipe); the session was paused or had ended."""


class Paused(Exception):
    """The agent paused the session (or pressed Ctrl-C); it is saved and can be resumed.

    `status` is what the session was left as: ``paused``, or ``escalated`` when the next tier
    opened an escalated case and left before acting on it.
    """

    def __init__(self, session_id: str, interrupted: bool, status: str = "paused") -> None:
        super().__init__(session_id)
        self.session_id = session_id
        self.interrupted = interrupted
        self.status = status


class WrapUpInterrupted(Exception):
    """Ctrl-C (or the end of input) during the wrap-up: the case is closed in the log, but the
    note, follow-up and satisfaction were not given."""

    def __init__(self, session_id: str, closed: str, interrupted: bool) -> None:
        super().__init__(session_id)
        self.session_id = session_id
        self.closed = closed
        """How the case was closed: ``resolved: <outcome>`` or ``escalated to <tier>``."""
        self.interrupted = interrupted


class SearchError(TroubleshootError):
    """A full-text query the case log cannot parse."""
