"""The team case log: one PostgreSQL database, shared by every agent.

The same tables, records and behaviour as the SQLite log (`cases/sqlite.py`); the SQL that
differs is here and in `migrations.py`, the psycopg connection in `connection.py`. Each event
is its own transaction, appended under a row lock on its session, so sequence numbers stay
gap-free however many agents write at once.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from troubleshoot.cases import ids, words
from troubleshoot.cases.postgres.connection import Connection
from troubleshoot.cases.records import (
    RESUMABLE,
    WALK_CHANGES,
    Ending,
    Event,
    Intake,
    SessionFilter,
    SessionPage,
    SessionRecord,
    SessionUpdate,
    Status,
    TreeFile,
    now,
)
from troubleshoot.cases.rows import (
    SESSION_COLUMNS,
    copied_event_row,
    event_from_row,
    event_row,
    filter_clause,
    finish_row,
    searched_text,
    session_from_row,
    session_row,
    update_row,
)
from troubleshoot.errors import CaseLogError, SessionChanged

if TYPE_CHECKING:
    from troubleshoot.tree.model import Tree

CONNECT_TIMEOUT_S = 10
SESSION_SELECT = "SELECT " + ", ".join(SESSION_COLUMNS) + " FROM sessions"
INSERT_TREE = (
    "INSERT INTO trees (sha256, tree_id, path, revision, text, first_seen) "
    "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (sha256) DO NOTHING"
)


def _sql(text: str) -> str:
    """SQL written with ``?`` placeholders (as the shared row helpers do) in psycopg's style."""
    return text.replace("%", "%%").replace("?", "%s")


class PostgresCaseLog:
    """The case log in one PostgreSQL database, given as a ``postgresql://`` URL."""

    def __init__(self, url: str, *, connect_timeout: int = CONNECT_TIMEOUT_S) -> None:
        self.db = Connection(url, connect_timeout)

    @property
    def target(self) -> str:
        return self.db.target

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    # -- writing -------------------------------------------------------------------------------

    def create_session(self, tree: Tree, intake: Intake, agent: str) -> str:
        session_id = ids.new_session_id()
        stamp = now()
        with self.db.write("start a session"):
            for source in tree.sources:
                self.db.execute(
                    INSERT_TREE,
                    (source.sha256, tree.id, source.path, tree.revision, source.text, stamp),
                )
            row = {
                "id": session_id,
                "tree_id": tree.id,
                "tree_title": tree.title,
                "revision": tree.revision,
                "tree_sha256": tree.sha256,
                "status": str(Status.ACTIVE),
                "tree_sources": json.dumps([s.sha256 for s in tree.sources]),
                "started": stamp,
                "updated": stamp,
                "agent": agent,
                "ticket": intake.ticket,
                "customer": intake.customer,
                "tone": intake.tone,
                "desired_outcome": intake.desired_outcome,
            }
            self._insert("sessions", row)
        return session_id

    def _insert(self, table: str, row: dict[str, Any]) -> None:
        columns = ", ".join(row)
        marks = ", ".join("%s" for _ in row)
        self.db.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})",
            tuple(row.values()),
        )

    def _append(self, session_id: str, event: Event, after: int | None) -> int:
        """Append inside an open transaction: touching the session's `updated` takes its row
        lock, so appends to one session queue up and each next INSERT, a new statement, sees
        the events committed before it (gap-free sequence numbers, two round trips)."""
        locked = self.db.execute(
            "UPDATE sessions SET updated = %s WHERE id = %s RETURNING id", (now(), session_id)
        )
        if not locked:
            raise CaseLogError(f"no session '{session_id}' in {self.target}")
        row = event_row(event, session_id=session_id, seq=0)
        del row["seq"]
        [inserted] = self.db.execute(
            f"INSERT INTO events ({', '.join(row)}, seq) SELECT "
            f"{', '.join('%s' for _ in row)}, COALESCE(MAX(seq), 0) + 1 FROM events "
            "WHERE session_id = %s RETURNING seq",
            (*row.values(), session_id),
        )
        seq = int(inserted["seq"])
        if after is not None and seq - 1 != after:
            self._check_unchanged(session_id, after, seq)  # raising rolls the insert back
        return seq

    def append_event(self, session_id: str, event: Event, after: int | None = None) -> int:
        with self.db.write("save the answer"):
            return self._append(session_id, event, after)

    def _check_unchanged(self, session_id: str, after: int, mine: int) -> None:
        """Refuse if events between `after` and `mine` changed the walk (notes and resumes
        do not)."""
        found = self.db.execute(
            "SELECT agent FROM events WHERE session_id = %s AND seq > %s AND seq < %s "
            "AND kind = ANY(%s) ORDER BY seq LIMIT 1",
            (session_id, after, mine, sorted(str(k) for k in WALK_CHANGES)),
        )
        if not found:
            return
        who = found[0]["agent"] or "another agent"
        raise SessionChanged(
            f"session {session_id} was changed by {who} at the same time as you; nothing of "
            f"yours after that was saved. Run 'troubleshoot resume {session_id}' to see the "
            "session as it is now"
        )

    def _set(self, session_id: str, fields: dict[str, Any], *, stamp: bool = True) -> None:
        """Change some columns of a session (and its `updated` time, when `stamp`)."""
        fields = {**fields, "updated": now()} if stamp else fields
        columns = ", ".join(f"{name} = %s" for name in fields)
        self.db.execute(
            f"UPDATE sessions SET {columns} WHERE id = %s",
            (*fields.values(), session_id),
        )

    def update_session(self, session_id: str, update: SessionUpdate) -> None:
        with self.db.write("save the session"):
            self._set(session_id, update_row(update))

    def finish_session(
        self, session_id: str, event: Event, ending: Ending, *, after: int | None = None
    ) -> int:
        with self.db.write("save the end of the session"):
            seq = self._append(session_id, event, after)
            self._set(session_id, finish_row(ending))
        return seq

    def copy_session(
        self,
        session: SessionRecord,
        *,
        events: Sequence[Event],
        trees: Sequence[TreeFile],
        after: int | None,
    ) -> None:
        with self.db.write("copy a session in"):
            for tree in trees:
                self.db.execute(
                    INSERT_TREE,
                    (tree.sha256, tree.tree_id, tree.path, tree.revision, tree.text, now()),
                )
            self._copy_into(session, events, after)

    def _copy_into(
        self, session: SessionRecord, events: Sequence[Event], after: int | None
    ) -> None:
        fields = session_row(session)
        if after is None:
            inserted = self.db.execute(
                _sql(
                    f"INSERT INTO sessions ({', '.join(fields)}) VALUES "
                    f"({', '.join('?' for _ in fields)}) ON CONFLICT (id) DO NOTHING RETURNING id"
                ),
                tuple(fields.values()),
            )
            if not inserted:
                raise SessionChanged(f"session {session.id} changed in {self.target}")
        else:
            locked = self.db.execute(
                "SELECT (SELECT COALESCE(MAX(seq), 0) FROM events WHERE session_id = s.id) "
                "AS last FROM sessions s WHERE id = %s FOR UPDATE",
                (session.id,),
            )
            if not locked or locked[0]["last"] != after:
                raise SessionChanged(f"session {session.id} changed in {self.target}")
            del fields["id"]
            self._set(session.id, fields, stamp=False)
        for event in events:
            self._insert("events", copied_event_row(event))

    # -- reading -------------------------------------------------------------------------------

    def get_session(self, ref: str) -> SessionRecord:
        found = ids.lookup(ref)
        rows = self.db.rows(
            f"{SESSION_SELECT} WHERE id = %s OR id LIKE %s OR id LIKE %s OR id LIKE %s "
            "ORDER BY id LIMIT 3",
            (found.exact, found.prefix, found.tail, found.suffix),
        )
        chosen = ids.choose(ref, [row["id"] for row in rows], self.target)
        return session_from_row(next(row for row in rows if row["id"] == chosen))

    def events(self, session_id: str) -> list[Event]:
        rows = self.db.rows(
            "SELECT session_id, seq, time, kind, agent, node, step, phase, prompt, answer, "
            "value, text, ms FROM events WHERE session_id = %s ORDER BY seq",
            (session_id,),
        )
        return [event_from_row(row) for row in rows]

    def resumable(self, limit: int = 50) -> SessionPage:
        statuses = sorted(str(s) for s in RESUMABLE)
        rows = self.db.rows(
            f"{SESSION_SELECT} WHERE status = ANY(%s) ORDER BY updated DESC LIMIT %s",
            (statuses, limit),
        )
        total = self.db.rows(
            "SELECT COUNT(*) AS n FROM sessions WHERE status = ANY(%s)", (statuses,)
        )
        return SessionPage(tuple(session_from_row(r) for r in rows), int(total[0]["n"]))

    def tree_sources(self, session: SessionRecord) -> dict[str, str]:
        shas = list(session.tree_sources or (session.tree_sha256,))
        rows = self.db.rows("SELECT sha256, path, text FROM trees WHERE sha256 = ANY(%s)", (shas,))
        by_sha = {row["sha256"]: row for row in rows}
        found: dict[str, str] = {}
        for sha in shas:
            if sha in by_sha:
                found.setdefault(str(by_sha[sha]["path"]), str(by_sha[sha]["text"]))
        return found

    def similar(self, text: str, exclude: str | None = None, limit: int = 5) -> list[SessionRecord]:
        wanted = words.search_words(text)
        if not wanted:
            return []
        query = " | ".join(f"'{w}'" for w in wanted)
        rows = self.db.rows(
            f"{SESSION_SELECT}, to_tsquery('simple', %s) AS q WHERE search @@ q AND id != %s "
            "ORDER BY ts_rank(search, q) DESC, id DESC LIMIT %s",
            (query, exclude or "", limit * 10),
        )
        found = [session_from_row(row) for row in rows]
        return [s for s in found if words.relevant(wanted, searched_text(s))][:limit]

    def list_sessions(self, filter: SessionFilter) -> list[SessionRecord]:
        where, params = filter_clause(filter)
        limit = "" if filter.limit is None else f" LIMIT {int(filter.limit)}"
        rows = self.db.rows(
            _sql(f"{SESSION_SELECT} WHERE {where} ORDER BY started DESC, id DESC{limit}"),
            params,
        )
        return [session_from_row(row) for row in rows]
