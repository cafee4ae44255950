"""Any answers file, however wrong, ends a session or says what is wrong: never a crash."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from troubleshoot.errors import TroubleshootError
from troubleshoot.paths import bundled_trees
from troubleshoot.session.answers_file import ScriptedAnswers
from troubleshoot.session.coerce import InvalidAnswer, coerce
from troubleshoot.session.engine import Engine
from troubleshoot.session.scenarios import walk
from troubleshoot.session.step import StepKind
from troubleshoot.tree.loader import load_tree

TREE = load_tree(bundled_trees() / "double-charge.tree.yaml", bundled_trees())
NODE_IDS = sorted(TREE.nodes)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=30),
    st.sampled_from(["yes", "no", "duplicate", "refund", "49.99", "1e309", ".nan", "4242"]),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(NODE_IDS), values, max_size=12))
def test_scripted_walk_ends_or_says_what_is_wrong(answers: dict[str, Any]) -> None:
    try:
        state = walk(Engine(TREE, {"customer": "charged twice"}), ScriptedAnswers(answers, "f"))
    except TroubleshootError as exc:
        assert str(exc)
        return
    assert state.end is not None


@settings(max_examples=300, deadline=None)
@given(values)
def test_numbers_are_finite_or_refused(raw: Any) -> None:
    try:
        value, shown = coerce(StepKind.NUMBER, (), raw)
    except InvalidAnswer as exc:
        assert "expected a number" in str(exc)
        return
    assert math.isfinite(value)
    assert shown


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=200))
def test_answers_file_text_is_read_or_refused(tmp_path: Path, text: str) -> None:
    from troubleshoot.session.answers_file import read_answers_file

    path = tmp_path / "answers.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        answers, intake, wrapup = read_answers_file(path)
    except TroubleshootError as exc:
        assert str(exc)
        return
    assert isinstance(answers, dict) and isinstance(intake, dict) and isinstance(wrapup, dict)
    yaml.safe_dump(answers)  # plain data only
