"""The benchmark harness runs: `bench/run.py --quick --json` on tiny data gives every row with
exactly the documented keys. Only a smoke test: the figures themselves are never asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
KEYS = {"what", "ours", "floor", "ratio", "goal"}


def test_bench_quick_json_has_the_documented_rows() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "run.py"), "--quick", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
    )

    assert done.returncode == 0, done.stderr[-3000:]
    rows = json.loads(done.stdout)
    assert [set(row) for row in rows] == [KEYS] * len(rows)
    whats = " | ".join(row["what"] for row in rows)
    for expected in (
        "--help",
        "first prompt",
        "answer -> next question",
        "validate",
        "recorded durably",
        "export --format csv",
        "export --format jsonl",
        "stats",
        "cases search",
        "peak RSS",
    ):
        assert expected in whats
    for row in rows:
        assert isinstance(row["ours"], float | str)
        if row["ratio"] is not None:
            assert row["ratio"] > 0
