"""The team case log: one PostgreSQL database, shared by every agent.

The same tables, records and behaviour as the SQLite log (`cases/sqlite.py`); the SQL that
differs is here and in `migrations.py`, the psycopg connection in `connection.py`. Each event
is its own transaction, appended under a row lock on its session, so sequence numbers stay
gap-free however many agents write at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from troubleshoot.cases import ids, stats_sql
from troubleshoot.cases.postgres.connection import Connection
from troubleshoot.cases.postgres.search import search_sql, to_tsquery
from troubleshoot.cases.records import (
    RESUMABLE,
    WALK_CHANGES,
    Case,
    Ending,
    Event,
    EventKind,
    FollowUp,
    Intake,
    SearchHit,
    SessionFilter,
    SessionPage,
    SessionRecord,
    SessionUpdate,
    StatsRows,
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
    session_from_row,
    session_row,
    update_row,
)
from troubleshoot.errors import CaseLogError, SessionChanged

if TYPE_CHECKING:
    from troubleshoot.cases.export import ExportFormat
    from troubleshoot.tree.model import Tree

CONNECT_TIMEOUT_S = 10
SESSION_SELECT = "SELECT " + ", ".join(SESSION_COLUMNS) + " FROM sessions"
EVENT_SELECT = (
    "SELECT session_id, seq, time, kind, agent, node, step, phase, prompt, answer, value, "
    "text, ms FROM events"
)
BATCH = 500
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
        raise SessionChanged.by(session_id, found[0]["agent"])

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
        rows = self.db.rows(f"{EVENT_SELECT} WHERE session_id = %s ORDER BY seq", (session_id,))
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

    def list_sessions(self, filter: SessionFilter) -> list[SessionRecord]:
        where, params = filter_clause(filter)
        limit = "" if filter.limit is None else f" LIMIT {int(filter.limit)}"
        rows = self.db.rows(
            _sql(f"{SESSION_SELECT} WHERE {where} ORDER BY started DESC, id DESC{limit}"),
            params,
        )
        return [session_from_row(row) for row in rows]

    def count_sessions(self, filter: SessionFilter) -> int:
        where, params = filter_clause(filter)
        rows = self.db.rows(_sql(f"SELECT COUNT(*) AS n FROM sessions WHERE {where}"), params)
        total = int(rows[0]["n"])
        return total if filter.limit is None else min(total, filter.limit)

    def search(
        self, query: str, filter: SessionFilter, *, in_events: bool = True
    ) -> list[SearchHit]:
        tsquery = to_tsquery(query)
        where, params = filter_clause(filter)
        named: dict[str, Any] = {"query": tsquery}
        for index, value in enumerate(params):
            where = where.replace("?", f"%(p{index})s", 1)
            named[f"p{index}"] = value
        columns = ", ".join(f"sessions.{c}" for c in SESSION_COLUMNS)
        rows = self.db.rows(search_sql(where, filter.limit, in_events, columns), named)
        return [
            SearchHit(session_from_row(row), row["snippet"] or "", float(row["hit_rank"]))
            for row in rows
        ]

    def iter_cases(self, filter: SessionFilter, *, with_events: bool = True) -> Iterator[Case]:
        where, params = filter_clause(filter)
        limit = "" if filter.limit is None else f" LIMIT {int(filter.limit)}"
        sql = _sql(f"{SESSION_SELECT} WHERE {where} ORDER BY started DESC, id DESC{limit}")
        for batch in self.db.stream(sql, params, BATCH):
            sessions = [session_from_row(row) for row in batch]
            events = self._events_of([s.id for s in sessions]) if with_events else {}
            for session in sessions:
                yield Case(session, tuple(events.get(session.id, ())))

    def _events_of(self, session_ids: list[str]) -> dict[str, list[Event]]:
        rows = self.db.rows(
            f"{EVENT_SELECT} WHERE session_id = ANY(%s) ORDER BY session_id, seq", (session_ids,)
        )
        found: dict[str, list[Event]] = {}
        for row in rows:
            found.setdefault(row["session_id"], []).append(event_from_row(row))
        return found

    def export_records(self, filter: SessionFilter, format: ExportFormat) -> Iterator[str]:
        from troubleshoot.cases.export import ExportFormat, case_records

        with_events = format is ExportFormat.JSONL
        return case_records(self.iter_cases(filter, with_events=with_events), format)

    def stats(self, filter: SessionFilter) -> StatsRows:
        return stats_sql.stats_rows(
            lambda sql, params: self.db.rows(_sql(sql), params), stats_sql.POSTGRES, filter
        )

    # -- follow-ups ----------------------------------------------------------------------------

    def follow_ups(self, due_by: str | None) -> list[FollowUp]:
        done = (
            "(SELECT MIN(time) FROM events e WHERE e.session_id = sessions.id "
            f"AND e.kind = '{EventKind.FOLLOWUP}')"
        )
        pending = "" if due_by is None else f" AND follow_up <= %s AND {done} IS NULL"
        rows = self.db.rows(
            f"SELECT {', '.join(SESSION_COLUMNS)}, {done} AS done_at FROM sessions "
            f"WHERE follow_up IS NOT NULL AND follow_up != ''{pending} ORDER BY follow_up, id",
            None if due_by is None else (due_by,),
        )
        return [FollowUp(session_from_row(row), row["done_at"]) for row in rows]

    def record_follow_up(self, session_id: str, event: Event, satisfaction: int | None) -> int:
        with self.db.write("record the follow-up"):
            seq = self._append(session_id, event, None)
            if satisfaction is not None:
                self._set(session_id, {"satisfaction": satisfaction})
        return seq
