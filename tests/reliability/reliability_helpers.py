"""Helpers for the reliability suite: scripted sessions, the reference walk of a scenario,
finishing a session in-process, and the e2e pty helpers (loaded from `tests/e2e/conftest.py`
under another name, so both suites share one way of driving the terminal)."""

from __future__ import annotations

import importlib.util
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from rich.console import Console

from troubleshoot.cases.log import open_case_log
from troubleshoot.cases.records import EventKind, Intake
from troubleshoot.paths import tree_folders
from troubleshoot.session.answers_file import ScriptedAnswers
from troubleshoot.session.engine import End
from troubleshoot.session.launch import tree_for_session
from troubleshoot.session.runner import Runner
from troubleshoot.session.scripted_prompter import ScriptedPrompter
from troubleshoot.tree import catalog

REPO = Path(__file__).resolve().parents[2]
TREES = REPO / "decision_trees"
AGENT = "agent-reliability"
INTAKE = {"ticket": "T-7", "customer": "it does not work", "tone": "calm"}
WRAPUP = {"note": "done", "satisfaction": 4}

_spec = importlib.util.spec_from_file_location("e2e_helpers", REPO / "tests/e2e/conftest.py")
assert _spec is not None and _spec.loader is not None
e2e_helpers = importlib.util.module_from_spec(_spec)
sys.modules["e2e_helpers"] = e2e_helpers
_spec.loader.exec_module(e2e_helpers)


@pytest.fixture
def e2e(tmp_path: Path) -> Iterator[Any]:
    helper = e2e_helpers.E2E(tmp_path)
    yield helper
    helper.close()


def scenarios() -> list[tuple[str, dict[str, Any]]]:
    """(tree id, scenario) of every bundled scenario that starts at its tree's start."""
    found = []
    for file in sorted(TREES.glob("*.scenarios.yaml")):
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        tree_id = data.get("tree") or file.name.removesuffix(".scenarios.yaml")
        found += [(tree_id, s) for s in data["scenarios"] if "start" not in s]
    return found


def quiet() -> Console:
    return Console(file=open(os.devnull, "w"))


@cache
def reference(tree_id: str, name: str) -> tuple[tuple[tuple[str, Any], ...], str]:
    """The (node, value) answers and the final status of a scenario walked without a kill."""
    plan = next(s for t, s in scenarios() if t == tree_id and s["name"] == name)
    tree = catalog.load(tree_id, tree_folders([]))
    with open_case_log(":memory:") as log:
        script = ScriptedAnswers(plan["answers"], "reference")
        prompter = ScriptedPrompter(console=quiet(), script=script, intake=INTAKE, wrapup=WRAPUP)
        runner = Runner(tree=tree, case_log=log, prompter=prompter, agent=AGENT)
        runner.run(Intake())
        answers = tuple(answered(log, runner.session_id))
        return answers, str(log.get_session(runner.session_id).status)


def answered(log: Any, session_id: str) -> list[tuple[str, Any]]:
    """(node, value) of the answers in effect: superseded ones (gone back over) left out."""
    kept: list[tuple[str, Any]] = []
    for event in log.events(session_id):
        if event.kind == EventKind.ANSWER:
            kept.append((event.node, event.value))
        elif event.kind == EventKind.BACK and kept:
            kept.pop()
    return kept


def finish_in_process(db: Path, session_id: str, answers: dict[str, Any]) -> End:
    """Resume a session through the runner with scripted answers and walk it to the end."""
    with open_case_log(str(db)) as log:
        session = log.get_session(session_id)
        tree = tree_for_session(log, session, tree_folders([]))
        script = ScriptedAnswers(answers, "resume")
        for node, _ in answered(log, session_id):
            script.used[node] = script.used.get(node, 0) + 1
        prompter = ScriptedPrompter(console=quiet(), script=script, intake=INTAKE, wrapup=WRAPUP)
        return Runner(tree=tree, case_log=log, prompter=prompter, agent=AGENT).resume(session_id)


def integrity(db: Path) -> str:
    con = sqlite3.connect(db)
    try:
        return str(con.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        con.close()


def answers_file(folder: Path, answers: dict[str, Any], name: str = "answers.yaml") -> Path:
    path = folder / name
    path.write_text(
        yaml.safe_dump({"answers": answers, "intake": INTAKE, "wrapup": WRAPUP}),
        encoding="utf-8",
    )
    return path


def cli(db: Path, *args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """`python -m troubleshoot --db DB ARGS` without a terminal."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    env.pop("TROUBLESHOOT_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "troubleshoot", "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        stdin=subprocess.DEVNULL,
        **kwargs,
    )


def assert_clean_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    """Exit 1 with one ``Error: ...`` message naming `words`, and no traceback."""
    assert result.returncode == 1, (result.returncode, result.stdout[-1000:], result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("Error: ") or "\nError: " in result.stderr, result.stderr
    for word in words:
        assert word in result.stderr, (word, result.stderr)
