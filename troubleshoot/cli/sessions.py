"""Commands for support agents and tree authors: run, resume, test."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from troubleshoot.cli.app import app, options
from troubleshoot.cli.completion import case_ids, tree_ids
from troubleshoot.cli.output import echo
from troubleshoot.errors import Paused, WrapUpInterrupted

if TYPE_CHECKING:
    from troubleshoot.cases.log import CaseLog
    from troubleshoot.session.coverage import Coverage
    from troubleshoot.session.engine import End


@app.command()
def test(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="PATH",
            help="Scenario files or folders (default: every folder on the tree search path).",
        ),
    ] = None,
    coverage: Annotated[
        bool,
        typer.Option("--coverage", help="Also list the nodes and edges no scenario reaches."),
    ] = False,
    min_coverage: Annotated[
        float | None,
        typer.Option(
            "--min-coverage",
            metavar="N",
            min=0,
            max=100,
            help="Fail when a tree's coverage is under N percent (implies --coverage).",
        ),
    ] = None,
) -> None:
    """Run *.scenarios.yaml files: scripted answers -> expected path and outcome."""
    from troubleshoot.session.coverage import Coverage
    from troubleshoot.session.scenarios import run_file, scenario_files

    folders = options(ctx).tree_folders()
    files = scenario_files(paths or [f for f in folders if f.is_dir()])
    passed = failed = 0
    covered: dict[str, Coverage] = {}
    for file in files:
        for result in run_file(file, folders):
            mark = "PASS" if result.passed else "FAIL"
            echo(f"{mark} {file} :: {result.name}")
            for failure in result.failures:
                echo("    " + failure.replace("\n", "\n    "))
            passed += result.passed
            failed += not result.passed
            if result.tree is not None and result.state is not None:
                covered.setdefault(result.tree.id, Coverage(result.tree)).add(result.state)
    low = _print_coverage(covered, min_coverage) if coverage or min_coverage is not None else []
    typer.echo(f"{passed} scenario(s) passed, {failed} failed")
    if not files:
        typer.echo("no *.scenarios.yaml files found", err=True)
    for tree_id in low:
        typer.echo(f"coverage of {tree_id} is under {min_coverage:g}%", err=True)
    if failed or not files or low:
        raise typer.Exit(1)


def _print_coverage(covered: dict[str, Coverage], minimum: float | None) -> list[str]:
    """Print each tree's coverage; the ids of the trees under `minimum`."""
    for found in covered.values():
        for line in found.report():
            typer.echo(line)
    return [t for t, found in covered.items() if minimum is not None and found.percent < minimum]


def _case_log(ctx: typer.Context) -> CaseLog:
    from troubleshoot.cases.log import open_case_log

    return open_case_log(options(ctx).db_target())


def _ended(ctx: typer.Context, end: End, session_id: str) -> None:
    if not end.escalated:
        typer.echo(f"Session {session_id} closed: {end.outcome}")
        return
    typer.echo(
        f"Session {session_id} escalated to {end.tier}. The next tier picks it up with: "
        f"troubleshoot resume {session_id} --agent NAME{options(ctx).again()}"
    )


def _paused(ctx: typer.Context, paused: Paused) -> None:
    resume, again = f"troubleshoot resume {paused.session_id}", options(ctx).again()
    if paused.status == "escalated":
        said = f"is still escalated, waiting for the next tier: {resume} --agent NAME"
    else:
        said = f"is saved. Resume it with: {resume}"
    said += again
    typer.echo(f"\nSession {paused.session_id} {said}", err=True)
    raise typer.Exit(130 if paused.interrupted else 0)


def _wrapup_interrupted(stopped: WrapUpInterrupted) -> None:
    typer.echo(
        f"\nSession {stopped.session_id} is {stopped.closed}, but the wrap-up was "
        f"{'interrupted' if stopped.interrupted else 'cut short (no more input)'}: "
        "no case note, follow-up date or satisfaction was saved.",
        err=True,
    )
    raise typer.Exit(130 if stopped.interrupted else 1)


@app.command()
def run(
    ctx: typer.Context,
    tree: Annotated[
        str | None,
        typer.Argument(
            metavar="TREE",
            help="The tree id (see 'troubleshoot trees'); none: pick from a list (type to filter).",
            autocompletion=tree_ids,
        ),
    ] = None,
    answers: Annotated[
        Path | None,
        typer.Option(
            "--answers", metavar="FILE", help="Answer from a YAML file instead of a terminal."
        ),
    ] = None,
    ticket: Annotated[
        str | None, typer.Option("--ticket", metavar="REF", help="The ticket reference.")
    ] = None,
    customer: Annotated[
        str | None,
        typer.Option(
            "--customer", metavar="WORDS", help="The problem in the customer's own words."
        ),
    ] = None,
    agent: Annotated[
        str | None,
        typer.Option(
            "--agent", metavar="NAME", help="Who runs the session (default: your user name)."
        ),
    ] = None,
    values: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="NAME=VALUE",
            help="Give a variable the tree declares before the start (repeatable).",
        ),
    ] = None,
) -> None:
    """Run a guided troubleshooting session; every answer is logged as it is given."""
    from troubleshoot.session.terminal import require_terminal

    assignments = {}
    if values:
        from troubleshoot.session.presets import parse_assignments

        assignments = parse_assignments(values)
    if answers is None:
        require_terminal()
    try:
        if answers is None and tree is not None and not ticket:
            session_id, end = _run_early(
                ctx, tree=tree, customer=customer, agent=agent, values=assignments
            )
        else:
            session_id, end = _run_loaded(
                ctx,
                tree=tree,
                answers=answers,
                ticket=ticket,
                customer=customer,
                agent=agent,
                values=assignments,
            )
    except Paused as paused:
        _paused(ctx, paused)
    except WrapUpInterrupted as stopped:
        _wrapup_interrupted(stopped)
    except (KeyboardInterrupt, EOFError) as exc:
        why = "Interrupted" if isinstance(exc, KeyboardInterrupt) else "The input ended"
        typer.echo(f"\n{why} before the session started: nothing was recorded.", err=True)
        raise typer.Exit(130 if isinstance(exc, KeyboardInterrupt) else 1) from None
    _ended(ctx, end, session_id)


def _run_early(
    ctx: typer.Context,
    *,
    tree: str,
    customer: str | None,
    agent: str | None,
    values: dict[str, str],
) -> tuple[str, End]:
    """A session on `tree` in a terminal: its first question is asked while the tree and the
    case log load (see `session/early.py`)."""
    from troubleshoot.cli.output import console
    from troubleshoot.session.early import run_early

    return run_early(
        name=tree,
        folders=options(ctx).tree_folders(),
        db=options(ctx).db_target(),
        console=console,
        customer=customer,
        agent=agent,
        values=values,
        again=options(ctx).again(),
    )


def _run_loaded(
    ctx: typer.Context,
    *,
    tree: str | None,
    answers: Path | None,
    ticket: str | None,
    customer: str | None,
    agent: str | None,
    values: dict[str, str],
) -> tuple[str, End]:
    """A session whose tree and case log are loaded before the first question (a tree picked
    from a list, answers from a file, or a ticket reference given)."""
    from troubleshoot.cases.records import Intake
    from troubleshoot.cli.output import console
    from troubleshoot.session.launch import run_session

    with _case_log(ctx) as case_log:
        return run_session(
            name=tree,
            folders=options(ctx).tree_folders(),
            case_log=case_log,
            console=console(),
            answers=answers,
            intake=Intake(ticket=ticket or None, customer=customer or None),
            agent=agent,
            values=values,
            again=options(ctx).again(),
        )


@app.command()
def resume(
    ctx: typer.Context,
    session_id: Annotated[
        str | None,
        typer.Argument(
            metavar="ID",
            help="The session id (or its start); none: pick from a list.",
            autocompletion=case_ids,
        ),
    ] = None,
    agent: Annotated[
        str | None,
        typer.Option(
            "--agent", metavar="NAME", help="Who continues the session (default: your user name)."
        ),
    ] = None,
) -> None:
    """Continue a paused session, or pick up an escalated one; shows the history first."""
    from troubleshoot.cli.output import console
    from troubleshoot.session.launch import resume_session

    case_log = _case_log(ctx)
    try:
        resumed, end = resume_session(
            session_id=session_id,
            folders=options(ctx).tree_folders(),
            case_log=case_log,
            console=console(),
            agent=agent,
            again=options(ctx).again(),
        )
    except Paused as paused:
        _paused(ctx, paused)
    except WrapUpInterrupted as stopped:
        _wrapup_interrupted(stopped)
    finally:
        case_log.close()
    _ended(ctx, end, resumed)
