"""A session's story told from its logged events: effective answers, history, hand-off summary."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from troubleshoot.cases.records import Event, EventKind, SessionRecord
from troubleshoot.errors import AnswersError
from troubleshoot.session.engine import Answer, FixTried, State
from troubleshoot.tree.fields import FOLLOW_UP_PATTERN, follow_up_days

RECENTLY = timedelta(minutes=10)
"""A case changed by someone else this recently may still be open on their screen."""


def effective_answers(events: list[Event]) -> list[Answer]:
    """The answers that stand: each `back` event supersedes the answer before it (an `action`
    event is the tick of an action step)."""
    answers: list[Answer] = []
    for event in events:
        if event.kind is EventKind.ANSWER or (event.kind is EventKind.ACTION and event.step):
            answers.append(
                Answer(
                    key=event.step or "",
                    node=event.node or "",
                    value=True if event.kind is EventKind.ACTION else event.value,
                    shown=event.answer or "",
                )
            )
        elif event.kind is EventKind.BACK and answers:
            answers.pop()
    return answers


def _answer_line(event: Event, lines: list[str]) -> str | None:
    agent = event.agent or "agent"
    if event.kind is EventKind.ANSWER and event.value is None:
        return ""  # "go on" after a screen of text: nothing was found out
    if event.kind is EventKind.ANSWER:
        shown = ("Yes" if event.value else "No") if isinstance(event.value, bool) else event.answer
        return f"  {event.prompt} -> {shown}"
    if event.kind is EventKind.BACK and lines:
        return f"  (went back: '{lines.pop().strip()}' superseded)"
    if event.kind is EventKind.ACTION:
        return f"  done: {event.prompt}"
    if event.kind is EventKind.NOTE:
        return f"  note by {agent}: {event.text}"
    if event.kind is EventKind.ESCALATE:
        value = event.value if isinstance(event.value, dict) else {}
        tier = value.get("tier") or "next tier"
        return f"  escalated to {tier} by {agent}: {event.text or ''}"
    if event.kind is EventKind.WRAPUP and event.text:
        return f"  case note: {event.text}"
    return None


def _answer_lines(events: list[Event]) -> list[str]:
    lines: list[str] = []
    for event in events:
        line = _answer_line(event, lines)
        if line is not None:
            lines.append(line)
    return [line for line in lines if line]


def history_lines(session: SessionRecord, events: list[Event]) -> list[str]:
    """What happened so far, for the agent who resumes the session."""
    lines = [
        f"Case {session.id} on '{session.tree_title}' ({session.tree_id}), status {session.status}"
    ]
    if session.ticket:
        lines.append(f"Ticket: {session.ticket}")
    if session.customer:
        lines.append(f'Customer\'s words: "{session.customer}"')
    return lines + _answer_lines(events)


def handoff(
    *,
    session: SessionRecord,
    events: list[Event],
    state: State,
    tier: str | None,
    reason: str | None,
) -> str:
    """Everything the next tier needs so the customer never repeats themselves."""
    lines = [f"Escalated to: {tier or 'next tier'}", f"Reason: {reason or '(left empty)'}"]
    for label, value in (
        ("Ticket", session.ticket),
        ("Customer's words", session.customer),
        ("Tone", session.tone),
        ("Wants", session.desired_outcome),
        ("Agent", session.agent),
    ):
        if value:
            lines.append(f"{label}: {value}")
    lines.append("Checked so far:")
    lines += _answer_lines(events) or ["  (nothing yet)"]
    if state.fixes:
        lines.append("Fixes tried:")
        lines += [
            f"  {fix.fix}: {'fixed it' if fix.fixed else 'did not fix it'}" for fix in state.fixes
        ]
    return "\n".join(lines)


def recent_change_by_another(
    events: list[Event], agent: str, now: datetime | None = None
) -> str | None:
    """A warning naming whoever else changed the case in the last minutes, if anyone did."""
    others = [e for e in events if e.agent and e.agent != agent and e.time]
    if not others:
        return None
    last = others[-1]
    ago = (now or datetime.now(UTC)) - datetime.fromisoformat(last.time.replace("Z", "+00:00"))
    if ago > RECENTLY:
        return None
    minutes = max(1, int(ago.total_seconds() // 60))
    return (
        f"Careful: {last.agent} changed this case {minutes} minute(s) ago ({last.kind}). If "
        "they still have it open, an answer of yours after one of theirs is not saved; check "
        "with them before you go on."
    )


def team_name(tier: str | None) -> str:
    """A tier id as a customer reads it: ``network-support`` -> ``network support``."""
    return (tier or "next tier").replace("-", " ").replace("_", " ")


def escalation_reply(*, tier: str | None, ticket: str | None, fixes: list[FixTried]) -> str:
    """A customer reply for an escalation that claims nothing beyond what was found: who takes
    the case over, and what was tried together."""
    case = f"your case ({ticket})" if ticket else "your case"
    lines = [
        "Thank you for your patience.",
        "",
        f"I have passed {case} to our {team_name(tier)} team, together with everything we "
        "checked so far, so you will not need to explain it again.",
    ]
    tried = [f"- {fix.fix}: {'it helped' if fix.fixed else 'it did not help'}" for fix in fixes]
    if tried:
        lines += ["", "What we tried together:", *tried]
    lines += ["", "They will contact you with the next steps."]
    return "\n".join(lines)


def follow_up_date(spec: str | None, today: date | None = None) -> str | None:
    """A follow-up like `2d`, `1w` or `4h` as a calendar date (hours round to the same day);
    None if `spec` is not one or is more than ten years away."""
    days = follow_up_days(spec) if spec else None
    if days is None:
        return None
    return ((today or date.today()) + timedelta(days=days)).isoformat()


def check_date(text: str) -> str:
    """A follow-up typed as YYYY-MM-DD or 2d / 1w, as a date; raises `AnswersError`."""
    if not text:
        return ""
    relative = follow_up_date(text)
    if relative:
        return relative
    if re.match(FOLLOW_UP_PATTERN, text):
        raise AnswersError(f"follow-up '{text[:20]}' is more than ten years away")
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise AnswersError(
            f"follow-up '{text[:40]}' is not a date: use YYYY-MM-DD, or 2d / 1w"
        ) from None
