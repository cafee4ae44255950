"""What an agent sees in a real terminal around the walk: a durable intake, escalating to a
chosen team with a copyable reply, the follow-up prompt, the wrap-up interrupted, picking up an
escalated case, notes, a case someone else just had open, and the tree picker's filter.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

AGENT = "agent-e2e"


def question(tree: Any, node: str) -> str:
    return str(tree.kind(node)[1])


def test_ctrl_c_at_the_first_intake_prompt_records_nothing(e2e: Any) -> None:
    term = e2e.cli("run", "login-failure", "--agent", AGENT)
    term.expect("? Ticket reference (optional):")
    term.child.sendintr()
    term.expect("nothing was recorded")
    assert term.finish() == 130
    assert e2e.case.sessions() == []


def test_the_intake_is_saved_as_it_is_typed_and_resume_finishes_it(e2e: Any) -> None:
    login = e2e.tree("login-failure")
    term = e2e.cli("run", "login-failure", "--agent", AGENT)
    term.type_answer("Ticket reference (optional):", "T-DURABLE")
    term.type_answer("In the customer's own words, what is the problem?", "I am locked out")
    term.expect("? Did the customer confirm?")
    term.send("\r")
    term.options("The customer's tone:")
    term.child.sendintr()
    sid = e2e.case.session()["id"]
    term.expect(f"Resume it with: troubleshoot resume {sid} --db {e2e.db}")
    assert term.finish() == 130
    session = e2e.case.session(sid)
    assert (session["ticket"], session["customer"], session["status"]) == (
        "T-DURABLE",
        "I am locked out",
        "paused",
    )

    term = e2e.cli("resume", sid, "--agent", AGENT)
    history = term.panel("The session so far")
    assert 'Customer\'s words: "I am locked out"' in history
    term.choose("The customer's tone:", "frustrated")
    term.type_answer("What outcome does the customer want? (optional)", "get back in")
    term.expect("Before you start")  # the tip for a frustrated customer
    assert term.step() == 1
    term.choose(question(login, "what-happens"), "|| Pause the session")
    assert term.finish() == 0
    session = e2e.case.session(sid)
    assert (session["tone"], session["desired_outcome"]) == ("frustrated", "get back in")
    assert e2e.case.kinds(sid) == ["pause", "resume", "start", "pause"]


def test_escalate_now_to_a_chosen_team_with_a_plain_reply(e2e: Any) -> None:
    wifi = e2e.tree("wifi-no-internet")
    term = e2e.run(wifi, ticket="T-NET", customer="no internet in the office")
    assert term.step() == 1
    term.choose(question(wifi, "describe-problem"), "^ Escalate now")
    options, pointer = term.options("Escalate to:")
    assert options[pointer].startswith("tier2")  # the tree's default is preselected
    term.pick("Escalate to:", options, pointer, "office-it")
    term.type_answer("Why escalate?", "")
    term.type_answer("The next tier reads this first", "")  # asked once more, left empty
    handoff = term.panel("Hand-off summary for the next tier")
    assert f"Reason: (left empty by {AGENT})" in handoff
    term.expect("Reply draft for the customer")
    start = term.pos
    term.expect("? Case note (optional):")
    reply = term.shown_since(start)
    assert "│" not in reply  # no box to copy along with the text
    assert "I have passed your case (T-NET) to our office it team" in " ".join(reply.split())
    assert "other devices" not in reply
    term.pos = start
    term.wrapup()
    term.expect(
        f"Session {e2e.case.session()['id']} escalated to office-it. "
        "The next tier picks it up with: troubleshoot resume"
    )
    assert term.finish() == 0
    session = e2e.case.session()
    assert (session["escalated_to"], session["status"]) == ("office-it", "escalated")


def caps_lock(e2e: Any) -> tuple[Any, Any]:
    """A login-failure session driven to its resolution, at the wrap-up."""
    login = e2e.tree("login-failure")
    answers = e2e.scenario("login-failure", "Caps Lock was on")["answers"]
    term = e2e.run(login)
    e2e.drive(term, login, answers)
    return term, login


def test_the_follow_up_suggestion_is_replaced_by_what_is_typed(e2e: Any) -> None:
    term, _ = caps_lock(e2e)
    term.type_answer("Case note (optional):", "")
    term.expect("? Follow-up date (Enter: ")
    term.send("3d\r")
    term.choose("Customer satisfaction (1-5):", "skip")
    assert term.finish() == 0
    expected = (date.today() + timedelta(days=3)).isoformat()
    assert e2e.case.session()["follow_up"] == expected


def test_none_means_no_follow_up(e2e: Any) -> None:
    term, _ = caps_lock(e2e)
    term.type_answer("Case note (optional):", "")
    term.type_answer("Follow-up date", "none")
    term.choose("Customer satisfaction (1-5):", "skip")
    assert term.finish() == 0
    assert e2e.case.session()["follow_up"] is None


def test_ctrl_c_in_the_wrap_up_exits_130_and_says_what_was_not_saved(e2e: Any) -> None:
    term, _ = caps_lock(e2e)
    term.type_answer("Case note (optional):", "typed but not kept")
    term.expect("? Follow-up date")
    term.child.sendintr()
    term.expect("the wrap-up was interrupted: no case note, follow-up date or satisfaction")
    assert term.finish() == 130
    session = e2e.case.session()
    assert (session["status"], session["note"]) == ("resolved", None)


def test_an_escalated_case_opened_and_left_stays_escalated(e2e: Any) -> None:
    login = e2e.tree("login-failure")
    term = e2e.run(login)
    assert term.step() == 1
    term.choose(question(login, "what-happens"), "^ Escalate now")
    term.escalate("needs the security team")
    term.wrapup()
    assert term.finish() == 0
    sid = e2e.case.session()["id"]

    term = e2e.cli("resume", sid, "--agent", "tier2-sam")
    term.panel("The session so far")
    term.options(question(login, "what-happens"))
    term.child.sendintr()
    term.expect(f"is still escalated, waiting for the next tier: troubleshoot resume {sid}")
    assert term.finish() == 130
    session = e2e.case.session(sid)
    assert (session["status"], session["outcome"]) == ("escalated", "escalated")
    assert e2e.case.kinds(sid)[-2:] == ["escalate", "wrapup"]


def test_a_note_is_acknowledged(e2e: Any) -> None:
    login = e2e.tree("login-failure")
    term = e2e.run(login)
    assert term.step() == 1
    term.choose(question(login, "what-happens"), "+ Add a note")
    term.type_answer("Note for the case log:", "customer on a train")
    term.expect("Note saved.")
    assert term.step() == 1
    term.choose(question(login, "what-happens"), "|| Pause the session")
    assert term.finish() == 0


def test_resuming_a_case_someone_else_just_had_open_warns_first(e2e: Any) -> None:
    login = e2e.tree("login-failure")
    term = e2e.run(login)
    assert term.step() == 1
    term.choose(question(login, "what-happens"), "|| Pause the session")
    assert term.finish() == 0
    sid = e2e.case.session()["id"]

    term = e2e.cli("resume", sid, "--agent", "bob")
    term.panel("The session so far")
    warning = term.expect(re.compile(r"Careful: (\S+) changed this case"))
    assert warning.group(1) == AGENT
    assert term.step() == 1  # the warning comes before the first question
    term.choose(question(login, "what-happens"), "|| Pause the session")
    assert term.finish() == 0


def test_the_tree_picker_filters_as_you_type(e2e: Any) -> None:
    term = e2e.cli("run", "--agent", AGENT)
    term.options("Which problem is it?")
    term.send("wifi")
    term.expect("wifi-no-internet")
    term.send("\r")
    term.type_answer("Ticket reference (optional):", "T-PICK")
    term.expect("? In the customer's own words")
    term.child.sendintr()
    assert term.finish() == 130
    assert e2e.case.session()["tree_id"] == "wifi-no-internet"
