"""Similar past cases on SQLite are the best matches among the newest matching sessions, so the
intake's search stays quick on a large log; `cases search` still ranks every match."""

from __future__ import annotations

from pathlib import Path

import pytest

from troubleshoot.cases import sqlite_similar
from troubleshoot.cases.records import Intake, SessionFilter
from troubleshoot.cases.similar import similar
from troubleshoot.cases.sqlite import SQLiteCaseLog
from troubleshoot.errors import CaseLogError
from troubleshoot.paths import bundled_trees
from troubleshoot.tree.loader import load_tree

TREE = load_tree(bundled_trees() / "login-failure.tree.yaml", bundled_trees())


def test_only_the_newest_matching_sessions_are_ranked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_similar, "NEWEST", 2)
    with SQLiteCaseLog(tmp_path / "cases.db") as log:
        best_but_old = log.create_session(
            TREE, Intake(customer="password reset password reset mail"), "ann"
        )
        middle = log.create_session(TREE, Intake(customer="the password reset never came"), "ann")
        newest = log.create_session(TREE, Intake(customer="reset my password"), "ann")
        log.create_session(TREE, Intake(customer="printer jammed"), "ann")

        found = {h.session.id for h in similar(log, "password reset")}
        everything = {h.session.id for h in log.search("password reset", SessionFilter())}

    assert found == {middle, newest}
    assert everything == {best_but_old, middle, newest}


def test_a_damaged_database_during_the_search_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "cases.db"
    with SQLiteCaseLog(path) as log:
        log.create_session(TREE, Intake(customer="password reset"), "ann")
        log.db.execute("DROP TABLE sessions_fts")
        with pytest.raises(CaseLogError, match=f"the case database {path} "):
            similar(log, "password reset")
