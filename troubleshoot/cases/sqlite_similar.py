"""Candidates for similar past cases from the SQLite case log, kept cheap on a large log.

`cases search` ranks every match by BM25; for the intake's "has this happened before?" that means
ranking tens of thousands of sessions on a large log while the agent waits (0.2-0.8 s on
100,000 sessions). Here only the newest `NEWEST` sessions sharing a word with the customer's
are ranked (FTS5 walks its index newest first and stops there): the best of the recent cases.
No snippet is made: the relevance check reads the sessions' own fields.
"""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database

from troubleshoot.cases.records import SearchHit
from troubleshoot.cases.rows import session_from_row
from troubleshoot.cases.sqlite_file import explain

NEWEST = 2_000
"""How many of the newest matching sessions are ranked."""

_SQL = """
WITH newest AS (
  SELECT rowid AS hit_row, bm25(sessions_fts) AS hit_rank
  FROM sessions_fts WHERE sessions_fts MATCH :query
  ORDER BY rowid DESC LIMIT :newest
)
SELECT sessions.*, newest.hit_rank FROM newest JOIN sessions ON sessions.rowid = newest.hit_row
ORDER BY newest.hit_rank, sessions.started DESC LIMIT :limit
"""


def newest_hits(db: Database, *, where: str, query: str, limit: int) -> list[SearchHit]:
    """The `limit` best BM25 matches of the FTS5 `query` among the newest matching sessions
    (`where` names the database in messages); snippets are left empty."""
    try:
        rows = list(db.query(_SQL, {"query": query, "newest": NEWEST, "limit": limit}))
    except sqlite3.Error as exc:
        raise explain(where, exc) from None
    return [SearchHit(session_from_row(row), "", float(row["hit_rank"])) for row in rows]
