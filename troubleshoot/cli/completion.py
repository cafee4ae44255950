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
    return Options(db=str(db) if db else None, trees=[Path(t) for t in params.get("trees") or []])


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
    target = _options(ctx).db_target()
    if "://" not in target and not Path(target).is_file():
        return []  # no log yet: completing must not create one
    from troubleshoot.cases.log import open_case_log
    from troubleshoot.cases.records import SessionFilter

    try:
        with open_case_log(target) as log:
            found = log.list_sessions(SessionFilter(limit=200))
    except (TroubleshootError, OSError):
        return []
    return [(s.id, f"{s.tree_id} {s.status}") for s in found if s.id.startswith(incomplete)]
