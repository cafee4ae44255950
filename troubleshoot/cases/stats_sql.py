"""The SQL behind `troubleshoot stats`, for every backend: aggregates per tree revision.

The queries are written once; a `Dialect` holds the few places where SQLite and PostgreSQL
differ (seconds between two times, float casts, a name for a subquery, a JSON value as text),
and each backend passes a function that runs one query. Every query starts from the sessions a
`SessionFilter` selects (the CTE ``s``), so the database does the counting however large the
log. Medians use window functions (no extension needed). An answer is superseded when the next
event of its session with the same step key is a `back`.
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
    """A query of `keys` and the median of `value` over rows of `table` grouped by `keys`."""
    return (
        f"SELECT {keys}, AVG({value}) AS median FROM ("
        f"SELECT {keys}, {value}, ROW_NUMBER() OVER (PARTITION BY {keys} ORDER BY {value}) AS rn, "
        f"COUNT(*) OVER (PARTITION BY {keys}) AS n FROM {table} WHERE {value} IS NOT NULL"
        f"){d.subquery_name} WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY {keys}"
    )


def _revisions(
    query: Query, d: Dialect, head: str, params: list[Any]
) -> tuple[RevisionCounts, ...]:
    statuses = [str(s) for s in Status]
    counts = ", ".join(
        f"SUM(CASE WHEN s.status = '{s}' THEN 1 ELSE 0 END) AS n_{s}" for s in statuses
    )
    seconds = d.seconds.format(end="ends.t", start="s.started")
    sql = f"""{head},
    ends AS (SELECT s.id, MIN(e.time) AS t FROM s JOIN events e ON e.session_id = s.id
             WHERE e.kind IN ({_END_KINDS}) GROUP BY s.id),
    took AS (SELECT s.tree_id, s.revision, {seconds} AS secs FROM s JOIN ends ON ends.id = s.id),
    med AS ({_median(d, "took", "tree_id, revision", "secs")})
    SELECT s.tree_id, s.revision, MAX(s.tree_title) AS title, COUNT(*) AS total, {counts},
      SUM(CASE WHEN s.status = '{Status.RESOLVED}' AND NOT EXISTS (
        SELECT 1 FROM events e WHERE e.session_id = s.id AND e.kind IN ({_NOT_ONE_SITTING})
      ) THEN 1 ELSE 0 END) AS first_contact,
      AVG(s.satisfaction){d.as_float} AS satisfaction, COUNT(s.satisfaction) AS rated,
      MIN(s.id) AS example, MAX(med.median) AS median
    FROM s LEFT JOIN med ON med.tree_id = s.tree_id AND med.revision = s.revision
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
        for row in query(sql, params)
    )


def _phases(query: Query, d: Dialect, head: str, params: list[Any]) -> tuple[NodeCount, ...]:
    sql = f"""{head},
    per AS (SELECT s.tree_id, s.revision, e.phase, e.session_id,
              (SUM(e.ms) / 1000.0){d.as_float} AS secs
            FROM s JOIN events e ON e.session_id = s.id
            WHERE e.kind = '{EventKind.ANSWER}' AND e.phase IS NOT NULL
            GROUP BY s.tree_id, s.revision, e.phase, e.session_id)
    SELECT m.*, (SELECT COUNT(*) FROM per p WHERE p.tree_id = m.tree_id
                 AND p.revision = m.revision AND p.phase = m.phase) AS sessions
    FROM ({_median(d, "per", "tree_id, revision, phase", "secs")}) m"""
    return tuple(
        NodeCount(
            tree_id=row["tree_id"],
            revision=int(row["revision"] or 0),
            node=row["phase"],
            label="phase",
            count=int(row["sessions"]),
            seconds=row["median"],
        )
        for row in query(sql, params)
    )


def _node_counts(
    query: Query, d: Dialect, head: str, params: list[Any], statuses: tuple[Status, ...], label: str
) -> tuple[NodeCount, ...]:
    marks = ", ".join(f"'{s}'" for s in statuses)
    sql = f"""{head}
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
        for row in query(sql, params)
    )


def _fixes(query: Query, d: Dialect, head: str, params: list[Any]) -> tuple[NodeCount, ...]:
    sql = f"""{head},
    a AS (SELECT s.tree_id, s.revision, e.node, e.step, e.kind, e.value,
            LEAD(e.kind) OVER (PARTITION BY e.session_id, e.step ORDER BY e.seq) AS next_kind
          FROM s JOIN events e ON e.session_id = s.id
          WHERE e.kind IN ('{EventKind.ANSWER}', '{EventKind.BACK}') AND e.step LIKE '%#%')
    SELECT tree_id, revision, node, step, COUNT(*) AS n,
      SUM(CASE WHEN {d.json_text} = 'true' THEN 1 ELSE 0 END) AS fixed
    FROM a WHERE kind = '{EventKind.ANSWER}'
      AND (next_kind IS NULL OR next_kind != '{EventKind.BACK}')
    GROUP BY tree_id, revision, node, step ORDER BY tree_id, revision DESC, step"""
    return tuple(
        NodeCount(
            tree_id=row["tree_id"],
            revision=int(row["revision"] or 0),
            node=row["node"] or "",
            label=row["step"],
            count=int(row["n"]),
            successes=int(row["fixed"] or 0),
        )
        for row in query(sql, params)
    )


def stats_rows(query: Query, dialect: Dialect, selection: SessionFilter) -> StatsRows:
    """Every aggregate of `troubleshoot stats` for the sessions `selection` picks."""
    q, d = query, dialect
    where, params = filter_clause(selection)
    head = f"WITH s AS (SELECT * FROM sessions WHERE {where})"
    return StatsRows(
        revisions=_revisions(q, d, head, params),
        phases=_phases(q, d, head, params),
        ends=_node_counts(
            q, d, head, params, (Status.RESOLVED, Status.ESCALATED), "COALESCE(outcome, status)"
        ),
        dropoffs=_node_counts(q, d, head, params, (Status.PAUSED, Status.ABANDONED), "status"),
        fixes=_fixes(q, d, head, params),
    )
