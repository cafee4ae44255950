"""PostgreSQL rows of the benchmark: the case log's costs against the same raw SQL through psycopg.

Not part of the test run. Needs a server: ``--url postgresql://...`` (or
``TROUBLESHOOT_BENCH_PG_URL``; a new database is created on it and dropped afterwards), else a
throwaway cluster is started as the tests do (`tests/pg_server.py`).

    .venv/bin/python bench/postgres.py [--events 200] [--rounds 5] [--json]

Rows (medians of alternating rounds, ratios against a floor measured in the same run):
- one durable answer: `append_event` (its own transaction: the session's row lock, the next
  sequence number, the event, the session's `updated`) against one raw INSERT of the same row
  committed on its own.
- stats: `CaseLog.stats` on a log of --sessions generated sessions (`bench/make_log.py`, through
  the case-log API) against the same SQL statements run through a bare psycopg cursor.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

RAW_INSERT = (
    "INSERT INTO events (session_id, seq, time, kind, agent, node, step, phase, prompt, answer, "
    "value, text, ms) VALUES (%s, %s, now(), 'answer', 'bench', 'check-cable', 'check-cable', "
    "'diagnose', 'Is the cable plugged in?', 'Yes', 'true', NULL, 1200)"
)


@contextmanager
def server_url(given: str | None) -> Iterator[str]:
    """A database to measure on, dropped afterwards."""
    from pg_server import PgServer

    server = PgServer(url=given) if given else PgServer.start()
    try:
        yield server.new_database()
    finally:
        server.drop_databases()
        server.stop()


def ours_per_event(url: str, count: int) -> float:
    from troubleshoot.cases.log import open_case_log
    from troubleshoot.cases.records import Event, EventKind, Intake
    from troubleshoot.paths import bundled_trees
    from troubleshoot.tree.loader import load_tree

    tree = load_tree(bundled_trees() / "login-failure.tree.yaml", bundled_trees())
    event = Event(
        kind=EventKind.ANSWER,
        agent="bench",
        node="check-cable",
        step="check-cable",
        phase="diagnose",
        prompt="Is the cable plugged in?",
        answer="Yes",
        value=True,
        ms=1200,
    )
    with open_case_log(url) as log:
        session = log.create_session(tree, Intake(customer="bench"), "bench")
        start = time.perf_counter()
        for _ in range(count):
            log.append_event(session, event)
        return (time.perf_counter() - start) / count


def raw_per_event(url: str, count: int) -> float:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        session = conn.execute("SELECT id FROM sessions LIMIT 1").fetchone()
        assert session is not None, "run ours_per_event first: it creates the tables"
        base = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()
        first = int(base[0] if base else 0) + 1_000_000
        start = time.perf_counter()
        for seq in range(first, first + count):
            with conn.transaction():
                conn.execute(RAW_INSERT, (session[0], seq))
        return (time.perf_counter() - start) / count


def durable_answer(url: str, events: int, rounds: int) -> dict[str, Any]:
    ours, raw = [], []
    for _ in range(rounds):
        ours.append(ours_per_event(url, events))
        raw.append(raw_per_event(url, events))
    mine, floor = statistics.median(ours), statistics.median(raw)
    return {"ours_ms": mine * 1000, "floor_ms": floor * 1000, "x_floor": mine / floor}


def stats_row(url: str, sessions: int, rounds: int) -> dict[str, Any]:
    import psycopg

    from bench.make_log import make_log
    from troubleshoot.cases import stats_sql
    from troubleshoot.cases.log import open_case_log
    from troubleshoot.cases.records import SessionFilter

    make_log(url, sessions, answers=9)
    statements: list[tuple[str, Any]] = []

    def record(sql: str, params: Any) -> list[dict[str, Any]]:
        statements.append((sql.replace("%", "%%").replace("?", "%s"), params))
        return []

    stats_sql.stats_rows(record, stats_sql.POSTGRES, SessionFilter())
    ours, raw = [], []
    with open_case_log(url) as log, psycopg.connect(url, autocommit=True) as conn:
        for _ in range(rounds):
            start = time.perf_counter()
            log.stats(SessionFilter())
            ours.append(time.perf_counter() - start)
            start = time.perf_counter()
            for sql, params in statements:
                conn.execute(sql, params).fetchall()
            raw.append(time.perf_counter() - start)
    mine, floor = statistics.median(ours), statistics.median(raw)
    return {"ours_ms": mine * 1000, "floor_ms": floor * 1000, "x_floor": mine / floor}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("TROUBLESHOOT_BENCH_PG_URL"))
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sessions", type=int, default=2000, help="for the stats row")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with server_url(args.url) as url:
        rows = {
            "postgres: one durable answer": durable_answer(url, args.events, args.rounds),
            f"postgres: stats ({args.sessions} sessions)": stats_row(
                url, args.sessions, args.rounds
            ),
        }
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    for name, row in rows.items():
        print(
            f"{name:36} {row['ours_ms']:7.2f} ms  floor {row['floor_ms']:6.2f} ms  "
            f"x{row['x_floor']:.2f}"
        )


if __name__ == "__main__":
    main()
