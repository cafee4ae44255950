"""The `CaseLog` protocol every backend implements, and `open_case_log` that picks the backend.

`session/` and `cli/` use the case log only through this protocol and the records of
`cases/records.py`; they never import a backend module nor name a table or column.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Protocol, Self

from troubleshoot.errors import CaseLogError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from troubleshoot.cases.export import ExportFormat
    from troubleshoot.cases.records import (
        Case,
        Ending,
        Event,
        FollowUp,
        Intake,
        SearchHit,
        SessionFilter,
        SessionPage,
        SessionRecord,
        SessionUpdate,
        StatsRows,
        TreeFile,
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
        self, session_id: str, event: Event, ending: Ending, *, after: int | None = None
    ) -> int:
        """The end event and the session's ending in one transaction; returns the event's seq."""
        ...

    def copy_session(
        self,
        session: SessionRecord,
        *,
        events: Sequence[Event],
        trees: Sequence[TreeFile],
        after: int | None,
    ) -> None:
        """Copy a session from another log in one transaction (for `cases push`): its fields,
        `events` with their own sequence numbers and times, and its tree files.

        `after` is the last event this log holds of it (None: this log lacks the session);
        raise `SessionChanged` when that is no longer so.
        """
        ...

    # -- reading -------------------------------------------------------------------------------

    def get_session(self, ref: str) -> SessionRecord:
        """A session by id, a unique start of its id, or a unique start of the random tail
        after its last '-' (see `cases/ids.py`); raises `SessionNotFound`."""
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

    def list_sessions(self, filter: SessionFilter) -> list[SessionRecord]:
        """Sessions matching `filter`, latest started first."""
        ...

    def count_sessions(self, filter: SessionFilter) -> int:
        """How many sessions match `filter` (its limit included)."""
        ...

    def search(
        self, query: str, filter: SessionFilter, *, in_events: bool = True
    ) -> list[SearchHit]:
        """Sessions whose customer words, ticket, summary, notes, prompts or answers match the
        full-text `query` (the backend's query syntax), best first, with a snippet each;
        `in_events=False` searches the sessions' own text only (not prompts and answers).
        Raises `SearchError` for a query the backend cannot parse."""
        ...

    def iter_cases(self, filter: SessionFilter, *, with_events: bool = True) -> Iterator[Case]:
        """Sessions matching `filter` with their events (none with `with_events=False`),
        latest started first, read in batches: memory stays flat however large the log."""
        ...

    def export_records(self, filter: SessionFilter, format: ExportFormat) -> Iterator[str]:
        """What `cases/export.py`'s `case_records` writes for the cases `filter` selects (CSV
        per session, or JSON lines; `format` is one of its `RECORD_FORMATS`), possibly built by
        the database itself: the CSV bytes are the same, the JSON parses the same."""
        ...

    def stats(self, filter: SessionFilter) -> StatsRows:
        """The aggregates of `troubleshoot stats`, per tree and revision, computed by the
        database (superseded answers are not counted)."""
        ...

    # -- follow-ups ----------------------------------------------------------------------------

    def follow_ups(self, due_by: str | None) -> list[FollowUp]:
        """With `due_by` (an ISO date): follow-ups not yet done that are due that day or
        earlier, earliest first; with None: every session with a follow-up date."""
        ...

    def record_follow_up(self, session_id: str, event: Event, satisfaction: int | None) -> int:
        """Append a `followup` event and set the session's satisfaction (when not None) in
        one transaction; returns the event's seq."""
        ...


def mask_password(target: str) -> str:
    """`target` with the password of a URL (in its user part or a ``password=`` parameter)
    replaced by ``***``."""
    masked = re.sub(r"(://[^:/@?#]*:)[^@/?#]*@", r"\1***@", target)
    return re.sub(r"([?&]password=)[^&#]*", r"\1***", masked, flags=re.IGNORECASE)


def open_case_log(target: str) -> CaseLog:
    """The case log at `target`: a file path (or ``:memory:``) is SQLite; a
    ``postgresql://`` URL is a PostgreSQL server."""
    scheme, sep, _ = target.partition("://")
    if sep and scheme.lower() in POSTGRES_SCHEMES:
        from troubleshoot.cases.postgres import PostgresCaseLog

        return PostgresCaseLog(target)
    if sep and re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", scheme):
        raise CaseLogError(
            f"the case database {mask_password(target)}: unknown kind of database "
            f"'{scheme}://'; use --db with a file path or a postgresql:// URL"
        )
    from troubleshoot.cases.sqlite import SQLiteCaseLog

    return SQLiteCaseLog(target)
