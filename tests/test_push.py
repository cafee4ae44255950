"""`cases push`: a laptop's sessions reach the team database once, are completed when continued
after a push, and a session changed in both places is reported, never overwritten.

The team database is each backend in turn (`log_target`); the laptop is an SQLite file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from login_session import ANSWERS, TREE, LoginPrompter
from typer.testing import CliRunner

from troubleshoot.cases.log import mask_password, open_case_log
from troubleshoot.cases.records import Intake, SessionFilter
from troubleshoot.cli import app
from troubleshoot.errors import Paused
from troubleshoot.session.runner import Runner


def cli(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def run_sessions(laptop: Path, tmp_path: Path, *, paused: int, closed: int) -> list[str]:
    """Real scripted sessions on the laptop: `closed` run to the end through the CLI, `paused`
    paused at the fourth question. Their ids, oldest first."""
    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    for _ in range(closed):
        result = cli("--db", str(laptop), "run", "login-failure", "--answers", str(answers))
        assert result.exit_code == 0, result.stderr
    with open_case_log(str(laptop)) as log:
        for _ in range(paused):
            runner = Runner(tree=TREE, case_log=log, prompter=LoginPrompter(at=4), agent="ann")
            with pytest.raises(Paused):
                runner.run(Intake())
        return [s.id for s in reversed(log.list_sessions(SessionFilter()))]


def continue_session(target: str, session_id: str, agent: str) -> None:
    """Resume a paused session and answer the rest, as `agent`."""
    with open_case_log(target) as log:
        Runner(tree=TREE, case_log=log, prompter=LoginPrompter(), agent=agent).resume(session_id)


def dump(target: str) -> dict[str, Any]:
    """Every session and event of a log, for comparing two logs."""
    with open_case_log(target) as log:
        return {
            s.id: (s, log.events(s.id), log.tree_sources(s))
            for s in log.list_sessions(SessionFilter())
        }


def push(laptop: Path, team: str) -> Any:
    return cli("--db", str(laptop), "cases", "push", "--to", team)


def test_push_copies_once_and_completes_continued_sessions(tmp_path: Path, log_target: str) -> None:
    laptop = tmp_path / "laptop.db"
    closed, paused = run_sessions(laptop, tmp_path, closed=1, paused=1)
    first = push(laptop, log_target)
    assert first.exit_code == 0, first.stderr
    shown = mask_password(log_target)
    assert first.stdout == f"Pushed to {shown}: 2 sessions copied, 0 completed, 0 already there.\n"
    assert dump(log_target) == dump(str(laptop))

    again = push(laptop, log_target)
    assert again.stdout == f"Pushed to {shown}: 0 sessions copied, 0 completed, 2 already there.\n"
    assert dump(log_target) == dump(str(laptop))

    continue_session(str(laptop), paused, "ann")
    completed = push(laptop, log_target)
    assert completed.stdout == (
        f"Pushed to {shown}: 0 sessions copied, 1 completed, 1 already there.\n"
    )
    team = dump(log_target)
    assert team == dump(str(laptop))
    assert team[paused][0].status == "resolved"
    assert team[closed][0].status == "resolved"


def test_a_session_changed_in_both_places_is_reported_not_overwritten(
    tmp_path: Path, log_target: str
) -> None:
    laptop = tmp_path / "laptop.db"
    [paused] = run_sessions(laptop, tmp_path, closed=0, paused=1)
    assert push(laptop, log_target).exit_code == 0
    continue_session(log_target, paused, "bob")  # tier 2 carried on in the team database
    continue_session(str(laptop), paused, "ann")  # and so did the laptop, offline
    before = dump(log_target)
    result = push(laptop, log_target)
    assert result.exit_code == 1
    assert result.stdout == (
        f"Pushed to {mask_password(log_target)}: 0 sessions copied, 0 completed, 0 already there.\n"
    )
    assert result.stderr.startswith("Error: 1 session changed in both places and was not pushed:")
    assert result.stderr.endswith(
        f"\n  session {paused}: event 6 (resume) differs in {mask_password(log_target)} (the "
        "session was continued in both places); nothing of it was overwritten\n"
    )
    assert dump(log_target) == before


def test_pushing_a_log_to_itself_is_refused(tmp_path: Path) -> None:
    laptop = str(tmp_path / "laptop.db")
    result = cli("--db", laptop, "cases", "push", "--to", laptop)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: --to names the case log being pushed; give the team database\n"
    )


@pytest.mark.parametrize("url", ["postgresql://ann:s3cret@127.0.0.1:1/cases"])
def test_an_unreachable_team_database_is_explained(tmp_path: Path, url: str) -> None:
    result = push(tmp_path / "laptop.db", url)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: the case database postgresql://ann:***@127.0.0.1:1/cases cannot be reached ("
    )
    assert "s3cret" not in result.stderr
