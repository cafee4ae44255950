"""Benchmark of the case-log commands on a large generated log, as ratios against `sqlite3`.

Not part of the test run (shared, noisy machines: ratios, never absolute timings).

    .venv/bin/python bench/cases.py [--sessions 100000] [--db FILE] [--repeat 3] [--json]

The log is made once through the `CaseLog` API (`bench/make_log.py`, about ten events per
session) and kept at --db for later runs. Each command is compared with the same query in the
`sqlite3` shell (or `sqlite-utils query --nl` for JSON lines); export memory is compared between
the first tenth of the log and all of it; the intake's similar-cases lookup is timed in-process.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.make_log import make_log  # noqa: E402

TROUBLESHOOT = [sys.executable, "-m", "troubleshoot"]
SEARCH = "printer crash"
LIST_SQL = "SELECT * FROM sessions ORDER BY started DESC, id DESC LIMIT 50"
EXPORT_SQL = "SELECT * FROM sessions ORDER BY started DESC, id DESC"
SEARCH_SQL = (
    "SELECT sessions.*, snippet(sessions_fts, -1, '[', ']', '…', 12) FROM sessions_fts "
    "JOIN sessions ON sessions.rowid = sessions_fts.rowid WHERE sessions_fts MATCH "
    f"'{SEARCH}' ORDER BY bm25(sessions_fts) LIMIT 20"
)
STATS_SQL = (
    "SELECT tree_id, revision, status, COUNT(*), AVG(satisfaction) FROM sessions "
    "GROUP BY tree_id, revision, status"
)


def timed(argv: list[str], repeat: int) -> float:
    """Median wall time (s) of a command, its output thrown away."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


_PROBE = (
    "import resource, subprocess, sys; "
    "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def peak_kib(argv: list[str]) -> int:
    """Peak RSS of one run of a command, measured by a fresh parent that only waits for it."""
    probe = [sys.executable, "-c", _PROBE, *argv]
    return int(subprocess.run(probe, check=True, capture_output=True, text=True, cwd=ROOT).stdout)


def similar_ms(db: Path, repeat: int) -> float:
    from troubleshoot.cases.log import open_case_log
    from troubleshoot.cases.similar import similar

    with open_case_log(str(db)) as case_log:
        times = []
        for _ in range(max(repeat, 5)):
            start = time.perf_counter()
            similar(case_log, "The printer crashes again since yesterday, cannot open account")
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def pairs(db: Path, case_id: str) -> dict[str, tuple[list[str], list[str]]]:
    """Each command and the floor it is compared with."""
    ts = [*TROUBLESHOOT, "--db", str(db)]
    sq = ["sqlite3", str(db)]
    show_sql = f"SELECT * FROM sessions WHERE id = '{case_id}'; SELECT * FROM events " + (
        f"WHERE session_id = '{case_id}' ORDER BY seq"
    )
    return {
        "cases list": ([*ts, "cases", "list", "--format", "json"], [*sq, "-json", LIST_SQL]),
        "cases show": ([*ts, "cases", "show", case_id, "--format", "json"], [*sq, show_sql]),
        "cases search": ([*ts, "cases", "search", SEARCH, "--format", "json"], [*sq, SEARCH_SQL]),
        "stats": ([*ts, "stats", "--format", "json"], [*sq, STATS_SQL]),
        "export csv": ([*ts, "cases", "export"], [*sq, "-csv", "-header", EXPORT_SQL]),
        "export jsonl": (
            [*ts, "cases", "export", "--format", "jsonl"],
            [
                str(Path(sys.executable).parent / "sqlite-utils"),
                "query",
                str(db),
                EXPORT_SQL,
                "--nl",
            ],
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/troubleshoot-bench-cases.db"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not args.db.exists():
        print(f"making {args.sessions} sessions in {args.db} ...", file=sys.stderr)
        make_log(str(args.db), args.sessions, answers=9)
    import sqlite3

    with sqlite3.connect(args.db) as conn:
        total, case_id = conn.execute("SELECT COUNT(*), MAX(id) FROM sessions").fetchone()
    results: dict[str, dict[str, float]] = {}
    for name, (ours, floor) in pairs(args.db, case_id).items():
        mine, base = timed(ours, args.repeat), timed(floor, args.repeat)
        results[name] = {"seconds": mine, "floor_seconds": base, "ratio": mine / base}
    export = [*TROUBLESHOOT, "--db", str(args.db), "cases", "export", "--format", "jsonl"]
    tenth = peak_kib([*export, "--limit", str(max(total // 10, 1))])
    results["export memory"] = {"tenth_kib": tenth, "all_kib": peak_kib(export)}
    results["export memory"]["ratio"] = results["export memory"]["all_kib"] / tenth
    results["similar lookup"] = {"ms": similar_ms(args.db, args.repeat)}
    if args.json:
        print(json.dumps({"sessions": total, **results}, indent=2))
        return
    print(f"{total} sessions in {args.db}")
    for name, figures in results.items():
        shown = ", ".join(f"{k} {v:.3f}" for k, v in figures.items())
        print(f"{name:>15}: {shown}")


if __name__ == "__main__":
    main()
