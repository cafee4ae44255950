"""Floor for one durable answer: a raw sqlite3 insert + commit into the same events table."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path


def raw_inserts(path: Path, session_id: str, count: int) -> float:
    """Seconds per event: `count` event rows, each inserted and committed on its own."""
    con = sqlite3.connect(path, isolation_level=None, timeout=5)
    con.execute("PRAGMA busy_timeout = 5000")
    con.execute("PRAGMA journal_mode = wal")
    start = time.perf_counter()
    for n in range(count):
        con.execute("BEGIN IMMEDIATE")
        con.execute(
            "INSERT INTO events (session_id, seq, time, kind, agent, node, step, phase, prompt, "
            "answer, value, ms) VALUES (?, ?, ?, 'answer', 'bench', 'q1', 'q1', 'diagnose', "
            "'What happens?', 'It fails', '\"fails\"', 10)",
            (session_id, 1_000_000 + n, "2026-01-01T00:00:00.000Z"),
        )
        con.execute("COMMIT")
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed / count
