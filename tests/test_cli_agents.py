"""The command line as a new user meets it: global options after the command, commands and
messages that can be copied as they are, help without Python types, whole file names in
`trees`, and a closed output pipe."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from troubleshoot.cli import app

REPO = Path(__file__).resolve().parents[1]
TREES = Path(__file__).parent / "fixtures" / "trees"
runner = CliRunner()

ESCALATED = """\
intake: {ticket: T-1, customer: the app crashes}
answers: {device: laptop, seen-before: no, net.reachable: yes, basics: no, fix-settings: [no, no]}
"""
RESOLVED = """\
intake: {ticket: T-2, customer: the app crashes}
answers: {device: laptop, seen-before: no, net.reachable: yes, basics: [no, yes]}
"""


def answers(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(text)
    return path


def statuses(db: Path) -> list[str]:
    with sqlite3.connect(db) as con:
        return [row[0] for row in con.execute("SELECT status FROM sessions")]


@pytest.mark.parametrize(
    "where",
    [
        ["--db", "{db}", "--trees", "{trees}", "run", "engine-demo"],
        ["run", "engine-demo", "--db", "{db}", "--trees", "{trees}"],
        ["run", "--db={db}", "engine-demo", "--trees={trees}"],
    ],
    ids=["before", "after", "after-with-equals"],
)
def test_global_options_go_before_or_after_the_command(tmp_path: Path, where: list[str]) -> None:
    db = tmp_path / "cases.db"
    args = [a.format(db=db, trees=TREES) for a in where]
    result = runner.invoke(app, [*args, "--answers", str(answers(tmp_path, RESOLVED))])
    assert result.exit_code == 0, result.output
    assert statuses(db) == ["resolved"]


def test_the_escalation_closing_line_says_to_whom_and_how_to_pick_it_up(tmp_path: Path) -> None:
    db = tmp_path / "cases.db"
    file = answers(tmp_path, ESCALATED)
    result = runner.invoke(
        app, ["run", "engine-demo", "--answers", str(file), "--db", str(db), "--trees", str(TREES)]
    )
    assert result.exit_code == 0, result.output
    last = result.output.splitlines()[-1]
    sid = re.fullmatch(r"Session (\S+) escalated to tier2\. .*", last)
    assert sid is not None, last
    assert last.endswith(
        f"The next tier picks it up with: troubleshoot resume {sid.group(1)} --agent NAME "
        f"--db {db} --trees {TREES}"
    )


def every_command() -> list[list[str]]:
    """The words that call each command and sub-command, e.g. ``["cases", "list"]``."""
    root = typer.main.get_command(app)
    assert isinstance(root, typer.core.TyperGroup)
    context = typer.Context(root)
    found: list[list[str]] = []
    for name in root.list_commands(context):
        subs = getattr(root.get_command(context, name), "commands", None)
        found += [[name, sub] for sub in subs] if subs else [[name]]
    return found


def test_help_lists_run_and_resume_first_and_shows_no_python_types() -> None:
    result = runner.invoke(app, ["--help"])
    commands = result.output.split("Commands:")[1].split()
    listed = [word for word in commands if word in {"run", "resume", "trees", "validate"}]
    assert listed[:2] == ["run", "resume"]
    assert len(every_command()) > 10
    for words in every_command():
        shown = runner.invoke(app, [*words, "--help"]).output
        assert not re.search(r"<(str|int|float|path|Path|int range|list\[.*?\])>", shown), (
            words,
            shown,
        )


def test_trees_shows_ids_and_files_whole_at_120_columns() -> None:
    env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1"}
    env.pop("TROUBLESHOOT_TREES", None)
    shown = subprocess.run(
        [sys.executable, "-m", "troubleshoot", "trees"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert max(len(line) for line in shown.splitlines()) <= 120
    for tree in sorted((REPO / "decision_trees").glob("*.tree.yaml")):
        assert f"decision_trees/{tree.name}" in shown
        assert tree.name.removesuffix(".tree.yaml") in shown


def test_a_closed_output_pauses_the_session_and_says_so(tmp_path: Path) -> None:
    db = tmp_path / "cases.db"
    command = [sys.executable, "-m", "troubleshoot", "run", "engine-demo", "--db", str(db)]
    command += ["--trees", str(TREES), "--answers", str(answers(tmp_path, RESOLVED))]
    read_end, write_end = os.pipe()
    os.close(read_end)  # as `| head -1` does once it has its line
    try:
        done = subprocess.run(
            command,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    finally:
        os.close(write_end)
    assert done.returncode == 1
    assert done.stderr.startswith("Error: the output was closed (a closed pipe); session ")
    assert "Traceback" not in done.stderr
    assert statuses(db) == ["paused"]
