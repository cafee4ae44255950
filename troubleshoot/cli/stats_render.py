"""Rich rendering of `troubleshoot stats`: one block of tables per tree revision."""

from __future__ import annotations

from typing import TYPE_CHECKING

from troubleshoot.cases.report import duration
from troubleshoot.cases.stats import RevisionStats, share
from troubleshoot.cli.case_render import text

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.table import Table


def _table(title: str, *columns: str) -> Table:
    from rich.table import Table

    return Table(*columns, title=title, title_justify="left")


def _summary(stats: RevisionStats) -> list[RenderableType]:
    c = stats.counts
    shares = ", ".join(
        f"{status} {share(n, c.sessions):.0%}" for status, n in c.by_status.items() if n
    )
    rating = (
        "" if c.satisfaction is None else f"; satisfaction {c.satisfaction:.1f}/5 ({c.rated} rated)"
    )
    return [
        text(f"{c.tree_title} ({c.tree_id} revision {c.revision})", "bold"),
        text(f"{c.sessions} session(s): {shares}"),
        text(
            f"First-contact resolution {share(c.first_contact, c.sessions):.0%}; median time to "
            f"outcome {duration(c.median_seconds) or '-'}{rating}"
        ),
    ]


def _tables(stats: RevisionStats) -> list[RenderableType]:
    out: list[RenderableType] = []
    if stats.phases:
        phases = _table("Median time per phase", "phase", "time", "sessions")
        for p in stats.phases:
            phases.add_row(text(p.node), text(duration(p.seconds)), text(p.count))
        out.append(phases)
    if stats.ends:
        ends = _table("Outcomes by end node", "node", "outcome", "sessions")
        for e in stats.ends:
            ends.add_row(text(e.node or "-"), text(e.label), text(e.count))
        out.append(ends)
    if stats.dropoffs:
        drops = _table("Where paused or abandoned sessions stopped", "node", "status", "sessions")
        for d in stats.dropoffs:
            drops.add_row(text(d.node or "-"), text(d.label), text(d.count))
        out.append(drops)
    if stats.items:
        items = _table("Fixes and try items", "node", "item", "fixed", "rate")
        for i in stats.items:
            items.add_row(
                text(i.node), text(i.item), text(f"{i.fixed}/{i.tried}"), text(f"{i.rate:.0%}")
            )
        out.append(items)
    return out


def stats_renderables(found: list[RevisionStats]) -> list[RenderableType]:
    out: list[RenderableType] = []
    for stats in found:
        out += _summary(stats) + _tables(stats)
        out += [text("Suggestion: " + s, "yellow") for s in stats.suggestions]
        out.append(text(""))
    return out
