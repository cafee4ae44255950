"""`preview TREE NODE` shows a step exactly as the agent sees it in a real session."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

CAPS_LOCK = "Caps Lock was on"


def previewed(e2e: Any, tree_id: str, node: str) -> tuple[list[str], list[str], int]:
    """The body lines (below the phase bar, above the question), the answers and the
    highlighted one, as `troubleshoot preview` prints them at the pty's width."""
    done = subprocess.run(
        [sys.executable, "-m", "troubleshoot", "preview", tree_id, node],
        env=e2e.env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.split("\n")
    assert lines[0] == "" and f"- preview of '{node}'" in lines[1], lines[:2]
    asked = next(i for i, line in enumerate(lines) if line.startswith("? "))
    options = [line for line in lines[asked + 1 :] if line.strip()]
    pointer = next(i for i, line in enumerate(options) if line.startswith(" » "))
    shown = [o[3:].rstrip() for o in options if o.strip() != "-" * 15]
    return _tidy(lines[3:asked]), shown, pointer


def in_session(term: Any, question: str) -> tuple[list[str], list[str], int]:
    """The same parts of the next step a session draws in the terminal."""
    term.step()
    start = term.pos
    options, pointer = term.options(question)
    body = term.text[start : term.text.index("? " + question, start)]
    return _tidy(body.split("\n")[2:]), options, pointer


def _tidy(lines: list[str]) -> list[str]:
    lines = [line.rstrip() for line in lines]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def test_preview_matches_the_session_steps(e2e: Any) -> None:
    login = e2e.tree("login-failure")
    answers = e2e.scenario("login-failure", CAPS_LOCK)["answers"]
    term = e2e.run(login)

    first = in_session(term, login.kind("what-happens")[1])
    assert first == previewed(e2e, "login-failure", "what-happens")
    assert first[0][0].startswith("╭─ Say to the customer")
    assert first[1][-1] == "^ Escalate now"

    label = login.label("what-happens", answers["what-happens"])
    term.pick(login.kind("what-happens")[1], first[1], first[2], label)
    for node in (
        "since-when",
        "others-affected",
        "error-shown",
        "error-message",
        "check-status",
        "which-browser",
        "account-status",
    ):
        term.step()
        term.answer(login, node, answers.get(node))
    basics = in_session(term, login.kind("password-checks")[1])
    assert basics == previewed(e2e, "login-failure", "password-checks")
    assert any(line.startswith("Try 1 of 4: Check Caps Lock") for line in basics[0])
    assert basics[1][:2] == ["Yes, that fixed it", "No, still not working"]
    assert "<- Go back" in basics[1]
    term.kill()
