"""One case as people read it (the model `cases show` renders in Rich, Markdown or JSON).

Built from the logged events alone, so the questions and answers are the labels the agent saw;
the tree revision the case ran on (when it can be loaded) gives the order of its phases and the
fix and try items. `case_object` is the JSON of a case, the same in `cases show` and export.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import datetime
from typing import TYPE_CHECKING, Any

from troubleshoot.cases.records import (
    HIT_END,
    HIT_START,
    Case,
    Event,
    EventKind,
    SearchHit,
    SessionRecord,
)

if TYPE_CHECKING:
    from troubleshoot.tree import model as m


@dataclass(frozen=True)
class Line:
    """One event on the path: a question and its answer, a back, a note, a pause..."""

    event: Event
    superseded: bool = False
    """An answer the agent later went back on."""


@dataclass(frozen=True)
class PhaseView:
    """Consecutive lines of the path in one phase (None: before any phase)."""

    phase: str | None
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class FixView:
    """A fix or try item tried, and whether it fixed the problem."""

    node: str
    item: str
    fixed: bool
    superseded: bool


@dataclass(frozen=True)
class CaseView:
    case: Case
    path: tuple[PhaseView, ...]
    fixes: tuple[FixView, ...]
    phase_seconds: tuple[tuple[str, float], ...]
    """Time spent answering in each phase, in the tree's phase order."""
    seconds: float | None
    """From the start to the end of the walk (None while it has not ended)."""
    follow_ups: tuple[Event, ...]


def superseded_answers(events: tuple[Event, ...]) -> set[int]:
    """The seq of each answer that a later `back` superseded (the next event of its step)."""
    gone: set[int] = set()
    last: dict[str, Event] = {}
    for event in events:
        if event.kind not in (EventKind.ANSWER, EventKind.BACK) or not event.step:
            continue
        before = last.get(event.step)
        if event.kind is EventKind.BACK and before and before.kind is EventKind.ANSWER:
            gone.add(before.seq)
        last[event.step] = event
    return gone


def _seconds(start: str, end: str) -> float | None:
    try:
        first = datetime.fromisoformat(start)
        second = datetime.fromisoformat(end)
    except ValueError:
        return None
    return (second - first).total_seconds()


def _path(events: tuple[Event, ...], gone: set[int]) -> tuple[PhaseView, ...]:
    skip = {EventKind.START, EventKind.FOLLOWUP}
    groups: list[tuple[str | None, list[Line]]] = []
    phase: str | None = None
    for event in events:
        if event.kind in skip:
            continue
        if event.kind is EventKind.ANSWER and event.phase:
            phase = event.phase
        if not groups or groups[-1][0] != phase:
            groups.append((phase, []))
        groups[-1][1].append(Line(event, event.seq in gone))
    return tuple(PhaseView(name, tuple(lines)) for name, lines in groups)


def _item(event: Event, tree: m.Tree | None) -> str:
    """The fix or try item of a verify answer: its prompt without the verify question."""
    from troubleshoot.tree import model as m

    prompt = event.prompt or ""
    node = tree.nodes.get(event.node or "") if tree else None
    if isinstance(node, (m.Try, m.Fix)):
        question = node.verify if isinstance(node, m.Try) else node.verify or "Did that fix it?"
        if question and prompt.endswith(": " + question):
            return prompt[: -len(question) - 2]
    return prompt


def _fixes(events: tuple[Event, ...], gone: set[int], tree: m.Tree | None) -> tuple[FixView, ...]:
    return tuple(
        FixView(e.node or "", _item(e, tree), e.value is True, e.seq in gone)
        for e in events
        if e.kind is EventKind.ANSWER and "#" in (e.step or "")
    )


def _phase_seconds(events: tuple[Event, ...], tree: m.Tree | None) -> tuple[tuple[str, float], ...]:
    spent: dict[str, float] = {}
    for event in events:
        if event.kind is EventKind.ANSWER and event.phase:
            spent[event.phase] = spent.get(event.phase, 0.0) + (event.ms or 0) / 1000
    order = list(tree.phases) if tree else []
    order += [p for p in spent if p not in order]
    return tuple((p, spent[p]) for p in order if p in spent)


def case_view(case: Case, tree: m.Tree | None) -> CaseView:
    """The view of `case`; `tree` is the revision it ran on, or None if it cannot be loaded."""
    events = case.events
    gone = superseded_answers(events)
    ends = [e.time for e in events if e.kind in (EventKind.RESOLVE, EventKind.ESCALATE)]
    return CaseView(
        case=case,
        path=_path(events, gone),
        fixes=_fixes(events, gone, tree),
        phase_seconds=_phase_seconds(events, tree),
        seconds=_seconds(case.session.started, ends[-1]) if ends else None,
        follow_ups=tuple(e for e in events if e.kind is EventKind.FOLLOWUP),
    )


EVENT_OBJECT_KEYS = tuple(f.name for f in fields(Event) if f.name != "session_id")
_SESSION_FIELDS = tuple(f.name for f in fields(SessionRecord))


def event_object(event: Event) -> dict[str, Any]:
    """An event's fields as JSON (its session is the object it is nested in)."""
    data = {name: getattr(event, name) for name in EVENT_OBJECT_KEYS}
    data["kind"] = str(event.kind)
    return data


def session_object(session: SessionRecord) -> dict[str, Any]:
    """A session's fields as JSON (read field by field: `asdict` deep-copies, 10x slower)."""
    data = {name: getattr(session, name) for name in _SESSION_FIELDS}
    data["status"] = str(session.status)
    data["variables"] = dict(session.variables)
    data["tree_sources"] = list(session.tree_sources)
    return data


def hit_object(hit: SearchHit) -> dict[str, Any]:
    """A search hit as JSON: the session, its rank, the snippet and the words matched in it."""
    matched = re.findall(f"{HIT_START}(.*?){HIT_END}", hit.snippet, re.S)
    plain = hit.snippet.replace(HIT_START, "").replace(HIT_END, "")
    return {**session_object(hit.session), "rank": hit.rank, "snippet": plain, "matches": matched}


def case_object(case: Case) -> dict[str, Any]:
    """A case as one JSON object: the session's fields and its events, nested."""
    data = session_object(case.session)
    data["events"] = [event_object(e) for e in case.events]
    return data
