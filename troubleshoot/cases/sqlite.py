"""The embedded case log: one SQLite file through sqlite-utils, written as the session happens.

Tables: `sessions` (one row per case), `events` (append-only, one row per thing that happened,
each committed in its own transaction), `trees` (the YAML of every tree revision a session ran
on, by sha256), plus FTS5 indexes. Every write transaction opens with ``BEGIN IMMEDIATE``, so
several processes on one file wait for each other instead of failing. The file holds customer
data and is created mode 0600.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from sqlite_utils import Database

from troubleshoot.cases import ids, stats_sql
from troubleshoot.cases.migrations import check_schema, migrate
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
    copied_event_row,
    event_from_row,
    event_row,
    filter_clause,
    finish_row,
    session_from_row,
    session_row,
    update_row,
)
from troubleshoot.cases.sqlite_file import (
    create_private,
    explain,
    readable_by_others,
    refuse_foreign,
)
from troubleshoot.cases.sqlite_search import search_hits
from troubleshoot.errors import CaseLogError, SessionChanged

if TYPE_CHECKING:
    from troubleshoot.cases.export import ExportFormat
    from troubleshoot.tree.model import Tree

BUSY_TIMEOUT_MS = 30_000
"""How long a write waits for another process holding the write lock (they hold it briefly)."""
MEMORY = ":memory:"
BATCH = 500
"""Sessions read at a time by `iter_cases`."""


class SQLiteCaseLog:
    """The case log in one SQLite file (or in memory with ``:memory:``)."""

    def __init__(self, target: str | Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self._target = str(target)
        if self._target != MEMORY:
            path = Path(target)
            if path.is_dir():
                raise CaseLogError(
                    f"the case database {path} is a folder; use --db with a file name"
                )
            if not path.exists():
                create_private(path)
        with self._guard():
            conn = sqlite3.connect(self._target, timeout=busy_timeout_ms / 1000)
            self.db = Database(conn)
            self.db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            refuse_foreign(self.db, self._target)
            warning = None if self._target == MEMORY else readable_by_others(Path(self._target))
            if warning:
                sys.stderr.write(warning + "\n")
            if self._target != MEMORY and self.db.journal_mode != "wal":
                self.db.enable_wal()
            self._migrate()

    @property
    def target(self) -> str:
        return self._target

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

    @contextlib.contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise explain(self._target, exc) from None

    @contextlib.contextmanager
    def _write(self) -> Iterator[None]:
        """One write transaction that takes the write lock at once (no upgrade races)."""
        with self._guard():
            self.db.conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self.db.conn.execute("ROLLBACK")
                raise
            self.db.conn.execute("COMMIT")

    def _migrate(self) -> None:
        """Bring the schema up to date; the check is repeated under the write lock, so
        several processes opening a new file at once apply each migration once."""
        if not check_schema(self.db, self._target):
            return
        with self._write():
            migrate(self.db, self._target)

    # -- writing -------------------------------------------------------------------------------

    def create_session(self, tree: Tree, intake: Intake, agent: str) -> str:
        stamp = now()
        with self._write():
            session_id = self._free_id()
            for source in tree.sources:
                self.db.execute(
                    "INSERT OR IGNORE INTO trees (sha256, tree_id, path, revision, text, "
                    "first_seen) VALUES (?, ?, ?, ?, ?, ?)",
                    (source.sha256, tree.id, source.path, tree.revision, source.text, stamp),
                )
            self._insert(
                "sessions",
                {
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
                },
            )
        return session_id

    def _insert(self, table: str, row: dict[str, Any]) -> None:
        """One row, by a plain INSERT (the hot path of every answer)."""
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        self.db.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(row.values()))

    def _free_id(self) -> str:
        """A new session id not yet taken (ids made in the same second can collide)."""
        while True:
            session_id = ids.new_session_id()
            taken = self.db.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,))
            if taken.fetchone() is None:
                return session_id

    def _append(self, session_id: str, event: Event, after: int | None) -> int:
        """Append inside an open write transaction."""
        row = self.db.execute(
            "SELECT COALESCE(MAX(seq), 0) FROM events WHERE session_id = ?", (session_id,)
        ).fetchone()
        if after is not None and int(row[0]) != after:
            self._check_unchanged(session_id, after)
        seq = int(row[0]) + 1
        self._insert("events", event_row(event, session_id=session_id, seq=seq))
        return seq

    def append_event(self, session_id: str, event: Event, after: int | None = None) -> int:
        with self._write():
            seq = self._append(session_id, event, after)
            self.db.execute("UPDATE sessions SET updated = ? WHERE id = ?", (now(), session_id))
        return seq

    def _check_unchanged(self, session_id: str, after: int) -> None:
        """Refuse if events after `after` changed the walk (notes and resumes do not)."""
        kinds = sorted(str(k) for k in WALK_CHANGES)
        marks = ", ".join("?" for _ in kinds)
        row = self.db.execute(
            f"SELECT agent FROM events WHERE session_id = ? AND seq > ? AND kind IN ({marks}) "
            "ORDER BY seq LIMIT 1",
            (session_id, after, *kinds),
        ).fetchone()
        if row is None:
            return
        raise SessionChanged.by(session_id, row[0])

    def _set(self, session_id: str, fields: dict[str, Any]) -> None:
        fields["updated"] = now()
        columns = ", ".join(f"{name} = ?" for name in fields)
        self.db.execute(
            f"UPDATE sessions SET {columns} WHERE id = ?", (*fields.values(), session_id)
        )

    def update_session(self, session_id: str, update: SessionUpdate) -> None:
        with self._write():
            self._set(session_id, update_row(update))

    def finish_session(
        self, session_id: str, event: Event, ending: Ending, *, after: int | None = None
    ) -> int:
        with self._write():
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
        with self._write():
            for tree in trees:
                self.db.execute(
                    "INSERT OR IGNORE INTO trees (sha256, tree_id, path, revision, text, "
                    "first_seen) VALUES (?, ?, ?, ?, ?, ?)",
                    (tree.sha256, tree.tree_id, tree.path, tree.revision, tree.text, now()),
                )
            known = self.db.execute(
                "SELECT COUNT(*) FROM sessions WHERE id = ?", (session.id,)
            ).fetchone()[0]
            last = self.db.execute(
                "SELECT COALESCE(MAX(seq), 0) FROM events WHERE session_id = ?", (session.id,)
            ).fetchone()[0]
            if bool(known) != (after is not None) or (after is not None and last != after):
                raise SessionChanged(f"session {session.id} changed in {self._target}")
            fields = session_row(session)
            if after is None:
                self.db.table("sessions").insert(fields)
            else:
                self.db.table("sessions").update(session.id, fields)
            for event in events:
                self.db.table("events").insert(copied_event_row(event))

    # -- reading -------------------------------------------------------------------------------

    def get_session(self, ref: str) -> SessionRecord:
        found = ids.lookup(ref)
        with self._guard():
            rows = list(
                self.db.query(
                    "SELECT * FROM sessions WHERE id = ? OR id LIKE ? OR id LIKE ? OR id LIKE ? "
                    "ORDER BY id LIMIT 3",
                    (found.exact, found.prefix, found.tail, found.suffix),
                )
            )
        chosen = ids.choose(ref, [row["id"] for row in rows], self._target)
        return session_from_row(next(row for row in rows if row["id"] == chosen))

    def events(self, session_id: str) -> list[Event]:
        with self._guard():
            rows = self.db.query(
                "SELECT * FROM events WHERE session_id = ? ORDER BY seq", (session_id,)
            )
            return [event_from_row(row) for row in rows]

    def resumable(self, limit: int = 50) -> SessionPage:
        statuses = sorted(str(s) for s in RESUMABLE)
        marks = ", ".join("?" for _ in statuses)
        with self._guard():
            rows = self.db.query(
                f"SELECT * FROM sessions WHERE status IN ({marks}) ORDER BY updated DESC LIMIT ?",
                (*statuses, limit),
            )
            found = tuple(session_from_row(row) for row in rows)
            total = self.db.execute(
                f"SELECT COUNT(*) FROM sessions WHERE status IN ({marks})", statuses
            ).fetchone()[0]
        return SessionPage(found, int(total))

    def tree_sources(self, session: SessionRecord) -> dict[str, str]:
        found: dict[str, str] = {}
        with self._guard():
            for sha in session.tree_sources or (session.tree_sha256,):
                row = self.db.execute(
                    "SELECT path, text FROM trees WHERE sha256 = ?", (sha,)
                ).fetchone()
                if row is not None:
                    found.setdefault(str(row[0]), str(row[1]))
        return found

    def list_sessions(self, filter: SessionFilter) -> list[SessionRecord]:
        where, params = filter_clause(filter)
        limit = "" if filter.limit is None else f" LIMIT {int(filter.limit)}"
        with self._guard():
            rows = self.db.query(
                f"SELECT * FROM sessions WHERE {where} ORDER BY started DESC, id DESC{limit}",
                params,
            )
            return [session_from_row(row) for row in rows]

    def count_sessions(self, filter: SessionFilter) -> int:
        where, params = filter_clause(filter)
        with self._guard():
            total = int(
                self.db.execute(f"SELECT COUNT(*) FROM sessions WHERE {where}", params).fetchone()[
                    0
                ]
            )
        return total if filter.limit is None else min(total, filter.limit)

    def search(
        self, query: str, filter: SessionFilter, *, in_events: bool = True
    ) -> list[SearchHit]:
        with self._guard():
            return search_hits(self.db, query, filter, in_events=in_events)

    def iter_cases(self, filter: SessionFilter, *, with_events: bool = True) -> Iterator[Case]:
        where, params = filter_clause(filter)
        limit = "" if filter.limit is None else f" LIMIT {int(filter.limit)}"
        with self._guard():
            cursor = self.db.execute(
                f"SELECT * FROM sessions WHERE {where} ORDER BY started DESC, id DESC{limit}",
                params,
            )
            columns = [d[0] for d in cursor.description]
            while batch := cursor.fetchmany(BATCH):
                sessions = [session_from_row(dict(zip(columns, row, strict=True))) for row in batch]
                events = self._events_of([s.id for s in sessions]) if with_events else {}
                for session in sessions:
                    yield Case(session, tuple(events.get(session.id, ())))

    def _events_of(self, ids: list[str]) -> dict[str, list[Event]]:
        marks = ", ".join("?" for _ in ids)
        found: dict[str, list[Event]] = {}
        rows = self.db.query(
            f"SELECT * FROM events WHERE session_id IN ({marks}) ORDER BY session_id, seq", ids
        )
        for row in rows:
            found.setdefault(row["session_id"], []).append(event_from_row(row))
        return found

    def export_records(self, filter: SessionFilter, format: ExportFormat) -> Iterator[str]:
        from troubleshoot.cases import sqlite_export
        from troubleshoot.cases.export import ExportFormat

        if format not in (ExportFormat.CSV, ExportFormat.JSONL):
            raise ValueError(f"{format} is not written record by record")
        where, params = filter_clause(filter)
        csv = format is ExportFormat.CSV
        make = sqlite_export.csv_sql if csv else sqlite_export.jsonl_sql
        with self._guard():
            if csv:
                yield sqlite_export.csv_header()
            if csv and self._split_export(where, params, filter.limit):
                yield from sqlite_export.parallel_lines(self._target, where, params, "\r\n")
                return
            cursor = self.db.execute(make(where, filter.limit), params)
            yield from sqlite_export.lines(cursor, "\r\n" if csv else "\n")

    def _split_export(self, where: str, params: list[Any], limit: int | None) -> bool:
        """Whether a CSV export is worth splitting between connections, and can be: a file, no
        limit, more than one chunk, every start time set (chunks are ranges of start times)."""
        from troubleshoot.cases.sqlite_export import CHUNK

        if self._target == MEMORY or limit is not None:
            return False
        if self.db.execute("SELECT 1 FROM sessions WHERE started IS NULL LIMIT 1").fetchone():
            return False
        found = self.db.execute(f"SELECT COUNT(*) FROM sessions WHERE {where}", params)
        return int(found.fetchone()[0]) > CHUNK

    def stats(self, filter: SessionFilter) -> StatsRows:
        with self._guard():
            return stats_sql.stats_rows(self.db.query, stats_sql.SQLITE, filter)

    # -- follow-ups ----------------------------------------------------------------------------

    def follow_ups(self, due_by: str | None) -> list[FollowUp]:
        done = (
            "(SELECT MIN(time) FROM events e WHERE e.session_id = sessions.id "
            f"AND e.kind = '{EventKind.FOLLOWUP}')"
        )
        pending = "" if due_by is None else f" AND follow_up <= ? AND {done} IS NULL"
        with self._guard():
            rows = self.db.query(
                f"SELECT *, {done} AS done_at FROM sessions WHERE follow_up IS NOT NULL "
                f"AND follow_up != ''{pending} ORDER BY follow_up, id",
                () if due_by is None else (due_by,),
            )
            return [FollowUp(session_from_row(row), row["done_at"]) for row in rows]

    def record_follow_up(self, session_id: str, event: Event, satisfaction: int | None) -> int:
        with self._write():
            seq = self._append(session_id, event, None)
            fields: dict[str, Any] = {} if satisfaction is None else {"satisfaction": satisfaction}
            self._set(session_id, fields)
        return seq
