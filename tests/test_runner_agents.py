"""What agents hit around a walk (issue: a new user's rough edges), in-process.

A durable intake, escalations that stay escalated until someone acts, "Escalate now" to a chosen
target with a reply built from what was found, an empty reason, notes acknowledged, a warning
when someone else just changed the case, and interruptions of the wrap-up or the output.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_runner import FakePrompter, kinds, only_session, runner

from troubleshoot.cases.log import CaseLog, open_case_log
from troubleshoot.cases.records import Intake
from troubleshoot.errors import OutputClosed, Paused, WrapUpInterrupted
from troubleshoot.paths import tree_folders
from troubleshoot.session.engine import End
from troubleshoot.session.prompts import Action, EscalateNow, Give, Note, Pause, WrapUp
from troubleshoot.session.runner import Runner
from troubleshoot.tree import catalog


@pytest.fixture
def case_log(tmp_path: Path) -> Iterator[CaseLog]:
    with open_case_log(str(tmp_path / "cases.db")) as log:
        yield log


def interrupt() -> Action:
    raise KeyboardInterrupt


def closed_pipe() -> Action:
    raise BrokenPipeError


def escalated_case(case_log: CaseLog) -> str:
    """A session escalated now by ann at the second step."""
    prompter = FakePrompter(Give("laptop"), EscalateNow("needs tier 2"))
    runner(case_log, prompter).run(Intake())
    return only_session(case_log).id


# -- item 5: the intake is durable -----------------------------------------------------------


class IntakeStops(FakePrompter):
    """Gives the ticket and the customer's words, then Ctrl-C at the tone."""

    def ask_intake(self, name: str, so_far: Intake) -> str:
        if name == "tone":
            raise KeyboardInterrupt
        return super().ask_intake(name, so_far)


def test_each_intake_answer_is_logged_and_resume_asks_the_rest(case_log: CaseLog) -> None:
    with pytest.raises(Paused) as paused:
        runner(case_log, IntakeStops()).run(Intake())
    assert paused.value.interrupted is True
    session = only_session(case_log)
    assert (session.ticket, session.customer, session.tone) == (
        "T-7",
        "the app keeps crashing",
        None,
    )
    assert session.status == "paused"
    assert kinds(case_log, session.id) == ["pause"]
    assert case_log.events(session.id)[0].text == "interrupted (Ctrl-C) during the intake"

    later = FakePrompter(Pause())
    with pytest.raises(Paused):
        runner(case_log, later).resume(session.id)
    assert later.intake_asked == ["tone", "desired_outcome"]
    assert later.asked == ["device"]
    assert kinds(case_log, session.id) == ["pause", "resume", "start", "pause"]


def test_ctrl_c_at_the_first_intake_prompt_records_nothing(case_log: CaseLog) -> None:
    class StopsAtOnce(FakePrompter):
        def ask_intake(self, name: str, so_far: Intake) -> str:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        runner(case_log, StopsAtOnce()).run(Intake())
    from troubleshoot.cases.records import SessionFilter

    assert case_log.list_sessions(SessionFilter()) == []


def test_a_ticket_given_on_the_command_line_starts_the_session(case_log: CaseLog) -> None:
    with pytest.raises(Paused):
        runner(case_log, IntakeStops()).run(Intake(ticket="T-9"))
    assert only_session(case_log).ticket == "T-9"


# -- item 2: an escalation stays escalated until someone acts ----------------------------------


@pytest.mark.parametrize("leave", [interrupt, Pause()], ids=["ctrl-c", "pause"])
def test_opening_an_escalated_case_and_leaving_keeps_it_escalated(
    case_log: CaseLog, leave: Action
) -> None:
    sid = escalated_case(case_log)
    before = kinds(case_log, sid)
    tier2 = FakePrompter(Note("looked at it"), leave)
    with pytest.raises(Paused) as paused:
        runner(case_log, tier2, agent="tier2-sam").resume(sid)
    assert paused.value.status == "escalated"
    session = case_log.get_session(sid)
    assert (session.status, session.outcome, session.agent) == ("escalated", "escalated", "ann")
    assert kinds(case_log, sid) == [*before, "note"]
    assert tier2.done == ["Note saved."]


def test_an_escalation_at_an_escalate_node_stays_escalated_on_ctrl_c(case_log: CaseLog) -> None:
    prompter = FakePrompter(Give("laptop"), Give("yes"), Give("5"))
    runner(case_log, prompter).run(Intake())
    sid = only_session(case_log).id

    class Leaves(FakePrompter):
        def pick(self, question: str, options: list[tuple[str, str]]) -> str:
            raise KeyboardInterrupt

    with pytest.raises(Paused):
        runner(case_log, Leaves(), agent="tier2-sam").resume(sid)
    assert case_log.get_session(sid).status == "escalated"


def test_acting_on_an_escalated_case_picks_it_up(case_log: CaseLog) -> None:
    sid = escalated_case(case_log)
    tier2 = FakePrompter(Give("no"), interrupt)
    with pytest.raises(Paused):
        runner(case_log, tier2, agent="tier2-sam").resume(sid)
    assert kinds(case_log, sid)[-3:] == ["pickup", "answer", "pause"]
    session = case_log.get_session(sid)
    assert (session.status, session.agent) == ("paused", "tier2-sam")


# -- items 3 and 11: escalate now --------------------------------------------------------------


def wifi_runner(case_log: CaseLog, prompter: FakePrompter) -> Runner:
    tree = catalog.load("wifi-no-internet", tree_folders([]))
    return Runner(tree=tree, case_log=case_log, prompter=prompter, agent="ann")


def test_escalate_now_offers_every_target_and_goes_to_the_chosen_one(case_log: CaseLog) -> None:
    prompter = FakePrompter(EscalateNow("whole office is down", "escalate-office-network"))
    wifi_runner(case_log, prompter).run(Intake())
    targets = prompter.frames[0].escalations
    assert targets[0] == ("escalate-device", "tier2")  # the tree's default first
    assert ("escalate-office-network", "office-it") in targets
    assert ("escalate-isp", "network-support") in targets
    session = only_session(case_log)
    assert (session.status, session.escalated_to) == ("escalated", "office-it")
    reply = prompter.replies[0]
    assert reply is not None
    assert "passed your case (T-7) to our office it team" in reply
    assert "other devices" not in reply  # nothing the agent did not find out


def test_the_reply_names_the_fixes_tried(case_log: CaseLog) -> None:
    prompter = FakePrompter(
        Give("laptop"), Give("no"), Give("yes"), Give("no"), EscalateNow("still broken")
    )
    runner(case_log, prompter).run(Intake())
    reply = prompter.replies[0]
    assert reply is not None
    assert "- Restart the app: it did not help" in reply.splitlines()
    assert "our tier2 team" in reply


def test_an_empty_reason_is_said_to_be_empty(case_log: CaseLog) -> None:
    prompter = FakePrompter(Give("laptop"), EscalateNow("   "))
    runner(case_log, prompter).run(Intake())
    handoff = prompter.handoffs[0]
    assert handoff is not None
    assert handoff.splitlines()[1] == "Reason: (left empty by ann)"
    assert only_session(case_log).escalation_reason == "(left empty by ann)"


# -- item 12: someone else changed the case a moment ago ---------------------------------------


def test_resuming_a_case_someone_just_changed_warns_naming_them(case_log: CaseLog) -> None:
    with pytest.raises(Paused):
        runner(case_log, FakePrompter(Give("phone"), Pause()), agent="alice").run(Intake())
    sid = only_session(case_log).id
    bob = FakePrompter(Pause())
    with pytest.raises(Paused):
        runner(case_log, bob, agent="bob").resume(sid)
    assert len(bob.problems) == 1
    assert bob.problems[0].startswith("Careful: alice changed this case 1 minute(s) ago (pause).")
    assert bob.asked == ["seen-before"]  # the warning came before the first question

    again = FakePrompter(Pause())
    with pytest.raises(Paused):
        runner(case_log, again, agent="bob").resume(sid)
    assert again.problems[0].startswith("Careful: alice changed")  # bob's own events don't count


def test_an_old_change_by_someone_else_gives_no_warning(case_log: CaseLog, tmp_path: Path) -> None:
    with pytest.raises(Paused):
        runner(case_log, FakePrompter(Pause()), agent="alice").run(Intake())
    sid = only_session(case_log).id
    with sqlite3.connect(tmp_path / "cases.db") as db:  # as if it happened long ago
        db.execute("UPDATE events SET time = '2020-01-01T00:00:00.000Z'")
    quiet = FakePrompter(Pause())
    with pytest.raises(Paused):
        runner(case_log, quiet, agent="bob").resume(sid)
    assert quiet.problems == []


# -- items 6 and 10: the wrap-up interrupted, the output closed --------------------------------


def test_ctrl_c_in_the_wrap_up_is_reported_not_skipped(case_log: CaseLog) -> None:
    class StopsAtWrapUp(FakePrompter):
        def wrapup(self, end: End, suggested_follow_up: str | None) -> WrapUp:
            raise KeyboardInterrupt

    prompter = StopsAtWrapUp(Give("laptop"), EscalateNow("tier 2 please"))
    with pytest.raises(WrapUpInterrupted) as stopped:
        runner(case_log, prompter).run(Intake())
    assert (stopped.value.closed, stopped.value.interrupted) == ("escalated to tier2", True)
    assert only_session(case_log).status == "escalated"


def test_a_closed_output_pauses_the_session(case_log: CaseLog) -> None:
    with pytest.raises(OutputClosed, match=r"session .* is paused: continue it with"):
        runner(case_log, FakePrompter(Give("laptop"), closed_pipe)).run(Intake())
    session = only_session(case_log)
    assert session.status == "paused"
    assert case_log.events(session.id)[-1].text == "the output was closed"
