"""The case log: private file, durable events, and clear messages for unusable databases."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from troubleshoot.cases.store import Store
from troubleshoot.errors import SessionNotFound, StoreError
from troubleshoot.paths import bundled_trees
from troubleshoot.tree.loader import load_tree

TREE = load_tree(bundled_trees() / "login-failure.tree.yaml", bundled_trees())


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_database_and_its_wal_files_are_private(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "cases.db"
    store = Store(path)
    session = store.create_session(TREE, {"customer": "cannot log in"})
    store.add_event(session, "start")
    files = [p for p in path.parent.iterdir() if p.name.startswith("cases.db")]
    assert {p.name for p in files} >= {"cases.db", "cases.db-wal"}
    assert all(mode(p) == 0o600 for p in files), {p.name: oct(mode(p)) for p in files}
    store.close()


def test_events_are_numbered_and_kept_with_the_tree_text(tmp_path: Path) -> None:
    store = Store(tmp_path / "c.db")
    session = store.create_session(TREE, {"customer": "locked out", "ticket": "T-9"})
    assert [store.add_event(session, kind) for kind in ("start", "answer", "back")] == [1, 2, 3]
    # a second connection (another terminal) sees every event already committed
    other = sqlite3.connect(tmp_path / "c.db")
    kinds = [r[0] for r in other.execute("SELECT kind FROM events ORDER BY seq")]
    assert kinds == ["start", "answer", "back"]
    row = store.session(session[:15])
    assert row["ticket"] == "T-9"
    assert store.tree_sources(row)[0][1] == TREE.sources[0].text
    assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_similar_cases_are_found_by_words(tmp_path: Path) -> None:
    store = Store(tmp_path / "c.db")
    first = store.create_session(TREE, {"customer": "The password reset e-mail never arrives"})
    store.create_session(TREE, {"customer": "Printer is jammed"})
    found = store.similar("reset password please", exclude="none")
    assert [r["id"] for r in found] == [first]
    assert store.similar("AND OR NOT \" * (") == []


def test_unknown_session_says_how_to_list(tmp_path: Path) -> None:
    with pytest.raises(SessionNotFound, match="'troubleshoot resume' lists"):
        Store(tmp_path / "c.db").session("nope")


def test_corrupt_file_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    path.write_bytes(os.urandom(4096))
    with pytest.raises(StoreError, match="not a troubleshoot case database or is damaged"):
        Store(path)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    Store(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                     "VALUES ('troubleshoot', 'm999_future', '2030-01-01')")
    with pytest.raises(StoreError, match="newer troubleshoot"):
        Store(path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write read-only files")
def test_read_only_file_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    Store(path).close()
    path.chmod(0o400)
    store = Store(path)
    with pytest.raises(StoreError, match="read-only"):
        store.create_session(TREE, {})


def test_locked_database_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    Store(path).close()
    locker = sqlite3.connect(path, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match="locked by another program"):
            Store(path, busy_timeout_ms=200).create_session(TREE, {})
    finally:
        locker.execute("ROLLBACK")


def test_a_folder_is_not_a_database(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a folder"):
        Store(tmp_path)


def test_read_only_error_is_explained() -> None:
    from troubleshoot.cases.store import _explain

    readonly = sqlite3.OperationalError("attempt to write a readonly database")
    error = _explain(Path("/x/c.db"), readonly)
    assert str(error) == ("the case database /x/c.db is read-only; make it writable "
                          "(chmod u+w) or use --db for another file")
