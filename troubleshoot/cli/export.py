"""`troubleshoot cases export`: every case as CSV, JSON, JSON lines or Markdown, streamed."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO, TypeVar

import typer

from troubleshoot.cli.case_options import (
    AgentOpt,
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
from troubleshoot.cli.cases import cases_app
from troubleshoot.errors import TroubleshootError

if TYPE_CHECKING:
    from troubleshoot.cases.records import Case


T = TypeVar("T")


class ExportChoice(StrEnum):
    CSV = "csv"
    JSON = "json"
    JSONL = "jsonl"
    MD = "md"


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


def _progress(items: Iterator[T], total: int) -> Iterator[T]:
    """`items`, with a progress bar on stderr when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield from items
        return
    from rich.progress import Progress

    from troubleshoot.cli.output import err_console

    with Progress(console=err_console(), transient=True) as progress:
        task = progress.add_task("Exporting", total=total)
        for item in items:
            yield item
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
    from troubleshoot.cases.export import RECORD_FORMATS, ExportFormat, export
    from troubleshoot.cases.redact import redact_case

    selection = session_filter(
        status=status, tree=tree, agent=agent, ticket=ticket, since=since, until=until, limit=limit
    )
    newline = "" if fmt is ExportChoice.CSV else None
    chosen = ExportFormat(fmt.value)
    with case_log_at(ctx) as case_log:
        if chosen in RECORD_FORMATS and not events and not redact:
            # Built by the database where it can (the same bytes; far faster on a large log).
            records = case_log.export_records(selection, chosen)
            if sys.stderr.isatty():
                header = int(chosen is ExportFormat.CSV)
                records = _progress(records, case_log.count_sessions(selection) + header)
            with _output(output, newline=newline) as out:
                out.writelines(records)
            return
        with_events = fmt is not ExportChoice.CSV or events
        cases: Iterator[Case] = case_log.iter_cases(selection, with_events=with_events)
        if redact:
            cases = (redact_case(c) for c in cases)
        if sys.stderr.isatty():
            cases = _progress(cases, case_log.count_sessions(selection))
        with _output(output, newline=newline) as out:
            export(
                cases,
                out,
                format=chosen,
                events=events,
                tree_for=tree_lookup(ctx, case_log),
            )
