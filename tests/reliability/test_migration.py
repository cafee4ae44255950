"""A case database written by the first schema version opens in this version with every case
intact: every session and event reads back as it was written, new sessions can be added, and
the paused one resumes to the end.

`fixtures/schema-v1.db` was made once by `fixtures/make_schema_v1_db.py` with the code at commit
da2b43e (only the migration m001_initial); it stands for the databases already in use.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from reliability_helpers import AGENT, answers_file, cli, finish_in_process, integrity, scenarios

from troubleshoot.cases.log import open_case_log
from troubleshoot.cases.records import SessionFilter
from troubleshoot.cases.similar import similar

FIXTURE = Path(__file__).parent / "fixtures" / "schema-v1.db"


def raw(db: Path, sql: str) -> list[dict[str, Any]]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in con.execute(sql)]
    finally:
        con.close()


@pytest.fixture
def old(tmp_path: Path) -> Path:
    db = tmp_path / "cases.db"
    shutil.copyfile(FIXTURE, db)
    return db


def test_the_fixture_is_the_first_schema_version() -> None:
    steps = raw(FIXTURE, "SELECT name FROM _sqlite_migrations ORDER BY id")
    assert [s["name"] for s in steps] == ["m001_initial"]
    statuses = sorted(s["status"] for s in raw(FIXTURE, "SELECT status FROM sessions"))
    assert statuses == ["escalated", "paused", "resolved", "resolved"]


def test_every_case_reads_back_as_written(old: Path) -> None:
    sessions = raw(old, "SELECT * FROM sessions ORDER BY id")
    events = raw(old, "SELECT * FROM events ORDER BY session_id, seq")

    with open_case_log(str(old)) as log:
        listed = {s.id: s for s in log.list_sessions(SessionFilter())}
        assert sorted(listed) == [s["id"] for s in sessions]
        for row in sessions:
            session = log.get_session(row["id"])
            for field in (
                "tree_id",
                "revision",
                "tree_sha256",
                "agent",
                "ticket",
                "customer",
                "tone",
                "status",
                "outcome",
                "current_node",
                "started",
                "ended",
                "summary",
                "note",
                "follow_up",
                "satisfaction",
                "escalated_to",
                "fixed_by",
            ):
                assert getattr(session, field) == row[field], (row["id"], field)
            assert dict(session.variables) == json.loads(row["variables"] or "{}")
            mine = [e for e in events if e["session_id"] == row["id"]]
            got = log.events(row["id"])
            assert [(e.seq, str(e.kind), e.node, e.answer, e.text) for e in got] == [
                (e["seq"], e["kind"], e["node"], e["answer"], e["text"]) for e in mine
            ]
            assert [e.value for e in got] == [
                None if e["value"] is None else json.loads(e["value"]) for e in mine
            ]
            assert log.tree_sources(session), row["id"]  # the tree it ran on is still there
    assert integrity(old) == "ok"
    assert raw(old, "SELECT * FROM sessions ORDER BY id") == sessions
    assert raw(old, "SELECT * FROM events ORDER BY session_id, seq") == events


def test_old_cases_are_found_by_their_words(old: Path) -> None:
    with open_case_log(str(old)) as log:
        found = similar(log, "I want my money back")
    assert [hit.session.ticket for hit in found] == ["T-103"]


def test_new_sessions_are_added_and_the_paused_one_resumes(old: Path, tmp_path: Path) -> None:
    tree_id, plan = next((t, s) for t, s in scenarios() if t == "login-failure")
    result = cli(old, "run", tree_id, "--answers", str(answers_file(tmp_path, plan["answers"])))
    assert result.returncode == 0, result.stderr
    [paused] = raw(old, "SELECT id FROM sessions WHERE status = 'paused'")
    wifi = next(s for t, s in scenarios() if t == "wifi-no-internet")
    end = finish_in_process(old, paused["id"], wifi["answers"])
    assert end.outcome
    with open_case_log(str(old)) as log:
        assert len(log.list_sessions(SessionFilter())) == 5
        assert log.get_session(paused["id"]).status != "paused"
        kinds = [str(e.kind) for e in log.events(paused["id"])]
    assert kinds.count("resume") == 1 and kinds.index("pause") < kinds.index("resume")
    assert AGENT in {r["agent"] for r in raw(old, "SELECT agent FROM events")}
    assert integrity(old) == "ok"
