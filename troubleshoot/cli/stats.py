"""`troubleshoot stats`: what the case log says about each tree revision."""

from __future__ import annotations

from typing import Annotated

import typer

from troubleshoot.cases.records import SessionFilter
from troubleshoot.cli.app import app
from troubleshoot.cli.case_options import FormatOpt, SinceOpt, case_log_at, parse_when, tree_lookup
from troubleshoot.cli.output import Format, console, print_json


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

    selection = SessionFilter(tree=tree, since=parse_when("--since", since))
    with case_log_at(ctx) as case_log:
        tree_for = tree_lookup(ctx, case_log)
        found = tree_stats(case_log, selection, lambda ref: tree_for(case_log.get_session(ref)))
    if fmt is Format.JSON:
        print_json([stats_object(s) for s in found])
    elif not found:
        typer.echo("No cases in the log" + (f" for tree '{tree}'." if tree else "."))
    else:
        for renderable in stats_renderables(found):
            console().print(renderable)
