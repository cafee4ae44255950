"""A stored tree revision loads from the case log in memory: nothing is written anywhere, and
a path stored in the database never decides where anything is read or written."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest

from troubleshoot.cases.records import Intake
from troubleshoot.cases.sqlite import SQLiteCaseLog
from troubleshoot.errors import TreeError
from troubleshoot.paths import bundled_trees
from troubleshoot.session.launch import tree_for_session
from troubleshoot.tree.loader import load_stored_tree, load_tree


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*")}


def temp_folders() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("troubleshoot-tree-*")}


@pytest.fixture
def trees(tmp_path: Path) -> Path:
    folder = tmp_path / "work" / "trees"
    shutil.copytree(bundled_trees(), folder)
    return folder


def test_a_tampered_stored_path_writes_nothing_and_still_resumes(
    tmp_path: Path, trees: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path / "work")
    main = trees / "wifi-no-internet.tree.yaml"
    tree = load_tree(main, trees)
    assert len(tree.sources) > 1  # it imports the network-basics sub-trees
    with SQLiteCaseLog(tmp_path / "cases.db") as log:
        session_id = log.create_session(tree, Intake(customer="no internet"), "ann")
    with sqlite3.connect(tmp_path / "cases.db") as conn:
        conn.execute("UPDATE trees SET path = '../x/evil.sh' WHERE sha256 = ?", (tree.sha256,))
    main.write_text(main.read_text() + "\n# changed since\n")  # the stored revision is needed
    before, temps = files_under(tmp_path), temp_folders()
    with SQLiteCaseLog(tmp_path / "cases.db") as log:
        loaded = tree_for_session(log, log.get_session(session_id), [trees])
    assert loaded.sha256 == tree.sha256
    assert set(loaded.nodes) == set(tree.nodes)
    assert {p.name for p in files_under(tmp_path) - before} <= {"cases.db-wal", "cases.db-shm"}
    assert not list(tmp_path.rglob("evil.sh"))
    assert temp_folders() == temps


def test_stored_files_outside_their_folder_are_not_read() -> None:
    files = {
        "main.tree.yaml": "format: 1\nid: main\ntitle: M\nimports: {a: ../../x/evil.tree.yaml}\n"
        "start: s\nnodes:\n  s: {resolve: done}\n",
    }
    with pytest.raises(TreeError) as caught:
        load_stored_tree(files)
    assert str(caught.value).startswith("the copy of the tree kept in the case log has 1 error")
    assert "points outside the trees folder" in str(caught.value)
