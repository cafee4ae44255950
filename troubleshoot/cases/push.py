"""Push: copy the sessions of one case log (an agent's laptop) into another (the team's).

Idempotent by session id and event sequence number: a session the team log lacks is copied
whole; one it has with fewer events (continued on the laptop after an earlier push) gets the
missing events and the laptop's session fields; one it has with the same events is left alone,
so a second push changes nothing. When the events both logs hold for a sequence number differ
(the same session changed in both places), the session is reported as a conflict and nothing
of it is written. Works between any two `CaseLog` backends.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from troubleshoot.cases.log import CaseLog
from troubleshoot.cases.records import Event, SessionFilter, SessionRecord, TreeFile
from troubleshoot.errors import SessionChanged, SessionNotFound


@dataclass
class PushReport:
    """What a push did, session by session."""

    copied: list[str] = field(default_factory=list)
    """Sessions the target did not have."""
    completed: list[str] = field(default_factory=list)
    """Sessions the target had in part (events or fields added)."""
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)
    """One message per session changed in both places (not written)."""


def _same(mine: Event, theirs: Event) -> bool:
    """The same logged event (who, when, what, where, and the answer)."""
    return (mine.seq, mine.time, mine.kind, mine.agent, mine.node, mine.step, mine.answer) == (
        theirs.seq,
        theirs.time,
        theirs.kind,
        theirs.agent,
        theirs.node,
        theirs.step,
        theirs.answer,
    ) and (mine.value, mine.text, mine.prompt) == (theirs.value, theirs.text, theirs.prompt)


def _first_difference(mine: Sequence[Event], theirs: Sequence[Event]) -> Event | None:
    for here, there in zip(mine, theirs, strict=False):
        if not _same(here, there):
            return here
    return None


def _trees(source: CaseLog, session: SessionRecord) -> list[TreeFile]:
    return [
        TreeFile(
            sha256=hashlib.sha256(text.encode()).hexdigest(),
            tree_id=session.tree_id,
            path=path,
            revision=session.revision,
            text=text,
        )
        for path, text in source.tree_sources(session).items()
    ]


def _theirs(target: CaseLog, session_id: str) -> tuple[SessionRecord | None, list[Event]]:
    try:
        found = target.get_session(session_id)
    except SessionNotFound:
        return None, []
    if found.id != session_id:  # only a longer id starting with this one
        return None, []
    return found, target.events(session_id)


def _conflict(session: SessionRecord, event: Event, target: CaseLog) -> str:
    return (
        f"session {session.id}: event {event.seq} ({event.kind}) differs in {target.target} "
        "(the session was continued in both places); nothing of it was overwritten"
    )


def _up_to_date(
    mine: SessionRecord, theirs: SessionRecord, my_events: int, their_events: int
) -> bool:
    """Whether the target holds all of a session: every event (or more, continued there), and
    fields at least as new."""
    if their_events != my_events:
        return their_events > my_events
    return theirs == mine or mine.updated <= theirs.updated


def push_session(source: CaseLog, target: CaseLog, session: SessionRecord) -> str:
    """Push one session; returns 'copied', 'completed', 'unchanged' or a conflict message."""
    mine = source.events(session.id)
    there, theirs = _theirs(target, session.id)
    differs = _first_difference(mine, theirs)
    if differs is not None:
        return _conflict(session, differs, target)
    if there is not None and _up_to_date(session, there, len(mine), len(theirs)):
        return "unchanged"
    try:
        target.copy_session(
            session,
            events=mine[len(theirs) :],
            trees=_trees(source, session),
            after=len(theirs) if there is not None else None,
        )
    except SessionChanged:
        return (
            f"session {session.id} changed in {target.target} while it was being pushed; "
            "it was not pushed: push again"
        )
    return "copied" if there is None else "completed"


def push(
    source: CaseLog,
    target: CaseLog,
    progress: Callable[[SessionRecord], None] | None = None,
) -> PushReport:
    """Push every session of `source` into `target` (oldest first)."""
    report = PushReport()
    sessions = source.list_sessions(SessionFilter())
    for session in reversed(sessions):
        if progress is not None:
            progress(session)
        result = push_session(source, target, session)
        if result == "copied":
            report.copied.append(session.id)
        elif result == "completed":
            report.completed.append(session.id)
        elif result == "unchanged":
            report.unchanged += 1
        else:
            report.conflicts.append(result)
    return report
