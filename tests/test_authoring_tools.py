"""`new`, `schema` and `graph`: what a team lead sees when starting and picturing a tree."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from troubleshoot.cli import app, authoring
from troubleshoot.tree.schema import SCHEMA_FILE, schema_text

runner = CliRunner()
PACKAGE = Path(authoring.__file__).resolve().parent.parent


def test_shipped_schema_file_is_current() -> None:
    assert (PACKAGE / "tree" / SCHEMA_FILE).read_text() == schema_text()


def test_schema_command_prints_json_schema() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["required"] == ["id", "title", "nodes"]
    node_kinds = schema["properties"]["nodes"]["additionalProperties"]["oneOf"]
    assert [k["required"][0] for k in node_kinds] == [
        "ask",
        "info",
        "route",
        "try",
        "fix",
        "call",
        "goto",
        "return",
        "escalate",
        "resolve",
    ]


def test_bundled_trees_point_at_the_schema() -> None:
    for tree in (PACKAGE.parent / "decision_trees").rglob("*.tree.yaml"):
        first = tree.read_text().splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=")
        target = (tree.parent / first.split("=", 1)[1]).resolve()
        assert target == PACKAGE / "tree" / SCHEMA_FILE, tree


def test_new_writes_a_valid_tree_with_passing_scenarios(tmp_path: Path) -> None:
    result = runner.invoke(app, ["new", "printer-offline", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.output
    check = runner.invoke(app, ["validate", "--strict", str(tmp_path)])
    assert check.exit_code == 0, check.output
    scenarios = runner.invoke(app, ["test", str(tmp_path)])
    assert scenarios.output.splitlines()[-1] == "2 scenario(s) passed, 0 failed"
    again = runner.invoke(app, ["new", "printer-offline", "--dir", str(tmp_path)])
    assert again.exit_code == 1
    assert "already exists" in again.output


def test_new_refuses_a_bad_id(tmp_path: Path) -> None:
    result = runner.invoke(app, ["new", "Printer Offline", "--dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "is not a valid tree id" in result.output


def test_mermaid_graph_has_every_node_and_edge() -> None:
    result = runner.invoke(app, ["graph", "login-failure"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "flowchart TD"
    assert any(
        "what-happens: What happens when the customer tries to log in?" in line for line in lines
    )
    assert sum("-->" in line for line in lines) > 20


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_dot_graph_renders_with_graphviz() -> None:
    result = runner.invoke(app, ["graph", "wifi-no-internet", "--format", "dot"])
    assert result.exit_code == 0
    svg = subprocess.run(["dot", "-Tsvg"], input=result.output, capture_output=True, text=True)
    assert svg.returncode == 0, svg.stderr
    assert "<svg" in svg.stdout
