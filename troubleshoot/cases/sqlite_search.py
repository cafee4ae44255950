"""Full-text search of the SQLite case log (FTS5): ranked sessions with highlighted snippets.

Two FTS5 tables made by sqlite-utils (so Datasette's search box uses them too): `sessions_fts`
(ticket, customer's words, summary, note, escalation reason, tree title) and `events_fts`
(prompts, answers, notes). A session's rank is its best BM25 score in either.
"""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database

from troubleshoot.cases.records import HIT_END, HIT_START, SearchHit, SessionFilter
from troubleshoot.cases.sqlite_rows import filter_clause, session_from_row
from troubleshoot.errors import SearchError

SNIPPET_WORDS = 12
_QUERY_PROBLEMS = ("fts5", "syntax error", "no such column", "unterminated", "unknown special")


def _sql(where: str, limit: int | None) -> str:
    snippet = f"snippet({{table}}, -1, :start, :end, '…', {SNIPPET_WORDS})"
    return f"""
    WITH hits AS (
      SELECT sessions.rowid AS hit_row, bm25(sessions_fts) AS hit_rank,
        {snippet.format(table="sessions_fts")} AS hit_snippet
      FROM sessions_fts JOIN sessions ON sessions.rowid = sessions_fts.rowid
      WHERE sessions_fts MATCH :query
      UNION ALL
      SELECT sessions.rowid, bm25(events_fts), {snippet.format(table="events_fts")}
      FROM events_fts JOIN events ON events.rowid = events_fts.rowid
      JOIN sessions ON sessions.id = events.session_id
      WHERE events_fts MATCH :query
    ),
    best AS (
      SELECT hit_row, MIN(hit_rank) AS hit_rank, hit_snippet FROM hits GROUP BY hit_row
    )
    SELECT sessions.*, best.hit_rank, best.hit_snippet
    FROM best JOIN sessions ON sessions.rowid = best.hit_row
    WHERE {where} ORDER BY best.hit_rank, sessions.started DESC
    {"" if limit is None else f"LIMIT {int(limit)}"}"""


def search_hits(db: Database, query: str, selection: SessionFilter) -> list[SearchHit]:
    """Sessions matching the FTS5 `query` within `selection`, best first."""
    if not query.strip():
        raise SearchError("the search is empty: give some words to look for")
    where, params = filter_clause(selection)
    named = {f"p{i}": value for i, value in enumerate(params)}
    for index in range(len(params)):
        where = where.replace("?", f":p{index}", 1)
    values = {"query": query, "start": HIT_START, "end": HIT_END, **named}
    try:
        rows = list(db.query(_sql(where, selection.limit), values))
    except sqlite3.OperationalError as exc:
        if not any(word in str(exc).lower() for word in _QUERY_PROBLEMS):
            raise
        raise SearchError(
            f"cannot search for {query!r}: it is not a valid full-text query "
            "(put words in double quotes to find them as they are, e.g. '\"wi-fi\"'; "
            "AND, OR, NOT and * have special meanings)"
        ) from None
    return [
        SearchHit(session_from_row(row), row["hit_snippet"] or "", float(row["hit_rank"]))
        for row in rows
    ]
