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

# The floors run the queries the commands answer (as `bench/cases.py` does): the CSV export is
# one row per session; JSON Lines is one object per session with its events nested.
EXPORT_CSV_SQL = "SELECT * FROM sessions ORDER BY started DESC, id DESC"
EXPORT_JSONL_SQL = (
    "SELECT s.*, (SELECT json_group_array(json_object('seq', e.seq, 'time', e.time, 'kind', "
    "e.kind, 'agent', e.agent, 'node', e.node, 'step', e.step, 'phase', e.phase, 'prompt', "
    "e.prompt, 'answer', e.answer, 'value', e.value, 'text', e.text, 'ms', e.ms)) FROM "
    "(SELECT * FROM events WHERE session_id = s.id ORDER BY seq) AS e) AS events "
    "FROM sessions AS s ORDER BY s.started DESC, s.id DESC"
)
STATS_SQL = (
    "SELECT tree_id, revision, status, COUNT(*), AVG(satisfaction) FROM sessions "
    "GROUP BY tree_id, revision, status"
)
SEARCH_WORDS = "printer crash"
SEARCH_SQL = (
    "SELECT sessions.*, snippet(sessions_fts, -1, '[', ']', '…', 12) FROM sessions_fts "
    "JOIN sessions ON sessions.rowid = sessions_fts.rowid WHERE sessions_fts MATCH "
    f"'{SEARCH_WORDS}' ORDER BY bm25(sessions_fts) LIMIT 20"
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
    sqlite3 = _sqlite3() or "sqlite3"
    plans = [
        (
            "`cases export --format csv`",
            [*cli, *db, "cases", "export", "--format", "csv"],
            [sqlite3, "-csv", "-header", str(big), EXPORT_CSV_SQL],
            "`sqlite3 -csv`",
            Goal(2.0),
        ),
        (
            "`cases export --format jsonl`",
            [*cli, *db, "cases", "export", "--format", "jsonl"],
            [_sqlite_utils(), "query", str(big), EXPORT_JSONL_SQL, "--nl"],
            "`sqlite-utils query --nl` (events nested)",
            Goal(1.0),
        ),
        (
            "`stats --format json`",
            [*cli, *db, "stats", "--format", "json"],
            [sqlite3, str(big), STATS_SQL],
            "the same SQL in `sqlite3`",
            Goal(1.5),
        ),
        (
            f"`cases search '{SEARCH_WORDS}'`",
            [*cli, *db, "cases", "search", SEARCH_WORDS, "--format", "json"],
            [sqlite3, str(big), SEARCH_SQL],
            "the same FTS query in `sqlite3`",
            Goal(1.5),
        ),
    ]
    for name, ours, floor, floor_name, goal in plans:
        what = f"{name}, {sessions:,} sessions, s, vs {floor_name}"
        command = [w for w in ours[: ours.index("--format")] if w != SEARCH_WORDS]
        if not measure.available(command, cwd=cwd):
            rows.append(row(what, NOT_BUILT, NOT_BUILT, goal))
            continue
        got = measure.alternate(
            {"ours": measure.wall(ours, cwd=cwd), "floor": measure.wall(floor, cwd=cwd)},
            rounds,
            warm_up=warm_up,
        )
        rows.append(paired(what, got["ours"], got["floor"], goal))
    export = ["cases", "export", "--format", "jsonl"]
    what = f"export peak RSS, {sessions:,} vs {small_sessions:,} sessions, MiB"
    if not measure.available([*cli, *export[:2]], cwd=cwd):
        rows.append(row(what, NOT_BUILT, NOT_BUILT, Goal(1.2)))
        return rows
    got = measure.alternate(
        {
            "big": measure.peak_rss_mib([*cli, *db, *export], cwd=cwd),
            "small": measure.peak_rss_mib([*cli, "--db", str(small), *export], cwd=cwd),
        },
        rounds,
        warm_up=False,  # memory, not time: nothing to warm up
    )
    rows.append(
        row(what, statistics.median(got["big"]), statistics.median(got["small"]), Goal(1.2))
    )
    return rows
