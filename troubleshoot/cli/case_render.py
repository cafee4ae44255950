"""Rich renderings of the case log for people: the case list, search hits, one case, follow-ups.

Every text from the log goes out as `rich.text.Text` with its control characters shown as codes,
so markup, Jinja or escape sequences typed as answers show literally.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from troubleshoot.cases.records import HIT_END, HIT_START, FollowUp, SearchHit, SessionRecord
from troubleshoot.cases.report import duration, line_text
from troubleshoot.cases.view import CaseView
from troubleshoot.printable import printable

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.table import Table
    from rich.text import Text


def text(value: object, style: str = "") -> Text:
    from rich.text import Text

    return Text(printable("" if value is None else str(value)), style=style)


def _seconds(session: SessionRecord) -> float | None:
    from datetime import datetime

    if not session.ended:
        return None
    start, end = datetime.fromisoformat(session.started), datetime.fromisoformat(session.ended)
    return (end - start).total_seconds()


NO_WRAP = {
    "id": 20,
    "started": 10,
    "follow-up": 10,
    "date": 10,
    "done": 10,
    "ticket": 6,
    "status": 9,
}
"""Columns never wrapped (an id cut in two cannot be copied), with their widths."""


def _table(*columns: str, title: str | None = None) -> Table:
    from rich import box
    from rich.table import Column, Table

    return Table(
        *(
            Column(name, no_wrap=True, min_width=NO_WRAP[name]) if name in NO_WRAP else Column(name)
            for name in columns
        ),
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
        pad_edge=False,
    )


def session_table(sessions: list[SessionRecord]) -> Table:
    table = _table("id", "started", "agent", "ticket", "tree", "status", "outcome", "duration")
    for s in sessions:
        cells = (
            s.id,
            s.started[:10],
            s.agent,
            s.ticket,
            f"{s.tree_id}@{s.revision}",
            s.status,
            s.outcome,
            duration(_seconds(s)),
        )
        table.add_row(*(text(c) for c in cells))
    return table


def snippet_text(snippet: str) -> Text:
    """A search snippet with its matched words in bold."""
    from rich.text import Text

    out = Text()
    rest = snippet
    while HIT_START in rest:
        before, _, after = rest.partition(HIT_START)
        hit, _, rest = after.partition(HIT_END)
        out.append(printable(before, one_line=True))
        out.append(printable(hit, one_line=True), style="bold reverse")
    out.append(printable(rest, one_line=True))
    return out


def hits_table(hits: list[SearchHit]) -> Table:
    table = _table("id", "date", "ticket", "tree", "outcome", "match")
    for hit in hits:
        s = hit.session
        cells = (s.id, s.started[:10], s.ticket, s.tree_id, s.outcome or s.status)
        table.add_row(*(text(c) for c in cells), snippet_text(hit.snippet))
    return table


def follow_ups_table(found: list[FollowUp]) -> Table:
    table = _table("id", "follow-up", "done", "ticket", "agent", "outcome", "customer's words")
    for f in found:
        s = f.session
        cells = (s.id, s.follow_up, (f.done or "")[:10], s.ticket, s.agent, s.outcome, s.customer)
        table.add_row(*(text(c) for c in cells))
    return table


def _facts(view: CaseView) -> Table:
    from rich.table import Table

    s = view.case.session
    grid = Table.grid(padding=(0, 2))
    for label, value in (
        ("Ticket", s.ticket),
        ("Tree", f"{s.tree_title} ({s.tree_id} revision {s.revision})"),
        ("Agent", s.agent),
        ("Started", s.started),
        ("Status", s.status),
        ("Outcome", s.outcome),
        ("Time to outcome", duration(view.seconds)),
        ("Fixed by", s.fixed_by),
        ("Escalated to", s.escalated_to),
        ("Reason", s.escalation_reason),
        ("Customer's words", s.customer),
        ("Tone", s.tone),
        ("Wants", s.desired_outcome),
        ("Follow-up", s.follow_up),
        ("Satisfaction", f"{s.satisfaction}/5" if s.satisfaction else None),
    ):
        if value:
            grid.add_row(text(label, "bold"), text(value))
    return grid


def _path(view: CaseView) -> list[RenderableType]:
    from rich.rule import Rule

    out: list[RenderableType] = []
    for group in view.path:
        out.append(Rule(text((group.phase or "start").capitalize()), align="left"))
        for line in group.lines:
            label, said = line_text(line)
            row = text(label, "strike dim" if line.superseded else "")
            if said:
                row.append(" -> " if line.event.answer is not None else ": ")
                row.append_text(text(said, "bold" if not line.superseded else "strike dim"))
            if line.superseded:
                row.append(" (superseded)", style="dim")
            out.append(row)
    return out


def case_renderables(view: CaseView) -> list[RenderableType]:
    """The whole case, top to bottom."""
    from rich.panel import Panel

    s = view.case.session
    out: list[RenderableType] = [Panel(_facts(view), title=text(f"Case {s.id}"))]
    out += _path(view)
    if view.fixes:
        fixes = _table("fix tried", "result", title="Fixes tried")
        for fix in view.fixes:
            result = "fixed it" if fix.fixed else "did not fix it"
            fixes.add_row(
                text(fix.item), text(result + (" (superseded)" if fix.superseded else ""))
            )
        out.append(fixes)
    if view.phase_seconds:
        phases = _table("phase", "time", title="Time per phase")
        for phase, seconds in view.phase_seconds:
            phases.add_row(text(phase), text(duration(seconds)))
        out.append(phases)
    for title, body in (("Summary", s.summary), ("Reply draft", s.reply), ("Case note", s.note)):
        if body:
            out.append(Panel(text(body), title=title, title_align="left"))
    for event in view.follow_ups:
        value = event.value if isinstance(event.value, dict) else {}
        score = value.get("satisfaction")
        rated = f", satisfaction {score}/5" if score else ""
        out.append(
            text(
                f"Follow-up {event.time[:10]} by {event.agent or 'agent'}{rated}: "
                f"{event.text or ''}"
            )
        )
    return out
