"""How a walk's end is written down: the end event and the session's ending, the reply draft
of an escalation, and the wrap-up's checks. Pure: the runner does the writing."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from troubleshoot.cases.records import Ending, Event, EventKind, Status
from troubleshoot.errors import AnswersError
from troubleshoot.session.engine import End, State
from troubleshoot.session.history import escalation_reply
from troubleshoot.tree.model import LAST_FIX


def with_reply(end: End, state: State) -> End:
    """`end`, with a reply drafted from what was found when an escalation has none."""
    if not end.escalated or end.reply:
        return end
    ticket = state.variables.get("ticket") or None
    return replace(end, reply=escalation_reply(tier=end.tier, ticket=ticket, fixes=state.fixes))


def closing(end: End, state: State) -> tuple[Event, Ending]:
    """The end event and the session's ending for `end`."""
    node = end.node.id if end.node else None
    if end.escalated:
        event = Event(kind=EventKind.ESCALATE, node=node, text=end.reason, value={"tier": end.tier})
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
    return event, ending


def closed_as(end: End) -> str:
    """How the case was closed, for messages: ``resolved: <outcome>`` or ``escalated to T``."""
    return f"escalated to {end.tier}" if end.escalated else f"resolved: {end.outcome}"


def check_score(value: Any) -> int | None:
    """A satisfaction score as given, checked: 1-5 or None."""
    if value in (None, ""):
        return None
    if isinstance(value, bool) or str(value) not in {"1", "2", "3", "4", "5"}:
        raise AnswersError(f"satisfaction must be a whole number from 1 to 5, not {value!r}")
    return int(value)
