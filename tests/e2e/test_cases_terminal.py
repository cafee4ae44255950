"""`cases export` on a terminal: a progress bar on stderr, the data untouched in the file."""

from __future__ import annotations

import json
import random
from typing import Any

from bench.make_log import add_session
from troubleshoot.cases.log import open_case_log

SESSIONS = 200


def test_export_shows_progress_on_a_terminal_only(e2e: Any) -> None:
    rng = random.Random(7)
    with open_case_log(str(e2e.db)) as case_log:
        for index in range(SESSIONS):
            add_session(case_log, rng, tree_name="login-failure", index=index, answers=1)
    term = e2e.cli("cases", "export", "--format", "jsonl", "-o", "out.jsonl")
    assert term.finish() == 0
    assert "Exporting" in term.text
    lines = (e2e.tmp / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == SESSIONS
    assert all(json.loads(line)["agent"] == "bench" for line in lines)
