"""Commands for team leads: validate, trees, show."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from troubleshoot.cli.app import app, options
from troubleshoot.cli.output import Format, console, echo, print_json
from troubleshoot.errors import TroubleshootError
from troubleshoot.safetext import visible


@app.command()
def validate(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Tree files or folders (default: every folder on the tree search path)."
        ),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
    fmt: Annotated[
        Format, typer.Option("--format", help="table for people, json for CI.")
    ] = Format.TABLE,
) -> None:
    """Check tree files: every problem as file:line:col: message. Exit 1 on any error."""
    from troubleshoot.tree.catalog import check_paths
    from troubleshoot.tree.problems import Severity

    opts = options(ctx)
    results = check_paths(
        paths or [f for f in opts.tree_folders() if f.is_dir()], opts.tree_folders()
    )
    problems = [p for _, found in results for p in found]
    errors = sum(p.severity is Severity.ERROR for p in problems)
    warnings = len(problems) - errors
    if fmt is Format.JSON:
        print_json(
            {
                "files": [str(f) for f, _ in results],
                "errors": errors,
                "warnings": warnings,
                "problems": [p.as_dict() for p in problems],
            }
        )
    else:
        for problem in problems:
            echo(str(problem))
        status = "ok" if not problems else f"{errors} error(s), {warnings} warning(s)"
        typer.echo(f"{len(results)} file(s) checked: {status}", err=bool(problems))
    if errors or (strict and warnings):
        raise typer.Exit(1)


@app.command()
def trees(
    ctx: typer.Context,
    fmt: Annotated[
        Format, typer.Option("--format", help="table for people, json for machines.")
    ] = Format.TABLE,
) -> None:
    """List the trees you can run: id, title, revision, nodes, phases, file."""
    from troubleshoot.tree.catalog import summaries

    found = summaries(options(ctx).tree_folders())
    if fmt is Format.JSON:
        print_json([row.as_dict() for row in found])
        return
    from rich.table import Table
    from rich.text import Text

    broken = any(row.problems for row in found)
    table = Table("id", "title", "revision", "nodes", "phases", "file")
    if broken:
        table.add_column("problems", style="red")
    for row in found:
        cells = [
            row.id,
            row.title,
            str(row.revision),
            str(row.nodes),
            " > ".join(row.phases),
            _shown(row.path),
        ]
        cells += [row.problems] if broken else []
        table.add_row(*(Text(visible(cell)) for cell in cells))  # tree text is never markup
    console().print(table)
    duplicates = [row.problems for row in found if row.duplicate]
    if duplicates:
        raise TroubleshootError("\n".join(duplicates))


@app.command()
def show(
    ctx: typer.Context,
    tree: Annotated[str, typer.Argument(help="A tree id (see 'troubleshoot trees') or file.")],
) -> None:
    """Show a tree as an outline, phase by phase, with where each answer leads."""
    from troubleshoot.tree.catalog import load
    from troubleshoot.tree.graph import outline

    console().print(outline(load(tree, options(ctx).tree_folders())))


class GraphFormat(StrEnum):
    MERMAID = "mermaid"
    DOT = "dot"


@app.command()
def graph(
    ctx: typer.Context,
    tree: Annotated[str, typer.Argument(help="A tree id (see 'troubleshoot trees') or file.")],
    fmt: Annotated[
        GraphFormat, typer.Option("--format", help="mermaid or dot (Graphviz).")
    ] = GraphFormat.MERMAID,
) -> None:
    """Print a tree as a flowchart: Mermaid (for Markdown) or Graphviz DOT."""
    from troubleshoot.tree import graph as pictures
    from troubleshoot.tree.catalog import load

    loaded = load(tree, options(ctx).tree_folders())
    echo(pictures.mermaid(loaded) if fmt is GraphFormat.MERMAID else pictures.dot(loaded), nl=False)


@app.command()
def schema() -> None:
    """Print the JSON Schema of *.tree.yaml files (for editor completion and checks)."""
    from troubleshoot.tree.schema import schema_text

    typer.echo(schema_text(), nl=False)


@app.command()
def new(
    ctx: typer.Context,
    tree_id: Annotated[str, typer.Argument(metavar="ID", help="The new tree's id (kebab-case).")],
    title: Annotated[str | None, typer.Option("--title", help="The tree's title.")] = None,
    folder: Annotated[Path, typer.Option("--dir", help="Where to write it.")] = Path("."),
) -> None:
    """Write a starter tree ID.tree.yaml (and its scenarios) in the method's shape."""
    from troubleshoot.tree.scaffold import write_starter

    tree_file, scenarios_file = write_starter(tree_id, title, folder)
    typer.echo(
        f"Wrote {tree_file} and {scenarios_file}. Edit them, then run: "
        f"troubleshoot validate {tree_file} && troubleshoot test {scenarios_file}"
    )


def _shown(path: Path) -> str:
    """A path as short as it can be shown: relative to here, or to the home folder."""
    resolved = path.resolve()
    for base, prefix in ((Path.cwd(), ""), (Path.home(), "~/")):
        if resolved.is_relative_to(base):
            return prefix + str(resolved.relative_to(base))
    return str(path)
