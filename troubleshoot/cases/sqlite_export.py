"""CSV rows and JSON lines built by SQLite itself, for exporting a large log quickly.

Turning a row into a `SessionRecord` and then into text costs far more in Python than reading it;
here SQLite writes each line (one session as a CSV row, or one case with its events nested as a
JSON object) and Python only copies the text out. The lines say exactly what `cases/export.py`
writes from `Case` objects: the same CSV bytes (formula cells neutralised, quoted only where the
`csv` module would quote), and JSON that parses to the same objects. `tests/test_export_sql.py`
holds the two paths to that on hostile data. A large CSV export is split into chunks of start
times made by two read-only connections at once (`parallel_lines`): the cells' quoting is most
of its time, and SQLite computes rows without holding Python's lock.
"""

from __future__ import annotations

import csv
import io
import sqlite3
import threading
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, NamedTuple
from urllib.parse import quote

from troubleshoot.cases.export import FORMULA_STARTS, SESSION_COLUMNS
from troubleshoot.cases.view import EVENT_OBJECT_KEYS

_INTEGER_COLUMNS = {"revision": "COALESCE(revision, 0)", "satisfaction": "satisfaction"}
"""Integer columns: written as numbers (`SessionRecord` reads a missing revision as 0)."""
_JSON_COLUMNS = {"variables": "'{}'", "tree_sources": "'[]'"}
"""JSON text columns and the value `SessionRecord` gives them when the column is empty."""
_FORMULA = ", ".join(str(ord(c)) for c in FORMULA_STARTS)
_FETCH = 256


def _csv_text(expr: str) -> str:
    """SQL for a text cell: '' for NULL, a leading ' before a formula, quoted when it holds the
    delimiter, the quote or a line end (as the `csv` module quotes). SQL string literals hold
    those characters as they are; `instr` and `unicode` are the cheapest tests SQLite has."""
    safe = f"(CASE WHEN unicode({expr}) IN ({_FORMULA}) THEN '''' || {expr} ELSE {expr} END)"
    quote = " OR ".join(f"instr({expr}, '{c}')" for c in (",", '"', "\r", "\n"))
    return (
        f"(CASE WHEN {expr} IS NULL THEN '' WHEN {quote} "
        f"THEN '\"' || replace({safe}, '\"', '\"\"') || '\"' ELSE {safe} END)"
    )


def _csv_cell(column: str) -> str:
    if column in _INTEGER_COLUMNS:
        return f"COALESCE(CAST({_INTEGER_COLUMNS[column]} AS TEXT), '')"
    if column == "tree_sources":
        # A JSON list of sha256 digests, '["a", "b"]', written "a b"; anything else the long way.
        spaced = f"(SELECT group_concat(value, ' ') FROM json_each({_json_value(column)}))"
        return (
            "(CASE WHEN tree_sources GLOB '[[]\"[0-9a-f]*\"]' "
            "AND replace(tree_sources, '\", \"', '') NOT GLOB '*[^]0-9a-f\"[]*' "
            "THEN replace(substr(tree_sources, 3, length(tree_sources) - 4), '\", \"', ' ') "
            f"ELSE {_csv_text(f'COALESCE({spaced}, {chr(39) * 2})')} END)"
        )
    if column in _JSON_COLUMNS:
        # the empty value is written as is (it needs no quotes), so the cell's many tests read
        # the bare column rather than a COALESCE evaluated once per test
        empty = _JSON_COLUMNS[column]
        cell = _csv_text(column)
        return f"(CASE WHEN {column} IS NULL OR {column} = '' THEN {empty} ELSE {cell} END)"
    return _csv_text(column)


def _json_value(column: str) -> str:
    return f"COALESCE(NULLIF({column}, ''), {_JSON_COLUMNS[column]})"


def _session_json_pairs() -> str:
    pairs = []
    for column in SESSION_COLUMNS:
        if column in _INTEGER_COLUMNS:
            value = _INTEGER_COLUMNS[column]
        elif column in _JSON_COLUMNS:
            value = f"json({_json_value(column)})"
        elif column in ("tree_title", "tree_sha256", "started", "updated"):
            value = f"COALESCE({column}, '')"
        else:
            value = column
        pairs.append(f"'{column}', {value}")
    return ", ".join(pairs)


def _event_json_pairs() -> str:
    pairs = []
    for key in EVENT_OBJECT_KEYS:
        value = {"value": "json(e.value)", "seq": "CAST(e.seq AS INTEGER)"}.get(key, f"e.{key}")
        pairs.append(f"'{key}', {value}")
    return ", ".join(pairs)


def _select(where: str, limit: int | None, line: str) -> str:
    tail = "" if limit is None else f" LIMIT {int(limit)}"
    return f"SELECT {line} FROM sessions WHERE {where} ORDER BY started DESC, id DESC{tail}"


def csv_sql(where: str, limit: int | None) -> str:
    """One CSV row (without its line end) per session matching `where`."""
    cells = ", ".join(_csv_cell(c) for c in SESSION_COLUMNS)
    # printf builds the row once; chained || copies the growing row at every cell.
    return _select(where, limit, f"printf('{','.join(['%s'] * len(SESSION_COLUMNS))}', {cells})")


def jsonl_sql(where: str, limit: int | None) -> str:
    """One JSON object per session matching `where`, with its events nested in order."""
    events = (
        f"(SELECT json_group_array(json_object({_event_json_pairs()})) FROM "
        "(SELECT * FROM events WHERE session_id = sessions.id ORDER BY seq) AS e)"
    )
    return _select(where, limit, f"json_object({_session_json_pairs()}, 'events', json({events}))")


def csv_header() -> str:
    """The CSV header line, written by the `csv` module as the Python path writes it."""
    out = io.StringIO()
    csv.writer(out).writerow(SESSION_COLUMNS)
    return out.getvalue()


def lines(cursor: Any, end: str) -> Iterator[str]:
    """Each row's single text column followed by `end`, read a batch at a time."""
    while batch := cursor.fetchmany(_FETCH):
        for (text,) in batch:
            yield text + end


CHUNK = 2_000
"""Sessions a worker turns into CSV at a time when the export is split (`parallel_lines`)."""
WORKERS = 2
AHEAD = 3
"""Chunks being made or waiting to be written: memory stays a few chunks, whatever the log."""


def boundaries_sql(where: str) -> str:
    """The start time of the newest selected session, then of every CHUNK-th one after it (read
    from the index on start times alone)."""
    return (
        "SELECT DISTINCT started FROM (SELECT started, ROW_NUMBER() OVER "
        f"(ORDER BY started DESC) AS n FROM sessions WHERE {where}) "
        f"WHERE n = 1 OR n % {CHUNK} = 1 ORDER BY started DESC"
    )


def chunks(where: str, params: list[Any], starts: list[str]) -> list[Params]:
    """One (WHERE, parameters) per chunk: the sessions started at each boundary time or before,
    down to the next boundary (not included), the last one to the end; sessions started after
    the first boundary are left out, as a single query begun then would leave them out. All the
    sessions of one start time fall in one chunk, so the order stays that of one query."""
    made = []
    for index, start in enumerate(starts):
        following = starts[index + 1] if index + 1 < len(starts) else None
        lower = "" if following is None else " AND started > ?"
        rest = [] if following is None else [following]
        made.append(Params(f"({where}) AND started <= ?{lower}", [*params, start, *rest]))
    return made


class Params(NamedTuple):
    where: str
    params: list[Any]


def parallel_lines(path: str, where: str, params: list[Any], end: str) -> Iterator[str]:
    """The CSV rows of `csv_sql(where)`, in its order, made by WORKERS read-only connections in
    parallel (SQLite lets go of Python's lock while it computes a row, so the cells' quoting runs
    on two cores), handed out chunk by chunk in order. For a log on disk, without a --limit and
    with every start time set (`SQLiteCaseLog.export_records` checks)."""
    local = threading.local()

    def rows(chunk: Params) -> list[str]:
        if not hasattr(local, "conn"):
            local.conn = sqlite3.connect(f"file:{quote(path)}?mode=ro", uri=True)
        cursor = local.conn.execute(csv_sql(chunk.where, None), chunk.params)
        return [text + end for (text,) in cursor]

    with sqlite3.connect(f"file:{quote(path)}?mode=ro", uri=True) as first:
        starts = [str(row[0]) for row in first.execute(boundaries_sql(where), params)]
    first.close()
    pending: deque[Future[list[str]]] = deque()
    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="export") as pool:
        try:
            for chunk in chunks(where, params, starts):
                pending.append(pool.submit(rows, chunk))
                if len(pending) >= AHEAD:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
        finally:
            for waiting in pending:
                waiting.cancel()
