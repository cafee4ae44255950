"""The Typer application, its global options and the one error funnel."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from troubleshoot import __version__
from troubleshoot.errors import TroubleshootError


class _Group(TyperGroup):
    """Turns `TroubleshootError` into ``Error: ...`` on stderr and exit code 1."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except TroubleshootError as exc:
            from troubleshoot.cli.output import print_error

            print_error(str(exc))
            raise typer.Exit(1) from None


app = typer.Typer(
    cls=_Group,
    name="troubleshoot",
    help="A terminal troubleshooting wizard: guided sessions over decision trees, "
    "with every answer logged.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
)


@dataclass
class Options:
    """Global options, shared with every command through the Typer context."""

    db: str | None = None
    trees: list[Path] = field(default_factory=list)

    def tree_folders(self) -> list[Path]:
        from troubleshoot.paths import tree_folders

        return tree_folders(self.trees)

    def db_target(self) -> str:
        """The case log to use: a file path or a database URL."""
        from troubleshoot.paths import default_db

        return self.db or str(default_db())


def _version(value: bool) -> None:
    if value:
        typer.echo(f"troubleshoot {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="TROUBLESHOOT_DB",
            metavar="FILE|URL",
            help="The case database: an SQLite file (PostgreSQL URLs are planned).",
            show_envvar=True,
        ),
    ] = None,
    trees: Annotated[
        list[Path] | None,
        typer.Option(
            "--trees",
            metavar="DIR",
            help="A folder of *.tree.yaml files, searched before the bundled trees "
            "(repeatable; also TROUBLESHOOT_TREES).",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    ctx.obj = Options(db=db, trees=list(trees or []))


def options(ctx: typer.Context) -> Options:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, Options) else Options()
