"""The `resume` history and hand-off panels show escape sequences from a tree and from the
customer's words visibly: the terminal is never cleared, retitled or given a hyperlink."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

HOSTILE = Path(__file__).resolve().parents[1] / "hostile" / "terminal"


def test_resume_shows_the_history_with_escapes_visible(e2e: Any) -> None:
    subprocess.run(
        [sys.executable, "-m", "troubleshoot", "--db", str(e2e.db), "--trees", str(HOSTILE),
         "run", "escapes", "--answers", str(HOSTILE / "escapes.answers.yaml")],
        check=True, capture_output=True, env=e2e.env(),
    )
    session = e2e.case.session()
    assert session["status"] == "escalated"

    term = e2e.cli("--trees", str(HOSTILE), "resume", session["id"], "--agent", "tier2")
    history = term.panel("The session so far")
    term.expect("This case was escalated")
    term.kill()

    assert 'Customer\'s words: "\\x1b[2J\\x1b]0;TITLE\\x07 my printer' in " ".join(history.split())
    assert "Is it on? \\x1b]8;;http://evil.example" in history
    for sequence in ("\x1b]0;", "\x1b]8;", "\x1b[2J", "\x1b[5m", "\x07"):
        assert sequence not in term.raw
