"""What the log says about each tree revision (`troubleshoot stats`), from the backend's aggregates.

The counting is done by the database (`CaseLog.stats`); this module only names and arranges it:
shares of each status, first-contact resolution, median times, outcomes by end node, drop-off
nodes, the success rate of each fix and try item, and a suggestion to reorder a `try` list when
a later item fixes more often than an earlier one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from troubleshoot.cases.log import CaseLog
from troubleshoot.cases.records import NodeCount, RevisionCounts, SessionFilter
from troubleshoot.tree import model as m

MIN_TRIES = 3
"""Tries an item needs before its rate is compared with another's."""

TreeOf = Callable[[str], m.Tree | None]
"""The tree a session ran on, by session id (None when it cannot be loaded)."""


@dataclass(frozen=True)
class ItemStats:
    node: str
    kind: str
    """``try``, ``fix``, or empty when the tree revision cannot be loaded."""
    item: str
    position: int
    tried: int
    fixed: int

    @property
    def rate(self) -> float:
        return self.fixed / self.tried if self.tried else 0.0


@dataclass(frozen=True)
class RevisionStats:
    counts: RevisionCounts
    phases: tuple[NodeCount, ...] = ()
    ends: tuple[NodeCount, ...] = ()
    dropoffs: tuple[NodeCount, ...] = ()
    items: tuple[ItemStats, ...] = ()
    suggestions: tuple[str, ...] = field(default=())


def _items(fixes: list[NodeCount], tree: m.Tree | None) -> tuple[ItemStats, ...]:
    merged: dict[tuple[str, int], ItemStats] = {}
    for row in fixes:
        number = int(row.label.rpartition("#")[2] or 0)
        node = tree.nodes.get(row.node) if tree else None
        if isinstance(node, m.Try) and 0 < number <= len(node.items):
            key, kind, item = (row.node, number), "try", node.items[number - 1]
        elif isinstance(node, m.Fix):
            key, kind, item = (row.node, 1), "fix", node.fix
        else:
            key, kind, item = (row.node, number), "", row.label
        old = merged.get(key)
        tried, fixed = (
            row.count + (old.tried if old else 0),
            row.successes + (old.fixed if old else 0),
        )
        merged[key] = ItemStats(row.node, kind, item, key[1], tried, fixed)
    return tuple(merged[k] for k in sorted(merged))


def _suggestions(items: tuple[ItemStats, ...]) -> tuple[str, ...]:
    found: list[str] = []
    for node in dict.fromkeys(i.node for i in items if i.kind == "try"):
        listed = [i for i in items if i.node == node and i.tried >= MIN_TRIES]
        for later_index, later in enumerate(listed):
            earlier = next((e for e in listed[:later_index] if later.rate > e.rate), None)
            if earlier is not None:
                found.append(
                    f"{node}: '{later.item}' (item {later.position}) fixed {later.fixed} of "
                    f"{later.tried} ({later.rate:.0%}), more often than '{earlier.item}' "
                    f"(item {earlier.position}, {earlier.fixed} of {earlier.tried}, "
                    f"{earlier.rate:.0%}): consider trying it earlier"
                )
                break
    return tuple(found)


def tree_stats(case_log: CaseLog, selection: SessionFilter, tree_of: TreeOf) -> list[RevisionStats]:
    """Stats per tree and revision, latest revision first within each tree."""
    rows = case_log.stats(selection)

    def of(group: tuple[NodeCount, ...], counts: RevisionCounts) -> list[NodeCount]:
        return [r for r in group if (r.tree_id, r.revision) == (counts.tree_id, counts.revision)]

    result = []
    for counts in rows.revisions:
        tree = tree_of(counts.example)
        items = _items(of(rows.fixes, counts), tree)
        order = {phase: index for index, phase in enumerate(tree.phases if tree else ())}
        phases = sorted(
            of(rows.phases, counts), key=lambda p: (order.get(p.node, len(order)), p.node)
        )
        result.append(
            RevisionStats(
                counts=counts,
                phases=tuple(phases),
                ends=tuple(of(rows.ends, counts)),
                dropoffs=tuple(of(rows.dropoffs, counts)),
                items=items,
                suggestions=_suggestions(items),
            )
        )
    return result


def share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def stats_object(stats: RevisionStats) -> dict[str, Any]:
    """One revision's stats as JSON."""
    c = stats.counts
    return {
        "tree": c.tree_id,
        "title": c.tree_title,
        "revision": c.revision,
        "sessions": c.sessions,
        "counts": dict(c.by_status),
        "shares": {status: share(n, c.sessions) for status, n in c.by_status.items()},
        "first_contact_resolution": share(c.first_contact, c.sessions),
        "median_seconds": c.median_seconds,
        "phases": [
            {"phase": p.node, "median_seconds": p.seconds, "sessions": p.count}
            for p in stats.phases
        ],
        "outcomes": [{"node": e.node, "outcome": e.label, "count": e.count} for e in stats.ends],
        "dropoffs": [{"node": d.node, "status": d.label, "count": d.count} for d in stats.dropoffs],
        "items": [
            {
                "node": i.node,
                "kind": i.kind,
                "item": i.item,
                "position": i.position,
                "tried": i.tried,
                "fixed": i.fixed,
                "rate": round(i.rate, 4),
            }
            for i in stats.items
        ],
        "suggestions": list(stats.suggestions),
        "satisfaction": None if c.satisfaction is None else round(c.satisfaction, 2),
        "rated": c.rated,
    }
