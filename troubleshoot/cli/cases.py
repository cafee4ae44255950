"""`troubleshoot cases ...` and `troubleshoot stats`: the case log for agents, leads and tools."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from troubleshoot.cases.records import SessionFilter, Status
from troubleshoot.cli.app import app, options
from troubleshoot.cli.output import Format, console, print_json
from troubleshoot.errors import TroubleshootError

if TYPE_CHECKING:
    from troubleshoot.cases.log import CaseLog
    from troubleshoot.cases.records import Case, SessionRecord
    from troubleshoot.tree.model import Tree

cases_app = typer.Typer(
    name="cases",
    help="The case log: list, show, search and export cases; follow-ups.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(cases_app)


class ShowFormat(StrEnum):
    TEXT = "text"
    MD = "md"
    JSON = "json"


class ExportChoice(StrEnum):
    CSV = "csv"
    JSON = "json"
    JSONL = "jsonl"
    MD = "md"


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


def _when(option: str, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        (date if len(value) == 10 else datetime).fromisoformat(value)
    except ValueError:
        raise TroubleshootError(
            f"{option} '{value}' is not a date: use YYYY-MM-DD (or YYYY-MM-DDTHH:MM)"
        ) from None
    return value


def _filter(
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
        since=_when("--since", since),
        until=_when("--until", until),
        limit=limit,
    )


@contextmanager
def _log(ctx: typer.Context) -> Iterator[CaseLog]:
    from troubleshoot.cases.log import open_case_log

    with open_case_log(options(ctx).db_target()) as case_log:
        yield case_log


def _tree_for(ctx: typer.Context, case_log: CaseLog) -> Callable[[SessionRecord], Tree | None]:
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

    selection = _filter(
        status=status, tree=tree, agent=agent, ticket=ticket, since=since, until=until, limit=limit
    )
    with _log(ctx) as case_log:
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

    with _log(ctx) as case_log:
        session = case_log.get_session(case_id)
        case = Case(session, tuple(case_log.events(session.id)))
        tree = _tree_for(ctx, case_log)(session) if fmt is not ShowFormat.JSON else None
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
    from troubleshoot.cli.case_render import hits_table

    selection = _filter(
        status=status, tree=tree, agent=agent, ticket=ticket, since=since, until=until, limit=limit
    )
    with _log(ctx) as case_log:
        hits = case_log.search(query, selection)
    if fmt is Format.JSON:
        from troubleshoot.cases.view import hit_object

        print_json([hit_object(h) for h in hits])
    elif not hits:
        typer.echo("No cases match.")
    else:
        console().print(hits_table(hits))
        typer.echo("Open one with: troubleshoot cases show ID")


@contextmanager
def _output(path: Path | None, *, newline: str | None) -> Iterator[TextIO]:
    """Standard output, or `path` created readable by its owner only (it holds customer data)."""
    if path is None:
        yield sys.stdout
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        if stat.S_ISREG(os.fstat(fd).st_mode):
            os.fchmod(fd, 0o600)
    except OSError as exc:
        raise TroubleshootError(
            f"cannot write {path}: {exc.strerror}; choose another -o FILE"
        ) from None
    with open(fd, "w", encoding="utf-8", newline=newline) as out:
        yield out


def _progress(cases: Iterator[Case], total: int) -> Iterator[Case]:
    """`cases`, with a progress bar on stderr when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield from cases
        return
    from rich.progress import Progress

    from troubleshoot.cli.output import err_console

    with Progress(console=err_console(), transient=True) as progress:
        task = progress.add_task("Exporting", total=total)
        for case in cases:
            yield case
            progress.advance(task)


@cases_app.command("export")
def export_cases(
    ctx: typer.Context,
    fmt: Annotated[ExportChoice, typer.Option("--format", help="csv, json, jsonl or md.")] = (
        ExportChoice.CSV
    ),
    output: Annotated[
        Path | None, typer.Option("-o", "--output", metavar="FILE", help="Write to FILE (0600).")
    ] = None,
    events: Annotated[bool, typer.Option("--events", help="CSV: one row per event.")] = False,
    redact: Annotated[
        bool, typer.Option("--redact", help="Replace e-mails, phone and card numbers in text.")
    ] = False,
    status: StatusOpt = None,
    tree: TreeOpt = None,
    agent: AgentOpt = None,
    ticket: TicketOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    limit: LimitOpt = None,
) -> None:
    """Export cases (newest first) as CSV, JSON, JSON lines or Markdown case reports."""
    from troubleshoot.cases.export import ExportFormat, export
    from troubleshoot.cases.redact import redact_case

    selection = _filter(
        status=status, tree=tree, agent=agent, ticket=ticket, since=since, until=until, limit=limit
    )
    with _log(ctx) as case_log:
        cases: Iterator[Case] = case_log.iter_cases(selection)
        if redact:
            cases = (redact_case(c) for c in cases)
        if sys.stderr.isatty():
            cases = _progress(cases, case_log.count_sessions(selection))
        with _output(output, newline="" if fmt is ExportChoice.CSV else None) as out:
            export(
                cases,
                out,
                format=ExportFormat(fmt.value),
                events=events,
                tree_for=_tree_for(ctx, case_log),
            )


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

    with _log(ctx) as case_log:
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
    with _log(ctx) as case_log:
        session = case_log.get_session(case_id)
        event = Event(
            kind=EventKind.FOLLOWUP,
            agent=agent or default_agent(),
            text=result.strip(),
            value={"satisfaction": satisfaction},
        )
        case_log.record_follow_up(session.id, event, satisfaction)
    typer.echo(f"Follow-up recorded on case {session.id}.")


@app.command()
def stats(
    ctx: typer.Context,
    tree: Annotated[str | None, typer.Argument(help="Only this tree id.")] = None,
    since: SinceOpt = None,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """What the case log says about each tree revision: outcomes, times, fixes that work."""
    from troubleshoot.cases.stats import stats_object, tree_stats
    from troubleshoot.cli.stats_render import stats_renderables

    selection = SessionFilter(tree=tree, since=_when("--since", since))
    with _log(ctx) as case_log:
        tree_for = _tree_for(ctx, case_log)
        found = tree_stats(case_log, selection, lambda ref: tree_for(case_log.get_session(ref)))
    if fmt is Format.JSON:
        print_json([stats_object(s) for s in found])
    elif not found:
        typer.echo("No cases in the log" + (f" for tree '{tree}'." if tree else "."))
    else:
        for renderable in stats_renderables(found):
            console().print(renderable)
