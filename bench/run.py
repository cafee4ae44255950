"""Benchmark harness: the CLI's speed and memory as ratios against floors measured in the same run.

Not part of the test run (the machines are shared and noisy: ratios, never absolute timings).

    .venv/bin/python bench/run.py [--repeat 7] [--json]

Floors: bare `python -c "import typer"` (start-up) and raw `sqlite3` inserts committed one by
one (the case log). Each figure is the median of --repeat runs.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def timed(argv: list[str], repeat: int, env: dict[str, str] | None = None) -> tuple[float, int]:
    """Median wall time (s) and peak RSS (KiB) of a command."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True, cwd=ROOT, env=env,
                       stdin=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    # peak memory of one more run, measured by a fresh parent that only waits for it
    probe = subprocess.run([PY, "-c", _RSS_PROBE, *argv], check=True, capture_output=True,
                           cwd=ROOT, env=env, stdin=subprocess.DEVNULL, text=True)
    return statistics.median(times), int(probe.stderr.strip().splitlines()[-1])


_RSS_PROBE = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], capture_output=True); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)"
)


def sqlite_floor(events: int, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            conn = sqlite3.connect(Path(tmp) / "f.db", isolation_level=None)
            conn.execute("PRAGMA journal_mode=wal")
            conn.execute("CREATE TABLE e (id INTEGER PRIMARY KEY, s TEXT, kind TEXT, v TEXT)")
            start = time.perf_counter()
            for i in range(events):
                conn.execute("BEGIN")
                conn.execute("INSERT INTO e (s, kind, v) VALUES (?, ?, ?)", ("s", "answer", str(i)))
                conn.execute("COMMIT")
            times.append(time.perf_counter() - start)
            conn.close()
    return statistics.median(times)


def answers_file(tmp: Path) -> tuple[Path, int]:
    scenarios = yaml.safe_load((ROOT / "decision_trees/login-failure.scenarios.yaml").read_text())
    longest = max(scenarios["scenarios"], key=lambda s: len(s["expect"].get("path", [])))
    path = tmp / "answers.yaml"
    path.write_text(yaml.safe_dump({"answers": longest["answers"],
                                    "intake": {"customer": "cannot log in"}}))
    return path, len(longest["expect"].get("path", []))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    cli = [PY, "-m", "troubleshoot"]
    floor, floor_rss = timed([PY, "-c", "import typer"], args.repeat)
    rows = {}
    for name, argv in {
        "--help": [*cli, "--help"],
        "validate decision_trees/": [*cli, "validate", "decision_trees/"],
        "test decision_trees/": [*cli, "test", "decision_trees/"],
    }.items():
        seconds, rss = timed(argv, args.repeat)
        rows[name] = {"seconds": seconds, "x_floor": seconds / floor, "rss_kib": rss,
                      "rss_x_floor": rss / floor_rss}
    with tempfile.TemporaryDirectory() as tmp:
        answers, steps = answers_file(Path(tmp))
        env = {**os.environ, "TROUBLESHOOT_DB": str(Path(tmp) / "bench.db")}
        seconds, rss = timed([*cli, "run", "login-failure", "--answers", str(answers)],
                             args.repeat, env)
    run_floor = floor + sqlite_floor(steps * 2, args.repeat)
    rows["run --answers (one session)"] = {"seconds": seconds, "x_floor": seconds / run_floor,
                                           "rss_kib": rss, "rss_x_floor": rss / floor_rss}
    if args.json:
        print(json.dumps({"floor_seconds": floor, "floor_rss_kib": floor_rss, "rows": rows},
                         indent=2))
        return
    print(f"floor: python -c 'import typer' = {floor * 1000:.0f} ms, {floor_rss} KiB")
    for name, row in rows.items():
        print(f"{name:32} {row['seconds'] * 1000:7.0f} ms  x{row['x_floor']:.2f}   "
              f"{row['rss_kib']:7d} KiB  x{row['rss_x_floor']:.2f}")


if __name__ == "__main__":
    main()
