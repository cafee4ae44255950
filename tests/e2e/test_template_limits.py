"""A template that computes too much from an answer stops the session cleanly: paused, resumable,
with the reason in the log, never left `active` with no way out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

RUNTIME = Path(__file__).resolve().parents[1] / "hostile" / "runtime"


def test_a_template_over_the_limits_pauses_the_session(e2e: Any) -> None:
    term = e2e.cli("--trees", str(RUNTIME), "run", "answer-times-billion", "--agent", e2e.AGENT)
    term.intake()
    term.type_answer("How many times?", "1000000000")

    term.expect("is paused")
    assert term.finish() == 1
    assert "repeats a text or list 1,000,000,000 times" in term.text
    assert "Traceback" not in term.text
    session = e2e.case.session()
    assert session["status"] == "paused"
    events = e2e.case.events(session["id"])
    assert [e["kind"] for e in events] == ["start", "pause"]  # resume asks that question again
    assert events[-1]["node"] == "how-many"
    assert "repeats a text or list 1,000,000,000 times" in events[-1]["text"]
