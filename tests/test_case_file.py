"""The case database as a file given with --db: another application's database is refused and
left untouched, a file in the way of the folder is named, a read-only folder is named as the
folder, and a file that others can read is warned about; plus smaller messages kept short."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from troubleshoot.session.coerce import InvalidAnswer, coerce
from troubleshoot.session.step import StepKind
from troubleshoot.tree.model import Choice

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
GOOD = TESTS / "good_trees"


def run(tmp_path: Path, db: Path | str) -> subprocess.CompletedProcess[str]:
    """A scripted session of the merge-key tree on the case database `db`."""
    answers = tmp_path / "answers.yaml"
    answers.write_text("answers: {restart: no, reinstall: yes}\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TROUBLESHOOT_")}
    result = subprocess.run(
        [sys.executable, "-m", "troubleshoot", "--db", str(db), "--trees", str(GOOD),
         "run", "merge-key", "--answers", str(answers)],
        capture_output=True, text=True, cwd=tmp_path, env={**env, "NO_COLOR": "1"}, timeout=120,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_another_applications_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    other = tmp_path / "notes.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    con.commit()
    con.close()
    other.chmod(0o600)

    result = run(tmp_path, other)

    assert result.returncode == 1
    assert result.stderr == (
        f"Error: the file {other} is a database of another application (tables: notes), not a "
        "troubleshoot case log; it was left untouched: use --db for another file\n"
    )
    con = sqlite3.connect(other)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master")]
        mode = con.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        con.close()
    assert (tables, mode) == (["notes"], "delete")


def test_a_file_where_a_folder_should_be_is_named(tmp_path: Path) -> None:
    (tmp_path / "cases").write_text("not a folder", encoding="utf-8")

    result = run(tmp_path, tmp_path / "cases" / "team" / "cases.db")

    assert result.returncode == 1
    assert result.stderr.startswith(
        f"Error: cannot create the case database {tmp_path}/cases/team/cases.db: "
        f"{tmp_path}/cases is a file, not a folder"
    )


def test_a_case_database_others_can_read_is_warned_about(tmp_path: Path) -> None:
    db = tmp_path / "cases.db"
    assert run(tmp_path, db).stderr == ""
    db.chmod(0o644)

    result = run(tmp_path, db)

    assert result.returncode == 0
    assert result.stderr.startswith(
        f"Warning: the case database {db} holds customer data but can be read by other users "
        f"of this computer: cases.db (-rw-r--r--)"
    )
    assert f"chmod 600 {db}*" in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write in read-only folders")
def test_a_read_only_folder_is_named_as_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    db = folder / "cases.db"
    assert run(tmp_path, db).returncode == 0
    for side in ("cases.db-wal", "cases.db-shm"):
        (folder / side).unlink(missing_ok=True)
    folder.chmod(0o555)
    try:
        result = run(tmp_path, db)
    finally:
        folder.chmod(0o755)

    assert result.returncode == 1
    assert f"is in a read-only folder ({folder})" in result.stderr
    assert "chmod u+w" not in result.stderr


def test_a_wrong_answer_among_many_choices_names_a_few() -> None:
    choices = tuple(Choice(f"Option {n}", f"opt-{n}") for n in range(100_000))

    with pytest.raises(InvalidAnswer) as caught:
        coerce(StepKind.SELECT, choices, "x" * 1000)

    message = str(caught.value)
    assert message.endswith("opt-18, opt-19, ... and 99,980 more)")
    assert len(message) < 400
