"""Format 1.1 `for_each`: the steps from `do` to a `return` run once per item of a list, and
what each round returns is kept item by item."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from troubleshoot.session.engine import Engine, WalkError
from troubleshoot.session.scenarios import run_file
from troubleshoot.tree.loader import check_file, load_tree

TREE = """\
    format: 1.1
    id: order-items
    title: Check each item of an order
    vars: {order_items: {type: list, default: [mug, lamp, rug]}}
    start: each-item
    nodes:
      each-item:
        for_each: order_items
        as: product
        do: damaged
        save_as: checks
        next: decide
      damaged:
        ask: "Is the {{ product }} damaged?"
        type: confirm
        save_as: is_damaged
        next: kept
      kept: {return: {name: product, damaged: is_damaged}}
      decide:
        route:
          - {when: 'checks | selectattr("damaged") | list', then: refund}
          - else: fine
      refund:
        action: Refund items
        with: {items: '{{ checks | selectattr("damaged") | map(attribute="name") | join(", ") }}'}
        next: done
      done: {resolve: "Refunded"}
      fine: {resolve: "Nothing damaged", outcome: works-as-designed}
    """


@pytest.fixture
def tree_file(tmp_path: Path) -> Path:
    path = tmp_path / "order-items.tree.yaml"
    path.write_text(textwrap.dedent(TREE), encoding="utf-8")
    return path


def test_each_item_is_asked_in_turn_and_the_answers_are_kept_per_item(tree_file: Path) -> None:
    engine = Engine(load_tree(tree_file, tree_file.parent))
    state = engine.start()
    questions = []
    for answer in ("no", "yes", "no"):
        assert state.step is not None
        questions.append(state.step.question)
        state = engine.answer(state, answer)
    assert questions == ["Is the mug damaged?", "Is the lamp damaged?", "Is the rug damaged?"]
    assert state.variables["checks"] == [
        {"name": "mug", "damaged": False},
        {"name": "lamp", "damaged": True},
        {"name": "rug", "damaged": False},
    ]
    assert state.step is not None and state.step.question == "Refund items (items: lamp)"
    assert [a.node for a in state.assigned] == ["each-item"]


def test_going_back_inside_a_round_replays_the_rounds_before(tree_file: Path) -> None:
    engine = Engine(load_tree(tree_file, tree_file.parent))
    state = engine.answer(engine.answer(engine.start(), "no"), "yes")
    back = engine.back(state)
    assert back.step is not None and back.step.question == "Is the lamp damaged?"


def test_an_empty_list_goes_straight_on(tree_file: Path) -> None:
    engine = Engine(load_tree(tree_file, tree_file.parent), {"order_items": []})
    state = engine.start()
    assert state.end is not None and state.end.summary == "Nothing damaged"


def test_a_value_that_is_not_a_list_is_a_clear_error(tree_file: Path) -> None:
    engine = Engine(load_tree(tree_file, tree_file.parent), {"order_items": "mug"})
    with pytest.raises(WalkError) as caught:
        engine.start()
    assert "'for_each: order_items' needs a list, not 'mug'" in str(caught.value)


def test_scenarios_give_one_answer_per_item(tree_file: Path) -> None:
    scenarios = tree_file.parent / "order-items.scenarios.yaml"
    scenarios.write_text(
        textwrap.dedent(
            """\
            scenarios:
              - name: the lamp is damaged
                answers: {damaged: [no, yes, no]}
                expect: {outcome: resolved, actions: [{Refund items: {items: lamp}}]}
              - name: two items, none damaged
                vars: {order_items: [mug, rug]}
                answers: {damaged: [no, no]}
                expect: {outcome: works-as-designed}
            """
        ),
        encoding="utf-8",
    )
    assert [r.failures for r in run_file(scenarios, [tree_file.parent])] == [[], []]


def test_for_each_needs_do_and_next(tmp_path: Path) -> None:
    path = tmp_path / "t.tree.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            format: 1.1
            id: t
            title: T
            vars: {things: {type: list, default: []}}
            start: each
            nodes:
              each: {for_each: things}
              done: {resolve: Done}
            """
        ),
        encoding="utf-8",
    )
    _, problems = check_file(path, tmp_path)
    assert [str(p).split(": ", 1)[1] for p in problems] == [
        "for_each node 'each' needs 'do': the first node of the steps to run for each item "
        "(they end with a 'return')",
        "for_each node 'each' needs a 'next': where to go after the last item",
    ]
