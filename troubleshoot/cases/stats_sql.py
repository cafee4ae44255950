"""The SQL behind `troubleshoot stats`, for every backend: aggregates per tree revision.

The queries are written once; a `Dialect` holds the few places where SQLite and PostgreSQL
differ (seconds between two times, float casts, a name for a subquery, a JSON value as text),
and each backend passes a function that runs one query. Every query starts from the sessions a
`SessionFilter` selects (the CTE ``s``), so the database does the counting however large the
log. Events are aggregated per session before anything is joined to them (joining each of a
large log's events to its session row cost most of the time). Medians use window functions (no
extension needed). An answer is superseded when the next event of its session with the same
step key is a `back`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from troubleshoot.cases.records import (
    EventKind,
    NodeCount,
    RevisionCounts,
    SessionFilter,
    StatsRows,
    Status,
)
from troubleshoot.cases.rows import filter_clause


@dataclass(frozen=True)
class Dialect:
    """How one backend's SQL says the few things the stats queries need."""

    seconds: str
    """Seconds from ``{start}`` to ``{end}``, as a float."""
    as_float: str
    """Appended to an average to make it a float."""
    subquery_name: str
    """Appended to a subquery in FROM (PostgreSQL requires a name)."""
    json_text: str
    """The `value` column compared as text."""


SQLITE = Dialect(
    seconds="(julianday({end}) - julianday({start})) * 86400.0",
    as_float="",
    subquery_name="",
    json_text="value",
)
POSTGRES = Dialect(
    seconds="EXTRACT(EPOCH FROM ({end} - {start}))::float8",
    as_float="::float8",
    subquery_name=" AS ranked",
    json_text="value::text",
)

Query = Callable[[str, list[Any]], Iterable[Mapping[str, Any]]]
"""Runs one query with ``?`` placeholders and yields its rows as mappings."""
_NOT_ONE_SITTING = ", ".join(
    f"'{k}'" for k in (EventKind.PAUSE, EventKind.RESUME, EventKind.PICKUP, EventKind.ESCALATE)
)
_END_KINDS = f"'{EventKind.RESOLVE}', '{EventKind.ESCALATE}'"


def _median(d: Dialect, table: str, keys: str, value: str) -> str:
    """Per group of `keys` in `table`: the median of `value` (None if it is always NULL), how
    many rows have a `value` (`n`) and how many rows there are (`total`)."""
    return (
        f"SELECT {keys}, AVG(CASE WHEN rn IN ((n + 1) / 2, (n + 2) / 2) THEN {value} END) "
        f"AS median, MAX(n) AS n, MAX(total) AS total FROM ("
        f"SELECT {keys}, {value}, "
        f"ROW_NUMBER() OVER (PARTITION BY {keys} ORDER BY {value} NULLS LAST) AS rn, "
        f"COUNT({value}) OVER (PARTITION BY {keys}) AS n, "
        f"COUNT(*) OVER (PARTITION BY {keys}) AS total FROM {table}"
        f"){d.subquery_name} GROUP BY {keys}"
    )


@dataclass(frozen=True)
class _Selected:
    """The sessions the stats are about: a CTE ``s`` and its parameters."""

    head: str
    params: list[Any]
    every: bool
    """True when no filter is set: every session is selected."""

    def events(self, kinds: str) -> str:
        """FROM and WHERE for the events of kinds `kinds` of the selected sessions, read
        without joining each event to its session: one pass over the events when every
        session is selected, else a lookup per selected session. Whatever aggregates them joins
        its (smaller) result to `sessions` by key, not to ``s``, which has no index."""
        if self.every:
            return f"FROM events e WHERE e.kind IN ({kinds})"
        return f"FROM events e WHERE e.kind IN ({kinds}) AND e.session_id IN (SELECT id FROM s)"


def _revisions(query: Query, d: Dialect, sel: _Selected) -> tuple[RevisionCounts, ...]:
    statuses = [str(s) for s in Status]
    counts = ", ".join(
        f"SUM(CASE WHEN s.status = '{s}' THEN 1 ELSE 0 END) AS n_{s}" for s in statuses
    )
    seconds = d.seconds.format(end="ev.ended", start="s.started")
    sql = f"""{sel.head},
    ev AS (SELECT e.session_id AS id,
             MIN(CASE WHEN e.kind IN ({_END_KINDS}) THEN e.time END) AS ended,
             MAX(CASE WHEN e.kind IN ({_NOT_ONE_SITTING}) THEN 1 ELSE 0 END) AS interrupted
           {sel.events(f"{_END_KINDS}, {_NOT_ONE_SITTING}")} GROUP BY e.session_id),
    took AS (SELECT s.tree_id, s.revision, {seconds} AS secs
             FROM s JOIN ev ON ev.id = s.id WHERE ev.ended IS NOT NULL),
    med AS ({_median(d, "took", "tree_id, revision", "secs")})
    SELECT s.tree_id, s.revision, MAX(s.tree_title) AS title, COUNT(*) AS total, {counts},
      SUM(CASE WHEN s.status = '{Status.RESOLVED}' AND COALESCE(ev.interrupted, 0) = 0
          THEN 1 ELSE 0 END) AS first_contact,
      AVG(s.satisfaction){d.as_float} AS satisfaction, COUNT(s.satisfaction) AS rated,
      MIN(s.id) AS example, MAX(med.median) AS median
    FROM s LEFT JOIN ev ON ev.id = s.id
      LEFT JOIN med ON med.tree_id = s.tree_id AND med.revision = s.revision
    GROUP BY s.tree_id, s.revision ORDER BY s.tree_id, s.revision DESC"""
    return tuple(
        RevisionCounts(
            tree_id=row["tree_id"],
            revision=int(row["revision"] or 0),
            tree_title=row["title"] or "",
            sessions=int(row["total"]),
            by_status={s: int(row[f"n_{s}"] or 0) for s in statuses},
            first_contact=int(row["first_contact"] or 0),
            median_seconds=row["median"],
            satisfaction=row["satisfaction"],
            rated=int(row["rated"]),
            example=row["example"],
        )
        for row in query(sql, sel.params)
    )


def _phases(query: Query, d: Dialect, sel: _Selected) -> tuple[NodeCount, ...]:
    sql = f"""{sel.head},
    spent AS (SELECT e.session_id, e.phase, (SUM(e.ms) / 1000.0){d.as_float} AS secs
              {sel.events(f"'{EventKind.ANSWER}'")} AND e.phase IS NOT NULL
              GROUP BY e.session_id, e.phase),
    per AS (SELECT w.tree_id, w.revision, spent.phase, spent.secs
            FROM spent JOIN sessions w ON w.id = spent.session_id)
    SELECT * FROM ({_median(d, "per", "tree_id, revision, phase", "secs")}){d.subquery_name}
    WHERE n > 0"""
    return tuple(
        NodeCount(
            tree_id=row["tree_id"],
            revision=int(row["revision"] or 0),
            node=row["phase"],
            label="phase",
            count=int(row["total"]),
            seconds=row["median"],
        )
        for row in query(sql, sel.params)
    )


def _node_counts(
    query: Query, d: Dialect, sel: _Selected, statuses: tuple[Status, ...], label: str
) -> tuple[NodeCount, ...]:
    marks = ", ".join(f"'{s}'" for s in statuses)
    sql = f"""{sel.head}
    SELECT tree_id, revision, COALESCE(current_node, '') AS node, {label} AS label,
      COUNT(*) AS n FROM s WHERE status IN ({marks})
    GROUP BY tree_id, revision, node, label ORDER BY tree_id, revision DESC, n DESC, node"""
    return tuple(
        NodeCount(
            tree_id=row["tree_id"],
            revision=int(row["revision"] or 0),
            node=row["node"],
            label=row["label"] or "",
            count=int(row["n"]),
        )
        for row in query(sql, sel.params)
    )


def _fixes(query: Query, d: Dialect, sel: _Selected) -> tuple[NodeCount, ...]:
    sql = f"""{sel.head},
    a AS (SELECT e.session_id, e.node, e.step, e.kind, e.value,
            LEAD(e.kind) OVER (PARTITION BY e.session_id, e.step ORDER BY e.seq) AS next_kind
          {sel.events(f"'{EventKind.ANSWER}', '{EventKind.BACK}'")} AND e.step LIKE '%#%')
    SELECT w.tree_id, w.revision, a.node, a.step, COUNT(*) AS n,
      SUM(CASE WHEN {d.json_text} = 'true' THEN 1 ELSE 0 END) AS fixed
    FROM a JOIN sessions w ON w.id = a.session_id WHERE a.kind = '{EventKind.ANSWER}'
      AND (a.next_kind IS NULL OR a.next_kind != '{EventKind.BACK}')
    GROUP BY w.tree_id, w.revision, a.node, a.step ORDER BY w.tree_id, w.revision DESC, a.step"""
    return tuple(
        NodeCount(
            tree_id=row["tree_id"],
            revision=int(row["revision"] or 0),
            node=row["node"] or "",
            label=row["step"],
            count=int(row["n"]),
            successes=int(row["fixed"] or 0),
        )
        for row in query(sql, sel.params)
    )


def stats_rows(query: Query, dialect: Dialect, selection: SessionFilter) -> StatsRows:
    """Every aggregate of `troubleshoot stats` for the sessions `selection` picks."""
    q, d = query, dialect
    where, params = filter_clause(selection)
    columns = "id, tree_id, revision, tree_title, status, satisfaction, started, current_node"
    head = f"WITH s AS (SELECT {columns}, outcome FROM sessions WHERE {where})"
    sel = _Selected(head, params, every=not params)
    return StatsRows(
        revisions=_revisions(q, d, sel),
        phases=_phases(q, d, sel),
        ends=_node_counts(
            q, d, sel, (Status.RESOLVED, Status.ESCALATED), "COALESCE(outcome, status)"
        ),
        dropoffs=_node_counts(q, d, sel, (Status.PAUSED, Status.ABANDONED), "status"),
        fixes=_fixes(q, d, sel),
    )
