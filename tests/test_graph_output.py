"""`graph --highlight CASE_ID` marks the path a logged case took; `graph -o FILE` writes files."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from troubleshoot.cli import app

runner = CliRunner()
REPO = Path(__file__).resolve().parents[1]
SCENARIOS = REPO / "decision_trees" / "login-failure.scenarios.yaml"


def logged_case(tmp_path: Path) -> tuple[Path, str, list[str]]:
    """A case logged by a scripted run of a bundled scenario: the db, its id, its path."""
    scenario = next(
        s
        for s in yaml.safe_load(SCENARIOS.read_text())["scenarios"]
        if s["name"].startswith("Caps Lock was on")
    )
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump({"answers": scenario["answers"]}))
    db = tmp_path / "cases.db"
    run = runner.invoke(app, ["--db", str(db), "run", "login-failure", "--answers", str(answers)])
    assert run.exit_code == 0, run.output
    case_id = re.search(r"Session (\S+) closed", run.output)
    assert case_id, run.output
    return db, case_id.group(1), scenario["expect"]["path"]


def test_highlight_marks_the_nodes_and_edges_of_the_case_in_dot(tmp_path: Path) -> None:
    db, case_id, path = logged_case(tmp_path)
    result = runner.invoke(
        app, ["--db", str(db), "graph", "login-failure", "--format", "dot", "--highlight", case_id]
    )
    assert result.exit_code == 0, result.output
    marked_nodes = re.findall(r'^  "([^"]+)" \[label=.*fillcolor=', result.output, re.M)
    assert marked_nodes == path  # the path enters each node once, in file order here
    marked_edges = re.findall(r'^  "([^"]+)" -> "([^"]+)" .*penwidth=3', result.output, re.M)
    assert sorted(marked_edges) == sorted(pairwise(path))


def test_highlight_in_mermaid(tmp_path: Path) -> None:
    db, case_id, path = logged_case(tmp_path)
    result = runner.invoke(app, ["--db", str(db), "graph", "login-failure", "--highlight", case_id])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    ids = {
        m.group(2): m.group(1)
        for m in (re.match(r"  (n\d+)\W+([a-z0-9-]+)", line) for line in lines)
        if m
    }
    marked = next(line for line in lines if line.startswith("  class "))
    assert marked == "  class " + ",".join(ids[n] for n in path) + " taken"
    styled = next(line for line in lines if line.startswith("  linkStyle "))
    assert len(styled.split()[1].split(",")) == len(path) - 1


def test_highlight_refuses_a_case_of_another_tree(tmp_path: Path) -> None:
    db, case_id, _ = logged_case(tmp_path)
    result = runner.invoke(app, ["--db", str(db), "graph", "slow-app", "--highlight", case_id])
    assert result.exit_code == 1
    assert f"Error: case {case_id} ran on the tree 'login-failure', not 'slow-app'" in result.output


def test_output_file_of_text(tmp_path: Path) -> None:
    target = tmp_path / "login.dot"
    result = runner.invoke(app, ["graph", "login-failure", "-o", str(target)])
    assert result.output == f"Wrote {target}\n"
    assert target.read_text().startswith('digraph "login-failure" {')
    mermaid = tmp_path / "login.mmd"
    runner.invoke(app, ["graph", "login-failure", "-o", str(mermaid)])
    assert mermaid.read_text().startswith("flowchart TD\n")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_output_svg_and_png_through_graphviz(tmp_path: Path) -> None:
    svg, png = tmp_path / "login.svg", tmp_path / "login.png"
    assert runner.invoke(app, ["graph", "login-failure", "-o", str(svg)]).exit_code == 0
    assert "<svg" in svg.read_text()
    assert runner.invoke(app, ["graph", "login-failure", "-o", str(png)]).exit_code == 0
    assert png.read_bytes().startswith(b"\x89PNG")


def test_output_image_without_graphviz_says_what_to_do(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": str(tmp_path)}  # no `dot` anywhere
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "troubleshoot",
            "graph",
            "login-failure",
            "-o",
            str(tmp_path / "login.svg"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("Error: writing login.svg needs Graphviz, which is not installed")
    assert "-o login.dot" in done.stderr
    assert not (tmp_path / "login.svg").exists()
    unknown = runner.invoke(app, ["graph", "login-failure", "-o", str(tmp_path / "login.pdf")])
    assert unknown.exit_code == 1
    assert "Error: cannot tell what to write to login.pdf" in unknown.output
