"""The case log: one SQLite file through sqlite-utils, written as the session happens.

Tables: `sessions` (one row per case), `events` (append-only, one row per thing that happened,
each committed in its own transaction), `trees` (the YAML of every tree revision a session ran
on, by sha256), plus FTS5 indexes. The file holds customer data and is created mode 0600.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from troubleshoot.cases.schema import migrations
from troubleshoot.errors import SessionChanged, SessionNotFound, StoreError
from troubleshoot.tree.model import RESUMABLE, Status, Tree

BUSY_TIMEOUT_MS = 5_000
WALK_CHANGES = ("answer", "back", "escalate", "resolve", "wrapup")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_session_id() -> str:
    """Sortable by start time and short enough to type: ``20261123-103355-7f3a``."""
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(2)


def _explain(path: Path, exc: sqlite3.Error) -> StoreError:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        why = "is locked by another program; wait a moment and retry, or use --db for another file"
    elif "readonly" in text or "read-only" in text:
        why = "is read-only; make it writable (chmod u+w) or use --db for another file"
    elif "not a database" in text or "malformed" in text or "corrupt" in text:
        why = (
            "is not a troubleshoot case database or is damaged; move it aside (keep it for "
            "recovery) or use --db for another file"
        )
    elif "unable to open" in text:
        why = "cannot be opened; check that its folder exists and is writable, or use --db"
    else:
        why = f"cannot be used ({exc}); use --db for another file"
    return StoreError(f"the case database {path} {why}")


def _create_private(path: Path) -> None:
    """Create the file readable by its owner only, before SQLite opens it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    except OSError as exc:
        raise StoreError(
            f"cannot create the case database {path}: {exc.strerror}; use --db "
            "for a file in a writable folder"
        ) from None


class Store:
    """The case log in one SQLite file."""

    def __init__(self, path: Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.path = path
        if not path.exists():
            _create_private(path)
        elif path.is_dir():
            raise StoreError(f"the case database {path} is a folder; use --db with a file name")
        with self._guard():
            self.db = Database(sqlite3.connect(str(path), timeout=busy_timeout_ms / 1000))
            self.db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            self._migrate()

    @contextlib.contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise _explain(self.path, exc) from None

    def _migrate(self) -> None:
        known = {m.name for m in migrations._migrations}
        newer = [m.name for m in migrations.applied(self.db) if m.name not in known]
        if newer:
            raise StoreError(
                f"the case database {self.path} was written by a newer troubleshoot "
                f"(schema step {newer[-1]}); upgrade troubleshoot to use it"
            )
        if migrations.pending(self.db):
            migrations.apply(self.db)
        if self.db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            self.db.enable_wal()

    def close(self) -> None:
        self.db.close()

    # -- writing -------------------------------------------------------------------------------

    def create_session(self, tree: Tree, intake: dict[str, Any]) -> str:
        """A new active session on `tree`; the tree's sources are kept in `trees`."""
        session_id = new_session_id()
        stamp = now()
        with self._guard(), self.db.atomic():
            for source in tree.sources:
                self.db.execute(
                    "INSERT OR IGNORE INTO trees (sha256, tree_id, path, revision, text, "
                    "first_seen) VALUES (?, ?, ?, ?, ?, ?)",
                    (source.sha256, tree.id, source.path, tree.revision, source.text, stamp),
                )
            self.db.table("sessions").insert(
                {
                    "id": session_id,
                    "tree_id": tree.id,
                    "tree_title": tree.title,
                    "revision": tree.revision,
                    "tree_sha256": tree.sha256,
                    "status": Status.ACTIVE,
                    "tree_sources": json.dumps([s.sha256 for s in tree.sources]),
                    "started": stamp,
                    "updated": stamp,
                    **intake,
                }
            )
        return session_id

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

    def add_event(self, session_id: str, kind: str, after: int | None = None, **fields: Any) -> int:
        """Append one event in its own transaction; returns its sequence number.

        With `after` (the last event this process knows of), refuse with `SessionChanged` when
        another process appended to the session in the meantime.
        """
        if "value" in fields:
            fields["value"] = json.dumps(fields["value"], ensure_ascii=False)
        with self._write():
            row = self.db.execute(
                "SELECT COALESCE(MAX(seq), 0) FROM events WHERE session_id = ?", (session_id,)
            ).fetchone()
            if after is not None and int(row[0]) != after:
                self._check_unchanged(session_id, after)
            seq = int(row[0]) + 1
            self.db.table("events").insert(
                {"session_id": session_id, "seq": seq, "time": now(), "kind": kind, **fields}
            )
            self.db.execute("UPDATE sessions SET updated = ? WHERE id = ?", (now(), session_id))
        return seq

    def _check_unchanged(self, session_id: str, after: int) -> None:
        """Refuse if events after `after` changed the walk (notes and resumes do not)."""
        marks = ", ".join("?" for _ in WALK_CHANGES)
        row = self.db.execute(
            f"SELECT agent FROM events WHERE session_id = ? AND seq > ? AND kind IN ({marks}) "
            "ORDER BY seq LIMIT 1",
            (session_id, after, *WALK_CHANGES),
        ).fetchone()
        if row is None:
            return
        who = row[0] or "another agent"
        raise SessionChanged(
            f"session {session_id} was changed by {who} at the same time as you; nothing of "
            f"yours after that was saved. Run 'troubleshoot resume {session_id}' to see the "
            "session as it is now"
        )

    def update_session(self, session_id: str, **fields: Any) -> None:
        if "variables" in fields:
            fields["variables"] = json.dumps(fields["variables"], ensure_ascii=False, default=str)
        fields["updated"] = now()
        with self._guard(), self.db.atomic():
            self.db.table("sessions").update(session_id, fields)

    # -- reading -------------------------------------------------------------------------------

    def session(self, session_id: str) -> dict[str, Any]:
        """A session by id, or by a unique start of its id."""
        with self._guard():
            rows = list(
                self.db.query(
                    "SELECT * FROM sessions WHERE id = ? OR id LIKE ? ORDER BY id LIMIT 3",
                    (session_id, session_id + "%"),
                )
            )
        exact = [r for r in rows if r["id"] == session_id]
        if exact:
            return exact[0]
        if len(rows) == 1:
            return rows[0]
        if rows:
            raise SessionNotFound(f"'{session_id}' matches several sessions; type more of the id")
        raise SessionNotFound(
            f"no session '{session_id}' in {self.path}; "
            "'troubleshoot resume' lists the sessions you can resume"
        )

    def events(self, session_id: str) -> list[dict[str, Any]]:
        with self._guard():
            rows = list(
                self.db.query(
                    "SELECT * FROM events WHERE session_id = ? ORDER BY seq", (session_id,)
                )
            )
        for row in rows:
            row["value"] = json.loads(row["value"]) if row.get("value") is not None else None
        return rows

    def resumable(self, limit: int = 50) -> list[dict[str, Any]]:
        marks = ", ".join("?" for _ in RESUMABLE)
        with self._guard():
            return list(
                self.db.query(
                    f"SELECT * FROM sessions WHERE status IN ({marks}) "
                    "ORDER BY updated DESC LIMIT ?",
                    (*RESUMABLE, limit),
                )
            )

    def tree_sources(self, session: dict[str, Any]) -> list[tuple[str, str]]:
        """(path, text) of every file of the tree revision a session ran on, main file first."""
        shas = json.loads(session.get("tree_sources") or "[]") or [session["tree_sha256"]]
        found = []
        with self._guard():
            for sha in shas:
                row = self.db.execute(
                    "SELECT path, text FROM trees WHERE sha256 = ?", (sha,)
                ).fetchone()
                if row is not None:
                    found.append((str(row[0]), str(row[1])))
        return found

    def similar(
        self, text: str, exclude: str | None = None, limit: int = 5
    ) -> list[dict[str, Any]]:
        """Past sessions whose words overlap `text` (full-text search, best first)."""
        words = [w for w in re.findall(r"\w+", text.lower()) if len(w) > 2][:30]
        if not words:
            return []
        query = " OR ".join(f'"{w}"' for w in dict.fromkeys(words))
        with self._guard():
            return list(
                self.db.query(
                    "SELECT sessions.* FROM sessions_fts JOIN sessions "
                    "ON sessions.rowid = sessions_fts.rowid WHERE sessions_fts MATCH ? "
                    "AND sessions.id != ? ORDER BY bm25(sessions_fts) LIMIT ?",
                    (query, exclude or "", limit),
                )
            )
