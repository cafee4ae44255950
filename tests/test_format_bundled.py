"""The bundled trees that use format 1.1: a date window, `pattern` with the tree's message, and
actions, as an agent meets them."""

from __future__ import annotations

from pathlib import Path

import pytest

from troubleshoot.session.coerce import InvalidAnswer
from troubleshoot.session.engine import Engine, State
from troubleshoot.tree.loader import load_tree

TREES = Path(__file__).resolve().parents[1] / "decision_trees"


def engine(tree_id: str) -> Engine:
    return Engine(load_tree(TREES / f"{tree_id}.tree.yaml", TREES))


def walk(refunds: Engine, *answers: object) -> State:
    state = refunds.start()
    for answer in answers:
        state = refunds.answer(state, answer)
    return state


def test_refund_request_order_numbers_are_checked_with_the_trees_message() -> None:
    refunds = engine("refund-request")
    state = walk(refunds, "refund", "yes")
    with pytest.raises(InvalidAnswer) as caught:
        refunds.answer(state, "20010")
    assert str(caught.value) == (
        "An order number is 6 digits (#200101); a subscription number is SUB- and 4 digits "
        "(SUB-3301)."
    )
    assert refunds.answer(state, "#200101").variables["order_number"] == "#200101"


@pytest.mark.parametrize(
    ("delivered", "next_node"),
    [("30 days ago", "return-condition"), ("31 days ago", "policy-explain")],
)
def test_refund_request_window_is_counted_from_the_delivery_date(
    delivered: str, next_node: str
) -> None:
    refunds = engine("refund-request")
    state = walk(refunds, "refund", "yes", "#200110", 45, "changed-mind", "physical", delivered)
    assert state.step is not None and state.step.node.id == next_node


def test_double_charge_card_digits_are_four_digits() -> None:
    charges = engine("double-charge")
    state = charges.start()
    while state.step is not None and state.step.node.id != "card-last4":
        state = charges.answer(state, _first_answer(state))
    assert state.step is not None
    with pytest.raises(InvalidAnswer) as caught:
        charges.answer(state, "4242 4242 4242 4242")
    assert str(caught.value) == "Type the last 4 digits only - never the full card number."


def _first_answer(state: State) -> object:
    step = state.step
    assert step is not None
    answers = {"charge-amount": 10, "charge-date": "today"}
    if step.node.id in answers:
        return answers[step.node.id]
    if step.choices:
        return step.choices[0].value
    return "yes"
