"""The fast CSV and JSON Lines export (built by the database) says what the Python writers say.

`troubleshoot cases export` takes `CaseLog.export_records` for CSV and JSON Lines; the writers
of `cases/export.py` stay for redaction, per-event CSV, JSON and Markdown. On cases full of
what spreadsheets and parsers trip on, both give the same CSV bytes and the same JSON objects,
on each backend.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest

from troubleshoot.cases import sqlite_export
from troubleshoot.cases.export import ExportFormat, case_records
from troubleshoot.cases.log import CaseLog
from troubleshoot.cases.records import (
    Ending,
    Event,
    EventKind,
    Intake,
    SessionFilter,
    SessionUpdate,
    Status,
)
from troubleshoot.cases.sqlite import SQLiteCaseLog
from troubleshoot.paths import bundled_trees
from troubleshoot.tree.loader import load_tree

TREE = load_tree(bundled_trees() / "login-failure.tree.yaml", bundled_trees())
NASTY = [
    '=HYPERLINK("http://x","y")',
    "+1 555 0100",
    "-2",
    "@SUM(A1)",
    "\tcmd",
    "\rcarriage",
    'a "quoted", word\nand a second line\r\nand a third',
    "שלום עולם ‮ reversed",
    "bell \x07 escape \x1b[31m red",
    "[bold]markup[/] {{ 7*7 }}",
    "",
    "plain words",
]


def fill(log: CaseLog) -> list[str]:
    """One ended case per nasty text, in every text field, plus an open one with nothing set."""
    made = [log.create_session(TREE, Intake(), "ann")]
    for index, text in enumerate(NASTY):
        intake = Intake(ticket=text, customer=text, tone=text, desired_outcome=text)
        session = log.create_session(TREE, intake, text or "ann")
        log.append_event(session, Event(kind=EventKind.START))
        answer = Event(
            kind=EventKind.ANSWER,
            node="start",
            step="start",
            phase="diagnose",
            prompt=text,
            answer=text,
            value={"text": text, "n": index, "list": [1.5, None, True]},
            text=text,
            ms=index * 7,
        )
        log.append_event(session, answer)
        variables = {"said": text, "ünïcode": "ü", "n": index, "ok": index % 2 == 0}
        log.update_session(
            session,
            SessionUpdate(note=text, follow_up="2026-12-24", satisfaction=index % 5 + 1),
        )
        ending = Ending(
            status=Status.ESCALATED if index % 3 else Status.RESOLVED,
            outcome=text or "resolved",
            summary=text,
            reply=text,
            current_node="done",
            variables=variables,
            escalated_to=text,
            escalation_reason=text,
            fixed_by=text,
        )
        log.finish_session(session, Event(kind=EventKind.RESOLVE, text=text), ending)
        made.append(session)
    return made


@pytest.mark.parametrize("limit", [None, 5])
def test_csv_records_are_the_bytes_the_csv_writer_writes(
    case_log: CaseLog, limit: int | None
) -> None:
    with case_log as log:
        fill(log)
        chosen = SessionFilter(limit=limit)
        fast = "".join(log.export_records(chosen, ExportFormat.CSV))
        cases = log.iter_cases(chosen, with_events=False)
        assert fast == "".join(case_records(cases, ExportFormat.CSV))
    rows = list(csv.DictReader(io.StringIO(fast, newline="")))
    assert len(rows) == (limit or len(NASTY) + 1)
    cells = [cell for row in rows for cell in row.values()]
    # no cell a spreadsheet would run as a formula
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    if limit is None:
        assert {r["customer"] for r in rows} >= {"'" + NASTY[0], NASTY[6], NASTY[7], NASTY[8]}


def test_json_lines_parse_to_the_objects_the_json_writer_writes(case_log: CaseLog) -> None:
    with case_log as log:
        made = fill(log)
        everything = SessionFilter()
        fast = "".join(log.export_records(everything, ExportFormat.JSONL))
        slow = "".join(case_records(log.iter_cases(everything), ExportFormat.JSONL))
    assert fast.endswith("\n") and fast.count("\n") == len(made)
    objects = [json.loads(line) for line in fast.splitlines()]
    assert objects == [json.loads(line) for line in slow.splitlines()]
    assert sorted(o["id"] for o in objects) == sorted(made)
    told = next(o for o in objects if o["customer"] == NASTY[6])
    assert [e["kind"] for e in told["events"]] == ["start", "answer", "resolve"]
    assert told["events"][1]["value"] == {"text": NASTY[6], "n": 6, "list": [1.5, None, True]}
    assert told["variables"]["ünïcode"] == "ü"


def test_an_empty_log_exports_a_header_or_nothing(case_log: CaseLog) -> None:
    with case_log as log:
        header = "".join(log.export_records(SessionFilter(), ExportFormat.CSV))
        assert header.startswith("id,tree_id,") and header.count("\n") == 1
        assert list(log.export_records(SessionFilter(), ExportFormat.JSONL)) == []


@pytest.mark.parametrize("chosen", [SessionFilter(), SessionFilter(status=Status.ESCALATED)])
def test_a_csv_export_split_between_connections_is_the_same_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chosen: SessionFilter
) -> None:
    """A large log's CSV is made in chunks of start times by two connections at once; with
    chunks of three sessions and start times shared across chunk edges, the file is the same."""
    monkeypatch.setattr(sqlite_export, "CHUNK", 3)
    db = tmp_path / "cases.db"
    with SQLiteCaseLog(db) as log:
        made = fill(log) + fill(log)
        times = ["2026-11-30T09:00:00.000Z", "2026-11-30T09:00:00.000Z", "2026-12-01T10:00:00.000Z"]
        with sqlite3.connect(db) as conn:  # ties in start time, on both sides of chunk edges
            conn.executemany(
                "UPDATE sessions SET started = ? WHERE id = ?",
                [(times[i % 3], session) for i, session in enumerate(made[::2])],
            )
        assert log.count_sessions(chosen) > 3 * 2
        split = "".join(log.export_records(chosen, ExportFormat.CSV))
        cases = log.iter_cases(chosen, with_events=False)
        assert split == "".join(case_records(cases, ExportFormat.CSV))
