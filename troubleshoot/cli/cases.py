"""`troubleshoot cases list|show|search|followups|followup`: the case log for agents."""

from __future__ import annotations

import sys
from datetime import date
from enum import StrEnum
from typing import Annotated

import typer

from troubleshoot.cli.app import app
from troubleshoot.cli.case_options import (
    AgentOpt,
    FormatOpt,
    LimitOpt,
    SinceOpt,
    StatusOpt,
    TicketOpt,
    TreeOpt,
    UntilOpt,
    case_log_at,
    session_filter,
    tree_lookup,
)
from troubleshoot.cli.output import Format, console, print_json
from troubleshoot.errors import TroubleshootError

cases_app = typer.Typer(
    name="cases",
    help="The case log: list, show, search and export cases; follow-ups; push to a team database.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(cases_app)


class ShowFormat(StrEnum):
    TEXT = "text"
    MD = "md"
    JSON = "json"


@cases_app.command("list")
def list_cases(
    ctx: typer.Context,
    status: StatusOpt = None,
    tree: TreeOpt = None,
    agent: AgentOpt = None,
    ticket: TicketOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    limit: LimitOpt = 50,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Cases, newest first."""
    from troubleshoot.cli.case_render import session_table

    selection = session_filter(
        status=status, tree=tree, agent=agent, ticket=ticket, since=since, until=until, limit=limit
    )
    with case_log_at(ctx) as case_log:
        found = case_log.list_sessions(selection)
    if fmt is Format.JSON:
        from troubleshoot.cases.view import session_object

        print_json([session_object(s) for s in found])
    elif not found:
        typer.echo("No cases match.")
    else:
        console().print(session_table(found))


@cases_app.command()
def show(
    ctx: typer.Context,
    case_id: Annotated[
        str, typer.Argument(metavar="ID", help="The case id, its start or its tail.")
    ],
    reply: Annotated[
        bool, typer.Option("--reply", help="Print only the reply draft, as plain text.")
    ] = False,
    fmt: Annotated[
        ShowFormat, typer.Option("--format", help="text for people, md for tickets, json.")
    ] = ShowFormat.TEXT,
) -> None:
    """The whole case: intake, path by phase, fixes tried, outcome, reply, follow-ups."""
    from troubleshoot.cases.records import Case
    from troubleshoot.cases.view import case_object, case_view

    with case_log_at(ctx) as case_log:
        session = case_log.get_session(case_id)
        case = Case(session, tuple(case_log.events(session.id)))
        tree = tree_lookup(ctx, case_log)(session) if fmt is not ShowFormat.JSON else None
    if reply:
        if not session.reply:
            raise TroubleshootError(f"case {session.id} has no reply draft")
        from troubleshoot.printable import printable

        sys.stdout.write(printable(session.reply).rstrip("\n") + "\n")
    elif fmt is ShowFormat.JSON:
        print_json(case_object(case))
    elif fmt is ShowFormat.MD:
        from troubleshoot.cases.report import case_report

        sys.stdout.write(case_report(case_view(case, tree)))
    else:
        from troubleshoot.cli.case_render import case_renderables

        for renderable in case_renderables(case_view(case, tree)):
            console().print(renderable)


@cases_app.command()
def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Words to find (full-text query syntax).")],
    status: StatusOpt = None,
    tree: TreeOpt = None,
    agent: AgentOpt = None,
    ticket: TicketOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    limit: LimitOpt = 20,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Full-text search over customer words, tickets, prompts, answers and notes, best first."""
    selection = session_filter(
        status=status, tree=tree, agent=agent, ticket=ticket, since=since, until=until, limit=limit
    )
    with case_log_at(ctx) as case_log:
        hits = case_log.search(query, selection)
    if fmt is Format.JSON:
        from troubleshoot.cases.view import hit_object

        print_json([hit_object(h) for h in hits])
    elif not hits:
        typer.echo("No cases match.")
    else:
        from troubleshoot.cli.case_render import hits_table

        console().print(hits_table(hits))
        typer.echo("Open one with: troubleshoot cases show ID")


@cases_app.command()
def followups(
    ctx: typer.Context,
    every: Annotated[
        bool, typer.Option("--all", help="Every follow-up, done or not, due or not.")
    ] = False,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Follow-ups due today or overdue and not done yet."""
    from troubleshoot.cli.case_render import follow_ups_table

    with case_log_at(ctx) as case_log:
        found = case_log.follow_ups(None if every else date.today().isoformat())
    if fmt is Format.JSON:
        from troubleshoot.cases.view import session_object

        print_json([{**session_object(f.session), "follow_up_done": f.done} for f in found])
    elif not found:
        typer.echo("No follow-ups due." if not every else "No follow-ups in the log.")
    else:
        console().print(follow_ups_table(found))


@cases_app.command()
def followup(
    ctx: typer.Context,
    case_id: Annotated[
        str, typer.Argument(metavar="ID", help="The case id, its start or its tail.")
    ],
    result: Annotated[str, typer.Option("--result", help="What came of the follow-up.")],
    satisfaction: Annotated[
        int | None,
        typer.Option("--satisfaction", min=1, max=5, help="The customer's satisfaction, 1-5."),
    ] = None,
    agent: Annotated[
        str | None, typer.Option("--agent", help="Who followed up (default: your user name).")
    ] = None,
) -> None:
    """Record that a follow-up was done, with its result and the customer's satisfaction."""
    from troubleshoot.cases.records import Event, EventKind
    from troubleshoot.session.launch import default_agent

    if not result.strip():
        raise TroubleshootError("--result is empty: say what came of the follow-up")
    with case_log_at(ctx) as case_log:
        session = case_log.get_session(case_id)
        event = Event(
            kind=EventKind.FOLLOWUP,
            agent=agent or default_agent(),
            text=result.strip(),
            value={"satisfaction": satisfaction},
        )
        case_log.record_follow_up(session.id, event, satisfaction)
    typer.echo(f"Follow-up recorded on case {session.id}.")
