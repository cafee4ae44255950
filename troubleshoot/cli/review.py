"""Commands a team lead runs before publishing a change to a tree: diff (and its friends)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from troubleshoot.cli.app import app, options
from troubleshoot.cli.completion import tree_ids
from troubleshoot.cli.output import Format, print_json
from troubleshoot.errors import TroubleshootError

if TYPE_CHECKING:
    from troubleshoot.tree.model import Tree


class DiffFormat(StrEnum):
    MARKDOWN = "markdown"
    JSON = "json"


@app.command()
def diff(
    ctx: typer.Context,
    old: Annotated[
        str, typer.Argument(help="The old revision: a tree file, a tree id, or TREE@REV.")
    ],
    new: Annotated[
        str, typer.Argument(help="The new revision: a tree file, a tree id, or TREE@REV.")
    ],
    fmt: Annotated[
        DiffFormat,
        typer.Option("--format", help="markdown (for a pull request) or json."),
    ] = DiffFormat.MARKDOWN,
) -> None:
    """Compare two revisions of a tree: nodes, edges, outcomes, escalations and phases.
    TREE@REV is a revision kept in the case log (one that some case ran on)."""
    from troubleshoot.tree import diff as differ

    found = differ.diff_trees(_revision(ctx, old), _revision(ctx, new))
    if fmt is DiffFormat.JSON:
        print_json(found.as_dict())
    else:
        typer.echo(differ.markdown(found))


def _revision(ctx: typer.Context, name: str) -> Tree:
    """A tree file or id, or `TREE@REV` from the case log."""
    from troubleshoot.session.revisions import revision_ref, stored_revision
    from troubleshoot.tree.catalog import load_any

    opts = options(ctx)
    ref = revision_ref(name)
    if ref is None:
        return load_any(name, opts.tree_folders())
    from troubleshoot.cases.log import open_case_log

    with open_case_log(opts.db_target()) as case_log:
        return stored_revision(case_log, *ref)


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


@app.command()
def replay(
    ctx: typer.Context,
    tree: Annotated[
        str,
        typer.Argument(
            help="The tree whose logged cases to replay: its id (or file).",
            autocompletion=tree_ids,
        ),
    ],
    since: Annotated[
        str | None,
        typer.Option("--since", metavar="DATE", help="Only cases started on or after DATE."),
    ] = None,
    revision: Annotated[
        int | None,
        typer.Option("--revision", metavar="N", help="Only cases that ran on revision N."),
    ] = None,
    tree_file: Annotated[
        Path | None,
        typer.Option(
            "--tree-file", help="Replay on this file instead of the tree found by its id."
        ),
    ] = None,
    fmt: Annotated[
        Format, typer.Option("--format", help="table for people, json for machines.")
    ] = Format.TABLE,
) -> None:
    """Re-run the answers of logged cases on the current tree: which route the same, which end
    elsewhere, and which stop at a question that changed. Nothing is written to the log."""
    from troubleshoot.cases.log import open_case_log
    from troubleshoot.session.replay import as_dict, replay_cases, summary
    from troubleshoot.tree.catalog import load_any

    opts = options(ctx)
    loaded = load_any(str(tree_file or tree), opts.tree_folders())
    with open_case_log(opts.db_target()) as case_log:
        results = replay_cases(case_log=case_log, tree=loaded, since=_day(since), revision=revision)
    if fmt is Format.JSON:
        print_json(as_dict(loaded, results))
        return
    typer.echo(f"Replaying {loaded.id} cases on revision {loaded.revision} ({loaded.path}):")
    for result in results:
        typer.echo(result.line())
    typer.echo(summary(results))


def _day(text: str | None) -> str | None:
    from datetime import date

    if text is None:
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise TroubleshootError(f"--since {text!r}: give a date as YYYY-MM-DD") from None
