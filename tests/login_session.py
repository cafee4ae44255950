"""A scripted login-failure session for the case-log tests: its answers file, and a prompter
that answers from it in-process and can pause, or call back, at a given question."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import yaml
from rich.console import Console

from troubleshoot.paths import bundled_trees
from troubleshoot.session.answers_file import ScriptedAnswers
from troubleshoot.session.prompts import Action, Frame, Pause
from troubleshoot.session.scripted_prompter import ScriptedPrompter
from troubleshoot.session.step import Step
from troubleshoot.tree.loader import load_tree

TREE = load_tree(bundled_trees() / "login-failure.tree.yaml", bundled_trees())
ANSWERS = """\
intake: {ticket: T-1, customer: cannot log in since this morning}
answers:
  what-happens: wrong-password
  since-when: recently
  others-affected: only-them
  error-shown: yes
  error-message: Incorrect email or password
  check-status: "none"
  which-browser: chrome
  account-status: active
  password-checks: [yes]
wrapup: {note: done, satisfaction: 5}
"""
SCRIPT: dict[str, Any] = yaml.safe_load(ANSWERS)
# A process that runs `run login-failure --answers FILE` COUNT times through the CLI entry
# point (in-process, so process start-up stays out of the run) and prints the failures as JSON.
# Arguments: DB ANSWERS-FILE COUNT AGENT.
RUN_SESSIONS = r"""
import contextlib, io, json, sys
from troubleshoot.cli.app import app
import troubleshoot.cli  # registers the commands

db, answers, count, name = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
failures = []
for index in range(count):
    err = io.StringIO()
    args = ["--db", db, "run", "login-failure", "--answers", answers, "--agent", name]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        try:
            code = app(args, standalone_mode=False)
        except SystemExit as exc:
            code = exc.code
    if code:
        failures.append(err.getvalue()[-300:])
print(json.dumps(failures))
"""


class LoginPrompter(ScriptedPrompter):
    """Answers from `ANSWERS`. At question `at` (counting from 1) it first calls `interrupt`,
    or, without one, pauses the session there."""

    def __init__(self, at: int = 0, interrupt: Callable[[], None] | None = None) -> None:
        super().__init__(
            console=Console(file=io.StringIO()),
            script=ScriptedAnswers(SCRIPT["answers"], "answers.yaml"),
            intake=SCRIPT["intake"],
            wrapup=SCRIPT["wrapup"],
        )
        self.at = at
        self.interrupt = interrupt
        self.asked = 0
        self.warnings: list[str] = []

    def show_problem(self, message: str) -> None:
        """Keeps the warning that another agent changed the case lately; the rest stop the run."""
        if message.startswith("Careful:"):
            self.warnings.append(message)
            return
        super().show_problem(message)

    def ask(self, step: Step, frame: Frame) -> Action:
        self.asked += 1
        if self.asked == self.at:
            if self.interrupt is None:
                return Pause()
            self.interrupt()
        return super().ask(step, frame)
