"""The runner in-process: a fake prompter answers, a new case log records (each test runs on
each backend: the `case_log` fixture of `tests/conftest.py`).

What an agent does from a prompt (answer, go back, add a note, pause, escalate now, wrap up)
must end up in the case log exactly once, and a second agent's change must stop the first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from troubleshoot.cases.log import CaseLog
from troubleshoot.cases.records import EventKind, Intake, SessionRecord
from troubleshoot.errors import Paused, SessionChanged
from troubleshoot.session.engine import End, State
from troubleshoot.session.prompts import (
    Action,
    Back,
    EscalateNow,
    Frame,
    Give,
    Note,
    Pause,
    WrapUp,
)
from troubleshoot.session.runner import Runner
from troubleshoot.session.step import Step
from troubleshoot.tree.loader import load_tree

TREES = Path(__file__).parent / "fixtures" / "trees"
TREE = load_tree(TREES / "engine-demo.tree.yaml", TREES)

Scripted = Action | Callable[[], Action]


class FakePrompter:
    """Answers each prompt with the next scripted action and remembers what it was shown."""

    def __init__(self, *actions: Scripted, wrapup: dict[str, Any] | None = None) -> None:
        self.actions = list(actions)
        self.wrap = wrapup or {}
        self.asked: list[str] = []
        self.frames: list[Frame] = []
        self.problems: list[str] = []
        self.history: list[str] = []
        self.handoffs: list[str | None] = []
        self.replies: list[str | None] = []
        self.done: list[str] = []
        self.intake_asked: list[str] = []

    intake = Intake(ticket="T-7", customer="the app keeps crashing", tone="", desired_outcome="")

    def ask_intake(self, name: str, so_far: Intake) -> str:
        self.intake_asked.append(name)
        value = getattr(self.intake, name)
        return value() if callable(value) else str(value)

    def show_intake(self, intake: Intake) -> None:
        pass

    def show_done(self, message: str) -> None:
        self.done.append(message)

    def show_similar(self, cases: list[SessionRecord]) -> None:
        pass

    def show_history(self, lines: list[str]) -> None:
        self.history += lines

    def ask(self, step: Step, frame: Frame) -> Action:
        self.asked.append(step.key)
        self.frames.append(frame)
        action = self.actions.pop(0)
        return action() if callable(action) else action

    def show_problem(self, message: str) -> None:
        self.problems.append(message)

    def show_end(self, end: End, state: State, handoff: str | None) -> None:
        self.handoffs.append(handoff)
        self.replies.append(end.reply)

    def wrapup(self, end: End, suggested_follow_up: str | None) -> WrapUp:
        return WrapUp(**self.wrap)

    def pick(self, question: str, options: list[tuple[str, str]]) -> str:
        raise AssertionError(f"unexpected pick: {question}")


def runner(case_log: CaseLog, prompter: FakePrompter, agent: str = "ann") -> Runner:
    return Runner(tree=TREE, case_log=case_log, prompter=prompter, agent=agent)


def kinds(case_log: CaseLog, session_id: str) -> list[str]:
    return [str(event.kind) for event in case_log.events(session_id)]


def only_session(case_log: CaseLog) -> SessionRecord:
    from troubleshoot.cases.records import SessionFilter

    (session,) = case_log.list_sessions(SessionFilter())
    return session


def test_a_walk_to_a_resolve_node_is_closed_and_wrapped_up(case_log: CaseLog) -> None:
    prompter = FakePrompter(
        Give("laptop"),
        Give("no"),
        Give("yes"),
        Give("no"),
        Give("yes"),
        wrapup={"note": "all good", "follow_up": "2d", "satisfaction": 5},
    )
    the_runner = runner(case_log, prompter)
    end = the_runner.run(Intake())
    assert end.outcome == "resolved"
    session = case_log.get_session(the_runner.session_id)
    assert prompter.asked == ["device", "seen-before", "net.reachable", "basics#1", "basics#2"]
    assert (session.status, session.outcome, session.fixed_by) == (
        "resolved",
        "resolved",
        "Log out and in",
    )
    assert session.summary == "Fixed on laptop by Log out and in"
    assert (session.note, session.satisfaction) == ("all good", 5)
    assert session.follow_up == (date.today() + timedelta(days=2)).isoformat()
    assert session.ended is not None
    assert kinds(case_log, session.id) == ["start"] + ["answer"] * 5 + ["resolve", "wrapup"]
    assert prompter.handoffs == [None]


def test_going_back_supersedes_the_answer_and_offers_it_again(case_log: CaseLog) -> None:
    prompter = FakePrompter(Back(), Give("laptop"), Back(), Give("phone"), Pause())
    with pytest.raises(Paused) as paused:
        runner(case_log, prompter).run(Intake())
    assert paused.value.interrupted is False
    session = only_session(case_log)
    assert prompter.problems == ["This is the first step: there is nothing to go back to."]
    assert prompter.asked == ["device", "device", "seen-before", "device", "seen-before"]
    assert [f.previous for f in prompter.frames] == [None, None, None, "laptop", None]
    assert kinds(case_log, session.id) == ["start", "answer", "back", "answer", "pause"]
    assert (session.status, session.current_node) == ("paused", "seen-before")
    assert case_log.events(session.id)[2].text == "superseded: Laptop"


def test_notes_are_logged_and_empty_notes_are_not(case_log: CaseLog) -> None:
    prompter = FakePrompter(Note("customer is on hold"), Note("   "), Pause())
    with pytest.raises(Paused):
        runner(case_log, prompter).run(Intake())
    session = only_session(case_log)
    notes = [e for e in case_log.events(session.id) if e.kind is EventKind.NOTE]
    assert [(n.node, n.text, n.agent) for n in notes] == [("device", "customer is on hold", "ann")]


def test_pausing_then_resuming_continues_where_it_stopped(case_log: CaseLog) -> None:
    with pytest.raises(Paused):
        runner(case_log, FakePrompter(Give("phone"), Pause())).run(Intake())
    session = only_session(case_log)
    later = FakePrompter(Pause())
    with pytest.raises(Paused):
        runner(case_log, later, agent="bob").resume(session.id[-4:])
    assert later.asked == ["seen-before"]
    assert "  Which device? -> Phone" in later.history
    assert kinds(case_log, session.id) == ["start", "answer", "pause", "resume", "pause"]
    assert case_log.get_session(session.id).agent == "bob"


def test_ctrl_c_pauses_the_session(case_log: CaseLog) -> None:
    def interrupt() -> Action:
        raise KeyboardInterrupt

    with pytest.raises(Paused) as paused:
        runner(case_log, FakePrompter(Give("laptop"), interrupt)).run(Intake())
    assert paused.value.interrupted is True
    session = only_session(case_log)
    assert session.status == "paused"
    assert case_log.events(session.id)[-1].text == "interrupted (Ctrl-C)"


def test_escalating_now_hands_over_with_a_summary(case_log: CaseLog) -> None:
    prompter = FakePrompter(Give("laptop"), EscalateNow("  needs a tier 2 engineer "))
    end = runner(case_log, prompter).run(Intake())
    session = only_session(case_log)
    assert end.escalated
    assert (session.status, session.escalated_to) == ("escalated", "tier2")
    assert session.escalation_reason == "needs a tier 2 engineer"
    assert session.ended is None
    assert kinds(case_log, session.id) == ["start", "answer", "escalate", "wrapup"]
    handoff = prompter.handoffs[0]
    assert handoff is not None
    assert handoff.splitlines()[:4] == [
        "Escalated to: tier2",
        "Reason: needs a tier 2 engineer",
        "Ticket: T-7",
        "Customer's words: the app keeps crashing",
    ]
    assert "  Which device? -> Laptop" in handoff


def test_a_second_agents_answer_stops_the_first(case_log: CaseLog) -> None:
    session_ids: list[str] = []
    first: Runner

    def bob_answers_meanwhile() -> Action:
        session_ids.append(first.session_id)
        with pytest.raises(Paused):
            bob = FakePrompter(Give("no"), Pause())
            runner(case_log, bob, agent="bob").resume(first.session_id)
        return Give("yes")

    first = runner(case_log, FakePrompter(Give("laptop"), bob_answers_meanwhile))
    with pytest.raises(SessionChanged, match="changed by bob at the same time as you"):
        first.run(Intake())
    events = case_log.events(session_ids[0])
    assert [(str(e.kind), e.agent) for e in events] == [
        ("start", "ann"),
        ("answer", "ann"),
        ("resume", "bob"),
        ("answer", "bob"),
        ("pause", "bob"),
    ]
