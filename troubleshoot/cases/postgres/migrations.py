"""The PostgreSQL case-log schema, as numbered migrations with the same history as SQLite's.

Each step has the name of its SQLite twin (`m001_initial`, ...), so one database of either
kind can say which steps it has; never edit a step that has shipped, add the next one. The
steps are plain SQL text: `connection.py` runs them (psycopg lives there only), each in one
transaction under an advisory lock, and records them in `troubleshoot_migrations`.

Differences from SQLite live in this package only: times are `timestamptz`, JSON
columns are `json` (the text is kept as written, key order included), full-text search is a
generated `tsvector` column with a GIN index (the `simple` configuration, like FTS5's default
tokenizer: no stemming, no stop words), and events refuse UPDATE and DELETE in a trigger.
"""

from __future__ import annotations

from dataclasses import dataclass

TABLE = "troubleshoot_migrations"
LOCK_KEY = 0x7472_6F75_626C  # pg_advisory_xact_lock key for schema changes ("troubl")


@dataclass(frozen=True)
class Migration:
    """One numbered schema step."""

    name: str
    statements: tuple[str, ...]


def _document(*columns: str) -> str:
    """A generated tsvector over text columns, for full-text search."""
    joined = " || ' ' || ".join(f"coalesce({c}, '')" for c in columns)
    return f"tsvector GENERATED ALWAYS AS (to_tsvector('simple', {joined})) STORED"


SESSION_TEXT = ("ticket", "customer", "summary", "note", "escalation_reason", "tree_title")
EVENT_TEXT = ("prompt", "answer", "text")

M001_INITIAL = Migration(
    name="m001_initial",
    statements=(
        f"""
        CREATE TABLE sessions (
            id text PRIMARY KEY,
            tree_id text,
            tree_title text,
            revision integer,
            tree_sha256 text,
            agent text,
            ticket text,
            customer text,
            tone text,
            desired_outcome text,
            status text,
            outcome text,
            current_node text,
            variables json,
            started timestamptz,
            updated timestamptz,
            ended timestamptz,
            summary text,
            reply text,
            note text,
            follow_up text,
            satisfaction integer,
            escalated_to text,
            escalation_reason text,
            fixed_by text,
            tree_sources json,
            search {_document(*SESSION_TEXT)}
        )
        """,
        """
        CREATE TABLE events (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            session_id text NOT NULL REFERENCES sessions (id),
            seq integer NOT NULL,
            time timestamptz NOT NULL,
            kind text NOT NULL,
            agent text,
            node text,
            step text,
            phase text,
            prompt text,
            answer text,
            value json,
            text text,
            ms integer,
            search """
        + _document(*EVENT_TEXT)
        + """
        )
        """,
        "CREATE UNIQUE INDEX events_session_seq ON events (session_id, seq)",
        "CREATE INDEX sessions_status ON sessions (status, updated)",
        "CREATE INDEX sessions_id_pattern ON sessions (id text_pattern_ops)",
        "CREATE INDEX sessions_search ON sessions USING gin (search)",
        "CREATE INDEX events_search ON events USING gin (search)",
        """
        CREATE TABLE trees (
            sha256 text PRIMARY KEY,
            tree_id text,
            path text,
            revision integer,
            text text,
            first_seen timestamptz
        )
        """,
        """
        CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'case-log events are append-only: % refused', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END
        $$
        """,
        """
        CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
            FOR EACH ROW EXECUTE FUNCTION events_append_only()
        """,
        """
        CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
            FOR EACH STATEMENT EXECUTE FUNCTION events_append_only()
        """,
    ),
)

M002_CASE_QUERIES = Migration(
    name="m002_case_queries",
    statements=(
        "CREATE INDEX IF NOT EXISTS sessions_started ON sessions (started)",
        "CREATE INDEX IF NOT EXISTS sessions_tree ON sessions (tree_id, revision)",
        "CREATE INDEX IF NOT EXISTS sessions_follow_up ON sessions (follow_up)",
        "CREATE INDEX IF NOT EXISTS events_session_kind ON events (session_id, kind)",
    ),
)

MIGRATIONS: tuple[Migration, ...] = (M001_INITIAL, M002_CASE_QUERIES)

CREATE_TABLE = f"""
    CREATE TABLE IF NOT EXISTS {TABLE} (
        migration_set text NOT NULL,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (migration_set, name)
    )
"""
MIGRATION_SET = "troubleshoot"
