"""A process that dies after the last answer is logged but before the end is recorded: `resume`
replays to the true end and finishes the session as the tree says (its summary, its outcome),
instead of treating it as an escalation.

The state such a crash leaves (every answer logged, no end event, status `active`) is made by
running a session to its end and removing what the end wrote, the way a kill at the `resolve`
event would leave it: the end event and the status are written in one transaction.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

GOOD = Path(__file__).resolve().parents[1] / "good_trees"


def _killed_at_the_end(e2e: Any) -> str:
    answers = e2e.tmp / "answers.yaml"
    answers.write_text("answers: {restart: no, reinstall: yes}\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "troubleshoot", "--db", str(e2e.db), "--trees", str(GOOD),
         "run", "merge-key", "--answers", str(answers)],
        check=True, capture_output=True, env=e2e.env(),
    )
    session_id = str(e2e.case.session()["id"])
    con = sqlite3.connect(e2e.db)
    with con:
        con.execute("DELETE FROM events WHERE kind IN ('resolve', 'wrapup')")
        con.execute(
            "UPDATE sessions SET status = 'active', outcome = NULL, summary = NULL, "
            "ended = NULL, fixed_by = NULL, current_node = 'reinstall'"
        )
    con.close()
    return session_id


def test_resume_finishes_a_session_killed_between_its_last_answer_and_its_end(e2e: Any) -> None:
    session_id = _killed_at_the_end(e2e)
    assert e2e.case.kinds(session_id) == ["start", "answer", "answer"]

    term = e2e.cli("--trees", str(GOOD), "resume", session_id, "--agent", "agent-2")
    term.expect("Outcome: resolved")
    term.wrapup(note="finished after a crash")
    assert term.finish() == 0

    assert "escalated" not in term.text
    session = e2e.case.session(session_id)
    assert (session["status"], session["outcome"]) == ("resolved", "resolved")
    assert session["summary"] == "Fixed by: Reinstall the printer driver"
    assert session["fixed_by"] == "Reinstall the printer driver"
    assert e2e.case.kinds(session_id) == ["start", "answer", "answer", "resume", "resolve",
                                         "wrapup"]
