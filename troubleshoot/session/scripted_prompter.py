"""The prompter for runs without a terminal: answers come from an answers file.

It prints each step and its answer as plain lines, so a scripted run leaves a readable transcript.
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import TYPE_CHECKING, Any

from troubleshoot.cases.records import MASKED, Intake, SessionRecord
from troubleshoot.errors import AnswersError
from troubleshoot.printable import printable
from troubleshoot.session.answers_file import ScriptedAnswers
from troubleshoot.session.ending import check_score
from troubleshoot.session.engine import End, State
from troubleshoot.session.history import check_date
from troubleshoot.session.prompts import Action, Frame, Give, WrapUp
from troubleshoot.session.step import Step, StepKind
from troubleshoot.tree.model import AGENT, INTAKE_FIELDS, Ask

if TYPE_CHECKING:
    from rich.console import Console


class ScriptedPrompter:
    """Answers every prompt from a `ScriptedAnswers`; a wrong answer stops the run."""

    def __init__(
        self,
        *,
        console: Console,
        script: ScriptedAnswers,
        intake: dict[str, Any] | None = None,
        wrapup: dict[str, Any] | None = None,
    ) -> None:
        self.console = console
        self.script = script
        self.given_intake = _intake(intake or {}, script.source)
        self.given_wrapup = _checked_wrapup(wrapup or {}, script.source)

    def _line(self, text: str) -> None:
        self.console.print(printable(text), markup=False, highlight=False, soft_wrap=True)

    def ask_intake(self, name: str, so_far: Intake) -> str:
        return str(getattr(self.given_intake, name) or "")

    def show_intake(self, intake: Intake) -> None:
        if intake.customer:
            self._line(f'Customer: "{intake.customer}"')

    def show_done(self, message: str) -> None:
        self._line(message)

    def show_similar(self, cases: list[SessionRecord]) -> None:
        for case in cases:
            outcome = case.outcome or case.status
            self._line(
                f"Similar past case {case.id} ({case.started[:10]}, {case.ticket or 'no ticket'}, "
                f"{case.tree_id}, {outcome}): {printable(case.customer or '', one_line=True)}"
            )
        if cases:
            self._line("Open one with: troubleshoot cases show ID")

    def show_history(self, lines: list[str]) -> None:
        for line in lines:
            self._line(line)

    def ask(self, step: Step, frame: Frame) -> Action:
        value = self.script.take(step)
        item = f" [{step.item}]" if step.item else ""
        shown = {StepKind.INFO: "continue", StepKind.ACTION: "done"}.get(step.kind, value)
        if isinstance(step.node, Ask) and step.node.sensitive:
            shown = MASKED
        self._line(f"{step.number}. ({step.phase}) {step.question}{item} -> {shown}")
        return Give(value)

    def show_problem(self, message: str) -> None:
        raise AnswersError(f"{self.script.source}: {message}")

    def show_end(self, end: End, state: State, handoff: str | None) -> None:
        self._line(f"Outcome: {end.outcome} - {end.summary}")
        if end.say:
            self._line(f"Say to the customer: {end.say}")
        if handoff:
            self._line(handoff)
        if end.reply:
            self._line("Reply draft:\n" + end.reply.rstrip())

    def wrapup(self, end: End, suggested_follow_up: str | None) -> WrapUp:
        given = {k: v for k, v in self.given_wrapup.items() if v is not None}
        return replace(WrapUp(follow_up=suggested_follow_up or ""), **given)

    def pick(self, question: str, options: list[tuple[str, str]]) -> str:
        raise AnswersError(
            f"{question}: name it on the command line (there is no terminal to pick from a list)"
        )


def _intake(given: dict[str, Any], source: str) -> Intake:
    """The answers file's `intake:` section; unknown fields are refused."""
    unknown = set(given) - {*INTAKE_FIELDS, AGENT}
    if unknown:
        raise AnswersError(
            f"{source}: unknown intake field '{sorted(unknown)[0]}' "
            f"(use {', '.join(INTAKE_FIELDS)})"
        )
    return Intake(**{k: None if given.get(k) is None else str(given[k]) for k in INTAKE_FIELDS})


def _checked_wrapup(given: dict[str, Any], source: str) -> dict[str, Any]:
    """The `wrapup:` section checked whole, before anything is recorded; raises `AnswersError`."""
    known = [f.name for f in fields(WrapUp)]
    unknown = set(given) - set(known)
    if unknown:
        raise AnswersError(
            f"{source}: unknown wrapup field '{sorted(unknown)[0]}' (use {', '.join(known)})"
        )
    try:
        check_date(str(given.get("follow_up") or ""))
        check_score(given.get("satisfaction"))
    except AnswersError as exc:
        raise AnswersError(f"{source}: wrapup: {exc}") from None
    note = given.get("note")
    if note is not None and not isinstance(note, str | int | float):
        raise AnswersError(f"{source}: wrapup: the note must be text")
    return given
