"""`troubleshoot cases init|push`: the case log's tables, and offline work sent to the team
database."""

from __future__ import annotations

from typing import Annotated

import typer

from troubleshoot.cli.app import options
from troubleshoot.cli.cases import cases_app
from troubleshoot.errors import TroubleshootError


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@cases_app.command()
def init(ctx: typer.Context) -> None:
    """Create the case log's tables, or bring them up to date (for a team database: run it as
    the database's owner, once and after each upgrade)."""
    from troubleshoot.cases.log import open_case_log

    with open_case_log(options(ctx).db_target()) as log:
        typer.echo(f"The case log {log.target} is ready.")


@cases_app.command()
def push(
    ctx: typer.Context,
    to: Annotated[
        str,
        typer.Option(
            "--to",
            metavar="URL",
            help="The team case database, e.g. postgresql://USER@HOST/DATABASE.",
        ),
    ],
) -> None:
    """Copy the sessions of this case log (--db) to the team database; safe to repeat."""
    from troubleshoot.cases.log import mask_password, open_case_log
    from troubleshoot.cases.push import push as push_sessions

    source_target = options(ctx).db_target()
    if to == source_target:
        raise TroubleshootError("--to names the case log being pushed; give the team database")
    with open_case_log(source_target) as source, open_case_log(to) as target:
        report = push_sessions(source, target)
    typer.echo(
        f"Pushed to {mask_password(to)}: {_plural(len(report.copied), 'session')} copied, "
        f"{len(report.completed)} completed, {report.unchanged} already there."
    )
    if report.conflicts:
        lines = "\n".join(f"  {line}" for line in report.conflicts)
        raise TroubleshootError(
            f"{_plural(len(report.conflicts), 'session')} changed in both places and "
            f"{'was' if len(report.conflicts) == 1 else 'were'} not pushed:\n{lines}"
        )
