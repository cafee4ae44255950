"""Several agents on one new case database at once: nobody fails, nothing is left half-done.

Each worker process runs many `run --answers` sessions one after the other through the real
CLI entry point (in-process, to keep process start-up out of the run), all on one file that does
not exist yet, so the schema is also created by several processes at once. (8 x 25 sessions
keeps the run short on a shared machine; before the fix 8 x 20 was enough to fail. The `long`
variant runs 8 x 200.)
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from login_session import ANSWERS, RUN_SESSIONS

WORKERS = 8
SESSIONS = 25


def test_eight_agents_on_one_new_file(tmp_path: Path) -> None:
    run_agents(tmp_path, SESSIONS)


@pytest.mark.long
def test_eight_agents_two_hundred_sessions_each(tmp_path: Path) -> None:
    run_agents(tmp_path, 200)


def run_agents(tmp_path: Path, sessions: int) -> None:
    """WORKERS processes each run `sessions` sessions on one new file: no failure, every
    session resolved, each session's events numbered 1..n with no gap or repeat."""
    db = tmp_path / "cases.db"
    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", RUN_SESSIONS, str(db), str(answers), str(sessions), f"agent{n}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(WORKERS)
    ]
    failures: list[str] = []
    for worker in workers:
        out, err = worker.communicate(timeout=600 + sessions * 20)
        assert worker.returncode == 0, err[-2000:]
        failures += json.loads(out)
    assert failures == []
    with sqlite3.connect(db) as conn:
        statuses = dict(conn.execute("SELECT status, COUNT(*) FROM sessions GROUP BY status"))
        gaps = conn.execute(
            "SELECT session_id FROM events GROUP BY session_id "
            "HAVING MIN(seq) != 1 OR MAX(seq) != COUNT(*)"
        ).fetchall()
        sizes = {n for (n,) in conn.execute("SELECT COUNT(*) FROM events GROUP BY session_id")}
    assert statuses == {"resolved": WORKERS * sessions}
    assert gaps == []
    assert len(sizes) == 1  # the same answers give every session the same events: none lost
