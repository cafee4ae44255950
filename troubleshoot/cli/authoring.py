"""Commands for team leads: validate, trees, show."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from troubleshoot.cli.app import app, options
from troubleshoot.cli.completion import case_ids, tree_ids
from troubleshoot.cli.output import Format, console, echo, print_json
from troubleshoot.errors import TroubleshootError
from troubleshoot.printable import printable


@app.command()
def validate(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="PATH",
            help="Tree files or folders (default: every folder on the tree search path).",
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
    files = [_shown(row.path) for row in found]
    table = Table()
    table.add_column("id", no_wrap=True)  # ids and files are shown whole: people type them
    for name in ("title", "revision", "nodes", "phases"):
        table.add_column(name)
    table.add_column("file", no_wrap=True, min_width=max(map(len, files), default=4))
    if broken:
        table.add_column("problems", style="red")
    for row, file in zip(found, files, strict=True):
        cells = [
            row.id,
            row.title,
            str(row.revision),
            str(row.nodes),
            " > ".join(row.phases),
            file,
        ]
        cells += [row.problems] if broken else []
        table.add_row(*(Text(printable(cell)) for cell in cells))  # tree text is never markup
    console().print(table)
    duplicates = [row.problems for row in found if row.duplicate]
    if duplicates:
        raise TroubleshootError("\n".join(duplicates))


@app.command()
def show(
    ctx: typer.Context,
    tree: Annotated[
        str,
        typer.Argument(
            metavar="TREE",
            help="A tree id (see 'troubleshoot trees') or file.",
            autocompletion=tree_ids,
        ),
    ],
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
    tree: Annotated[
        str,
        typer.Argument(
            metavar="TREE",
            help="A tree id (see 'troubleshoot trees') or file.",
            autocompletion=tree_ids,
        ),
    ],
    fmt: Annotated[
        GraphFormat, typer.Option("--format", help="mermaid or dot (Graphviz).")
    ] = GraphFormat.MERMAID,
    highlight: Annotated[
        str | None,
        typer.Option(
            "--highlight",
            metavar="CASE_ID",
            help="Mark the path this logged case took (on the tree revision it ran on).",
            autocompletion=case_ids,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="Write to FILE: .svg or .png (drawn by Graphviz), .dot, or .mmd (Mermaid).",
        ),
    ] = None,
) -> None:
    """Draw a tree as a flowchart: Mermaid (for Markdown), Graphviz DOT, or an SVG/PNG file."""
    from troubleshoot.tree import graph as pictures
    from troubleshoot.tree import render
    from troubleshoot.tree.catalog import load

    opts = options(ctx)
    loaded = load(tree, opts.tree_folders())
    marked = None
    if highlight is not None:
        from troubleshoot.cases.log import open_case_log
        from troubleshoot.session.trace import case_path

        with open_case_log(opts.db_target()) as case_log:
            loaded, marked = case_path(case_log, highlight, loaded.id, opts.tree_folders())
    kind = render.output_format(output) if output else str(fmt)
    text = pictures.mermaid(loaded, marked) if kind == "mermaid" else pictures.dot(loaded, marked)
    if output is None:
        echo(text, nl=False)
    elif kind in ("mermaid", "dot"):
        output.write_text(text, encoding="utf-8")
        typer.echo(f"Wrote {output}")
    else:
        render.write_image(text, output)
        typer.echo(f"Wrote {output}")


@app.command()
def schema(
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="Write it to this file (e.g. tree.schema.json at the root of your tree "
            "repository, where 'new' finds it).",
        ),
    ] = None,
) -> None:
    """Print the JSON Schema of *.tree.yaml files (for editor completion and checks)."""
    from troubleshoot.tree.schema import schema_text

    if output is None:
        typer.echo(schema_text(), nl=False)
        return
    from troubleshoot.tree.scaffold import write_schema

    typer.echo(f"Wrote {write_schema(output)}")


@app.command()
def new(
    ctx: typer.Context,
    tree_id: Annotated[str, typer.Argument(metavar="ID", help="The new tree's id (kebab-case).")],
    title: Annotated[
        str | None, typer.Option("--title", metavar="TEXT", help="The tree's title.")
    ] = None,
    folder: Annotated[Path, typer.Option("--dir", metavar="DIR", help="Where to write it.")] = Path(
        "."
    ),
) -> None:
    """Write a starter tree ID.tree.yaml (and its scenarios) in the method's shape."""
    from troubleshoot.tree.scaffold import write_starter

    written = write_starter(tree_id, title, folder)
    typer.echo(
        f"Wrote {', '.join(map(str, written))}. Edit them, then run: "
        f"troubleshoot validate {written[0]} && troubleshoot test {written[1]}"
    )


def _shown(path: Path) -> str:
    """A path as short as it can be shown: relative to here, or to the home folder."""
    resolved = path.resolve()
    for base, prefix in ((Path.cwd(), ""), (Path.home(), "~/")):
        if resolved.is_relative_to(base):
            return prefix + str(resolved.relative_to(base))
    return str(path)
