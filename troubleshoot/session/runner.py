"""The walk: engine <-> prompter <-> case log, with intake, wrap-up, pause and resume.

Every answer, back, note, pause and escalation is written to the log the moment it happens, so a
killed terminal loses nothing that was answered; `resume` replays the logged answers.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import asdict, replace
from typing import Any, NoReturn

from troubleshoot.cases.log import CaseLog
from troubleshoot.cases.records import (
    MASKED_VALUE,
    Event,
    EventKind,
    Intake,
    SessionUpdate,
    Status,
)
from troubleshoot.cases.similar import similar
from troubleshoot.errors import (
    AnswersError,
    CaseLogError,
    OutputClosed,
    Paused,
    TroubleshootError,
    WrapUpInterrupted,
)
from troubleshoot.session.coerce import InvalidAnswer
from troubleshoot.session.ending import check_score, closed_as, closing, with_reply
from troubleshoot.session.engine import Answer, End, Engine, State, WalkError
from troubleshoot.session.history import (
    check_date,
    effective_answers,
    follow_up_date,
    handoff,
    history_lines,
    recent_change_by_another,
)
from troubleshoot.session.masking import Masker
from troubleshoot.session.presets import known_lines, logged_presets
from troubleshoot.session.prompts import Back, EscalateNow, Frame, Give, Note, Pause, Prompter
from troubleshoot.session.step import Step
from troubleshoot.tree.expr import ExpressionError
from troubleshoot.tree.model import AGENT, CLOSING_OUTCOMES, INTAKE_FIELDS, Tree


class InputEnded(TroubleshootError):
    """Standard input closed in the middle of a session (the session was paused first)."""


class Runner:
    """Runs one session of `tree` for `agent`, logging it to `case_log`."""

    def __init__(
        self,
        *,
        tree: Tree,
        case_log: CaseLog,
        prompter: Prompter,
        agent: str,
        again: str = "",
        presets: Mapping[str, Any] | None = None,
    ) -> None:
        """`again` ends the commands that messages suggest (the global options: ` --db F`);
        `presets`: declared variables known before the start (checked and typed)."""
        self.tree = tree
        self.presets = dict(presets or {})
        self.case_log = case_log
        self.prompter = prompter
        self.agent = agent
        self.again = again
        self.session_id = ""
        self.seq = 0  # the last event of the session this runner knows of
        self.undone: Answer | None = None  # the answer just superseded by going back
        self.pickup: EventKind | None = None  # how this agent takes the case on when they act
        self.masker = Masker(tree)
        self.superseded: list[Answer] = []  # logged answers a resume asks again (sensitive)

    def resume_hint(self) -> str:
        return f"troubleshoot resume {self.session_id}{self.again}"

    def _record(self, event: Event) -> None:
        """Log one event, refusing if another agent wrote to the session meanwhile."""
        masked = self.masker.event(replace(event, agent=self.agent))
        self.seq = self.case_log.append_event(self.session_id, masked, after=self.seq)

    def _update(self, update: SessionUpdate) -> None:
        if update.variables is not None:
            update = replace(update, variables=self.masker.value(dict(update.variables)))
        self.case_log.update_session(self.session_id, update)

    # -- entry points --------------------------------------------------------------------------

    def run(self, given: Intake) -> End:
        """Intake, similar cases, the walk and the wrap-up of a new session. The session is
        created at the first intake answer; Ctrl-C before it leaves nothing in the log."""
        return self._begin(self._intake(given))

    def resume(self, session_id: str) -> End:
        """Continue a paused session (or its intake), or pick up an escalated one as the next
        tier: an escalated case stays escalated until this agent acts on it."""
        session = self.case_log.get_session(session_id)
        self.session_id = session.id
        events = self.case_log.events(self.session_id)
        self.presets = logged_presets(self.tree, events)
        self.seq = max((e.seq for e in events), default=0)
        self.prompter.show_history(history_lines(session, events))
        self._warn_if_open_elsewhere(events)
        escalated = session.status is Status.ESCALATED
        self.pickup = EventKind.PICKUP if escalated else EventKind.RESUME
        if not any(e.kind is EventKind.START for e in events):
            self._take_over()
            return self._begin(self._intake(session.intake))
        engine = self._engine(session.intake)
        state = self._replay(engine, effective_answers(events))
        if not escalated:
            self._take_over()
        # An ended walk in a session that is not escalated: the process stopped after the last
        # answer was logged and before the end was; the walk below finishes it as the tree says.
        try:
            choice = self._ask_after_escalation() if state.end is not None and escalated else None
        except (KeyboardInterrupt, EOFError):
            raise Paused(self.session_id, interrupted=True, status=session.status) from None
        if choice is not None:
            self._take_over()
            state = self._after_escalation(engine, state, choice)
        return self._walk(engine, state)

    def _replay(self, engine: Engine, answers: list[Answer]) -> State:
        """The state the logged answers lead to. A sensitive answer is not kept in the log, so
        the walk stops before it: the question is asked again, and once this agent acts the
        answers from it on are marked superseded (`back` events), so the log tells the same
        story."""
        masked = next((i for i, a in enumerate(answers) if a.value == MASKED_VALUE), None)
        if masked is None:
            return engine.replay(answers)
        self.superseded = answers[masked:]
        return engine.replay(answers[:masked])

    def _record_superseded(self) -> None:
        for dropped in reversed(self.superseded):
            self._record(
                Event(
                    kind=EventKind.BACK,
                    node=dropped.node,
                    step=dropped.key,
                    text="superseded: asked again, as sensitive answers are not kept",
                )
            )
        self.superseded = []

    # -- the intake ----------------------------------------------------------------------------

    def _intake(self, given: Intake) -> Intake:
        """Ask each intake field not given yet, logging each the moment it is given."""
        intake = given
        try:
            for name in INTAKE_FIELDS:
                value = getattr(intake, name)
                if value is None:
                    value = self.prompter.ask_intake(name, intake) or ""
                    intake = replace(intake, **{name: value})
                    self._intake_given(intake, name)
                elif not self.session_id:
                    self._intake_given(intake, None)
            return intake
        except (KeyboardInterrupt, EOFError, BrokenPipeError) as exc:
            if not self.session_id:
                raise
            self._stopped(exc, None, "during the intake")

    def _intake_given(self, intake: Intake, name: str | None) -> None:
        """Create the session at the first intake answer, then log each field given."""
        if not self.session_id:
            self.session_id = self.case_log.create_session(self.tree, intake, self.agent)
        elif name is not None:
            self._update(replace(SessionUpdate(), **{name: getattr(intake, name)}))

    def _begin(self, intake: Intake) -> End:
        """Log the start of the walk, show similar past cases, and walk."""
        done = Intake(**{k: v or None for k, v in asdict(intake).items()})
        try:
            self.prompter.show_intake(intake)
            self._record(Event(kind=EventKind.START, text=done.customer, value=asdict(done)))
            words = " ".join(v for v in (done.customer, done.ticket) if v)
            hits = similar(self.case_log, words, exclude=self.session_id)
            self.prompter.show_similar([hit.session for hit in hits])
        except (KeyboardInterrupt, EOFError, BrokenPipeError) as exc:
            self._stopped(exc, None, "before the first step")
        if self.presets:
            self._record(
                Event(
                    kind=EventKind.SET,
                    text=", ".join(f"{k} = {v}" for k, v in self.presets.items()),
                    value=self.presets,
                )
            )
            self.prompter.show_history(known_lines(self.presets))
        engine = self._engine(done)
        return self._walk(engine, None)

    def _take_over(self) -> None:
        """Log that this agent continues (or picks up) the case, the first time they act."""
        if self.pickup is None:
            return
        self._record(Event(kind=self.pickup))
        self._update(SessionUpdate(status=Status.ACTIVE, agent=self.agent))
        self.pickup = None
        self._record_superseded()

    def _warn_if_open_elsewhere(self, events: list[Event]) -> None:
        warning = recent_change_by_another(events, self.agent)
        if warning:
            self.prompter.show_problem(warning)

    # -- the walk ------------------------------------------------------------------------------

    def _engine(self, intake: Intake) -> Engine:
        context = {k: v or "" for k, v in asdict(intake).items()}
        return Engine(self.tree, {**context, AGENT: self.agent, **self.presets})

    def _walk(self, engine: Engine, state: State | None) -> End:
        """The turns from `state` (None: from the start) to the end of the walk."""
        try:
            if state is None:
                state = engine.start()
                self._record_walked(None, state)
            while state.end is None:
                state = self._turn(engine, state)
        except (KeyboardInterrupt, EOFError, BrokenPipeError) as exc:
            self._stopped(exc, state, "")
        except (WalkError, AnswersError, ExpressionError) as exc:
            self._pause(state, str(exc))
            raise type(exc)(
                f"{exc}\n(session {self.session_id} is paused: fix that and run "
                f"'{self.resume_hint()}' in a terminal)"
            ) from None
        except CaseLogError as exc:
            raise CaseLogError(
                f"{exc}\n(every answer before this one is saved: run '{self.resume_hint()}' "
                "once the database can be written again)"
            ) from None
        return self._finish(engine, state)

    def _stopped(self, exc: BaseException, state: State | None, where: str) -> NoReturn:
        """Ctrl-C, the end of input or a closed output: pause the session and say so (an
        escalated case the agent has not acted on yet is left escalated)."""
        if self.pickup is EventKind.PICKUP:
            raise Paused(self.session_id, interrupted=True, status=Status.ESCALATED) from None
        why = {
            KeyboardInterrupt: "interrupted (Ctrl-C)",
            EOFError: "input ended",
            BrokenPipeError: "the output was closed",
        }[type(exc)]
        self._pause(state, f"{why} {where}".strip())
        if isinstance(exc, KeyboardInterrupt):
            raise Paused(self.session_id, interrupted=True) from None
        error = OutputClosed if isinstance(exc, BrokenPipeError) else InputEnded
        raise error(
            f"{'the output was closed' if error is OutputClosed else 'the input ended'} "
            f"({'a closed pipe' if error is OutputClosed else 'Ctrl-D, or no more input'}); "
            f"session {self.session_id} is paused: continue it with '{self.resume_hint()}'"
        ) from None

    def _turn(self, engine: Engine, state: State) -> State:
        step = state.step
        assert step is not None
        self._update(SessionUpdate(current_node=step.node.id, variables=state.variables))
        undone = self.undone
        previous = (
            undone.value
            if undone is not None
            and undone.key == step.key
            and undone.node not in self.masker.nodes
            else None
        )
        frame = Frame(
            title=self.tree.title,
            phases=self.tree.phases,
            can_go_back=bool(state.answers),
            previous=previous,
            case=self.session_id,
            escalations=tuple(engine.escalation_targets()),
        )
        started = time.monotonic()
        action = self.prompter.ask(step, frame)
        if isinstance(action, Give | Back | EscalateNow):
            self._take_over()
        if isinstance(action, Give):
            try:
                new = engine.answer(state, action.value)
            except InvalidAnswer as exc:
                self.prompter.show_problem(f"'{step.node.id}': {exc}")
                return state
            self.undone = None
            self.masker.learn(new)
            self._record_answer(step=step, before=state, after=new, started=started)
            return new
        if isinstance(action, Back):
            return self._back(engine, state)
        if isinstance(action, Note):
            if action.text.strip():
                self._record(
                    Event(kind=EventKind.NOTE, node=step.node.id, text=action.text.strip())
                )
                self.prompter.show_done("Note saved.")
            return state
        if isinstance(action, Pause):
            if self.pickup is EventKind.PICKUP:
                raise Paused(self.session_id, interrupted=False, status=Status.ESCALATED)
            self._pause(state, "paused by the agent")
            raise Paused(self.session_id, interrupted=False)
        assert isinstance(action, EscalateNow)
        reason = action.reason.strip() or f"(left empty by {self.agent})"
        return engine.escalate_now(state, reason, action.target)

    def _record_answer(self, *, step: Step, before: State, after: State, started: float) -> None:
        """Log the answer to `step` (an action ticked is an `action` event with its name and
        arguments), then what the walk did on its own."""
        given = after.answers[-1]
        action = step.arguments is not None
        self._record(
            Event(
                kind=EventKind.ACTION if action else EventKind.ANSWER,
                node=step.node.id,
                step=step.key,
                phase=step.phase,
                prompt=f"{step.item}: {step.question}" if step.item else step.question,
                answer=given.shown,
                value={"name": step.node.text, "arguments": step.arguments}
                if action
                else given.value,
                text=step.question if action else None,
                ms=int((time.monotonic() - started) * 1000),
            )
        )
        self._record_walked(before, after)

    def _record_walked(self, before: State | None, after: State) -> None:
        """Log what the walk did on its own between two states: `set` assignments."""
        done = len(before.assigned) if before is not None else 0
        for assigned in after.assigned[done:]:
            self._record(
                Event(
                    kind=EventKind.SET,
                    node=assigned.node,
                    text=", ".join(f"{k} = {v}" for k, v in assigned.values.items()),
                    value=assigned.values,
                )
            )

    def _back(self, engine: Engine, state: State) -> State:
        if not state.answers:
            self.prompter.show_problem("This is the first step: there is nothing to go back to.")
            return state
        undone = state.answers[-1]
        new = engine.back(state)
        self.undone = undone
        self._record(
            Event(
                kind=EventKind.BACK,
                node=undone.node,
                step=undone.key,
                text=f"superseded: {undone.shown}",
            )
        )
        return new

    def _pause(self, state: State | None, why: str) -> None:
        node = state.step.node.id if state and state.step else None
        self._record(Event(kind=EventKind.PAUSE, node=node, text=why))
        self._update(SessionUpdate(status=Status.PAUSED, current_node=node))

    def _ask_after_escalation(self) -> str:
        """An escalated walk that ended: the next tier goes back a step, or closes the case
        (the answer is "back" or the outcome to close with)."""
        choice = self.prompter.pick(
            "This case was escalated at the end of the tree. What now?",
            [
                ("back", "Go back to the last step and continue from there"),
                ("close", "Close the case with an outcome"),
            ],
        )
        if choice == "back":
            return choice
        return self.prompter.pick("Outcome:", [(str(o), str(o)) for o in CLOSING_OUTCOMES])

    def _after_escalation(self, engine: Engine, state: State, choice: str) -> State:
        if choice == "back":
            return self._back(engine, state)
        summary = f"Closed by {self.agent} after escalation ({choice})"
        return replace(state, end=End(node=None, outcome=choice, summary=summary))

    # -- the end -------------------------------------------------------------------------------

    def _finish(self, engine: Engine, state: State) -> End:
        assert state.end is not None
        end = with_reply(state.end, state)
        text = None
        if end.escalated:
            session = self.case_log.get_session(self.session_id)
            events = self.case_log.events(self.session_id)
            text = handoff(
                session=session, events=events, state=state, tier=end.tier, reason=end.reason
            )
        event, ending = closing(end, state)
        self.seq = self.case_log.finish_session(
            self.session_id,
            self.masker.event(replace(event, agent=self.agent)),
            self.masker.ending(ending),
            after=self.seq,
        )
        try:
            self.prompter.show_end(self.masker.end(end), state, self.masker.text(text))
            self._wrapup(end)
        except (KeyboardInterrupt, EOFError, BrokenPipeError) as exc:
            if isinstance(exc, BrokenPipeError):
                raise OutputClosed(
                    f"the output was closed (a closed pipe); session {self.session_id} was "
                    f"already {closed_as(end)}, without its wrap-up (case note, follow-up, "
                    "satisfaction)"
                ) from None
            interrupted = isinstance(exc, KeyboardInterrupt)
            raise WrapUpInterrupted(self.session_id, closed_as(end), interrupted) from None
        return end

    def _wrapup(self, end: End) -> None:
        wrap = self.prompter.wrapup(end, follow_up_date(end.follow_up))
        follow_up = check_date(str(wrap.follow_up or "")) or None
        satisfaction = check_score(wrap.satisfaction)
        note = str(wrap.note or "").strip() or None
        self._record(
            Event(
                kind=EventKind.WRAPUP,
                text=note,
                value={"follow_up": follow_up, "satisfaction": satisfaction},
            )
        )
        self._update(SessionUpdate(note=note, follow_up=follow_up, satisfaction=satisfaction))
