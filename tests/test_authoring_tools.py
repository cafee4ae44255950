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
        "action",
        "for_each",
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


def test_new_in_an_empty_folder_works_and_its_schema_reference_survives_a_copy(
    tmp_path: Path,
) -> None:
    """`new demo && validate demo.tree.yaml && test demo.scenarios.yaml` in an empty folder."""
    import os
    import sys

    folder = tmp_path / "trees"
    folder.mkdir()
    env = {**os.environ, "TROUBLESHOOT_DB": str(tmp_path / "cases.db")}
    for args in (["new", "demo"], ["validate", "demo.tree.yaml"], ["test", "demo.scenarios.yaml"]):
        done = subprocess.run(
            [sys.executable, "-m", "troubleshoot", *args],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == "2 scenario(s) passed, 0 failed"
    elsewhere = shutil.copytree(folder, tmp_path / "copied")
    first = (elsewhere / "demo.tree.yaml").read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=tree.schema.json"
    assert json.loads((elsewhere / "tree.schema.json").read_text()) == json.loads(schema_text())


def test_new_points_at_the_schema_written_once_at_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    written = runner.invoke(app, ["schema", "-o", str(tmp_path / SCHEMA_FILE)])
    assert written.output == f"Wrote {tmp_path / SCHEMA_FILE}\n"
    result = runner.invoke(app, ["new", "printer-offline", "--dir", str(tmp_path / "it" / "print")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "it" / "print").iterdir()) == [
        "printer-offline.scenarios.yaml",
        "printer-offline.tree.yaml",
    ]
    first = (tmp_path / "it" / "print" / "printer-offline.tree.yaml").read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../tree.schema.json"


def test_show_and_graph_label_try_nodes_by_their_own_question() -> None:
    shown = runner.invoke(app, ["show", "login-failure"])
    assert "password-checks [try] Can the customer log in now?" in shown.output
    assert "code-basics [try] Did a code arrive, and was it accepted?" in shown.output
    assert "Try the basics" not in shown.output
    drawn = runner.invoke(app, ["graph", "login-failure"])
    assert "password-checks: Can the customer log in now?" in drawn.output
