"""The team case log: one PostgreSQL database through psycopg 3, shared by every agent.

The same tables, records and behaviour as the SQLite log (`cases/sqlite.py`); what differs is
here and in `postgres_migrations.py`. Each event is its own transaction, appended under a row
lock on its session, so sequence numbers stay gap-free however many agents write at once.
Rows come back in the SQLite shapes (times as ``...Z`` text, JSON as text), so both backends
share `cases/rows.py`. psycopg is imported here only, when a log is opened; every failure
becomes a message with the password masked (`postgres_errors.py`).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Sequence
from datetime import UTC
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from troubleshoot.cases import ids, words
from troubleshoot.cases import postgres_errors as problems
from troubleshoot.cases.log import mask_password
from troubleshoot.cases.postgres_migrations import (
    CREATE_TABLE,
    LOCK_KEY,
    MIGRATION_SET,
    MIGRATIONS,
    TABLE,
)
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
    import psycopg

    from troubleshoot.tree.model import Tree

CONNECT_TIMEOUT_S = 10
SESSION_SELECT = "SELECT " + ", ".join(SESSION_COLUMNS) + " FROM sessions"


def _driver() -> Any:
    try:
        import psycopg
    except ImportError:
        raise problems.missing_driver() from None
    return psycopg


def _iso_time_loader(psycopg: Any) -> type:
    """A loader giving ``timestamptz`` values as the case log writes times (UTC, ms, ``Z``)."""
    from psycopg.types.datetime import TimestamptzLoader

    class IsoTimeLoader(TimestamptzLoader):
        def load(self, data: Any) -> str:  # type: ignore[override]
            stamp = super().load(data).astimezone(UTC)
            return stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z")

    return IsoTimeLoader


def _sql(text: str) -> str:
    """SQL written with ``?`` placeholders (as the shared row helpers do) in psycopg's style."""
    return text.replace("%", "%%").replace("?", "%s")


class PostgresCaseLog:
    """The case log in one PostgreSQL database, given as a ``postgresql://`` URL."""

    def __init__(self, url: str, *, connect_timeout: int = CONNECT_TIMEOUT_S) -> None:
        problems.check_url(url)
        self._url = url
        self._timeout = connect_timeout
        self.conn = self._connect(connect_timeout)
        self._migrate()

    @property
    def target(self) -> str:
        return mask_password(self._url)

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
        with contextlib.suppress(Exception):
            self.conn.close()

    # -- connection and errors -----------------------------------------------------------------

    def _connect(self, timeout: int) -> psycopg.Connection[dict[str, Any]]:
        psycopg = _driver()
        from psycopg.conninfo import conninfo_to_dict
        from psycopg.rows import dict_row
        from psycopg.types.string import TextLoader

        try:
            given = conninfo_to_dict(self._url)
        except psycopg.ProgrammingError as exc:
            raise CaseLogError(problems.bad_url(self._url, "unreadable")) from exc
        extra = {} if "connect_timeout" in given else {"connect_timeout": timeout}
        try:
            conn = psycopg.connect(self._url, autocommit=True, row_factory=dict_row, **extra)
        except psycopg.Error as exc:
            raise problems.connect_problem(
                self._url, getattr(exc, "sqlstate", None), str(exc)
            ) from None
        conn.adapters.register_loader("timestamptz", _iso_time_loader(psycopg))
        conn.adapters.register_loader("json", TextLoader)
        conn.execute("SET TIME ZONE 'UTC'")
        return conn  # type: ignore[no-any-return]

    @contextlib.contextmanager
    def _guard(self, doing: str = "read the case log") -> Iterator[None]:
        psycopg = _driver()
        try:
            yield
        except psycopg.errors.InsufficientPrivilege:
            raise problems.refused(self._url, doing) from None
        except psycopg.OperationalError as exc:
            if self.conn.broken or self.conn.closed:
                raise problems.lost_connection(self._url) from None
            raise CaseLogError(
                f"the case database {self.target} failed to {doing} ({_first_line(exc)})"
            ) from None
        except (psycopg.DataError, psycopg.IntegrityError) as exc:
            raise CaseLogError(
                f"the case database {self.target} refused to {doing} ({_first_line(exc)})"
            ) from None
        except psycopg.Error as exc:  # e.g. tables dropped or changed by hand
            raise CaseLogError(
                f"the case database {self.target} cannot be used to {doing} "
                f"({_first_line(exc)}); check it with whoever manages it"
            ) from None

    def _reconnect(self) -> None:
        """Replace a connection the server dropped (a restart, a network cut)."""
        self.close()
        try:
            self.conn = self._connect(self._timeout)
        except CaseLogError:
            raise problems.lost_connection(self._url) from None

    def _dropped(self) -> bool:
        return bool(self.conn.broken or self.conn.closed)

    @contextlib.contextmanager
    def _write(self, doing: str) -> Iterator[None]:
        """One transaction, committed on leaving (rolled back on an error).

        A connection found dropped when the transaction begins is replaced once: nothing of
        the transaction was sent yet, so nothing can be lost or written twice. A drop later on
        (the commit's fate unknown) is reported, never retried.
        """
        psycopg = _driver()
        with self._guard(doing), contextlib.ExitStack() as stack:
            try:
                stack.enter_context(self.conn.transaction())
            except psycopg.OperationalError:
                if not self._dropped():
                    raise
                self._reconnect()
                stack.enter_context(self.conn.transaction())
            yield

    def _rows(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        """The rows of a query; a dropped connection is replaced once (reading is harmless)."""
        psycopg = _driver()
        with self._guard():
            try:
                return self.conn.execute(sql, params).fetchall()
            except psycopg.OperationalError:
                if not self._dropped():
                    raise
                self._reconnect()
                return self.conn.execute(sql, params).fetchall()

    def _migrate(self) -> None:
        """Apply pending steps under an advisory lock; refuse a database from a newer release."""
        with self._guard("update the case log's tables"):
            if not self._pending():
                return
            with self.conn.transaction():
                self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
                self.conn.execute(CREATE_TABLE)
                for migration in self._pending():
                    for statement in migration.statements:
                        self.conn.execute(statement)
                    self.conn.execute(
                        f"INSERT INTO {TABLE} (migration_set, name) VALUES (%s, %s)",
                        (MIGRATION_SET, migration.name),
                    )

    def _pending(self) -> list[Any]:
        exists = self.conn.execute("SELECT to_regclass(%s) AS t", (TABLE,)).fetchone()
        applied: list[str] = []
        if exists and exists["t"] is not None:
            rows = self.conn.execute(
                f"SELECT name FROM {TABLE} WHERE migration_set = %s ORDER BY applied_at, name",
                (MIGRATION_SET,),
            )
            applied = [row["name"] for row in rows]
        known = {m.name for m in MIGRATIONS}
        newer = [name for name in applied if name not in known]
        if newer:
            raise problems.newer_schema(self._url, newer[-1])
        return [m for m in MIGRATIONS if m.name not in applied]

    # -- writing -------------------------------------------------------------------------------

    def create_session(self, tree: Tree, intake: Intake, agent: str) -> str:
        session_id = ids.new_session_id()
        stamp = now()
        with self._write("start a session"):
            for source in tree.sources:
                self.conn.execute(
                    "INSERT INTO trees (sha256, tree_id, path, revision, text, first_seen) "
                    "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (sha256) DO NOTHING",
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
        self.conn.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})",
            tuple(row.values()),
        )

    def _append(self, session_id: str, event: Event, after: int | None) -> int:
        """Append inside an open transaction: touching the session's `updated` takes its row
        lock, so appends to one session queue up and each next INSERT, a new statement, sees
        the events committed before it (gap-free sequence numbers, two round trips)."""
        locked = self.conn.execute(
            "UPDATE sessions SET updated = %s WHERE id = %s RETURNING id", (now(), session_id)
        ).fetchone()
        if locked is None:
            raise CaseLogError(f"no session '{session_id}' in {self.target}")
        row = event_row(event, session_id=session_id, seq=0)
        del row["seq"]
        inserted = self.conn.execute(
            f"INSERT INTO events ({', '.join(row)}, seq) SELECT "
            f"{', '.join('%s' for _ in row)}, COALESCE(MAX(seq), 0) + 1 FROM events "
            "WHERE session_id = %s RETURNING seq",
            (*row.values(), session_id),
        ).fetchone()
        assert inserted is not None
        seq = int(inserted["seq"])
        if after is not None and seq - 1 != after:
            self._check_unchanged(session_id, after, seq)  # raising rolls the insert back
        return seq

    def append_event(self, session_id: str, event: Event, after: int | None = None) -> int:
        with self._write("save the answer"):
            return self._append(session_id, event, after)

    def _check_unchanged(self, session_id: str, after: int, mine: int) -> None:
        """Refuse if events between `after` and `mine` changed the walk (notes and resumes
        do not)."""
        found = self.conn.execute(
            "SELECT agent FROM events WHERE session_id = %s AND seq > %s AND seq < %s "
            "AND kind = ANY(%s) ORDER BY seq LIMIT 1",
            (session_id, after, mine, sorted(str(k) for k in WALK_CHANGES)),
        ).fetchone()
        if found is None:
            return
        who = found["agent"] or "another agent"
        raise SessionChanged(
            f"session {session_id} was changed by {who} at the same time as you; nothing of "
            f"yours after that was saved. Run 'troubleshoot resume {session_id}' to see the "
            "session as it is now"
        )

    def _set(self, session_id: str, fields: dict[str, Any], *, stamp: bool = True) -> None:
        """Change some columns of a session (and its `updated` time, when `stamp`)."""
        fields = {**fields, "updated": now()} if stamp else fields
        columns = ", ".join(f"{name} = %s" for name in fields)
        self.conn.execute(
            f"UPDATE sessions SET {columns} WHERE id = %s",
            (*fields.values(), session_id),
        )

    def update_session(self, session_id: str, update: SessionUpdate) -> None:
        with self._write("save the session"):
            self._set(session_id, update_row(update))

    def finish_session(
        self, session_id: str, event: Event, ending: Ending, *, after: int | None = None
    ) -> int:
        with self._write("save the end of the session"):
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
        with self._write("copy a session in"):
            for tree in trees:
                self.conn.execute(
                    "INSERT INTO trees (sha256, tree_id, path, revision, text, first_seen) "
                    "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (sha256) DO NOTHING",
                    (tree.sha256, tree.tree_id, tree.path, tree.revision, tree.text, now()),
                )
            self._copy_into(session, events, after)

    def _copy_into(
        self, session: SessionRecord, events: Sequence[Event], after: int | None
    ) -> None:
        fields = session_row(session)
        if after is None:
            inserted = self.conn.execute(
                _sql(
                    f"INSERT INTO sessions ({', '.join(fields)}) VALUES "
                    f"({', '.join('?' for _ in fields)}) ON CONFLICT (id) DO NOTHING"
                ),
                tuple(fields.values()),
            )
            if inserted.rowcount != 1:
                raise SessionChanged(f"session {session.id} changed in {self.target}")
        else:
            locked = self.conn.execute(
                "SELECT (SELECT COALESCE(MAX(seq), 0) FROM events WHERE session_id = s.id) "
                "AS last FROM sessions s WHERE id = %s FOR UPDATE",
                (session.id,),
            ).fetchone()
            if locked is None or locked["last"] != after:
                raise SessionChanged(f"session {session.id} changed in {self.target}")
            del fields["id"]
            self._set(session.id, fields, stamp=False)
        for event in events:
            self._insert("events", copied_event_row(event))

    # -- reading -------------------------------------------------------------------------------

    def get_session(self, ref: str) -> SessionRecord:
        found = ids.lookup(ref)
        rows = self._rows(
            f"{SESSION_SELECT} WHERE id = %s OR id LIKE %s OR id LIKE %s OR id LIKE %s "
            "ORDER BY id LIMIT 3",
            (found.exact, found.prefix, found.tail, found.suffix),
        )
        chosen = ids.choose(ref, [row["id"] for row in rows], self.target)
        return session_from_row(next(row for row in rows if row["id"] == chosen))

    def events(self, session_id: str) -> list[Event]:
        rows = self._rows(
            "SELECT session_id, seq, time, kind, agent, node, step, phase, prompt, answer, "
            "value, text, ms FROM events WHERE session_id = %s ORDER BY seq",
            (session_id,),
        )
        return [event_from_row(row) for row in rows]

    def resumable(self, limit: int = 50) -> SessionPage:
        statuses = sorted(str(s) for s in RESUMABLE)
        rows = self._rows(
            f"{SESSION_SELECT} WHERE status = ANY(%s) ORDER BY updated DESC LIMIT %s",
            (statuses, limit),
        )
        total = self._rows("SELECT COUNT(*) AS n FROM sessions WHERE status = ANY(%s)", (statuses,))
        return SessionPage(tuple(session_from_row(r) for r in rows), int(total[0]["n"]))

    def tree_sources(self, session: SessionRecord) -> dict[str, str]:
        shas = list(session.tree_sources or (session.tree_sha256,))
        rows = self._rows("SELECT sha256, path, text FROM trees WHERE sha256 = ANY(%s)", (shas,))
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
        rows = self._rows(
            f"{SESSION_SELECT}, to_tsquery('simple', %s) AS q WHERE search @@ q AND id != %s "
            "ORDER BY ts_rank(search, q) DESC, id DESC LIMIT %s",
            (query, exclude or "", limit * 10),
        )
        found = [session_from_row(row) for row in rows]
        return [s for s in found if words.relevant(wanted, searched_text(s))][:limit]

    def list_sessions(self, filter: SessionFilter) -> list[SessionRecord]:
        where, params = filter_clause(filter)
        limit = "" if filter.limit is None else f" LIMIT {int(filter.limit)}"
        rows = self._rows(
            _sql(f"{SESSION_SELECT} WHERE {where} ORDER BY started DESC, id DESC{limit}"),
            params,
        )
        return [session_from_row(row) for row in rows]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
