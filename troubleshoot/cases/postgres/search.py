"""Full-text search on PostgreSQL: the SQLite (FTS5) query syntax read into a `tsquery`, and the
SQL that ranks sessions by their best match with a highlighted snippet.

The syntax agents type is the same on both backends: words (all must match), ``"a phrase"``,
``word*`` for a prefix, ``OR``, ``AND``, ``NOT`` and parentheses. Anything else that is not a
word (``wi-fi``) is read as the phrase of its words. A query that cannot be read gets the same
`SearchError` as on SQLite. Search uses the generated `search` tsvector columns and their GIN
indexes (`migrations.py`); the rank is ``-ts_rank`` so lower is better, as with BM25.
"""

from __future__ import annotations

import re

from troubleshoot.cases.records import HIT_END, HIT_START
from troubleshoot.cases.rows import SEARCHED_EVENT_COLUMNS, SEARCHED_SESSION_COLUMNS
from troubleshoot.errors import SearchError

SNIPPET_WORDS = 12
_TOKEN = re.compile(r'\s*(?:"([^"]*)"|(\()|(\))|([^\s()"]+))')
_OPERATORS = {"AND": "&", "OR": "|", "NOT": "& !"}


def invalid(query: str) -> SearchError:
    return SearchError(
        f"cannot search for {query!r}: it is not a valid full-text query "
        "(put words in double quotes to find them as they are, e.g. '\"wi-fi\"'; "
        "AND, OR, NOT and * have special meanings)"
    )


def _phrase(text: str, prefix: bool = False) -> str:
    words = re.findall(r"\w+", text.lower())
    if not words:
        return ""
    quoted = [f"'{w}'" for w in words]
    if prefix:
        quoted[-1] += ":*"
    return quoted[0] if len(quoted) == 1 else "(" + " <-> ".join(quoted) + ")"


def _terms(query: str) -> list[str]:
    """The query as tsquery pieces: operands, operators and parentheses."""
    pieces: list[str] = []
    position = 0
    while position < len(query.rstrip()):
        found = _TOKEN.match(query, position)
        if found is None:  # an unclosed double quote
            raise invalid(query)
        position = found.end()
        phrase, opening, closing, word = found.groups()
        if opening or closing:
            pieces.append(opening or closing)
        elif word in _OPERATORS:
            pieces.append(_OPERATORS[word])
        else:
            text = phrase if phrase is not None else word
            operand = _phrase(text, prefix=phrase is None and text.endswith("*"))
            if operand:
                pieces.append(operand)
    return pieces


def to_tsquery(query: str) -> str:
    """The `tsquery` text of an FTS5-style `query`; raises `SearchError` when it is malformed."""
    if not query.strip():
        raise SearchError("the search is empty: give some words to look for")
    out: list[str] = []
    depth = 0
    expect_operand = True
    for piece in _terms(query):
        if piece in ("&", "|", "& !"):
            if expect_operand:
                raise invalid(query)
            out.append(piece)
            expect_operand = True
            continue
        if not expect_operand:
            if piece == ")":
                depth -= 1
                if depth < 0:
                    raise invalid(query)
                out.append(")")
                continue
            out.append("&")  # words side by side must all match
        elif piece == ")":
            raise invalid(query)
        if piece == "(":
            depth += 1
            out.append("(")
            continue
        out.append(piece)
        expect_operand = False
    if expect_operand or depth:
        raise invalid(query)
    return " ".join(out)


def _document(columns: tuple[str, ...], table: str) -> str:
    return " || ' ' || ".join(f"coalesce({table}.{c}, '')" for c in columns)


SESSION_TEXT = _document(SEARCHED_SESSION_COLUMNS, "sessions")
EVENT_TEXT = _document(SEARCHED_EVENT_COLUMNS, "events")
HEADLINE_OPTIONS = (
    f"StartSel={HIT_START}, StopSel={HIT_END}, MaxWords={SNIPPET_WORDS}, MinWords=3, "
    "ShortWord=0, MaxFragments=1"  # one fragment around the best match, with words before it
)


def search_sql(where: str, limit: int | None, in_events: bool, columns: str) -> str:
    """Sessions matching ``%(query)s`` (tsquery text) within `where`, best first, with the text
    of their best match (`hit_text`), for the snippet."""
    events = f"""
      UNION ALL
      SELECT events.session_id, ts_rank(events.search, q.q), {EVENT_TEXT}
      FROM q, events WHERE events.search @@ q.q"""
    return f"""
    WITH q AS (SELECT to_tsquery('simple', %(query)s) AS q),
    hits AS (
      SELECT sessions.id AS hit_id, ts_rank(sessions.search, q.q) AS hit_rank,
        {SESSION_TEXT} AS hit_text
      FROM q, sessions WHERE sessions.search @@ q.q{events if in_events else ""}
    ),
    best AS (
      SELECT DISTINCT ON (hit_id) hit_id, hit_rank, hit_text FROM hits
      ORDER BY hit_id, hit_rank DESC
    )
    SELECT {columns}, -best.hit_rank AS hit_rank,
      ts_headline('simple', best.hit_text, q.q, '{HEADLINE_OPTIONS}') AS snippet
    FROM q, best JOIN sessions ON sessions.id = best.hit_id
    WHERE {where} ORDER BY best.hit_rank DESC, sessions.started DESC
    {"" if limit is None else f"LIMIT {int(limit)}"}"""
