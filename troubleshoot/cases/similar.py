"""Similar past cases for the intake panel: the case-log search, kept only above a relevance floor.

The same rule for every backend: the customer's words become an OR query of their distinct
meaningful words, and a hit counts only when it shares enough of them (`words.relevant`), so
unrelated words show nothing. On SQLite the candidates are the best among the newest matching
sessions (`sqlite_similar`), so the search stays quick on a large log.
"""

from __future__ import annotations

import sys

from troubleshoot.cases import words
from troubleshoot.cases.log import CaseLog
from troubleshoot.cases.records import HIT_END, HIT_START, SearchHit, SessionFilter

CANDIDATES = 10
"""Hits read per case shown, before the relevance floor."""


def _searched_text(hit: SearchHit) -> str:
    session = hit.session
    parts = (
        session.tree_title,
        session.ticket,
        session.customer,
        session.summary,
        session.note,
        session.escalation_reason,
        hit.snippet.replace(HIT_START, "").replace(HIT_END, ""),
    )
    return " ".join(p for p in parts if p)


def similar(
    case_log: CaseLog, text: str, exclude: str | None = None, limit: int = 5
) -> list[SearchHit]:
    """Past sessions whose words overlap `text` enough, best first."""
    wanted = words.search_words(text)
    if not wanted:
        return []
    query = " OR ".join(f'"{w}"' for w in wanted)
    hits = _candidates(case_log, query, (limit + 1) * CANDIDATES)
    found = [
        h for h in hits if h.session.id != exclude and words.relevant(wanted, _searched_text(h))
    ]
    return found[:limit]


def _candidates(case_log: CaseLog, query: str, count: int) -> list[SearchHit]:
    """The `count` best matches of `query` in the sessions' own text (not their events)."""
    sqlite = sys.modules.get("troubleshoot.cases.sqlite")  # loaded if the log is SQLite
    if sqlite is not None and isinstance(case_log, sqlite.SQLiteCaseLog):
        from troubleshoot.cases.sqlite_similar import newest_hits

        return newest_hits(case_log.db, where=case_log.target, query=query, limit=count)
    return case_log.search(query, SessionFilter(limit=count), in_events=False)
