"""Format 1.1 at a real terminal: answer rules with the tree's message, defaults prefilled,
sensitive answers not echoed, and actions ticked, checked against the case log."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

CTRL_U, ENTER = "\x15", "\r"

TREE = """\
    format: 1.1
    id: refund-check
    title: Refund check
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
        default: 20
        max: 500
        next: pin
      pin:
        ask: Account PIN?
        type: text
        save_as: pin
        sensitive: true
        next: refund
      refund:
        action: Offer refund
        with: {amount: "{{ amount }}", order: "{{ order_id }}"}
        next: done
      done: {resolve: "Refund {{ amount }} offered"}
    """


def test_rules_defaults_sensitive_and_actions_at_a_terminal(e2e: Any, tmp_path: Path) -> None:
    trees = tmp_path / "trees"
    trees.mkdir()
    (trees / "refund-check.tree.yaml").write_text(textwrap.dedent(TREE), encoding="utf-8")
    term = e2e.cli("--trees", str(trees), "run", "refund-check", "--agent", e2e.AGENT)
    term.intake(customer="I want a refund")

    term.type_answer("Order number?", "12")
    term.expect("An order number is 10 digits, like 1234567890.")
    term.send(CTRL_U + "1234567890" + ENTER)

    term.expect(re.compile(r"\? Amount to refund\? .*\) 20"))  # the default is prefilled
    term.send(ENTER)

    term.expect("? Account PIN?")
    start = term.pos
    term.send("7391" + ENTER)
    term.expect("Offer refund (amount: 20, order: 1234567890)")
    assert "7391" not in term.shown_since(start)
    term.choose("Tick it once it is done:", "[x] Done")

    term.expect("Outcome: resolved")
    term.wrapup()
    assert term.finish() == 0

    sid = e2e.case.session()["id"]
    events = e2e.case.events(sid)
    assert [e["kind"] for e in events] == [
        "start",
        "answer",
        "answer",
        "answer",
        "action",
        "resolve",
        "wrapup",
    ]
    assert [e["value"] for e in events[1:4]] == ["1234567890", 20, {"masked": True}]
    assert events[4]["value"] == {
        "name": "Offer refund",
        "arguments": {"amount": 20, "order": "1234567890"},
    }
