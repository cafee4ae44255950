"""The engine walks every node kind as the format says (no terminal, no database)."""

from __future__ import annotations

from pathlib import Path

import pytest

from troubleshoot.session.coerce import InvalidAnswer
from troubleshoot.session.engine import Engine, State, WalkError
from troubleshoot.tree.loader import load_tree

TREES = Path(__file__).parent / "fixtures" / "trees"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_tree(TREES / "engine-demo.tree.yaml", TREES), {"agent": "ann"})


def walk(engine: Engine, *answers: object) -> State:
    state = engine.start()
    for answer in answers:
        state = engine.answer(state, answer)
    return state


def test_first_step_renders_templates_and_phase(engine: Engine) -> None:
    state = engine.start()
    assert state.step is not None
    assert state.step.question == "Which device?"
    assert state.step.say == "Let's look at your basic plan."
    assert state.step.phase == "diagnose"
    assert state.step.number == 1


def test_choice_without_next_falls_back_to_node_next(engine: Engine) -> None:
    state = walk(engine, "phone")
    assert state.step is not None and state.step.node.id == "seen-before"
    assert state.variables["device"] == "phone"


def test_labels_are_accepted_case_insensitively(engine: Engine) -> None:
    assert walk(engine, "LAPTOP").variables["device"] == "laptop"


def test_call_return_hands_variables_back_and_when_skips(engine: Engine) -> None:
    # laptop: the info node 'notes' is skipped (when device == "phone")
    state = walk(engine, "laptop", "no", "yes")
    assert state.variables["online"] is True
    assert state.path == [
        "device",
        "seen-before",
        "check-net",
        "net.reachable",
        "net.online",
        "basics",
    ]
    assert state.step is not None and state.step.key == "basics#1"
    assert state.step.item == "Restart the app"


def test_info_node_is_a_step_on_its_path(engine: Engine) -> None:
    state = walk(engine, "phone", "no", "yes")
    assert state.step is not None and state.step.kind == "info"
    assert state.step.question == "Device is phone."


def test_route_on_returned_value(engine: Engine) -> None:
    state = walk(engine, "laptop", "no", "no")
    assert state.end is not None
    assert state.end.outcome == "works-as-designed"
    assert state.variables["online"] is False


def test_try_records_which_item_fixed_it(engine: Engine) -> None:
    state = walk(engine, "laptop", "no", "yes", "no", "yes")
    assert state.end is not None
    assert state.end.summary == "Fixed on laptop by Log out and in"
    assert state.end.reply == "We fixed it: Log out and in. Seen 1 time(s)."
    assert state.end.follow_up == "2d"
    assert [(f.fix, f.fixed) for f in state.fixes] == [
        ("Restart the app", False),
        ("Log out and in", True),
    ]


def test_fix_attempts_then_default_escalation(engine: Engine) -> None:
    state = walk(engine, "laptop", "no", "yes", "no", "no", "no")
    assert state.step is not None and state.step.key == "fix-settings#1"
    assert state.step.steps == ("Open Settings", "Tap Reset")
    state = engine.answer(state, "no")
    assert state.step is not None and state.step.key == "fix-settings#2"
    state = engine.answer(state, "no")
    assert state.end is not None and state.end.escalated
    assert state.end.tier == "tier2"
    assert state.end.reason == "Still broken on laptop"


def test_condition_on_number_answer(engine: Engine) -> None:
    state = walk(engine, "laptop", "yes", "7")
    assert state.end is not None and state.end.tier == "tier2"
    assert state.variables["times"] == 7


def test_back_supersedes_the_last_answer(engine: Engine) -> None:
    state = walk(engine, "laptop", "no")
    back = engine.back(state)
    assert back.step is not None and back.step.node.id == "seen-before"
    assert [a.value for a in back.answers] == ["laptop"]
    assert engine.back(back).step is not None
    with pytest.raises(WalkError, match="no earlier step"):
        engine.back(engine.start())


def test_bad_answers_say_what_fits(engine: Engine) -> None:
    fits = r"'tablet' is not one of the choices \(laptop, phone\)"
    with pytest.raises(InvalidAnswer, match=fits):
        engine.answer(engine.start(), "tablet")
    with pytest.raises(InvalidAnswer, match="expected yes or no"):
        walk(engine, "laptop", "maybe")
    with pytest.raises(InvalidAnswer, match="expected a number"):
        walk(engine, "laptop", "yes", "lots")


def test_escalate_now_ends_with_the_agents_reason(engine: Engine) -> None:
    state = engine.escalate_now(walk(engine, "laptop"), "customer asked for a manager")
    assert state.end is not None and state.end.escalated
    assert state.end.reason == "customer asked for a manager"
    assert state.step is None


def test_replay_refuses_answers_that_no_longer_fit(engine: Engine) -> None:
    answers = walk(engine, "laptop", "no").answers
    with pytest.raises(WalkError, match="no longer fits"):
        engine.replay(list(reversed(answers)))


def test_typed_text_is_data_not_template(tmp_path: Path) -> None:
    tree = tmp_path / "echo.tree.yaml"
    tree.write_text(
        "id: echo\ntitle: Echo\nstart: q\nnodes:\n"
        "  q: {ask: Say something, type: text, save_as: said, next: done}\n"
        "  done: {resolve: 'You said {{ said }}'}\n"
    )
    engine = Engine(load_tree(tree))
    state = engine.answer(engine.start(), "{{ 7*7 }} [bold]x[/bold]")
    assert state.end is not None
    assert state.end.summary == "You said {{ 7*7 }} [bold]x[/bold]"


def test_a_loop_without_questions_is_reported(tmp_path: Path) -> None:
    tree = tmp_path / "spin.tree.yaml"
    tree.write_text(
        "id: spin\ntitle: Spin\nstart: a\nnodes:\n"
        "  a: {route: [{when: 'true', then: b}, {else: done}]}\n"
        "  b: {goto: a}\n"
        "  done: {resolve: never}\n"
    )
    with pytest.raises(WalkError, match="round in circles"):
        Engine(load_tree(tree)).start()


def test_sub_tree_steps_take_the_callers_phase(engine: Engine) -> None:
    state = walk(engine, "laptop", "no")
    assert state.step is not None and state.step.node.id == "net.reachable"
    assert state.step.node.phase is None
    assert state.step.phase == "isolate"


def test_answers_in_a_markdown_body_stay_literal(tmp_path: Path) -> None:
    tree = tmp_path / "md.tree.yaml"
    tree.write_text(
        "id: md\ntitle: Md\nstart: q\nnodes:\n"
        "  q: {ask: Say something, type: text, save_as: said, next: show}\n"
        "  show: {info: Shown, body: 'They said **{{ said }}**', next: done}\n"
        "  done: {resolve: ok}\n"
    )
    engine = Engine(load_tree(tree))
    state = engine.answer(engine.start(), "[click](http://x) <b>")
    assert state.step is not None
    assert state.step.body == r"They said **\[click\]\(http://x\) \<b\>**"
