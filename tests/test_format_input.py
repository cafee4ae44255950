"""Format 1.1 input: answer rules (pattern, min, max, lengths, invalid), defaults, dates and
typed variables, through the engine and answers files as an agent or a scenario meets them."""

from __future__ import annotations

import textwrap
from datetime import date, timedelta
from pathlib import Path

import pytest

from troubleshoot.errors import AnswersError
from troubleshoot.session.answers_file import ScriptedAnswers
from troubleshoot.session.coerce import InvalidAnswer
from troubleshoot.session.engine import Engine, State
from troubleshoot.session.prompts import answer_check
from troubleshoot.session.scenarios import walk
from troubleshoot.tree.loader import load_tree

TREE = """\
    format: 1.1
    id: returns
    title: Return an item
    vars:
      windows: {type: map, default: {gold: 90, basic: 30}}
      levels: {type: list, default: [gold, basic]}
    start: order
    nodes:
      order:
        ask: Order number?
        type: text
        save_as: order_id
        pattern: '[0-9]{10}'
        invalid: An order number is 10 digits, like 1234567890.
        next: amount
      amount:
        ask: Amount to refund?
        type: number
        save_as: amount
        min: 0.01
        max: 500
        default: 20
        next: bought
      bought:
        ask: When was it bought?
        type: date
        save_as: purchase_date
        next: level
      level:
        ask: Membership level?
        save_as: level
        default: basic
        choices: [gold, basic]
        next: window
      window:
        route:
          - when: purchase_date >= today - days(windows[level])
            then: refund
          - else: too-late
      refund: {resolve: "Refund {{ amount }} for order {{ order_id }}"}
      too-late: {resolve: "Bought {{ (today - purchase_date).days }} days ago", outcome: unresolved}
    """


@pytest.fixture()
def engine(tmp_path: Path) -> Engine:
    path = tmp_path / "returns.tree.yaml"
    path.write_text(textwrap.dedent(TREE), encoding="utf-8")
    return Engine(load_tree(path, tmp_path))


def answer_all(engine: Engine, *answers: object) -> State:
    state = engine.start()
    for given in answers:
        state = engine.answer(state, given)
    return state


def test_a_text_answer_must_match_the_pattern_with_the_trees_message(engine: Engine) -> None:
    with pytest.raises(InvalidAnswer) as caught:
        answer_all(engine, "12345")
    assert str(caught.value) == "An order number is 10 digits, like 1234567890."


def test_number_bounds_have_a_message_of_their_own(engine: Engine) -> None:
    with pytest.raises(InvalidAnswer) as caught:
        answer_all(engine, "1234567890", "600")
    assert str(caught.value) == "600 is more than 500"
    with pytest.raises(InvalidAnswer) as low:
        answer_all(engine, "1234567890", "0")
    assert str(low.value) == "0 is less than 0.01"


def test_the_default_is_offered_with_the_step(engine: Engine) -> None:
    state = answer_all(engine, "1234567890")
    assert state.step is not None and state.step.default == "20"


def test_a_date_inside_the_window_routes_to_the_refund(engine: Engine) -> None:
    recent = (date.today() - timedelta(days=10)).isoformat()
    state = answer_all(engine, "1234567890", "64", recent, "basic")
    assert state.end is not None
    assert state.end.summary == "Refund 64 for order 1234567890"
    assert state.variables["purchase_date"] == date.today() - timedelta(days=10)


def test_a_date_outside_the_window_says_how_long_ago(engine: Engine) -> None:
    old = (date.today() - timedelta(days=45)).isoformat()
    state = answer_all(engine, "1234567890", "64", old, "basic")
    assert state.end is not None and state.end.summary == "Bought 45 days ago"
    gold = answer_all(engine, "1234567890", "64", old, "gold")
    assert gold.end is not None and gold.end.outcome == "resolved"


def test_a_date_answer_takes_today_and_refuses_other_text(engine: Engine) -> None:
    state = answer_all(engine, "1234567890", "64")
    with pytest.raises(InvalidAnswer) as caught:
        engine.answer(state, "last week")
    assert "YYYY-MM-DD" in str(caught.value)
    assert engine.answer(state, "today").variables["purchase_date"] == date.today()


def test_an_answers_file_may_leave_out_nodes_with_a_default(engine: Engine) -> None:
    script = ScriptedAnswers({"order": "1234567890", "bought": "today"}, "answers.yaml")
    state = walk(engine, script)
    assert state.end is not None and state.end.summary == "Refund 20 for order 1234567890"
    assert state.variables["level"] == "basic"


def test_an_answers_file_with_a_wrong_answer_names_the_rule(engine: Engine) -> None:
    script = ScriptedAnswers({"order": "12", "bought": "today"}, "answers.yaml")
    with pytest.raises(AnswersError) as caught:
        walk(engine, script)
    assert str(caught.value) == (
        "answers.yaml: 'order': An order number is 10 digits, like 1234567890."
    )


def test_the_terminal_prompt_checks_the_rule_as_the_agent_types(engine: Engine) -> None:
    step = engine.start().step
    assert step is not None
    assert answer_check(step, "1234567890") is True
    assert answer_check(step, "12") == (
        "An order number is 10 digits, like 1234567890. (or :back, :note, :pause, :escalate)"
    )
    assert answer_check(step, ":back") is True


def test_typed_map_and_list_defaults_are_values(engine: Engine) -> None:
    variables = engine.start().variables
    assert variables["windows"] == {"gold": 90, "basic": 30}
    assert variables["levels"] == ["gold", "basic"]


DATA_TREE = """\
    format: 1.1
    id: bill
    title: Dispute a bill
    vars:
      plans: {type: list, default: [{label: Basic, value: basic}, {label: Plus, value: plus}]}
      prices: {type: map, default: {basic: 10, plus: 25}}
    start: plan
    nodes:
      plan:
        ask: Which plan is the customer on?
        choices_from: plans
        save_as: plan
        next: billed
      billed:
        ask: "Amount billed (the plan costs {{ prices[plan] }})?"
        type: number
        save_as: billed
        next: compare
      compare:
        set: {expected: 'prices[plan]', refund: billed - expected}
        route:
          - {when: refund > 0, then: offer}
          - else: fine
      offer:
        ask: Offer the refund?
        choices:
          - {label: "Refund {{ refund }}", value: refund, next: done}
          - {label: Decline, value: decline, next: done}
      fine: {resolve: Billed correctly}
      done: {resolve: "Refund {{ refund }} offered"}
    """


@pytest.fixture()
def bill(tmp_path: Path) -> Engine:
    path = tmp_path / "bill.tree.yaml"
    path.write_text(textwrap.dedent(DATA_TREE), encoding="utf-8")
    return Engine(load_tree(path, tmp_path))


def test_choices_from_a_list_variable(bill: Engine) -> None:
    step = bill.start().step
    assert step is not None
    assert [(c.label, c.value) for c in step.choices] == [("Basic", "basic"), ("Plus", "plus")]


def test_set_assigns_expressions_in_order_and_keeps_them_for_the_log(bill: Engine) -> None:
    state = answer_all(bill, "Plus", "64")
    assert state.variables["expected"] == 25
    assert state.variables["refund"] == 39
    assert [(a.node, a.values) for a in state.assigned] == [
        ("compare", {"expected": 25, "refund": 39})
    ]


def test_choice_labels_are_filled_in(bill: Engine) -> None:
    state = answer_all(bill, "basic", "64")
    assert state.step is not None
    assert [c.label for c in state.step.choices] == ["Refund 54", "Decline"]
    done = bill.answer(state, "Refund 54")
    assert done.answers[-1].shown == "Refund 54"
    assert done.end is not None and done.end.summary == "Refund 54 offered"


def test_a_date_answer_may_count_days_back(engine: Engine) -> None:
    state = answer_all(engine, "1234567890", "64")
    ago = engine.answer(state, "31 days ago").variables["purchase_date"]
    assert ago == date.today() - timedelta(days=31)
    assert engine.answer(state, "yesterday").variables["purchase_date"] == date.today() - timedelta(
        days=1
    )
