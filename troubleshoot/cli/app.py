"""The Typer application, its global options and the one error funnel."""

from __future__ import annotations

import sys
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from troubleshoot import __version__
from troubleshoot.cli.commands import COMMANDS

GLOBAL_OPTIONS = ("--db", "--trees")
"""The root options that take a value; they may also be given after the command."""


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
    global options after the command; lists the commands in a useful order; imports a
    command's module only when the command is needed (`--help` lists them from `COMMANDS`)."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.lazy = _LazyCommands(self.commands)
        self.commands = self.lazy

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return list(super().parse_args(ctx, globals_first(args)))

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        return _plain_arguments(self.commands.get(cmd_name))

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The commands and their summaries, without importing the commands' modules."""
        listed = [(name, _listed(self.lazy, name)) for name in self.list_commands(ctx)]
        shown = [(name, command) for name, command in listed if not command.hidden]
        if not shown:
            return
        limit = formatter.width - 6 - max(len(name) for name, _ in shown)
        with formatter.section("Commands"):
            formatter.write_dl([(name, c.get_short_help_str(limit)) for name, c in shown])

    def invoke(self, ctx: Any) -> Any:
        from troubleshoot.errors import OutputClosed, TroubleshootError

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


class _LazyCommands(MutableMapping[str, Any]):
    """The root group's commands by name: the ones in `COMMANDS` are made the first time they
    are looked up, by importing their modules (which register them on `app`)."""

    def __init__(self, made: MutableMapping[str, Any]) -> None:
        self.made = dict(made)

    def __getitem__(self, name: str) -> Any:
        if name not in self.made and name in COMMANDS:
            self.made[name] = _make(name)
        return self.made[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self.made[name] = command

    def __delitem__(self, name: str) -> None:
        del self.made[name]

    def __iter__(self) -> Iterator[str]:
        yield from COMMANDS
        yield from (name for name in self.made if name not in COMMANDS)

    def __len__(self) -> int:
        return len(COMMANDS) + sum(name not in COMMANDS for name in self.made)


def _listed(commands: _LazyCommands, name: str) -> Any:
    """The command as `--help` lists it: made already, or a stand-in with its summary."""
    if name in commands.made or name not in COMMANDS:
        return commands[name]
    return TyperCommand(name=name, help=COMMANDS[name].summary)


def _make(name: str) -> Any:
    """The click command of a top-level command, its modules imported first."""
    import importlib

    from typer.main import get_command_from_info, get_command_name, get_group_from_info

    for module in COMMANDS[name].modules:
        importlib.import_module(module)
    short, markup = app.pretty_exceptions_short, app.rich_markup_mode
    for info in app.registered_commands:
        if (info.name or get_command_name(getattr(info.callback, "__name__", ""))) == name:
            return get_command_from_info(
                info, pretty_exceptions_short=short, rich_markup_mode=markup
            )
    for group_info in app.registered_groups:
        group = get_group_from_info(
            group_info,
            pretty_exceptions_short=short,
            rich_markup_mode=markup,
            suggest_commands=app.suggest_commands,
        )
        if group.name == name:
            return group
    raise LookupError(f"{COMMANDS[name].modules} registered no command {name!r}")


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
