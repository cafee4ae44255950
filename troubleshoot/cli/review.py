"""Commands a team lead runs before publishing a change to a tree: diff (and its friends)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from troubleshoot.cli.app import app, options
from troubleshoot.cli.completion import tree_ids
from troubleshoot.cli.output import print_json


class DiffFormat(StrEnum):
    MARKDOWN = "markdown"
    JSON = "json"


@app.command()
def diff(
    ctx: typer.Context,
    old: Annotated[str, typer.Argument(help="The old revision: a tree file (or tree id).")],
    new: Annotated[str, typer.Argument(help="The new revision: a tree file (or tree id).")],
    fmt: Annotated[
        DiffFormat,
        typer.Option("--format", help="markdown (for a pull request) or json."),
    ] = DiffFormat.MARKDOWN,
) -> None:
    """Compare two revisions of a tree: nodes, edges, outcomes, escalations and phases."""
    from troubleshoot.tree import diff as differ
    from troubleshoot.tree.catalog import load_any

    folders = options(ctx).tree_folders()
    found = differ.diff_trees(load_any(old, folders), load_any(new, folders))
    if fmt is DiffFormat.JSON:
        print_json(found.as_dict())
    else:
        typer.echo(differ.markdown(found))


@app.command()
def preview(
    ctx: typer.Context,
    tree: Annotated[
        str,
        typer.Argument(
            help="A tree id (see 'troubleshoot trees') or file.", autocompletion=tree_ids
        ),
    ],
    node: Annotated[str, typer.Argument(help="The id of the node to show.")],
) -> None:
    """Show one step as the agent sees it in a session, without starting one or logging."""
    from troubleshoot.cli.output import console
    from troubleshoot.session.preview import preview as draw
    from troubleshoot.tree.catalog import load_any

    draw(console(), load_any(tree, options(ctx).tree_folders()), node)
