"""Shell completion (Typer's): tree ids and case ids, read from the search path and the log.

A completion function never raises and never creates anything: a missing database or a broken
trees folder simply completes nothing. `--format` values complete from their enums by themselves.
"""

from __future__ import annotations

from pathlib import Path

import typer

from troubleshoot.cli.app import Options
from troubleshoot.errors import TroubleshootError


def _options(ctx: typer.Context) -> Options:
    """The global options as typed so far (the root callback does not run while completing)."""
    params = ctx.find_root().params
    db = params.get("db")
    return Options(db=Path(db) if db else None, trees=[Path(t) for t in params.get("trees") or []])


def tree_ids(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """The ids of the trees on the search path starting with what is typed, with their files."""
    from troubleshoot.tree.catalog import entries

    try:
        found = entries(_options(ctx).tree_folders())
    except (TroubleshootError, OSError):
        return []
    return [(e.id, str(e.path)) for e in found if e.id.startswith(incomplete)]


def case_ids(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """The ids of logged cases starting with what is typed, newest first, with tree and status."""
    path = _options(ctx).db_path()
    if not path.is_file():
        return []
    from troubleshoot.cases.store import Store

    try:
        store = Store(path)
        try:
            rows = store.resumable(limit=200)
        finally:
            store.close()
    except (TroubleshootError, OSError):
        return []
    return [
        (row["id"], f"{row['tree_id']} {row['status']}")
        for row in rows
        if str(row["id"]).startswith(incomplete)
    ]
