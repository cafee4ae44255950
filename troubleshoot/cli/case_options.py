"""What the `cases` commands and `stats` share: the filter options, the log, tree lookups."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from troubleshoot.cases.records import SessionFilter, Status
from troubleshoot.cli.app import options
from troubleshoot.cli.output import Format
from troubleshoot.errors import TroubleshootError

if TYPE_CHECKING:
    from troubleshoot.cases.log import CaseLog
    from troubleshoot.cases.records import SessionRecord
    from troubleshoot.tree.model import Tree

StatusOpt = Annotated[
    Status | None, typer.Option("--status", help="Only sessions with this status.")
]
TreeOpt = Annotated[str | None, typer.Option("--tree", help="Only sessions of this tree id.")]
AgentOpt = Annotated[str | None, typer.Option("--agent", help="Only sessions of this agent.")]
TicketOpt = Annotated[str | None, typer.Option("--ticket", help="Only sessions with this ticket.")]
SinceOpt = Annotated[
    str | None, typer.Option("--since", metavar="DATE", help="Started on or after (YYYY-MM-DD).")
]
UntilOpt = Annotated[
    str | None, typer.Option("--until", metavar="DATE", help="Started on or before (YYYY-MM-DD).")
]
LimitOpt = Annotated[int | None, typer.Option("--limit", min=1, help="At most this many.")]
FormatOpt = Annotated[Format, typer.Option("--format", help="table for people, json for machines.")]


def parse_when(option: str, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        (date if len(value) == 10 else datetime).fromisoformat(value)
    except ValueError:
        raise TroubleshootError(
            f"{option} '{value}' is not a date: use YYYY-MM-DD (or YYYY-MM-DDTHH:MM)"
        ) from None
    return value


def session_filter(
    *,
    status: Status | None,
    tree: str | None,
    agent: str | None,
    ticket: str | None,
    since: str | None,
    until: str | None,
    limit: int | None,
) -> SessionFilter:
    return SessionFilter(
        status=status,
        tree=tree,
        agent=agent,
        ticket=ticket,
        since=parse_when("--since", since),
        until=parse_when("--until", until),
        limit=limit,
    )


@contextmanager
def case_log_at(ctx: typer.Context) -> Iterator[CaseLog]:
    from troubleshoot.cases.log import open_case_log

    with open_case_log(options(ctx).db_target()) as case_log:
        yield case_log


def tree_lookup(ctx: typer.Context, case_log: CaseLog) -> Callable[[SessionRecord], Tree | None]:
    """The tree revision of a session (cached by its sha256), or None if it cannot be loaded."""
    from troubleshoot.session.launch import tree_for_session

    folders = options(ctx).tree_folders()
    cache: dict[str, Tree | None] = {}

    def tree_for(session: SessionRecord) -> Tree | None:
        if session.tree_sha256 not in cache:
            try:
                cache[session.tree_sha256] = tree_for_session(case_log, session, folders)
            except TroubleshootError:
                cache[session.tree_sha256] = None
        return cache[session.tree_sha256]

    return tree_for
