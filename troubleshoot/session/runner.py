"""The walk: engine <-> prompter <-> case log, with intake, wrap-up, pause and resume.

Every answer, back, note, pause and escalation is written to the log the moment it happens, so a
killed terminal loses nothing that was answered; `resume` replays the logged answers.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import asdict, replace
from typing import Any

from troubleshoot.cases.log import CaseLog
from troubleshoot.cases.records import (
    MASKED_VALUE,
    Ending,
    Event,
    EventKind,
    Intake,
    SessionUpdate,
    Status,
)
from troubleshoot.cases.similar import similar
from troubleshoot.errors import AnswersError, CaseLogError, Paused, TroubleshootError
from troubleshoot.session.coerce import InvalidAnswer
from troubleshoot.session.engine import Answer, End, Engine, State, WalkError
from troubleshoot.session.history import (
    check_date,
    effective_answers,
    follow_up_date,
    handoff,
    history_lines,
)
from troubleshoot.session.masking import Masker
from troubleshoot.session.presets import known_lines, logged_presets
from troubleshoot.session.prompts import Back, EscalateNow, Frame, Give, Note, Pause, Prompter
from troubleshoot.session.step import Step
from troubleshoot.tree.model import AGENT, CLOSING_OUTCOMES, LAST_FIX, Tree


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
        presets: Mapping[str, Any] | None = None,
    ) -> None:
        """`presets`: declared variables known before the start (checked and typed)."""
        self.tree = tree
        self.presets = dict(presets or {})
        self.case_log = case_log
        self.prompter = prompter
        self.agent = agent
        self.session_id = ""
        self.seq = 0  # the last event of the session this runner knows of
        self.undone: Answer | None = None  # the answer just superseded by going back
        self.masker = Masker(tree)

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
        """Intake, similar cases, the walk and the wrap-up of a new session."""
        answered = asdict(self.prompter.intake(given))
        intake = Intake(**{k: v or None for k, v in answered.items()})
        self.session_id = self.case_log.create_session(self.tree, intake, self.agent)
        self._record(Event(kind=EventKind.START, text=intake.customer, value=asdict(intake)))
        words = " ".join(v for v in (intake.customer, intake.ticket) if v)
        hits = similar(self.case_log, words, exclude=self.session_id)
        self.prompter.show_similar([hit.session for hit in hits])
        if self.presets:
            self._record(
                Event(
                    kind=EventKind.SET,
                    text=", ".join(f"{k} = {v}" for k, v in self.presets.items()),
                    value=self.presets,
                )
            )
            self.prompter.show_history(known_lines(self.presets))
        engine = self._engine(intake)
        state = engine.start()
        self._record_walked(None, state)
        return self._walk(engine, state)

    def resume(self, session_id: str) -> End:
        """Continue a paused session, or pick up an escalated one as the next tier."""
        session = self.case_log.get_session(session_id)
        self.session_id = session.id
        events = self.case_log.events(self.session_id)
        self.presets = logged_presets(self.tree, events)
        engine = self._engine(session.intake)
        self.seq = max((e.seq for e in events), default=0)
        state = self._replay(engine, effective_answers(events))
        self.prompter.show_history(history_lines(session, events))
        try:
            choice = self._ask_after_escalation() if state.end is not None else None
        except (KeyboardInterrupt, EOFError):
            raise Paused(self.session_id, interrupted=True) from None
        picked_up = session.status is Status.ESCALATED
        self._record(Event(kind=EventKind.PICKUP if picked_up else EventKind.RESUME))
        self._update(SessionUpdate(status=Status.ACTIVE, agent=self.agent))
        if choice is not None:
            state = self._after_escalation(engine, state, choice)
        return self._walk(engine, state)

    def _replay(self, engine: Engine, answers: list[Answer]) -> State:
        """The state the logged answers lead to. A sensitive answer is not kept in the log, so
        the walk stops before it: the question is asked again, and the answers after it are
        marked superseded (with `back` events) so the log tells the same story."""
        masked = next((i for i, a in enumerate(answers) if a.value == MASKED_VALUE), None)
        if masked is None:
            return engine.replay(answers)
        for dropped in reversed(answers[masked:]):
            self._record(
                Event(
                    kind=EventKind.BACK,
                    node=dropped.node,
                    step=dropped.key,
                    text="superseded: asked again, as sensitive answers are not kept",
                )
            )
        return engine.replay(answers[:masked])

    # -- the walk ------------------------------------------------------------------------------

    def _engine(self, intake: Intake) -> Engine:
        context = {k: v or "" for k, v in asdict(intake).items()}
        return Engine(self.tree, {**context, AGENT: self.agent, **self.presets})

    def _walk(self, engine: Engine, state: State) -> End:
        try:
            while state.end is None:
                state = self._turn(engine, state)
        except KeyboardInterrupt:
            self._pause(state, "interrupted (Ctrl-C)")
            raise Paused(self.session_id, interrupted=True) from None
        except EOFError:
            self._pause(state, "input ended")
            raise InputEnded(
                f"the input ended (Ctrl-D, or no more input); session {self.session_id} is "
                f"paused: continue it with 'troubleshoot resume {self.session_id}'"
            ) from None
        except (WalkError, AnswersError) as exc:
            self._pause(state, str(exc))
            raise type(exc)(
                f"{exc}\n(session {self.session_id} is paused: fix that and run "
                f"'troubleshoot resume {self.session_id}' in a terminal)"
            ) from None
        except CaseLogError as exc:
            raise CaseLogError(
                f"{exc}\n(every answer before this one is saved: run 'troubleshoot resume "
                f"{self.session_id}' once the database can be written again)"
            ) from None
        return self._finish(engine, state)

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
        )
        started = time.monotonic()
        action = self.prompter.ask(step, frame)
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
            return state
        if isinstance(action, Pause):
            self._pause(state, "paused by the agent")
            raise Paused(self.session_id, interrupted=False)
        assert isinstance(action, EscalateNow)
        return engine.escalate_now(state, action.reason.strip() or "escalated by the agent")

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

    def _pause(self, state: State, why: str) -> None:
        node = state.step.node.id if state.step else None
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
        end = state.end
        assert end is not None
        node = end.node.id if end.node else None
        text = None
        if end.escalated:
            session = self.case_log.get_session(self.session_id)
            events = self.case_log.events(self.session_id)
            text = handoff(
                session=session, events=events, state=state, tier=end.tier, reason=end.reason
            )
            event = Event(
                kind=EventKind.ESCALATE, node=node, text=end.reason, value={"tier": end.tier}
            )
        else:
            event = Event(
                kind=EventKind.RESOLVE, node=node, text=end.summary, value={"outcome": end.outcome}
            )
        ending = Ending(
            status=Status.ESCALATED if end.escalated else Status.RESOLVED,
            outcome=end.outcome,
            summary=end.summary,
            reply=end.reply,
            current_node=node,
            variables=state.variables,
            escalated_to=end.tier,
            escalation_reason=end.reason,
            fixed_by=state.variables.get(LAST_FIX) or None,
        )
        self.seq = self.case_log.finish_session(
            self.session_id,
            self.masker.event(replace(event, agent=self.agent)),
            self.masker.ending(ending),
            after=self.seq,
        )
        self.prompter.show_end(self.masker.end(end), state, self.masker.text(text))
        self._wrapup(end)
        return end

    def _wrapup(self, end: End) -> None:
        try:
            wrap = self.prompter.wrapup(end, follow_up_date(end.follow_up))
        except (KeyboardInterrupt, EOFError):
            return  # the case itself is already closed in the log; the wrap-up is optional
        follow_up = check_date(str(wrap.follow_up or "")) or None
        satisfaction = _check_score(wrap.satisfaction)
        note = str(wrap.note or "").strip() or None
        self._record(
            Event(
                kind=EventKind.WRAPUP,
                text=note,
                value={"follow_up": follow_up, "satisfaction": satisfaction},
            )
        )
        self._update(SessionUpdate(note=note, follow_up=follow_up, satisfaction=satisfaction))


def _check_score(value: Any) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or str(value) not in {"1", "2", "3", "4", "5"}:
        raise AnswersError(f"satisfaction must be a whole number from 1 to 5, not {value!r}")
    return int(value)
