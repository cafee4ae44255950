"""The one psycopg connection of a PostgreSQL case log: the only module that imports psycopg.

It connects (lazily importing psycopg, which is an optional extra), turns every failure into a
message with the password masked (`errors.py`), hands rows over in the SQLite shapes (times as
``...Z`` text, JSON as text, so both backends share `cases/rows.py`), brings the schema up to
date (`migrations.py`), and replaces a connection the server dropped when that is safe.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC
from typing import Any

from troubleshoot.cases.log import mask_password
from troubleshoot.cases.postgres import errors as problems
from troubleshoot.cases.postgres.migrations import (
    CREATE_TABLE,
    LOCK_KEY,
    MIGRATION_SET,
    MIGRATIONS,
    TABLE,
    Migration,
)
from troubleshoot.errors import CaseLogError

Row = dict[str, Any]


def _driver() -> Any:
    try:
        import psycopg
    except ImportError:
        raise problems.missing_driver() from None
    return psycopg


def _iso_time_loader() -> type:
    """A loader giving ``timestamptz`` values as the case log writes times (UTC, ms, ``Z``)."""
    from psycopg.types.datetime import TimestamptzLoader

    class IsoTimeLoader(TimestamptzLoader):
        def load(self, data: Any) -> str:  # type: ignore[override]
            stamp = super().load(data).astimezone(UTC)
            return stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z")

    return IsoTimeLoader


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _open(url: str, timeout: int) -> Any:
    psycopg = _driver()
    from psycopg.conninfo import conninfo_to_dict
    from psycopg.rows import dict_row
    from psycopg.types.string import TextLoader

    try:
        given = conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise CaseLogError(problems.bad_url(url, _first_line(exc))) from None
    extra = {} if "connect_timeout" in given else {"connect_timeout": timeout}
    try:
        conn = psycopg.connect(url, autocommit=True, row_factory=dict_row, **extra)
    except psycopg.Error as exc:
        raise problems.connect_problem(url, getattr(exc, "sqlstate", None), str(exc)) from None
    conn.adapters.register_loader("timestamptz", _iso_time_loader())
    conn.adapters.register_loader("json", TextLoader)
    conn.execute("SET TIME ZONE 'UTC'")
    return conn


class Connection:
    """A connection to the case log at `url`, with its schema up to date."""

    def __init__(self, url: str, timeout: int) -> None:
        problems.check_url(url)
        self.url = url
        self.timeout = timeout
        self.conn = _open(url, timeout)
        self._migrate()

    @property
    def target(self) -> str:
        return mask_password(self.url)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.close()

    @contextlib.contextmanager
    def guard(self, doing: str = "read the case log") -> Iterator[None]:
        """Turn psycopg's errors into messages for people."""
        psycopg = _driver()
        try:
            yield
        except psycopg.errors.InsufficientPrivilege:
            raise problems.refused(self.url, doing) from None
        except psycopg.OperationalError as exc:
            if self._dropped():
                raise problems.lost_connection(self.url) from None
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

    def _dropped(self) -> bool:
        return bool(self.conn.broken or self.conn.closed)

    def _reconnect(self) -> None:
        """Replace a connection the server dropped (a restart, a network cut)."""
        self.close()
        try:
            self.conn = _open(self.url, self.timeout)
        except CaseLogError:
            raise problems.lost_connection(self.url) from None

    @contextlib.contextmanager
    def write(self, doing: str) -> Iterator[None]:
        """One transaction, committed on leaving (rolled back on an error); `execute` in it.

        A connection found dropped when the transaction begins is replaced once: nothing of
        the transaction was sent yet, so nothing can be lost or written twice. A drop later on
        (the commit's fate unknown) is reported, never retried.
        """
        psycopg = _driver()
        with self.guard(doing), contextlib.ExitStack() as stack:
            try:
                stack.enter_context(self.conn.transaction())
            except psycopg.OperationalError:
                if not self._dropped():
                    raise
                self._reconnect()
                stack.enter_context(self.conn.transaction())
            yield

    def execute(self, sql: str, params: Any = None) -> list[Row]:
        """Run one statement inside `write`; its rows, if it returns any."""
        cursor = self.conn.execute(sql, params)
        return list(cursor.fetchall()) if cursor.description is not None else []

    def rows(self, sql: str, params: Any = None) -> list[Row]:
        """The rows of a query; a dropped connection is replaced once (reading is harmless)."""
        psycopg = _driver()
        with self.guard():
            try:
                return self.execute(sql, params)
            except psycopg.OperationalError:
                if not self._dropped():
                    raise
                self._reconnect()
                return self.execute(sql, params)

    def stream(self, sql: str, params: Any, size: int) -> Iterator[list[Row]]:
        """The rows of a query in batches of `size`, read through a server-side cursor (memory
        stays flat however many rows there are)."""
        with self.guard(), self.conn.transaction(), self.conn.cursor(name="stream") as cursor:
            cursor.execute(sql, params)
            while batch := cursor.fetchmany(size):
                yield list(batch)

    def _migrate(self) -> None:
        """Apply pending steps under an advisory lock; refuse a database from a newer release."""
        with self.guard("update the case log's tables"):
            if not self._pending():
                return
            with self.conn.transaction():
                self.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
                self.execute(CREATE_TABLE)
                for migration in self._pending():
                    for statement in migration.statements:
                        self.execute(statement)
                    self.execute(
                        f"INSERT INTO {TABLE} (migration_set, name) VALUES (%s, %s)",
                        (MIGRATION_SET, migration.name),
                    )

    def _pending(self) -> list[Migration]:
        found = self.execute("SELECT to_regclass(%s) AS t", (TABLE,))
        applied: list[str] = []
        if found and found[0]["t"] is not None:
            rows = self.execute(
                f"SELECT name FROM {TABLE} WHERE migration_set = %s ORDER BY applied_at, name",
                (MIGRATION_SET,),
            )
            applied = [row["name"] for row in rows]
        known = {m.name for m in MIGRATIONS}
        newer = [name for name in applied if name not in known]
        if newer:
            raise problems.newer_schema(self.url, newer[-1])
        return [m for m in MIGRATIONS if m.name not in applied]
