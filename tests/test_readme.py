"""The README's examples work as written: its commands are read from README.md and run."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    """The text of a `## title` section."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.M | re.S)
    assert match, f"README has no '## {title}' section"
    return match.group(1)


def console_blocks(text: str) -> list[list[str]]:
    """The commands of each ```console block (a leading `$ ` prompt removed)."""
    blocks = re.findall(r"^```console\n(.*?)^```", text, re.M | re.S)
    return [
        [line.removeprefix("$ ").strip() for line in block.splitlines() if line.strip()]
        for block in blocks
    ]


def troubleshoot(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """The installed `troubleshoot` console script, as the README runs it."""
    script = Path(sys.executable).parent / "troubleshoot"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "troubleshoot"]
    return subprocess.run(
        [*command, *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def readme_command(line: str) -> list[str]:
    """A README `troubleshoot ...` line as arguments, without the program name."""
    words = shlex.split(line)
    assert words[0] == "troubleshoot", line
    return words[1:]


QUICK_START = console_blocks(section("Quick start"))
COMMANDS = re.findall(r"^\| `troubleshoot (\w[\w-]*)[^`]*` \|", section("Commands"), re.M)
TEAM_LEAD = next(
    block for block in console_blocks(section("Commands")) if "validate" in " ".join(block)
)


def test_quick_start_has_the_install_and_run_and_the_test_commands() -> None:
    assert len(QUICK_START) == 2
    assert all(len(block) == 1 for block in QUICK_START)


def test_quick_start_runs_a_bundled_tree() -> None:
    [install_and_run] = QUICK_START[0]
    steps = [s.strip() for s in install_and_run.split("&&")]
    assert steps[0] == "python3 -m venv .venv"
    assert steps[1] == ".venv/bin/pip install ."
    run = shlex.split(steps[2])
    assert run[:2] == [".venv/bin/troubleshoot", "run"]
    tree_id = run[2]
    listed = troubleshoot("trees", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    assert tree_id in {row["id"] for row in json.loads(listed.stdout)}
    assert (REPO / "decision_trees" / f"{tree_id}.tree.yaml").is_file()


def test_quick_start_test_command_is_what_ci_runs() -> None:
    [install_and_test] = QUICK_START[1]
    steps = [s.strip() for s in install_and_test.split("&&")]
    assert steps[0] == "python3 -m venv .venv"
    assert shlex.split(steps[1]) == [".venv/bin/pip", "install", "-e", ".[test]"]
    assert shlex.split(steps[2])[:3] == [".venv/bin/python", "-m", "pytest"]
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    test_extra = " ".join(project["optional-dependencies"]["test"])
    assert "pytest" in test_extra and "pexpect" in test_extra
    ci = REPO / ".ci" / "run"
    if ci.exists():  # the README says this is what .ci/run does
        assert install_and_test in ci.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("line", TEAM_LEAD)
def test_team_lead_checks_pass_on_the_bundled_trees(line: str) -> None:
    result = troubleshoot(*readme_command(line))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Traceback" not in result.stderr


def test_the_commands_table_lists_the_commands() -> None:
    assert {"run", "resume", "trees", "validate", "test", "show"} <= set(COMMANDS)
    result = troubleshoot("--help")
    assert result.returncode == 0
    for command in COMMANDS:
        assert re.search(rf"^\s*│?\s*{command}\b", result.stdout, re.M), command


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_in_the_table_has_help(command: str) -> None:
    result = troubleshoot(command, "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage" in result.stdout
    assert "Traceback" not in result.stderr


def test_global_options_of_the_readme() -> None:
    for flag in ("--db", "--trees", "--version"):
        assert flag in troubleshoot("-h").stdout
    version = troubleshoot("--version")
    assert version.returncode == 0
    assert version.stdout.startswith("troubleshoot ")


def new_tree_example() -> list[str]:
    blocks = [b for b in console_blocks(section("Commands")) if any(" new " in c for c in b)]
    if not blocks:
        pytest.skip("the README shows no 'troubleshoot new' example")
    return blocks[0]


def run_example(lines: list[str], cwd: Path) -> None:
    for line in lines:
        command, _, pipe = line.partition(" | ")  # the Graphviz step needs `dot`: check ours
        result = troubleshoot(*readme_command(command), cwd=cwd)
        assert result.returncode == 0, (line, result.stderr)
        assert "Traceback" not in result.stderr
        if pipe:
            assert result.stdout.lstrip().startswith(("digraph", "graph", "flowchart")), line


def test_starting_a_new_tree_as_the_readme_shows(tmp_path: Path) -> None:
    run_example(new_tree_example(), tmp_path)


def test_starting_a_new_tree_once_its_folder_exists(tmp_path: Path) -> None:
    lines = new_tree_example()
    for line in lines:
        words = shlex.split(line.partition(" | ")[0])
        if "--dir" in words:
            (tmp_path / words[words.index("--dir") + 1]).mkdir(exist_ok=True)
    run_example(lines, tmp_path)
