"""One answer recorded durably: the case-log API against a raw sqlite3 insert + commit.

Both write to the same database file (same schema, triggers, indexes and pragmas: WAL, the busy
timeout, SQLite's default synchronous=FULL), one transaction per event.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from caselog import open_log
from floors.durable_insert import raw_inserts

from troubleshoot.cases.records import Event, EventKind

SESSION = "bench-durable"


def _prepare(db: Path) -> None:
    if db.exists():
        return
    with open_log(db):
        pass  # creates the schema
    con = sqlite3.connect(db)
    with con:
        con.execute(
            "INSERT INTO sessions (id, tree_id, status, started, updated) "
            "VALUES (?, 'bench', 'active', '2026-01-01', '2026-01-01')",
            (SESSION,),
        )
    con.close()


def ours_per_event(db: Path, count: int) -> float:
    """Seconds per answer event written through the case-log API, as the runner writes it."""
    _prepare(db)
    with open_log(db) as log:
        seq = max((e.seq for e in log.events(SESSION)), default=0)
        start = time.perf_counter()
        for n in range(count):
            event = Event(
                kind=EventKind.ANSWER,
                agent="bench",
                node="q1",
                step="q1",
                phase="diagnose",
                prompt="What happens?",
                answer="It fails",
                value="fails",
                ms=n,
            )
            seq = log.append_event(SESSION, event, after=seq)
        return (time.perf_counter() - start) / count


def raw_per_event(db: Path, session_id: str, count: int) -> float:
    _prepare(db)
    return raw_inserts(db, session_id, count)
