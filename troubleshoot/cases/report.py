"""The Markdown case report: one case, ready to paste into a ticket (`cases show --format md`,
`cases export --format md`).

Every text from the log is escaped: HTML specials become entities and Markdown specials get a
backslash, so a typed answer like ``<b>`` or ``*bold*`` or ``{{ x }}`` reads as it was typed
(tickets often render Markdown with HTML). Control characters are shown as codes.
"""

from __future__ import annotations

import re

from troubleshoot.cases.records import Event, EventKind
from troubleshoot.cases.view import CaseView, Line
from troubleshoot.printable import printable

_SPECIAL = re.compile(r"([\\`*_{}\[\]|~])")
_LINE_START = re.compile(r"^(\s*)([#+\-=])", re.M)
_NUMBERED = re.compile(r"^(\s*\d+)([.)])(?=\s|$)", re.M)


def md(text: str | None) -> str:
    """`text` escaped for Markdown with HTML; newlines become line breaks."""
    if not text:
        return ""
    text = printable(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _SPECIAL.sub(r"\\\1", text)
    text = _NUMBERED.sub(r"\1\\\2", _LINE_START.sub(r"\1\\\2", text))
    return "  \n".join(text.splitlines())


def duration(seconds: float | None) -> str:
    """``1h 02m``, ``3m 05s`` or ``12s``; empty for None."""
    if seconds is None:
        return ""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"


def line_text(line: Line) -> tuple[str, str]:
    """What a path line says, as (label, text) of plain text (not escaped)."""
    event = line.event
    agent = event.agent or "agent"
    kind = event.kind
    if kind is EventKind.ANSWER:
        return (event.prompt or "", event.answer or "")
    if kind is EventKind.ESCALATE:
        tier = event.value.get("tier") if isinstance(event.value, dict) else None
        return (f"Escalated to {tier or 'next tier'} by {agent}", event.text or "")
    labels = {
        EventKind.BACK: f"{agent} went back",
        EventKind.NOTE: f"Note by {agent}",
        EventKind.PAUSE: f"Paused by {agent}",
        EventKind.RESUME: f"Resumed by {agent}",
        EventKind.PICKUP: f"Picked up by {agent}",
        EventKind.RESOLVE: f"Resolved by {agent}",
        EventKind.WRAPUP: f"Wrap-up by {agent}",
    }
    return (labels.get(kind, str(kind)), event.text or "")


def _md_line(line: Line) -> str:
    label, text = line_text(line)
    if line.event.kind is EventKind.ANSWER:
        body = f"{md(label)} → **{md(text)}**"
    else:
        body = f"*{md(label)}*" + (f": {md(text)}" if text else "")
    return f"- ~~{body}~~ (superseded)" if line.superseded else f"- {body}"


def _follow_up(event: Event) -> str:
    value = event.value if isinstance(event.value, dict) else {}
    score = value.get("satisfaction")
    rated = f", satisfaction {score}/5" if score else ""
    return f"- {md(event.time[:10])} by {md(event.agent or 'agent')}{rated}: {md(event.text)}"


def _facts(view: CaseView) -> list[str]:
    s = view.case.session
    facts = [
        ("Ticket", s.ticket),
        ("Tree", f"{s.tree_title} ({s.tree_id} revision {s.revision})"),
        ("Agent", s.agent),
        ("Started", s.started),
        ("Status", str(s.status)),
        ("Outcome", s.outcome),
        ("Time to outcome", duration(view.seconds)),
        ("Fixed by", s.fixed_by),
        ("Escalated to", s.escalated_to),
        ("Escalation reason", s.escalation_reason),
        ("Follow-up", s.follow_up),
        ("Satisfaction", f"{s.satisfaction}/5" if s.satisfaction else None),
    ]
    return [f"- **{label}:** {md(value)}" for label, value in facts if value]


def _intake(view: CaseView) -> list[str]:
    s = view.case.session
    out = ["", "## Intake", ""]
    for label, value in (
        ("Customer's words", s.customer),
        ("Tone", s.tone),
        ("Wants", s.desired_outcome),
    ):
        if value:
            out.append(f"- **{label}:** {md(value)}")
    return out if len(out) > 3 else []


def _path(view: CaseView) -> list[str]:
    out: list[str] = []
    for group in view.path:
        out += ["", f"### {md((group.phase or 'Start').capitalize())}", ""]
        out += [_md_line(line) for line in group.lines]
    if view.phase_seconds:
        out += [
            "",
            "Time per phase: "
            + ", ".join(f"{md(p)} {duration(sec)}" for p, sec in view.phase_seconds),
        ]
    return ["", "## Path", *out] if out else []


def _fixes(view: CaseView) -> list[str]:
    if not view.fixes:
        return []
    out = ["", "## Fixes tried", ""]
    for fix in view.fixes:
        result = "fixed it" if fix.fixed else "did not fix it"
        text = f"{md(fix.item)}: {result}"
        out.append(f"- ~~{text}~~ (superseded)" if fix.superseded else f"- {text}")
    return out


def case_report(view: CaseView) -> str:
    """The whole case as a Markdown document."""
    s = view.case.session
    out = [f"# Case {md(s.id)}", "", *_facts(view), *_intake(view), *_path(view), *_fixes(view)]
    for title, text in (("Summary", s.summary), ("Reply draft", s.reply), ("Case note", s.note)):
        if text:
            out += ["", f"## {title}", "", md(text)]
    if view.follow_ups:
        out += ["", "## Follow-ups", "", *(_follow_up(e) for e in view.follow_ups)]
    return "\n".join(out) + "\n"
