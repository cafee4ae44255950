"""The SQLite case log's schema, as numbered migrations (never edit one that has shipped)."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from troubleshoot.errors import CaseLogError

migrations = Migrations("troubleshoot")


def check_schema(db: Database, where: str) -> bool:
    """Whether migrations are pending; refuses a file written by a newer troubleshoot."""
    known = {m.name for m in migrations._migrations}
    newer = [m.name for m in migrations.applied(db) if m.name not in known]
    if newer:
        raise CaseLogError(
            f"the case database {where} was written by a newer troubleshoot "
            f"(schema step {newer[-1]}); upgrade troubleshoot to use it"
        )
    return bool(migrations.pending(db))


def migrate(db: Database, where: str) -> None:
    """Apply pending migrations; call it holding the write lock (it checks again)."""
    if check_schema(db, where):
        migrations.apply(db)


@migrations()
def m001_initial(db: Database) -> None:
    db.table("sessions").create(
        {
            "id": str,
            "tree_id": str,
            "tree_title": str,
            "revision": int,
            "tree_sha256": str,
            "agent": str,
            "ticket": str,
            "customer": str,
            "tone": str,
            "desired_outcome": str,
            "status": str,
            "outcome": str,
            "current_node": str,
            "variables": str,
            "started": str,
            "updated": str,
            "ended": str,
            "summary": str,
            "reply": str,
            "note": str,
            "follow_up": str,
            "satisfaction": int,
            "escalated_to": str,
            "escalation_reason": str,
            "fixed_by": str,
            "tree_sources": str,
        },
        pk="id",
    )
    db.table("events").create(
        {
            "id": int,
            "session_id": str,
            "seq": int,
            "time": str,
            "kind": str,
            "agent": str,
            "node": str,
            "step": str,
            "phase": str,
            "prompt": str,
            "answer": str,
            "value": str,
            "text": str,
            "ms": int,
        },
        pk="id",
        foreign_keys=[("session_id", "sessions", "id")],
    )
    db.execute("CREATE UNIQUE INDEX events_session_seq ON events (session_id, seq)")
    db.execute("CREATE INDEX sessions_status ON sessions (status, updated)")
    db.table("trees").create(
        {
            "sha256": str,
            "tree_id": str,
            "path": str,
            "revision": int,
            "text": str,
            "first_seen": str,
        },
        pk="sha256",
    )
    db.table("sessions").enable_fts(
        ["ticket", "customer", "summary", "note", "escalation_reason", "tree_title"],
        create_triggers=True,
    )
    db.table("events").enable_fts(["prompt", "answer", "text"], create_triggers=True)


@migrations()
def m002_case_queries(db: Database) -> None:
    """Indexes for `cases list`/`export` (newest first, by tree) and `cases followups`."""
    db.execute("CREATE INDEX IF NOT EXISTS sessions_started ON sessions (started)")
    db.execute("CREATE INDEX IF NOT EXISTS sessions_tree ON sessions (tree_id, revision)")
    db.execute("CREATE INDEX IF NOT EXISTS sessions_follow_up ON sessions (follow_up)")
