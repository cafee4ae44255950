"""`--help` and `--version` stay fast: the heavy libraries are only imported by the commands
that need them (prompts, the case database, templates), and no command's module is imported
to list the commands."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import typer

from troubleshoot.cli import app
from troubleshoot.cli.commands import COMMANDS, import_all

HEAVY = {"questionary", "sqlite_utils", "jinja2", "prompt_toolkit", "psycopg"}


def imported_modules(*args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run ``python -X importtime -m troubleshoot ARGS``; the top-level packages it imported."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "troubleshoot", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    modules = set()
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            name = line.rsplit("|", 1)[1].strip()
            if name != "imported package":
                modules.add(name.split(".")[0])
    return result, modules


def test_importtime_output_is_understood() -> None:
    # Guards the parsing below: if it found nothing, the real tests would pass vacuously.
    _, modules = imported_modules("--version")

    assert {"troubleshoot", "typer"} <= modules


@pytest.mark.parametrize("args", [["--help"], ["-h"], ["--version"]], ids=" ".join)
def test_help_and_version_do_not_import_heavy_libraries(args: list[str]) -> None:
    result, modules = imported_modules(*args)

    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    expected = "troubleshoot 0.1.0" if args == ["--version"] else "validate"
    assert expected in result.stdout
    assert not modules & HEAVY, f"{' '.join(args)} imported {sorted(modules & HEAVY)}"


def test_help_imports_no_command_module() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SHOW_MODULES, "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
    loaded = set(result.stderr.split())
    commands = {m for listed in COMMANDS.values() for m in listed.modules}
    assert "troubleshoot.cli.app" in loaded
    assert not loaded & commands, sorted(loaded & commands)


SHOW_MODULES = """
import sys
from troubleshoot.cli import main
try:
    main()
finally:
    sys.stderr.write(" ".join(sys.modules))
"""


def test_the_listed_summaries_are_the_commands_own_help() -> None:
    import_all()
    root = typer.main.get_command(app)
    assert isinstance(root, typer.core.TyperGroup)
    context = typer.Context(root)
    names = root.list_commands(context)
    assert names == list(COMMANDS), "a command is missing from troubleshoot/cli/commands.py"
    for name in names:
        command = root.get_command(context, name)
        assert command is not None
        assert (command.help or "").split("\n\n")[0] == COMMANDS[name].summary, name


HELP = """
import sys
from troubleshoot.cli import main
from troubleshoot.cli.commands import import_all
sys.argv[0] = "troubleshoot"
if sys.argv[1] == "loaded":
    import_all()
sys.argv[1:] = ["--help"]
main()
"""


@pytest.mark.parametrize("columns", ["60", "80", "120"])
def test_help_lists_the_same_commands_as_when_every_command_is_loaded(columns: str) -> None:
    env = {**os.environ, "COLUMNS": columns}
    shown = {
        how: subprocess.run(
            [sys.executable, "-c", HELP, how],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=True,
        ).stdout
        for how in ("lazy", "loaded")
    }
    assert shown["lazy"] == shown["loaded"]
    assert shown["lazy"].split("Commands:")[1].split()[:4] == ["run", "Run", "a", "guided"]
