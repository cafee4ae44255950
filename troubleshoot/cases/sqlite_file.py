"""The SQLite case-log file itself: created private, ids, and errors explained for people."""

from __future__ import annotations

import os
import secrets
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from troubleshoot.errors import CaseLogError


def new_session_id() -> str:
    """Sortable by start time and short enough to type: ``20261123-103355-7f3a``."""
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(2)


def explain(path: str, exc: sqlite3.Error) -> CaseLogError:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        why = "is locked by another program; wait a moment and retry, or use --db for another file"
    elif "readonly" in text or "read-only" in text:
        why = "is read-only; make it writable (chmod u+w) or use --db for another file"
    elif "not a database" in text or "malformed" in text or "corrupt" in text:
        why = (
            "is not a troubleshoot case database or is damaged; move it aside (keep it for "
            "recovery) or use --db for another file"
        )
    elif "unable to open" in text:
        why = "cannot be opened; check that its folder exists and is writable, or use --db"
    else:
        why = f"cannot be used ({exc}); use --db for another file"
    return CaseLogError(f"the case database {path} {why}")


def create_private(path: Path) -> None:
    """Create the file readable by its owner only, before SQLite opens it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    except OSError as exc:
        raise CaseLogError(
            f"cannot create the case database {path}: {exc.strerror}; use --db "
            "for a file in a writable folder"
        ) from None


def like(text: str) -> str:
    """`text` taken literally in a LIKE pattern (escape character ``\\``)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
