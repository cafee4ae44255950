"""Records <-> rows of the case log: the one place that knows its column names.

Both backends hold the same tables and hand rows over in the same shapes (times as ``...Z``
text, JSON columns as text), so they share these conversions; SQL placeholders are ``?``.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from troubleshoot.cases.records import (
    Ending,
    Event,
    EventKind,
    SessionFilter,
    SessionRecord,
    SessionUpdate,
    Status,
    now,
)

SESSION_COLUMNS = (
    "id",
    "tree_id",
    "tree_title",
    "revision",
    "tree_sha256",
    "agent",
    "ticket",
    "customer",
    "tone",
    "desired_outcome",
    "status",
    "outcome",
    "current_node",
    "variables",
    "started",
    "updated",
    "ended",
    "summary",
    "reply",
    "note",
    "follow_up",
    "satisfaction",
    "escalated_to",
    "escalation_reason",
    "fixed_by",
    "tree_sources",
)
SEARCHED_SESSION_COLUMNS = (
    "ticket",
    "customer",
    "summary",
    "note",
    "escalation_reason",
    "tree_title",
)
"""The session columns full-text search covers (both backends index these)."""
SEARCHED_EVENT_COLUMNS = ("prompt", "answer", "text")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def searched_text(session: SessionRecord) -> str:
    """The words of a session the full-text index holds."""
    parts = (getattr(session, column) for column in SEARCHED_SESSION_COLUMNS)
    return " ".join(p for p in parts if p)


def session_from_row(row: dict[str, Any]) -> SessionRecord:
    return SessionRecord(
        id=row["id"],
        tree_id=row["tree_id"],
        tree_title=row["tree_title"] or "",
        revision=int(row["revision"] or 0),
        tree_sha256=row["tree_sha256"] or "",
        status=Status(row["status"]),
        started=row["started"] or "",
        updated=row["updated"] or "",
        agent=row["agent"],
        ticket=row["ticket"],
        customer=row["customer"],
        tone=row["tone"],
        desired_outcome=row["desired_outcome"],
        outcome=row["outcome"],
        current_node=row["current_node"],
        variables=json.loads(row["variables"]) if row["variables"] else {},
        ended=row["ended"],
        summary=row["summary"],
        reply=row["reply"],
        note=row["note"],
        follow_up=row["follow_up"],
        satisfaction=row["satisfaction"],
        escalated_to=row["escalated_to"],
        escalation_reason=row["escalation_reason"],
        fixed_by=row["fixed_by"],
        tree_sources=tuple(json.loads(row["tree_sources"] or "[]")),
    )


def event_from_row(row: dict[str, Any]) -> Event:
    return Event(
        kind=EventKind(row["kind"]),
        agent=row["agent"],
        node=row["node"],
        step=row["step"],
        phase=row["phase"],
        prompt=row["prompt"],
        answer=row["answer"],
        value=None if row["value"] is None else json.loads(row["value"]),
        text=row["text"],
        ms=row["ms"],
        session_id=row["session_id"],
        seq=int(row["seq"]),
        time=row["time"],
    )


def event_row(event: Event, *, session_id: str, seq: int) -> dict[str, Any]:
    return {
        "session_id": session_id,
        "seq": seq,
        "time": now(),
        "kind": str(event.kind),
        "agent": event.agent,
        "node": event.node,
        "step": event.step,
        "phase": event.phase,
        "prompt": event.prompt,
        "answer": event.answer,
        "value": None if event.value is None else _json(event.value),
        "text": event.text,
        "ms": event.ms,
    }


def copied_event_row(event: Event) -> dict[str, Any]:
    """An event copied from another log: its sequence number and time are kept."""
    return {**event_row(event, session_id=event.session_id, seq=event.seq), "time": event.time}


def session_row(session: SessionRecord) -> dict[str, Any]:
    """Every column of a session (to copy it into another log)."""
    row: dict[str, Any] = {column: getattr(session, column) for column in SESSION_COLUMNS}
    row["status"] = str(session.status)
    row["variables"] = _json(dict(session.variables))
    row["tree_sources"] = json.dumps(list(session.tree_sources))
    return row


def finish_row(ending: Ending) -> dict[str, Any]:
    """The session columns a walk's ending sets (the end time for a resolved session)."""
    fields: dict[str, Any] = {
        "status": str(ending.status),
        "outcome": ending.outcome,
        "summary": ending.summary,
        "reply": ending.reply,
        "current_node": ending.current_node,
        "variables": _json(dict(ending.variables)),
    }
    if ending.status is Status.ESCALATED:
        return fields | {
            "escalated_to": ending.escalated_to,
            "escalation_reason": ending.escalation_reason,
        }
    return fields | {"fixed_by": ending.fixed_by, "ended": now()}


def update_row(update: SessionUpdate) -> dict[str, Any]:
    """The columns to change: the fields of `update` that are not None."""
    fields: dict[str, Any] = {
        "status": None if update.status is None else str(update.status),
        "agent": update.agent,
        "ticket": update.ticket,
        "customer": update.customer,
        "tone": update.tone,
        "desired_outcome": update.desired_outcome,
        "current_node": update.current_node,
        "variables": None if update.variables is None else _json(dict(update.variables)),
        "note": update.note,
        "follow_up": update.follow_up,
        "satisfaction": update.satisfaction,
    }
    return {name: value for name, value in fields.items() if value is not None}


def _day_after(until: str) -> str:
    try:
        return (date.fromisoformat(until) + timedelta(days=1)).isoformat()
    except ValueError:
        return until


def filter_clause(selection: SessionFilter) -> tuple[str, list[Any]]:
    """A WHERE clause (never empty) and its parameters."""
    conditions = ["1 = 1"]
    params: list[Any] = []
    for column, value in (
        ("status", None if selection.status is None else str(selection.status)),
        ("tree_id", selection.tree),
        ("agent", selection.agent),
        ("ticket", selection.ticket),
    ):
        if value is not None:
            conditions.append(f"{column} = ?")
            params.append(value)
    if selection.since:
        conditions.append("started >= ?")
        params.append(selection.since)
    if selection.until:
        until = selection.until
        inclusive = len(until) == 10
        conditions.append("started < ?" if inclusive else "started <= ?")
        params.append(_day_after(until) if inclusive else until)
    return " AND ".join(conditions), params
