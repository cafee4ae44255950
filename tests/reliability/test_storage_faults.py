"""Storage faults in the middle of real use: each gives one clear ``Error: ...`` naming the
database, and nothing already logged is lost (the earlier sessions and the answers of the
interrupted one are still there, the file passes `PRAGMA integrity_check`, the interrupted
session resumes to the end once the fault is gone).

Complements `tests/test_case_log.py` and `tests/e2e/test_no_terminal.py`, which check the
message for each fault when the database is first opened.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from reliability_helpers import (
    AGENT,
    answered,
    answers_file,
    assert_clean_error,
    cli,
    finish_in_process,
    integrity,
    reference,
    scenarios,
)
from reliability_helpers import e2e as e2e  # the pty fixture

from troubleshoot.cases.log import open_case_log
from troubleshoot.cases.records import SessionFilter

TREE, PLAN = next((t, s) for t, s in scenarios() if t == "double-charge")


def snapshot(db: Path) -> list[tuple[Any, ...]]:
    """Every session and event row, read as another program would."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = list(con.execute("SELECT * FROM sessions ORDER BY id"))
        return rows + list(con.execute("SELECT * FROM events ORDER BY session_id, seq"))
    finally:
        con.close()


def checkpoint(db: Path) -> None:
    """Fold the WAL into the main file and drop it, so the file alone holds everything."""
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    for extra in ("-wal", "-shm"):
        Path(f"{db}{extra}").unlink(missing_ok=True)


@pytest.fixture
def logged(tmp_path: Path) -> tuple[Path, Path, list[tuple[Any, ...]]]:
    """A database with one whole session in it, the answers file, and its rows."""
    db = tmp_path / "cases.db"
    file = answers_file(tmp_path, PLAN["answers"])
    first = cli(db, "run", TREE, "--answers", str(file), "--agent", AGENT)
    assert first.returncode == 0, first.stderr
    checkpoint(db)
    return db, file, snapshot(db)


def sessions(db: Path) -> list[str]:
    with open_case_log(str(db)) as log:
        return [s.id for s in log.list_sessions(SessionFilter())]


# -- a full disk ---------------------------------------------------------------------------------


def file_size_limit(limit: int) -> Any:
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write (EFBIG), not the process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@pytest.mark.parametrize("room", [0, 64 * 1024, 160 * 1024])
def test_a_full_disk_mid_session(logged: tuple[Path, Path, Any], room: int) -> None:
    db, file, before = logged
    limit = db.stat().st_size + room if room == 0 else room
    result = cli(
        db,
        "run",
        TREE,
        "--answers",
        str(file),
        "--agent",
        AGENT,
        preexec_fn=file_size_limit(limit),
    )

    assert_clean_error(result, str(db))
    assert "the disk is full" in result.stderr
    assert integrity(db) == "ok"
    assert snapshot(db)[: len(before)] == before or set(before) <= set(snapshot(db))
    new = [s for s in sessions(db) if s not in {row[0] for row in before}]
    if new:  # the session was started before the disk filled up: its answers are kept
        [sid] = new
        with open_case_log(str(db)) as log:
            logged_answers = answered(log, sid)
        expected, status = reference(TREE, PLAN["name"])
        assert logged_answers == list(expected[: len(logged_answers)])
        assert "troubleshoot resume" in result.stderr or not logged_answers
        finish_in_process(db, sid, PLAN["answers"])
        with open_case_log(str(db)) as log:
            assert answered(log, sid) == list(expected)
            assert str(log.get_session(sid).status) == status


# -- a lock held past the busy timeout ----------------------------------------------------------


@contextlib.contextmanager
def write_lock(db: Path) -> Iterator[None]:
    """Another program holding the write lock."""
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        con.execute("ROLLBACK")
        con.close()


def test_a_lock_held_past_the_busy_timeout_mid_session(e2e: Any) -> None:
    login = e2e.tree("login-failure")
    plan = e2e.scenario("login-failure", "Caps Lock was on")
    answers = plan["answers"]
    term = e2e.run(login)
    done = []
    for _ in range(2):
        term.step()
        node = e2e.case.current_node(e2e.case.session()["id"])
        term.answer(login, node, answers[node])
        done.append(node)
    term.step()
    node = e2e.case.current_node(e2e.case.session()["id"])
    _, question = login.kind(node)
    term.options(question)
    with write_lock(e2e.db):
        term.send("\r")  # cannot be written: the lock outlasts the busy timeout
        term.expect("Error: ", timeout=120)  # the busy timeout is 30 s
        term.expect("troubleshoot resume")
        assert term.finish() == 1
    assert "locked" in term.text and str(e2e.db) in term.text.replace("\n", "")
    assert "Traceback" not in term.text
    sid = e2e.case.session()["id"]
    assert [n for n, _ in e2e.case.answers(sid)] == done
    assert integrity(e2e.db) == "ok"

    term = e2e.cli("resume", sid, "--agent", AGENT)
    term.expect("The session so far")
    e2e.drive(term, login, answers, sid)
    term.wrapup()
    assert term.finish() == 0
    assert e2e.case.session(sid)["status"] == "resolved"


# -- damaged and foreign files --------------------------------------------------------------------


def test_a_truncated_database_is_refused_and_left_as_it_was(
    logged: tuple[Path, Path, Any],
) -> None:
    db, file, _ = logged
    with db.open("r+b") as handle:
        handle.truncate(db.stat().st_size // 2)
    damaged = db.read_bytes()
    for args in (["run", TREE, "--answers", str(file)], ["resume", "20261201"]):
        result = cli(db, *args)
        assert_clean_error(result, str(db), "--db")
        assert db.read_bytes() == damaged


def test_a_newer_schema_is_refused_and_nothing_is_changed(
    logged: tuple[Path, Path, Any],
) -> None:
    db, file, before = logged
    con = sqlite3.connect(db)
    with con:
        con.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
            "VALUES ('troubleshoot', 'm999_future', '2030-01-01')"
        )
    con.close()
    checkpoint(db)
    kept = db.read_bytes()
    result = cli(db, "run", TREE, "--answers", str(file))
    assert_clean_error(result, str(db), "newer troubleshoot", "upgrade")
    assert db.read_bytes() == kept
    assert snapshot(db) == before


# -- read-only places ------------------------------------------------------------------------------


@contextlib.contextmanager
def immutable(path: Path) -> Iterator[None]:
    """Make `path` unwritable, for root too (which ignores mode bits), or skip."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(path)], check=False).returncode:
        pytest.skip("running as root without chattr +i: a read-only place cannot be made")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(path)], check=True)


def test_a_new_database_in_a_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    file = answers_file(tmp_path, PLAN["answers"])
    with immutable(folder):
        result = cli(folder / "cases.db", "run", TREE, "--answers", str(file))
    assert_clean_error(result, str(folder / "cases.db"), "--db")
    assert list(folder.iterdir()) == []


def test_resume_on_a_read_only_database_keeps_everything(
    logged: tuple[Path, Path, Any],
) -> None:
    db, _, before = logged
    [sid] = sessions(db)
    with immutable(db):
        result = cli(db, "run", TREE, "--answers", str(logged[1]))
    assert_clean_error(result, str(db), "read-only")
    assert snapshot(db) == before
    assert sessions(db) == [sid]
