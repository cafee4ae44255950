"""The README's case-log sections work as written, on a log made by a real scripted session."""

from __future__ import annotations

import csv
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from tests.test_readme import console_blocks, section
from troubleshoot.cli import app

REPO = Path(__file__).resolve().parents[1]
SECTIONS = ("Find a past case", "What the stats say", "Export")
LINES = [line for title in SECTIONS for block in console_blocks(section(title)) for line in block]


@pytest.fixture
def logged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding cases.db with one double-charge case on ticket T-2002."""
    plan = yaml.safe_load((REPO / "decision_trees" / "double-charge.scenarios.yaml").read_text())
    answers = next(s for s in plan["scenarios"] if s["name"].startswith("Forgotten"))["answers"]
    intake = {"ticket": "T-2002", "customer": "I was charged twice for my printer"}
    file = tmp_path / "answers.yaml"
    file.write_text(yaml.safe_dump({"intake": intake, "answers": answers}), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TROUBLESHOOT_DB", str(tmp_path / "cases.db"))
    result = CliRunner().invoke(app, ["run", "double-charge", "--answers", str(file)])
    assert result.exit_code == 0, result.output
    return tmp_path


def test_the_sections_have_examples() -> None:
    programs = {shlex.split(line)[0] for line in LINES}
    assert programs == {"troubleshoot", "sqlite-utils", "datasette"}


@pytest.mark.parametrize("line", [line for line in LINES if line.startswith("troubleshoot ")])
def test_readme_case_commands_run(logged: Path, line: str) -> None:
    result = CliRunner().invoke(app, shlex.split(line)[1:])
    assert result.exit_code == 0, (line, result.output)
    if "--ticket T-2002" in line or "search" in line:
        assert "T-2002" in result.stdout
    if "-o cases.csv" in line:
        rows = list(csv.DictReader((logged / "cases.csv").open(encoding="utf-8")))
        assert [r["ticket"] for r in rows] == ["T-2002"]


@pytest.mark.parametrize("line", [line for line in LINES if line.startswith("sqlite-utils ")])
def test_readme_sqlite_utils_one_liners(logged: Path, line: str) -> None:
    tool = Path(sys.executable).parent / "sqlite-utils"
    words = shlex.split(line)
    command = [str(tool) if tool.exists() else shutil.which("sqlite-utils") or "sqlite-utils"]
    result = subprocess.run(
        [*command, *words[1:]], cwd=logged, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "20" in result.stdout  # a session id
