"""A PostgreSQL server that restarts or stops in the middle of a session.

A restart between two answers is invisible (the dropped connection is replaced before the next
write begins); a server that stays down gets a clear message, and once it is back the session
resumes from the last answer the database acknowledged, asking nothing twice that was saved.
"""

from __future__ import annotations

from typing import Any

import pytest
from login_session import TREE, LoginPrompter
from pg_server import PgServer

from troubleshoot.cases.log import open_case_log
from troubleshoot.cases.records import EventKind, Intake
from troubleshoot.errors import CaseLogError
from troubleshoot.session.runner import Runner


def answered(url: str, session_id: str) -> list[Any]:
    with open_case_log(url) as log:
        events = log.events(session_id)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    return [e.node for e in events if e.kind is EventKind.ANSWER]


def reference_walk() -> tuple[list[Any], int]:
    """The answered nodes and the number of questions of the walk, run without interruption."""
    with open_case_log(":memory:") as log:
        prompter = LoginPrompter()
        runner = Runner(tree=TREE, case_log=log, prompter=prompter, agent="ann")
        runner.run(Intake())
        nodes = [e.node for e in log.events(runner.session_id) if e.kind is EventKind.ANSWER]
    return nodes, prompter.asked


QUESTIONS, ASKED = reference_walk()


@pytest.fixture
def owned(pg_server: PgServer) -> PgServer:
    if not pg_server.owned:
        pytest.skip("the server given by TROUBLESHOOT_TEST_PG_URL is not ours to restart")
    return pg_server


def test_a_restart_between_answers_goes_unnoticed(owned: PgServer, pg_url: str) -> None:
    with open_case_log(pg_url) as log:
        runner = Runner(
            tree=TREE,
            case_log=log,
            prompter=LoginPrompter(at=3, interrupt=owned.restart),
            agent="ann",
        )
        end = runner.run(Intake())
    assert end.outcome == "resolved"
    assert answered(pg_url, runner.session_id) == QUESTIONS


def test_a_server_down_is_explained_and_the_session_resumes(owned: PgServer, pg_url: str) -> None:
    with open_case_log(pg_url) as log:
        runner = Runner(
            tree=TREE, case_log=log, prompter=LoginPrompter(at=3, interrupt=owned.halt), agent="ann"
        )
        try:
            with pytest.raises(CaseLogError) as caught:
                runner.run(Intake())
        finally:
            owned.start_again()
    session = runner.session_id
    assert str(caught.value) == (
        f"lost the connection to the case database {log.target} (the server stopped or the "
        "network dropped) and could not connect again\n(every answer before this one is "
        f"saved: run 'troubleshoot resume {session}' once the database can be written again)"
    )
    assert "test-secret" not in str(caught.value)
    assert answered(pg_url, session) == QUESTIONS[:2]
    with open_case_log(pg_url) as log:
        prompter = LoginPrompter()
        end = Runner(tree=TREE, case_log=log, prompter=prompter, agent="ann").resume(session)
    assert end.outcome == "resolved"
    assert prompter.asked == ASKED - 2  # the two saved answers are not asked again
    assert answered(pg_url, session) == QUESTIONS
