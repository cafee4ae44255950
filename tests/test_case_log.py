"""The case log: durable events, lookups, search, the two-agents rule; a private file and clear
messages for unusable SQLite files.

Tests taking `case_log` (or `log_target`) run once on each backend: SQLite, and PostgreSQL on
the throwaway server of `tests/pg_server.py`.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from troubleshoot.cases.ids import short_id
from troubleshoot.cases.log import CaseLog, open_case_log
from troubleshoot.cases.records import Event, EventKind, Intake
from troubleshoot.cases.similar import similar
from troubleshoot.cases.sqlite import SQLiteCaseLog
from troubleshoot.errors import CaseLogError, SessionNotFound
from troubleshoot.paths import bundled_trees
from troubleshoot.tree.loader import load_tree

TREE = load_tree(bundled_trees() / "login-failure.tree.yaml", bundled_trees())


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_database_and_its_wal_files_are_private(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "cases.db"
    case_log = SQLiteCaseLog(path)
    session = case_log.create_session(TREE, Intake(customer="cannot log in"), "ann")
    case_log.append_event(session, Event(kind=EventKind.START))
    files = [p for p in path.parent.iterdir() if p.name.startswith("cases.db")]
    assert {p.name for p in files} >= {"cases.db", "cases.db-wal"}
    assert all(mode(p) == 0o600 for p in files), {p.name: oct(mode(p)) for p in files}
    case_log.close()


def test_events_are_numbered_and_kept_with_the_tree_text(log_target: str) -> None:
    with open_case_log(log_target) as log:
        session = log.create_session(TREE, Intake(customer="locked out", ticket="T-9"), "ann")
        kinds = (EventKind.START, EventKind.ANSWER, EventKind.BACK)
        assert [log.append_event(session, Event(kind=kind)) for kind in kinds] == [1, 2, 3]
        # a second connection (another terminal) sees every event already committed
        with open_case_log(log_target) as other:
            assert [e.kind for e in other.events(session)] == ["start", "answer", "back"]
            record = other.get_session(session[:15])
            assert record.ticket == "T-9"
            assert next(iter(other.tree_sources(record).values())) == TREE.sources[0].text


def test_the_sqlite_file_is_in_wal_mode(tmp_path: Path) -> None:
    SQLiteCaseLog(tmp_path / "c.db").close()
    with sqlite3.connect(tmp_path / "c.db") as other:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_similar_cases_are_found_by_words(case_log: CaseLog) -> None:
    words = "The password reset e-mail never arrives"
    first = case_log.create_session(TREE, Intake(customer=words), "ann")
    case_log.create_session(TREE, Intake(customer="Printer is jammed"), "ann")
    found = [h.session for h in similar(case_log, "reset password please", exclude="none")]
    assert [r.id for r in found] == [first]
    assert similar(case_log, 'AND OR NOT " * (') == []
    assert similar(case_log, "reset password please", exclude=first) == []


def test_unknown_session_says_how_to_list(case_log: CaseLog) -> None:
    with pytest.raises(SessionNotFound, match="'troubleshoot resume' lists"):
        case_log.get_session("nope")


def test_corrupt_file_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    path.write_bytes(os.urandom(4096))
    with pytest.raises(CaseLogError, match="not a troubleshoot case database or is damaged"):
        SQLiteCaseLog(path)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    SQLiteCaseLog(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
            "VALUES ('troubleshoot', 'm999_future', '2030-01-01')"
        )
    with pytest.raises(CaseLogError, match="newer troubleshoot"):
        SQLiteCaseLog(path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write read-only files")
def test_read_only_file_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    SQLiteCaseLog(path).close()
    path.chmod(0o400)
    case_log = SQLiteCaseLog(path)
    with pytest.raises(CaseLogError, match="read-only"):
        case_log.create_session(TREE, Intake(), "ann")


def test_locked_database_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    SQLiteCaseLog(path).close()
    locker = sqlite3.connect(path, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(CaseLogError, match="locked by another program"):
            SQLiteCaseLog(path, busy_timeout_ms=200).create_session(TREE, Intake(), "ann")
    finally:
        locker.execute("ROLLBACK")


def test_a_folder_is_not_a_database(tmp_path: Path) -> None:
    with pytest.raises(CaseLogError, match="is a folder"):
        SQLiteCaseLog(tmp_path)


def test_read_only_error_is_explained() -> None:
    from troubleshoot.cases.sqlite_file import explain

    readonly = sqlite3.OperationalError("attempt to write a readonly database")
    error = explain("/x/c.db", readonly)
    assert str(error) == (
        "the case database /x/c.db is read-only; make it writable "
        "(chmod u+w) or use --db for another file"
    )


def test_the_log_opens_in_memory_and_closes_with_with() -> None:
    with open_case_log(":memory:") as log:
        session = log.create_session(TREE, Intake(customer="locked out"), "ann")
        assert log.get_session(session).status == "active"


def test_a_session_is_found_by_id_start_or_random_tail(case_log: CaseLog) -> None:
    log = case_log
    session = log.create_session(TREE, Intake(), "ann")
    tail = session.rsplit("-", 1)[1]
    assert log.get_session(tail).id == session
    assert log.get_session(short_id(session).upper()).id == session
    assert log.get_session(session[-4:]).id == session
    assert log.get_session(session[:10]).id == session
    other = log.create_session(TREE, Intake(), "ann")
    with pytest.raises(SessionNotFound, match="matches several sessions"):
        log.get_session(session[:8])
    assert log.get_session(other).id == other
    for typed in ("%", "_", "x' OR '1'='1"):
        with pytest.raises(SessionNotFound, match="no session"):
            log.get_session(typed)


def test_finishing_writes_the_end_event_and_the_ending_together(case_log: CaseLog) -> None:
    from troubleshoot.cases.records import Ending, SessionUpdate, Status

    with case_log as log:
        session = log.create_session(TREE, Intake(), "ann")
        log.update_session(session, SessionUpdate(current_node="n1", variables={"os": "mac"}))
        ending = Ending(status=Status.RESOLVED, outcome="resolved", summary="Fixed", fixed_by="x")
        seq = log.finish_session(session, Event(kind=EventKind.RESOLVE, value={"a": 1}), ending)
        record = log.get_session(session)
        assert (seq, record.status, record.summary) == (1, "resolved", "Fixed")
        assert record.fixed_by == "x"
        assert record.ended is not None
        assert log.events(session)[0].value == {"a": 1}
        assert log.resumable().total == 0


def test_a_second_agents_change_is_refused(case_log: CaseLog) -> None:
    from troubleshoot.errors import SessionChanged

    with case_log as log:
        session = log.create_session(TREE, Intake(), "ann")
        log.append_event(session, Event(kind=EventKind.START))
        log.append_event(session, Event(kind=EventKind.NOTE, agent="bob"), after=1)
        log.append_event(session, Event(kind=EventKind.ANSWER, agent="bob"), after=2)
        with pytest.raises(SessionChanged, match="changed by bob"):
            log.append_event(session, Event(kind=EventKind.ANSWER, agent="ann"), after=1)


def test_resumable_says_how_many_there_are_in_all(case_log: CaseLog) -> None:
    with case_log as log:
        for _ in range(3):
            log.create_session(TREE, Intake(), "ann")
        page = log.resumable(limit=2)
        assert (len(page.sessions), page.total) == (2, 3)


def test_sessions_are_listed_by_filter(case_log: CaseLog) -> None:
    from troubleshoot.cases.records import SessionFilter, Status

    with case_log as log:
        first = log.create_session(TREE, Intake(ticket="T-1"), "ann")
        log.create_session(TREE, Intake(ticket="T-2"), "bob")
        assert [s.id for s in log.list_sessions(SessionFilter(ticket="T-1"))] == [first]
        assert len(log.list_sessions(SessionFilter(tree=TREE.id, status=Status.ACTIVE))) == 2
        assert log.list_sessions(SessionFilter(agent="carol")) == []
        today = log.get_session(first).started[:10]
        assert len(log.list_sessions(SessionFilter(since=today, until=today, limit=1))) == 1
        assert log.list_sessions(SessionFilter(until="2000-01-01")) == []


def test_unrelated_words_find_no_similar_case(case_log: CaseLog) -> None:
    with case_log as log:
        log.create_session(TREE, Intake(customer="The printer in the hall is jammed again"), "a")
        assert similar(log, "the VPN is down again for the whole team") == []
        assert len(similar(log, "printer jammed")) == 1


def test_a_postgresql_url_is_not_a_file_and_its_password_is_never_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CaseLogError) as caught:
        open_case_log("postgresql://ann:s3cret@db.invalid/cases")
    assert str(caught.value).startswith(
        "the case database postgresql://ann:***@db.invalid/cases cannot be reached ("
    )
    assert "s3cret" not in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_kind_of_database_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CaseLogError) as caught:
        open_case_log("mysql://ann:s3cret@db/cases")
    assert str(caught.value) == (
        "the case database mysql://ann:***@db/cases: unknown kind of database 'mysql://'; "
        "use --db with a file path or a postgresql:// URL"
    )


def test_the_intake_fields_are_the_trees_built_in_variables() -> None:
    from dataclasses import fields

    from troubleshoot.tree.model import INTAKE_FIELDS

    assert [f.name for f in fields(Intake)] == list(INTAKE_FIELDS)
