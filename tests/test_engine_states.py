"""A Hypothesis state machine: random answers and backs over every bundled tree keep invariants."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from troubleshoot.paths import bundled_trees
from troubleshoot.session.engine import Engine, State
from troubleshoot.session.step import Step
from troubleshoot.tree.catalog import entries
from troubleshoot.tree.loader import load_tree
from troubleshoot.tree.model import Ask, Rules

TREES = [load_tree(e.path, e.root) for e in entries([bundled_trees()])]
RUNNABLE = [t for t in TREES if not t.library]


def valid_answer(step: Step, data: st.DataObject) -> Any:
    """An answer the step takes, within the question's rules (format 1.1)."""
    rules = step.node.rules if isinstance(step.node, Ask) else Rules()
    if step.kind == "select":
        return data.draw(st.sampled_from([c.value for c in step.choices]))
    if step.kind == "multiselect":
        return data.draw(st.lists(st.sampled_from([c.value for c in step.choices]), unique=True))
    if step.kind == "confirm":
        return data.draw(st.booleans())
    if step.kind == "number":
        low = 0 if rules.min is None else math.ceil(rules.min)
        return data.draw(st.integers(min_value=low, max_value=int(rules.max or 2000)))
    if step.kind == "text" and rules.pattern:
        return data.draw(st.from_regex(rules.pattern, fullmatch=True))
    if step.kind == "text":
        return data.draw(st.text(min_size=rules.min_length or 0, max_size=20))
    if step.kind == "date":
        return data.draw(st.dates(min_value=date(2000, 1, 1), max_value=date.today()))
    return None


class Walks(RuleBasedStateMachine):
    """Any sequence of valid answers and backs on any bundled tree."""

    engine: Engine
    state: State
    history: list[State]

    @initialize(index=st.integers(min_value=0, max_value=len(RUNNABLE) - 1))
    def pick_tree(self, index: int) -> None:
        self.engine = Engine(RUNNABLE[index], {"customer": "it is broken", "agent": "hyp"})
        self.state = self.engine.start()
        self.history = []

    @precondition(lambda self: self.state.step is not None)
    @rule(data=st.data())
    def answer(self, data: st.DataObject) -> None:
        assert self.state.step is not None
        self.history.append(self.state)
        self.state = self.engine.answer(self.state, valid_answer(self.state.step, data))

    @precondition(lambda self: bool(self.state.answers))
    @rule()
    def back(self) -> None:
        previous = self.history.pop()
        self.state = self.engine.back(self.state)
        assert self.state.step is not None and previous.step is not None
        assert self.state.step.key == previous.step.key
        assert self.state.answers == previous.answers
        assert self.state.path == previous.path

    @invariant()
    def exactly_one_of_step_or_end(self) -> None:
        if hasattr(self, "state"):
            assert (self.state.step is None) != (self.state.end is None)

    @invariant()
    def step_number_counts_answers(self) -> None:
        if hasattr(self, "state") and self.state.step is not None:
            assert self.state.step.number == len(self.state.answers) + 1

    @invariant()
    def replay_rebuilds_the_same_state(self) -> None:
        if hasattr(self, "state"):
            replayed = self.engine.replay(self.state.answers)
            assert replayed.path == self.state.path
            assert replayed.variables == self.state.variables
            keys = [s.step.key if s.step else None for s in (replayed, self.state)]
            assert keys[0] == keys[1]
            assert replayed.end == self.state.end

    @invariant()
    def the_end_is_a_terminal(self) -> None:
        if hasattr(self, "state") and self.state.end is not None:
            assert self.state.end.outcome
            assert self.state.end.summary


Walks.TestCase.settings = settings(max_examples=60, stateful_step_count=25, deadline=None)
TestWalks = Walks.TestCase


def test_every_bundled_tree_is_loaded() -> None:
    ids = {t.id for t in RUNNABLE}
    assert len(RUNNABLE) >= 8
    assert {"login-failure", "wifi-no-internet", "double-charge"} <= ids
    assert all(Path(t.path).is_file() for t in TREES)
