"""The `CaseLog` protocol every backend implements, and `open_case_log` that picks the backend.

`session/` and `cli/` use the case log only through this protocol and the records of
`cases/records.py`; they never import a backend module nor name a table or column.
"""

from __future__ import annotations

import re
from types import TracebackType
from typing import TYPE_CHECKING, Protocol, Self

from troubleshoot.errors import CaseLogError

if TYPE_CHECKING:
    from troubleshoot.cases.records import (
        Ending,
        Event,
        Intake,
        SessionFilter,
        SessionPage,
        SessionRecord,
        SessionUpdate,
    )
    from troubleshoot.tree.model import Tree

POSTGRES_SCHEMES = ("postgresql", "postgres")


class CaseLog(Protocol):
    """Sessions and their events, durable at every write; close it (or use `with`)."""

    @property
    def target(self) -> str:
        """Where the log is, for messages (a file path, or a URL with its password masked)."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...

    def close(self) -> None: ...

    # -- writing -------------------------------------------------------------------------------

    def create_session(self, tree: Tree, intake: Intake, agent: str) -> str:
        """A new active session on `tree` (its sources are kept too); returns its id."""
        ...

    def append_event(self, session_id: str, event: Event, after: int | None = None) -> int:
        """Append one event in its own transaction; returns its sequence number.

        With `after` (the last event the caller knows of), raise `SessionChanged` when another
        process changed the walk of the session since (see `records.WALK_CHANGES`).
        """
        ...

    def update_session(self, session_id: str, update: SessionUpdate) -> None:
        """Change the fields of `update` that are not None."""
        ...

    def finish_session(
        self, session_id: str, event: Event, ending: Ending, after: int | None = None
    ) -> int:
        """The end event and the session's ending in one transaction; returns the event's seq."""
        ...

    # -- reading -------------------------------------------------------------------------------

    def get_session(self, ref: str) -> SessionRecord:
        """A session by id, a unique start of its id, or the random tail after its last '-';
        raises `SessionNotFound`."""
        ...

    def events(self, session_id: str) -> list[Event]:
        """Every event of a session, in order."""
        ...

    def resumable(self, limit: int = 50) -> SessionPage:
        """Active, paused and escalated sessions, latest first, with their total count."""
        ...

    def tree_sources(self, session: SessionRecord) -> dict[str, str]:
        """{path: text} of every file of the tree revision the session ran on, main file
        first (paths are relative to the trees folder; never trust them for writing)."""
        ...

    def similar(self, text: str, exclude: str | None = None, limit: int = 5) -> list[SessionRecord]:
        """Past sessions whose words overlap `text` enough, best first (full-text search)."""
        ...

    def list_sessions(self, filter: SessionFilter) -> list[SessionRecord]:
        """Sessions matching `filter`, latest started first."""
        ...


def mask_password(target: str) -> str:
    """`target` with the password of a URL replaced by ``***``."""
    return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", target)


def open_case_log(target: str) -> CaseLog:
    """The case log at `target`: a file path (or ``:memory:``) is SQLite; a
    ``postgresql://`` URL is a PostgreSQL server."""
    scheme, sep, _ = target.partition("://")
    if sep and scheme.lower() in POSTGRES_SCHEMES:
        raise CaseLogError(
            f"the case database {mask_password(target)}: PostgreSQL case logs are not "
            "supported yet; use --db with a file path"
        )
    if sep and re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", scheme):
        raise CaseLogError(
            f"the case database {mask_password(target)}: unknown kind of database "
            f"'{scheme}://'; use --db with a file path"
        )
    from troubleshoot.cases.sqlite import SQLiteCaseLog

    return SQLiteCaseLog(target)
