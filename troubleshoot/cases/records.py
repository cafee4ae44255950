"""What every case-log backend stores and returns: sessions, events and their vocabularies.

These frozen records are the whole contract between the case log and its users (`session/`,
`cli/`); only the backends in `cases/` know how they are laid out in tables and columns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


def now() -> str:
    """The current time as the case log writes it: UTC, milliseconds, ``...Z``."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Status(StrEnum):
    """Where a session stands in the case log."""

    ACTIVE = "active"
    PAUSED = "paused"
    RESOLVED = "resolved"
    ESCALATED = "escalated"
    ABANDONED = "abandoned"


RESUMABLE = frozenset({Status.ACTIVE, Status.PAUSED, Status.ESCALATED})
"""Sessions `resume` can continue (an escalated one is picked up by the next tier)."""


class EventKind(StrEnum):
    """One thing that happened in a session; events are append-only."""

    START = "start"
    ANSWER = "answer"
    BACK = "back"
    NOTE = "note"
    PAUSE = "pause"
    RESUME = "resume"
    PICKUP = "pickup"
    """An escalated session taken on by the next tier."""
    ESCALATE = "escalate"
    RESOLVE = "resolve"
    WRAPUP = "wrapup"
    FOLLOWUP = "followup"
    """A follow-up with the customer was done (its result and their satisfaction)."""
    SET = "set"
    """Variables a node's `set` assigned: `value` is {name: value}."""
    ACTION = "action"
    """An action the agent did (ticked its step): `value` is {"name": ..., "arguments": {...}},
    `prompt` and `text` the line shown, `answer` "done"; it stands for the step's answer on
    resume."""


MASKED = "******"
"""What the log holds instead of a sensitive answer (and of its value anywhere in a text)."""
MASKED_VALUE = {"masked": True}
"""The `value` of the answer event of a sensitive question: `resume` asks it again."""


WALK_CHANGES = frozenset(
    {
        EventKind.ANSWER,
        EventKind.ACTION,
        EventKind.BACK,
        EventKind.ESCALATE,
        EventKind.RESOLVE,
        EventKind.WRAPUP,
    }
)
"""Events that change where a walk stands (notes and resumes do not): the two-agents check."""


@dataclass(frozen=True, kw_only=True)
class Intake:
    """What the agent learns before the tree starts."""

    ticket: str | None = None
    customer: str | None = None
    """The problem in the customer's own words."""
    tone: str | None = None
    desired_outcome: str | None = None


@dataclass(frozen=True, kw_only=True)
class Event:
    """One logged event; `session_id`, `seq` and `time` are set by the log when appended."""

    kind: EventKind
    agent: str | None = None
    node: str | None = None
    step: str | None = None
    phase: str | None = None
    prompt: str | None = None
    """The question as shown."""
    answer: str | None = None
    """The answer as shown."""
    value: Any = None
    """The answer's value (any JSON value)."""
    text: str | None = None
    ms: int | None = None
    session_id: str = ""
    seq: int = 0
    time: str = ""


@dataclass(frozen=True, kw_only=True)
class SessionRecord:
    """One support case as logged."""

    id: str
    tree_id: str
    tree_title: str
    revision: int
    tree_sha256: str
    status: Status
    started: str
    updated: str
    agent: str | None = None
    ticket: str | None = None
    customer: str | None = None
    tone: str | None = None
    desired_outcome: str | None = None
    outcome: str | None = None
    current_node: str | None = None
    variables: Mapping[str, Any] = field(default_factory=dict)
    ended: str | None = None
    summary: str | None = None
    reply: str | None = None
    note: str | None = None
    follow_up: str | None = None
    satisfaction: int | None = None
    escalated_to: str | None = None
    escalation_reason: str | None = None
    fixed_by: str | None = None
    tree_sources: tuple[str, ...] = ()
    """The sha256 of every file of the tree revision, main file first."""

    @property
    def intake(self) -> Intake:
        return Intake(
            ticket=self.ticket,
            customer=self.customer,
            tone=self.tone,
            desired_outcome=self.desired_outcome,
        )


@dataclass(frozen=True, kw_only=True)
class SessionUpdate:
    """Changes to a session while it runs; a field left None is not changed."""

    status: Status | None = None
    agent: str | None = None
    ticket: str | None = None
    customer: str | None = None
    tone: str | None = None
    desired_outcome: str | None = None
    current_node: str | None = None
    variables: Mapping[str, Any] | None = None
    note: str | None = None
    follow_up: str | None = None
    satisfaction: int | None = None


@dataclass(frozen=True, kw_only=True)
class Ending:
    """How a walk ended, written with its end event in one transaction."""

    status: Status
    """`Status.RESOLVED` (the session gets its end time) or `Status.ESCALATED`."""
    outcome: str
    summary: str
    reply: str | None = None
    current_node: str | None = None
    variables: Mapping[str, Any] = field(default_factory=dict)
    escalated_to: str | None = None
    escalation_reason: str | None = None
    fixed_by: str | None = None


@dataclass(frozen=True, kw_only=True)
class SessionFilter:
    """Which sessions `CaseLog.list_sessions` returns; None matches anything.

    `since` and `until` are ISO dates or times compared with the start time; a date alone in
    `until` includes that whole day.
    """

    status: Status | None = None
    tree: str | None = None
    agent: str | None = None
    ticket: str | None = None
    since: str | None = None
    until: str | None = None
    limit: int | None = None


@dataclass(frozen=True, kw_only=True)
class TreeFile:
    """One file of a tree revision as the case log keeps it (to copy it into another log)."""

    sha256: str
    tree_id: str
    path: str
    revision: int
    text: str


@dataclass(frozen=True)
class SessionPage:
    """Some sessions and how many there are in all (for "showing 50 of 60")."""

    sessions: tuple[SessionRecord, ...]
    total: int


HIT_START, HIT_END = "\x02", "\x03"
"""Around the matched words in a `SearchHit.snippet` (control characters, never typed text)."""


@dataclass(frozen=True)
class SearchHit:
    """One session found by `CaseLog.search`, best first."""

    session: SessionRecord
    snippet: str
    """Text around the best match, matched words between `HIT_START` and `HIT_END`."""
    rank: float
    """Lower is better (BM25 scores are negative)."""


@dataclass(frozen=True)
class Case:
    """A session with every event, in order: what export and `cases show` read."""

    session: SessionRecord
    events: tuple[Event, ...]


@dataclass(frozen=True)
class FollowUp:
    """A session with a follow-up date, and when the follow-up was recorded as done."""

    session: SessionRecord
    done: str | None = None


@dataclass(frozen=True, kw_only=True)
class RevisionCounts:
    """Sessions of one tree revision by status, and the aggregates stats needs per revision."""

    tree_id: str
    revision: int
    tree_title: str
    sessions: int
    by_status: Mapping[str, int]
    first_contact: int
    """Resolved in one sitting: no pause, resume, pick-up or escalation."""
    median_seconds: float | None
    """Median time from start to the end event, of sessions that ended."""
    satisfaction: float | None
    rated: int
    example: str
    """The id of one session of this revision (to load its stored tree)."""


@dataclass(frozen=True, kw_only=True)
class NodeCount:
    """How many sessions of a revision did something at a node (ended, stopped, ...)."""

    tree_id: str
    revision: int
    node: str
    label: str
    """An outcome for end nodes, a status for drop-offs, a step key for fixes and tries."""
    count: int
    successes: int = 0
    seconds: float | None = None


@dataclass(frozen=True)
class StatsRows:
    """Every aggregate `troubleshoot stats` shows, as computed by the backend."""

    revisions: tuple[RevisionCounts, ...]
    phases: tuple[NodeCount, ...]
    """node = phase name, seconds = median time spent in it per session."""
    ends: tuple[NodeCount, ...]
    dropoffs: tuple[NodeCount, ...]
    fixes: tuple[NodeCount, ...]
    """label = step key (``node#2``), count = tries, successes = fixed."""
