"""A session's story told from its logged events: effective answers, history, hand-off summary."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from troubleshoot.errors import AnswersError
from troubleshoot.session.engine import Answer, State

UNITS = {"h": 0, "d": 1, "w": 7}


def effective_answers(events: list[dict[str, Any]]) -> list[Answer]:
    """The answers that stand: each `back` event supersedes the answer before it."""
    answers: list[Answer] = []
    for event in events:
        if event["kind"] == "answer":
            answers.append(
                Answer(event["step"], event["node"], event["value"], event.get("answer") or "")
            )
        elif event["kind"] == "back" and answers:
            answers.pop()
    return answers


def _answer_lines(events: list[dict[str, Any]]) -> list[str]:
    lines: list[str] = []
    for event in events:
        if event["kind"] == "answer":
            lines.append(f"  {event['prompt']} -> {event['answer']}")
        elif event["kind"] == "back" and lines:
            lines.append(f"  (went back: '{lines.pop().strip()}' superseded)")
        elif event["kind"] == "note":
            lines.append(f"  note by {event.get('agent') or 'agent'}: {event['text']}")
        elif event["kind"] == "escalate":
            tier = (event.get("value") or {}).get("tier") or "next tier"
            lines.append(
                f"  escalated to {tier} by {event.get('agent') or 'agent'}: "
                f"{event.get('text') or ''}"
            )
        elif event["kind"] == "wrapup" and event.get("text"):
            lines.append(f"  case note: {event['text']}")
    return lines


def history_lines(session: dict[str, Any], events: list[dict[str, Any]]) -> list[str]:
    """What happened so far, for the agent who resumes the session."""
    lines = [
        f"Case {session['id']} on '{session['tree_title']}' ({session['tree_id']}), "
        f"status {session['status']}"
    ]
    if session.get("ticket"):
        lines.append(f"Ticket: {session['ticket']}")
    if session.get("customer"):
        lines.append(f'Customer\'s words: "{session["customer"]}"')
    return lines + _answer_lines(events)


def handoff(
    session: dict[str, Any],
    events: list[dict[str, Any]],
    state: State,
    tier: str | None,
    reason: str | None,
) -> str:
    """Everything the next tier needs so the customer never repeats themselves."""
    lines = [f"Escalated to: {tier or 'next tier'}"]
    if reason:
        lines.append(f"Reason: {reason}")
    for label, key in (
        ("Ticket", "ticket"),
        ("Customer's words", "customer"),
        ("Tone", "tone"),
        ("Wants", "desired_outcome"),
        ("Agent", "agent"),
    ):
        if session.get(key):
            lines.append(f"{label}: {session[key]}")
    lines.append("Checked so far:")
    lines += _answer_lines(events) or ["  (nothing yet)"]
    if state.fixes:
        lines.append("Fixes tried:")
        lines += [
            f"  {fix.fix}: {'fixed it' if fix.fixed else 'did not fix it'}" for fix in state.fixes
        ]
    return "\n".join(lines)


def follow_up_date(spec: str | None, today: date | None = None) -> str | None:
    """A follow-up like `2d`, `1w` or `4h` as a calendar date (hours round to the same day)."""
    if not spec or spec[-1] not in UNITS or not spec[:-1].isdigit():
        return None
    days = int(spec[:-1]) * UNITS[spec[-1]]
    return ((today or date.today()) + timedelta(days=days)).isoformat()


def check_date(text: str) -> str:
    """A follow-up typed as YYYY-MM-DD or 2d / 1w, as a date; raises `AnswersError`."""
    if not text:
        return ""
    relative = follow_up_date(text)
    if relative:
        return relative
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise AnswersError(
            f"follow-up '{text}' is not a date: use YYYY-MM-DD, or 2d / 1w"
        ) from None
