"""Commands for support agents and tree authors: run, resume, test."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from troubleshoot.cli.app import app, options


@app.command()
def test(
    ctx: typer.Context,
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Scenario files or folders (default: every folder on the tree search path).")] = None,
) -> None:
    """Run *.scenarios.yaml files: scripted answers -> expected path and outcome."""
    from troubleshoot.session.scenarios import run_file, scenario_files

    folders = options(ctx).tree_folders()
    files = scenario_files(paths or [f for f in folders if f.is_dir()])
    passed = failed = 0
    for file in files:
        for result in run_file(file, folders):
            mark = "PASS" if result.passed else "FAIL"
            typer.echo(f"{mark} {file} :: {result.name}")
            for failure in result.failures:
                typer.echo("    " + failure.replace("\n", "\n    "))
            passed += result.passed
            failed += not result.passed
    typer.echo(f"{passed} scenario(s) passed, {failed} failed")
    if failed or not files:
        if not files:
            typer.echo("no *.scenarios.yaml files found", err=True)
        raise typer.Exit(1)
