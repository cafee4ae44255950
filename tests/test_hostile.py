"""Hostile trees and answers files: every command that reads them ends soon with a clear error.

Each file in tests/hostile/ would once hang a command or exhaust memory (a condition that
computes 9**(9**9), a text a gigabyte long, loops of 10**10 passes, a billion-value YAML alias
bomb). Its first line says where `validate` must report it:

    # expect: LINE:COL: SUBSTRING

Every command that reads trees runs on each file in a subprocess with a memory limit and a
timeout; none may hang, run out of memory or show a traceback. The trees in tests/hostile/runtime/
are valid, but compute too much from what they are given at run time: running them is an error,
and no session is left `active`.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
HOSTILE = TESTS / "hostile"
RUNTIME = HOSTILE / "runtime"
MEMORY_LIMIT = 1 << 30  # 1 GiB of address space: far more than any command needs
TIMEOUT = 60  # each command ends in a few seconds; this only stops a hang


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def troubleshoot(tmp_path: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """The real command line, with a memory limit; never a traceback."""
    env = dict(os.environ)
    env.pop("TROUBLESHOOT_TREES", None)
    env.update({"TROUBLESHOOT_DB": str(tmp_path / "cases.db"), "NO_COLOR": "1",
                "COLUMNS": "200", "PYTHONIOENCODING": "utf-8"})
    result = subprocess.run(
        [sys.executable, "-m", "troubleshoot", *map(str, args)],
        capture_output=True, text=True, cwd=REPO, env=env, timeout=TIMEOUT,
        preexec_fn=_limit_memory,
    )
    for stream in (result.stdout, result.stderr):
        assert "Traceback" not in stream, stream
        assert "MemoryError" not in stream, stream
    return result


def expectation(path: Path) -> tuple[int, int, str]:
    first = path.read_text(encoding="utf-8").split("\n", 1)[0]
    where, text = first.removeprefix("# expect: ").split(": ", 1)
    line, col = where.split(":")
    return int(line), int(col), text


def hostile_trees() -> list[Any]:
    return [pytest.param(p, id=p.name.removesuffix(".tree.yaml"))
            for p in sorted(HOSTILE.glob("*.tree.yaml"))]


def sessions(tmp_path: Path) -> list[dict[str, Any]]:
    import sqlite3

    db = tmp_path / "cases.db"
    if not db.exists():
        return []
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute("SELECT * FROM sessions")]
    except sqlite3.OperationalError:  # no tables: nothing was ever recorded
        return []
    finally:
        con.close()


@pytest.fixture()
def trees_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "trees"
    folder.mkdir()
    return folder


def _with_scenarios(folder: Path, tree_file: Path) -> str:
    """Copies the tree into `folder` with a scenarios file and an answers file; its id."""
    tree_id = tree_file.name.removesuffix(".tree.yaml")
    shutil.copy(tree_file, folder)
    (folder / f"{tree_id}.scenarios.yaml").write_text(
        f"tree: {tree_id}\nscenarios:\n  - name: any\n    answers: {{}}\n"
        "    expect: {outcome: resolved}\n", encoding="utf-8")
    (folder / "answers.yaml").write_text("answers: {}\n", encoding="utf-8")
    return tree_id


def test_there_are_hostile_trees_each_with_an_expectation() -> None:
    files = list(HOSTILE.glob("*.tree.yaml"))
    assert len(files) >= 8
    for path in files:
        assert path.read_text(encoding="utf-8").startswith("# expect: "), path.name


@pytest.mark.parametrize("tree_file", hostile_trees())
def test_validate_reports_a_hostile_tree_where_it_is(tree_file: Path, tmp_path: Path) -> None:
    line, col, text = expectation(tree_file)

    result = troubleshoot(tmp_path, "validate", "--format", "json", tree_file)

    assert result.returncode == 1
    problems = json.loads(result.stdout)["problems"]
    assert any((p["line"], p["col"]) == (line, col) and text in p["message"]
               for p in problems), problems


@pytest.mark.parametrize("tree_file", hostile_trees())
def test_every_command_that_reads_trees_refuses_a_hostile_tree(
        tree_file: Path, tmp_path: Path, trees_folder: Path) -> None:
    tree_id = _with_scenarios(trees_folder, tree_file)
    _, _, text = expectation(tree_file)

    listed = troubleshoot(tmp_path, "--trees", trees_folder, "trees", "--format", "json")
    assert listed.returncode == 0
    rows = {row["id"]: row for row in json.loads(listed.stdout)}
    if tree_id in rows:  # listed with its problem (a file YAML cannot read has no id to list)
        assert rows[tree_id]["problems"].startswith("1 error(s)")
    for args in (("show", tree_id), ("graph", tree_id), ("test", trees_folder),
                 ("run", tree_id, "--answers", trees_folder / "answers.yaml")):
        result = troubleshoot(tmp_path, "--trees", trees_folder, *args)

        assert result.returncode == 1, args
        assert text in result.stdout + result.stderr, args
    assert sessions(tmp_path) == []


def runtime_trees() -> list[Any]:
    return [pytest.param(p, id=p.name.removesuffix(".tree.yaml"))
            for p in sorted(RUNTIME.glob("*.tree.yaml"))]


@pytest.mark.parametrize("tree_file", runtime_trees())
def test_a_template_that_computes_too_much_at_run_time_is_an_error(
        tree_file: Path, tmp_path: Path) -> None:
    tree_id = tree_file.name.removesuffix(".tree.yaml")

    checked = troubleshoot(tmp_path, "validate", tree_file)
    ran = troubleshoot(tmp_path, "--trees", RUNTIME, "run", tree_id,
                       "--answers", RUNTIME / f"{tree_id}.answers.yaml")

    assert checked.returncode == 0  # what it computes depends on what it is given
    assert ran.returncode == 1
    assert ran.stderr.startswith("Error: cannot fill in ")
    assert any(limit in ran.stderr for limit in (
        "more than 100,000 characters", "times: more than 100,000"))
    assert [s["status"] for s in sessions(tmp_path)] == []  # checked before anything is stored


def test_an_answers_file_with_an_alias_bomb_is_refused_where_the_alias_is(
        tmp_path: Path) -> None:
    answers = HOSTILE / "billion-laughs.answers.yaml"
    line, col, text = expectation(answers)

    result = troubleshoot(tmp_path, "run", "wifi-no-internet", "--answers", answers)

    assert result.returncode == 1
    assert result.stderr.startswith(f"Error: {answers}:{line}:{col}: {text}")
    assert sessions(tmp_path) == []


def test_a_scenarios_file_with_an_alias_bomb_is_a_failed_file(
        tmp_path: Path, trees_folder: Path) -> None:
    bomb = (HOSTILE / "billion-laughs.answers.yaml").read_text(encoding="utf-8")
    scenarios = trees_folder / "wifi-no-internet.scenarios.yaml"
    scenarios.write_text(bomb.replace("answers: {}", "scenarios: []"), encoding="utf-8")

    result = troubleshoot(tmp_path, "test", trees_folder)

    assert result.returncode == 1
    assert "the alias '*a4' brings the values repeated by aliases over 100,000" in result.stdout


def test_a_merge_key_still_shares_keys_between_nodes(tmp_path: Path) -> None:
    good = TESTS / "good_trees"
    answers = tmp_path / "answers.yaml"
    answers.write_text("answers: {restart: no, reinstall: yes}\n", encoding="utf-8")

    checked = troubleshoot(tmp_path, "validate", good / "merge-key.tree.yaml")
    ran = troubleshoot(tmp_path, "--trees", good, "run", "merge-key", "--answers", answers)

    assert checked.stdout.strip() == "1 file(s) checked: ok"
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.splitlines()[:3] == [
        "1. (fix) Does the printer print now? [Restart the printer] -> no",
        "2. (fix) Does the printer print now? [Reinstall the printer driver] -> yes",
        "Outcome: resolved - Fixed by: Reinstall the printer driver",
    ]
