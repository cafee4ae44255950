"""Values out of range are located errors where they are read, never tracebacks; an answers file
is checked whole (its wrap-up included) before anything is recorded, and read with a size limit."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from troubleshoot.errors import AnswersError
from troubleshoot.session.history import check_date
from troubleshoot.session.prompts import _date_check

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
GOOD = TESTS / "good_trees"
ANSWERS = "answers: {restart: no, reinstall: yes}\n"


def troubleshoot(tmp_path: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("TROUBLESHOOT_TREES", None)
    env.update({"TROUBLESHOOT_DB": str(tmp_path / "cases.db"), "NO_COLOR": "1",
                "COLUMNS": "200", "PYTHONIOENCODING": "utf-8"})
    result = subprocess.run(
        [sys.executable, "-m", "troubleshoot", "--trees", str(GOOD), *map(str, args)],
        capture_output=True, text=True, cwd=REPO, env=env, timeout=120,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def stored_sessions(tmp_path: Path) -> int:
    db = tmp_path / "cases.db"
    if not db.exists():
        return 0
    con = sqlite3.connect(db)
    try:
        return int(con.execute("SELECT count(*) FROM sessions").fetchone()[0])
    except sqlite3.OperationalError:
        return 0
    finally:
        con.close()


def _tree(tmp_path: Path, old: str, new: str) -> Path:
    text = (GOOD / "merge-key.tree.yaml").read_text(encoding="utf-8").replace(old, new)
    path = tmp_path / "merge-key.tree.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("old", "new", "where", "said"), [
    ("start: restart", "revision: 99999999999999999999\nstart: restart", (4, 11),
     "'revision' in the tree must be a whole number from 1 to 2,147,483,647"),
    ('    resolve: "Fixed by: {{ last_fix }}"',
     '    resolve: "Fixed by: {{ last_fix }}"\n    follow_up: 99999999w', (20, 16),
     "follow_up '99999999w' is more than ten years away"),
])
def test_a_tree_value_out_of_range_is_a_located_problem(
        tmp_path: Path, old: str, new: str, where: tuple[int, int], said: str) -> None:
    tree = _tree(tmp_path, old, new)

    result = troubleshoot(tmp_path, "validate", "--format", "json", tree)

    assert result.returncode == 1
    problems = json.loads(result.stdout)["problems"]
    assert [(p["line"], p["col"]) for p in problems if said in p["message"]] == [where], problems


@pytest.mark.parametrize(("wrapup", "said"), [
    ("{satisfaction: 7}", "wrapup: satisfaction must be a whole number from 1 to 5, not 7"),
    ("{follow_up: 9999999999d}", "wrapup: follow-up '9999999999d' is more than ten years away"),
    ("{follow_up: next tuesday}", "wrapup: follow-up 'next tuesday' is not a date"),
    ("{mood: happy}", "unknown wrapup field 'mood'"),
])
def test_a_wrong_wrapup_is_refused_before_anything_is_recorded(
        tmp_path: Path, wrapup: str, said: str) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS + f"wrapup: {wrapup}\n", encoding="utf-8")

    result = troubleshoot(tmp_path, "run", "merge-key", "--answers", answers)

    assert result.returncode == 1
    assert result.stderr.startswith(f"Error: {answers}: ")
    assert said in result.stderr
    assert stored_sessions(tmp_path) == 0


def test_a_good_wrapup_is_recorded(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS + "wrapup: {satisfaction: 5, follow_up: 2099-01-02, note: ok}\n",
                       encoding="utf-8")

    result = troubleshoot(tmp_path, "run", "merge-key", "--answers", answers)

    assert result.returncode == 0, result.stderr
    con = sqlite3.connect(tmp_path / "cases.db")
    try:
        row = con.execute("SELECT satisfaction, follow_up, note FROM sessions").fetchone()
    finally:
        con.close()
    assert row == (5, "2099-01-02", "ok")


def test_an_endless_answers_file_is_read_with_a_limit(tmp_path: Path) -> None:
    result = troubleshoot(tmp_path, "run", "merge-key", "--answers", "/dev/zero")

    assert result.returncode == 1
    assert result.stderr.startswith("Error: /dev/zero is over 2 MB: an answers or scenarios file")
    assert "sub-trees" not in result.stderr


def test_a_large_answers_file_is_not_told_to_use_sub_trees(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS + "# padding\n" * 300_000, encoding="utf-8")

    result = troubleshoot(tmp_path, "run", "merge-key", "--answers", answers)

    assert result.returncode == 1
    assert result.stderr.startswith(f"Error: {answers} is over 2 MB")
    assert "sub-trees" not in result.stderr


@pytest.mark.parametrize("typed", ["3000000d", "99999999999999999999w", "9999999999d"])
def test_a_follow_up_too_far_away_is_refused_where_it_is_typed(typed: str) -> None:
    with pytest.raises(AnswersError, match="more than ten years away"):
        check_date(typed)
    refused = _date_check(typed)  # the prompt says what to type instead of failing
    assert isinstance(refused, str) and refused.startswith("Use YYYY-MM-DD")
    assert check_date("2w") and check_date("") == ""
