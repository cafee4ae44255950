"""The log-size rows: exports, stats and search on 100,000 sessions against the same query in
`sqlite3` / `sqlite-utils`, and the export's peak memory on 100,000 vs 10,000 sessions.

A row whose command is not in the CLI yet says "n/a (not built)".
"""

from __future__ import annotations

import shutil
import statistics
import sys
from pathlib import Path
from typing import Any

import data
import measure

# The same join the CSV/JSON Lines exports write: one row per event, with its session's fields.
EXPORT_SQL = (
    "SELECT s.id AS session_id, s.tree_id, s.revision, s.agent, s.ticket, s.customer, s.status, "
    "s.outcome, s.started, s.ended, e.seq, e.time, e.kind, e.node, e.phase, e.prompt, e.answer, "
    "e.value, e.text, e.ms FROM sessions s JOIN events e ON e.session_id = s.id "
    "ORDER BY s.id, e.seq"
)
STATS_SQL = (
    "SELECT tree_id, outcome, count(*), avg(satisfaction) FROM sessions "
    "GROUP BY tree_id, outcome ORDER BY tree_id, outcome"
)
SEARCH_WORD = "printer"
SEARCH_SQL = (
    "SELECT sessions.id, sessions.tree_id, sessions.customer FROM sessions_fts JOIN sessions "
    f"ON sessions.rowid = sessions_fts.rowid WHERE sessions_fts MATCH '{SEARCH_WORD}' "
    "ORDER BY bm25(sessions_fts) LIMIT 20"
)


def _sqlite3() -> str | None:
    return shutil.which("sqlite3")


def _sqlite_utils() -> str:
    found = Path(sys.executable).parent / "sqlite-utils"
    return str(found) if found.exists() else "sqlite-utils"


def log_rows(
    *, cli: list[str], big: Path, small: Path, rounds: int, warm_up: bool, cwd: Path
) -> list[dict[str, Any]]:
    from run import NOT_BUILT, Goal, paired, row

    sessions = data.summary(big)["sessions"]
    small_sessions = data.summary(small)["sessions"]
    db = ["--db", str(big)]
    rows = []
    plans = [
        (
            "`cases export --format csv`",
            [*cli, *db, "cases", "export", "--format", "csv"],
            [_sqlite3() or "sqlite3", "-csv", "-header", str(big), EXPORT_SQL],
            "`sqlite3 -csv`",
            Goal(2.0),
        ),
        (
            "`cases export --format jsonl`",
            [*cli, *db, "cases", "export", "--format", "jsonl"],
            [_sqlite_utils(), "query", str(big), EXPORT_SQL, "--nl"],
            "`sqlite-utils query --nl`",
            Goal(1.0),
        ),
        (
            "`stats`",
            [*cli, *db, "stats"],
            [_sqlite3() or "sqlite3", str(big), STATS_SQL],
            "the same SQL in `sqlite3`",
            Goal(1.5),
        ),
        (
            f"`cases search {SEARCH_WORD}`",
            [*cli, *db, "cases", "search", SEARCH_WORD],
            [_sqlite3() or "sqlite3", str(big), SEARCH_SQL],
            "the same FTS query in `sqlite3`",
            Goal(1.5),
        ),
    ]
    for name, ours, floor, floor_name, goal in plans:
        what = f"{name}, {sessions:,} sessions, s, vs {floor_name}"
        command = ours[: ours.index("--format")] if "--format" in ours else ours[:-1]
        if name.startswith("`stats"):
            command = ours
        if not measure.available(command, cwd=cwd):
            rows.append(row(what, NOT_BUILT, NOT_BUILT, goal))
            continue
        got = measure.alternate(
            {"ours": measure.wall(ours, cwd=cwd), "floor": measure.wall(floor, cwd=cwd)},
            rounds,
            warm_up=warm_up,
        )
        rows.append(paired(what, got["ours"], got["floor"], goal))
    export = [*cli, "cases", "export", "--format", "csv"]
    what = f"export peak RSS, {sessions:,} vs {small_sessions:,} sessions, MiB"
    if not measure.available(export[:3], cwd=cwd):
        rows.append(row(what, NOT_BUILT, NOT_BUILT, Goal(1.2)))
        return rows
    got = measure.alternate(
        {
            "big": measure.peak_rss_mib([*cli, *db, *export[1:]], cwd=cwd),
            "small": measure.peak_rss_mib([*cli, "--db", str(small), *export[1:]], cwd=cwd),
        },
        max(1, rounds // 3),
        warm_up=warm_up,
    )
    rows.append(
        row(what, statistics.median(got["big"]), statistics.median(got["small"]), Goal(1.2))
    )
    return rows
