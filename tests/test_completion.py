"""Shell completion: tree ids, case ids and --format values, as the shell's script asks for them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TROUBLESHOOT_")}
    return {**env, "TROUBLESHOOT_DB": str(tmp_path / "cases.db"), "NO_COLOR": "1"}


def complete(tmp_path: Path, line: str) -> list[str]:
    """What bash is offered for the last word of `line` (Typer's bash protocol)."""
    words = line.split(" ")
    env = {
        **_env(tmp_path),
        "_TROUBLESHOOT_COMPLETE": "complete_bash",
        "COMP_WORDS": line,
        "COMP_CWORD": str(len(words) - 1),
    }
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.argv[0] = 'troubleshoot'; from troubleshoot.cli import main; main()",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout.split()


def test_tree_ids_complete(tmp_path: Path) -> None:
    assert complete(tmp_path, "troubleshoot show log") == ["login-failure"]
    assert complete(tmp_path, "troubleshoot run d") == ["damaged-or-late-order", "double-charge"]
    assert complete(tmp_path, "troubleshoot graph zzz") == []


def test_tree_ids_follow_the_trees_option(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "printer-offline.tree.yaml").write_text("id: printer-offline\n")
    line = f"troubleshoot --trees {mine} show prin"
    assert complete(tmp_path, line) == ["printer-offline"]


def test_format_values_complete(tmp_path: Path) -> None:
    assert complete(tmp_path, "troubleshoot graph login-failure --format ") == ["mermaid", "dot"]
    assert complete(tmp_path, "troubleshoot diff a b --format j") == ["json"]


def test_case_ids_complete_from_the_log_and_nothing_without_one(tmp_path: Path) -> None:
    assert complete(tmp_path, "troubleshoot resume ") == []
    assert not (tmp_path / "cases.db").exists()  # completing creates nothing
    answers = tmp_path / "answers.yaml"
    bundled = REPO / "decision_trees" / "login-failure.scenarios.yaml"
    scenarios = yaml.safe_load(bundled.read_text())
    escalated = next(s for s in scenarios["scenarios"] if s["expect"]["outcome"] == "escalated")
    answers.write_text(yaml.safe_dump({"answers": escalated["answers"]}))
    run = subprocess.run(
        [sys.executable, "-m", "troubleshoot", "run", "login-failure", "--answers", str(answers)],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    assert run.returncode == 0, run.stderr  # escalated: the next tier resumes it
    import sqlite3

    with sqlite3.connect(tmp_path / "cases.db") as db:
        (case_id,) = db.execute("SELECT id FROM sessions").fetchone()
    assert complete(tmp_path, "troubleshoot resume ") == [case_id]
    assert complete(tmp_path, f"troubleshoot resume {case_id[:6]}") == [case_id]
    assert complete(tmp_path, "troubleshoot resume zz") == []
