"""The Typer application, its global options and the one error funnel."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperArgument, TyperGroup, TyperOption

from troubleshoot import __version__
from troubleshoot.errors import OutputClosed, TroubleshootError

GLOBAL_OPTIONS = ("--db", "--trees")
"""The root options that take a value; they may also be given after the command."""
COMMAND_ORDER = ("run", "resume", "trees", "cases", "stats", "validate", "test", "show", "graph")
"""How `--help` lists the commands: an agent's first, then a team lead's; the rest after."""


def globals_first(args: list[str]) -> list[str]:
    """`args` with the global options given after the command moved before it, so
    ``troubleshoot run X --db F`` means ``troubleshoot --db F run X`` (an ``--`` stops this)."""
    at = 0
    while at < len(args) and args[at].startswith("-") and args[at] != "--":
        at += 2 if args[at] in GLOBAL_OPTIONS else 1
    head, rest, moved = list(args[:at]), list(args[at:]), []
    index = 0
    while index < len(rest) and rest[index] != "--":
        name = rest[index].partition("=")[0]
        if name in GLOBAL_OPTIONS:
            width = 1 if "=" in rest[index] else 2
            moved += rest[index : index + width]
            del rest[index : index + width]
        else:
            index += 1
    return head + moved + rest


class _Argument(TyperArgument):
    """An argument whose help shows its name and help text, not a Python type."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None


def _plain_arguments(command: Any) -> Any:
    """Help that names values (``--agent AGENT``) instead of showing Python types (``<str>``);
    choices are still listed."""
    for param in getattr(command, "params", []):
        if type(param) is TyperArgument:
            param.__class__ = _Argument
        elif isinstance(param, TyperOption) and param.metavar is None and param.name:
            described = getattr(param, "type_descriptor", None)
            if not (param.is_flag or getattr(described, "is_choice", False)):
                param.metavar = param.name.upper()
    for sub in getattr(command, "commands", {}).values():
        _plain_arguments(sub)
    return command


class _Group(TyperGroup):
    """Turns `TroubleshootError` into ``Error: ...`` on stderr and exit code 1; accepts the
    global options after the command; lists the commands in a useful order."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return list(super().parse_args(ctx, globals_first(args)))

    def list_commands(self, ctx: Any) -> list[str]:
        names = super().list_commands(ctx)
        first = [n for n in COMMAND_ORDER if n in names]
        return first + [n for n in names if n not in first]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        return _plain_arguments(super().get_command(ctx, cmd_name))

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except TroubleshootError as exc:
            from troubleshoot.cli.output import print_error

            if isinstance(exc, OutputClosed):
                _drop_stdout()
            print_error(str(exc))
            raise typer.Exit(1) from None
        except BrokenPipeError:
            _drop_stdout()  # the reader went away (`| head`): stop quietly
            raise typer.Exit(1) from None


def _drop_stdout() -> None:
    """Send what is left for a closed standard output to nowhere, so Python's flush at exit
    does not fail again."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


app = typer.Typer(
    cls=_Group,
    name="troubleshoot",
    help="A terminal troubleshooting wizard: guided sessions over decision trees, "
    "with every answer logged.",
    epilog="The options --db and --trees may also follow the command: "
    "troubleshoot run TREE --db FILE.",
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
    db_typed: bool = False
    """Whether --db was typed on the command line (not taken from TROUBLESHOOT_DB)."""

    def again(self) -> str:
        """The global options to repeat in a command shown to the user (` --db F`), so it
        works on the same case log and trees; empty when there are none."""
        import shlex

        words = []
        if self.db and self.db_typed:
            words += ["--db", shlex.quote(self.db)]
        for folder in self.trees:
            words += ["--trees", shlex.quote(str(folder))]
        return "".join(" " + word for word in words)

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
            help="The case database: an SQLite file, or a postgresql:// URL for a team database.",
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
    source = ctx.get_parameter_source("db")
    typed = source is not None and source.name == "COMMANDLINE"
    ctx.obj = Options(db=db, trees=list(trees or []), db_typed=typed)


def options(ctx: typer.Context) -> Options:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, Options) else Options()
