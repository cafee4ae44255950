"""`troubleshoot run TREE` shows the intake's first prompt before loading what only later steps
need: the tree (PyYAML, Jinja, the model), the engine and runner, and the case log
(sqlite-utils) are loaded in the background while the agent types. Checked on the modules
imported when the first prompt is about to be asked, never on timings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

LATER = {
    "yaml",
    "jinja2",
    "sqlite_utils",
    "troubleshoot.tree.model",
    "troubleshoot.tree.loader",
    "troubleshoot.session.engine",
    "troubleshoot.session.runner",
    "troubleshoot.cases.sqlite",
}
SCRIPT = """
import sys
import troubleshoot.session.launch as launch
import troubleshoot.session.prompts as prompts

def first_prompt(self, given):
    print(" ".join(sorted(sys.modules)))
    raise SystemExit(0)

launch.has_terminal = lambda: True
prompts.TerminalPrompter.intake = first_prompt
sys.argv = ["troubleshoot", "--db", sys.argv[1], "run", "login-failure"]
from troubleshoot.cli import main
main()
"""


def test_the_first_prompt_comes_before_the_tree_the_engine_and_the_case_log(
    tmp_path: Path,
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "cases.db")],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 0, done.stderr[-2000:]
    modules = set(done.stdout.split())
    assert "troubleshoot.session.prompts" in modules  # the check ran where it should
    assert not modules & LATER, sorted(modules & LATER)
    assert not (tmp_path / "cases.db").exists()  # nor was the log opened
