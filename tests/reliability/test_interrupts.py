"""Ctrl-C at every kind of prompt in a real terminal: exit 130, the session paused at that
prompt, and `resume` brings the same prompt back. One session walks a tree with every node kind
(select, confirm, text, number, multiselect, info, try, fix) and the session menu's own prompts
(a note, an escalation reason); it is interrupted at each and resumed each time, then finished.
The intake and the wrap-up are interrupted in their own sessions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from reliability_helpers import AGENT, e2e_helpers
from reliability_helpers import e2e as e2e  # the pty fixture

DOWN, ENTER, SPACE = "\x1b[B", "\r", " "
EVERY_KIND = """\
format: 1
id: every-kind
title: Every prompt kind
start: pick
nodes:
  pick:
    ask: Which product is it?
    choices: [{label: Mail, value: mail, next: sure}, {label: Chat, value: chat, next: sure}]
  sure: {ask: Is the customer signed in?, type: confirm, on_yes: words, on_no: words}
  words: {ask: Type the error text, type: text, save_as: error_text, next: count}
  count: {ask: How many users are affected?, type: number, next: which}
  which:
    ask: Which devices are affected?
    type: multiselect
    choices: [{label: Phone, value: phone}, {label: Laptop, value: laptop}]
    next: read
  read: {info: Check the status page now., next: basics}
  basics:
    phase: isolate
    try: [Restart the app, Sign out and in again]
    verify: Does it work now?
    on_fixed: done
    on_not_fixed: repair
  repair:
    phase: fix
    fix: Reinstall the app
    verify: Does it work after the reinstall?
    on_fixed: done
    on_not_fixed: done
  done: {resolve: Fixed, outcome: resolved}
"""
# (what is interrupted, the session-menu item that opens it or None, its prompt, the keys that
# answer it after the resume; None: leave it for the next row)
PROMPTS: list[tuple[str, str | None, str, str | None]] = [
    ("select", None, "? Which product is it?", ENTER),
    ("confirm", None, "? Is the customer signed in?", ENTER),
    ("text", None, "? Type the error text", None),
    ("note (from a text prompt)", ":note", "? Note for the case log:", "noted" + ENTER),
    ("text, again", None, "? Type the error text", "It says 42" + ENTER),
    ("number", None, "? How many users are affected?", "3" + ENTER),
    ("multiselect", None, "? Which devices are affected?", SPACE + ENTER),
    ("info", None, "? Ready to go on?", ENTER),
    ("try", None, "? Does it work now?", DOWN + ENTER),
    ("try, second item", None, "? Does it work now?", DOWN + ENTER),
    ("fix", None, "? Does it work after the reinstall?", None),
    ("escalation reason", "^ Escalate now", "? Why escalate?", "needs tier 2" + ENTER),
]


def trees(tmp: Path) -> Path:
    folder = tmp / "trees"
    folder.mkdir(exist_ok=True)
    (folder / "every-kind.tree.yaml").write_text(EVERY_KIND, encoding="utf-8")
    return folder


def interrupt(e2e: Any, term: Any, what: str) -> str:
    """Ctrl-C at the prompt on screen: exit 130 and a paused session; its id."""
    term.child.sendintr()
    term.expect("troubleshoot resume ")
    assert term.finish() == 130, what
    [session] = e2e.case.sessions()
    assert session["status"] == "paused", what
    last = e2e.case.events(session["id"])[-1]
    assert last["kind"] == "pause" and "Ctrl-C" in last["text"], (what, last)
    return str(session["id"])


def reach(term: Any, opener: str | None, prompt: str, previous: str, mark: int | None) -> int:
    """Wait for `prompt`: a step's own (after its header), or one opened from the session menu
    of the step whose prompt `previous` is on screen (already read from `mark` on, or None:
    still to come). Returns where the step's prompt starts on screen."""
    if opener is None or mark is None:
        term.expect(e2e_helpers.STEP_HEADER)
        mark = term.pos
    if opener is None:
        term.expect(prompt)
        return mark
    term.pos = mark
    if opener.startswith(":"):
        term.expect(previous)
        term.send(opener + ENTER)
    else:
        options, pointer = term.options(previous.removeprefix("? "))
        term.pick(previous.removeprefix("? "), options, pointer, opener)
    term.expect(prompt)
    return mark


def test_ctrl_c_at_every_prompt_kind_pauses_and_resumes(e2e: Any) -> None:
    folder = trees(e2e.tmp)
    term = e2e.cli("--trees", str(folder), "run", "every-kind", "--agent", AGENT)
    term.intake()
    previous, mark = "", None
    for what, opener, prompt, answer in PROMPTS:
        mark = reach(term, opener, prompt, previous, mark)
        sid = interrupt(e2e, term, what)
        answers_before = e2e.case.answers(sid)

        term = e2e.cli("--trees", str(folder), "resume", sid, "--agent", AGENT)
        term.expect("The session so far")
        mark = reach(term, opener, prompt, previous, None)
        assert e2e.case.session(sid)["status"] == "active", what
        assert e2e.case.answers(sid) == answers_before, what
        if answer is not None:
            term.send(answer)
        previous = prompt if opener is None else previous
    term.expect("Hand-off summary")
    term.wrapup()
    assert term.finish() == 0
    session = e2e.case.session(sid)
    assert session["status"] == "escalated"
    assert session["escalation_reason"] == "needs tier 2"
    kinds = e2e.case.kinds(sid)
    assert kinds.count("pause") == kinds.count("resume") == len(PROMPTS)
    assert kinds.count("note") == 1


@pytest.mark.parametrize("at", ["In the customer's own words", "The customer's tone:"])
def test_ctrl_c_during_the_intake_pauses_a_resumable_session(e2e: Any, at: str) -> None:
    term = e2e.cli("run", "login-failure", "--agent", AGENT)
    term.type_answer("Ticket reference (optional):", "T-130")
    if at == "The customer's tone:":
        term.type_answer("In the customer's own words, what is the problem?", "cannot log in")
        term.expect("? Did the customer confirm?")
        term.send(ENTER)
    term.expect("? " + at)
    term.child.sendintr()
    assert term.finish() == 130
    [session] = e2e.case.sessions()
    assert session["status"] == "paused"
    assert session["ticket"] == "T-130"


def test_ctrl_c_at_the_wrap_up_exits_130_and_keeps_the_case(e2e: Any) -> None:
    login = e2e.tree("login-failure")
    plan = e2e.scenario("login-failure", "Caps Lock was on")
    term = e2e.run(login)
    e2e.drive(term, login, plan["answers"])
    term.expect("? Case note (optional):")
    term.child.sendintr()
    assert term.finish() == 130
    session = e2e.case.session()
    assert session["status"] in ("resolved", "paused")
    assert session["outcome"] == "resolved"
