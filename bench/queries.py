"""The log-size rows: exports, stats and search on 100,000 sessions against the same queries in
`sqlite3` / `sqlite-utils`, and the export's peak memory on 100,000 vs 10,000 sessions.

The floors of `stats` and `cases search` are the very SQL the commands run (taken from the
package), so a ratio measures what the command adds: start-up, reading rows, printing.

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

# The floors run the queries the commands answer: the CSV export is
# one row per session; JSON Lines is one object per session with its events nested.
EXPORT_CSV_SQL = "SELECT * FROM sessions ORDER BY started DESC, id DESC"
EXPORT_JSONL_SQL = (
    "SELECT s.*, (SELECT json_group_array(json_object('seq', e.seq, 'time', e.time, 'kind', "
    "e.kind, 'agent', e.agent, 'node', e.node, 'step', e.step, 'phase', e.phase, 'prompt', "
    "e.prompt, 'answer', e.answer, 'value', e.value, 'text', e.text, 'ms', e.ms)) FROM "
    "(SELECT * FROM events WHERE session_id = s.id ORDER BY seq) AS e) AS events "
    "FROM sessions AS s ORDER BY s.started DESC, s.id DESC"
)
SEARCH_WORDS = "printer crash"
SEARCH_LIMIT = 20
"""`cases search` shows 20 hits unless told otherwise."""


def stats_sql() -> str:
    """Every query `troubleshoot stats` runs (all sessions selected), as one `sqlite3` script."""
    from troubleshoot.cases import stats_sql as shared
    from troubleshoot.cases.records import SessionFilter

    queries: list[str] = []
    shared.stats_rows(lambda sql, params: queries.append(sql) or [], shared.SQLITE, SessionFilter())
    return ";\n".join(queries) + ";"


def search_sql(words: str = SEARCH_WORDS, limit: int = SEARCH_LIMIT) -> str:
    """The ranked query `cases search` runs (sessions and events), with each hit's snippet."""
    from troubleshoot.cases.sqlite_search import SNIPPET_WORDS, ranked_sql

    ranked = ranked_sql("1 = 1", limit, in_events=True).replace(":query", f"'{words}'")
    snippet = (
        f"(SELECT snippet({{t}}, -1, '[', ']', '…', {SNIPPET_WORDS}) FROM {{t}} "
        f"WHERE {{t}} MATCH '{words}' AND {{t}}.rowid = hit_fts_row)"
    )
    return (
        f"SELECT *, CASE hit_table WHEN 'sessions_fts' THEN {snippet.format(t='sessions_fts')} "
        f"ELSE {snippet.format(t='events_fts')} END AS snippet FROM ({ranked});"
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
    floors = Path(__file__).resolve().parent / "floors"
    typer_query = [sys.executable, str(floors / "typer_query.py")]
    plans = [
        (
            "`cases export --format csv`",
            [*cli, *db, "cases", "export", "--format", "csv"],
            [sqlite3, "-csv", "-header", str(big), EXPORT_CSV_SQL],
            "`sqlite3 -csv`",
            Goal(2.0),
        ),
        (
            "`cases export --format csv`",
            [*cli, *db, "cases", "export", "--format", "csv"],
            [*typer_query, "query", str(big), EXPORT_CSV_SQL, "--csv"],
            "a minimal Typer app writing the same rows with Python's `csv`",
            Goal(None),
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
            [sqlite3, str(big), stats_sql()],
            "the same queries in `sqlite3`",
            Goal(1.5),
        ),
        (
            f"`cases search '{SEARCH_WORDS}'`",
            [*cli, *db, "cases", "search", SEARCH_WORDS, "--format", "json"],
            [sqlite3, str(big), search_sql()],
            "the same FTS queries in `sqlite3`",
            Goal(1.5),
        ),
        (
            f"`cases search '{SEARCH_WORDS}'`",
            [*cli, *db, "cases", "search", SEARCH_WORDS, "--format", "json"],
            [*typer_query, "query", str(big), search_sql()],
            "a minimal Typer app running the same FTS queries with Python's `sqlite3`",
            Goal(None),
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
