"""Full-text search of the SQLite case log (FTS5): ranked sessions with highlighted snippets.

Two FTS5 tables made by sqlite-utils (so Datasette's search box uses them too): `sessions_fts`
(ticket, customer's words, summary, note, escalation reason, tree title) and `events_fts`
(prompts, answers, notes). A session's rank is its best BM25 score in either.
"""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database

from troubleshoot.cases.records import HIT_END, HIT_START, SearchHit, SessionFilter
from troubleshoot.cases.rows import filter_clause, session_from_row
from troubleshoot.errors import SearchError

SNIPPET_WORDS = 12
_QUERY_PROBLEMS = ("fts5", "syntax error", "no such column", "unterminated", "unknown special")


def ranked_sql(where: str, limit: int | None, in_events: bool) -> str:
    """The query of the sessions matching `:query` within `where`, best first (no snippets)."""
    events = """
      UNION ALL
      SELECT sessions.rowid, bm25(events_fts), 'events_fts', events_fts.rowid
      FROM events_fts JOIN events ON events.rowid = events_fts.rowid
      JOIN sessions ON sessions.id = events.session_id
      WHERE events_fts MATCH :query"""
    return f"""
    WITH hits AS MATERIALIZED (
      SELECT sessions_fts.rowid AS hit_row, bm25(sessions_fts) AS hit_rank,
        'sessions_fts' AS hit_table, sessions_fts.rowid AS hit_fts_row
      FROM sessions_fts WHERE sessions_fts MATCH :query{events if in_events else ""}
    ),
    best AS (
      SELECT hit_row, MIN(hit_rank) AS hit_rank, hit_table, hit_fts_row FROM hits GROUP BY hit_row
    )
    SELECT sessions.*, best.hit_rank, best.hit_table, best.hit_fts_row
    FROM best JOIN sessions ON sessions.rowid = best.hit_row
    WHERE {where} ORDER BY best.hit_rank, sessions.started DESC
    {"" if limit is None else f"LIMIT {int(limit)}"}"""


def _snippet(db: Database, query: str, table: str, row: int) -> str:
    """The snippet of one matching row (computed only for the hits shown: it is costly)."""
    assert table in ("sessions_fts", "events_fts")
    found = db.execute(
        f"SELECT snippet({table}, -1, ?, ?, '…', {SNIPPET_WORDS}) FROM {table} "
        f"WHERE {table} MATCH ? AND rowid = ?",
        (HIT_START, HIT_END, query, row),
    ).fetchone()
    return str(found[0] or "") if found else ""


def search_hits(
    db: Database, query: str, selection: SessionFilter, *, in_events: bool = True
) -> list[SearchHit]:
    """Sessions matching the FTS5 `query` within `selection`, best first."""
    if not query.strip():
        raise SearchError("the search is empty: give some words to look for")
    where, params = filter_clause(selection)
    named = {f"p{i}": value for i, value in enumerate(params)}
    for index in range(len(params)):
        where = where.replace("?", f":p{index}", 1)
    values = {"query": query, **named}
    try:
        rows = list(db.query(ranked_sql(where, selection.limit, in_events), values))
    except sqlite3.OperationalError as exc:
        if not any(word in str(exc).lower() for word in _QUERY_PROBLEMS):
            raise
        raise SearchError(
            f"cannot search for {query!r}: it is not a valid full-text query "
            "(put words in double quotes to find them as they are, e.g. '\"wi-fi\"'; "
            "AND, OR, NOT and * have special meanings)"
        ) from None
    return [
        SearchHit(
            session_from_row(row),
            _snippet(db, query, row["hit_table"], row["hit_fts_row"]),
            float(row["hit_rank"]),
        )
        for row in rows
    ]
