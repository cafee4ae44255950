"""The SQLite case-log file itself: created private, and errors explained for people.

The file holds customer data and is often given with `--db`, so mistakes get plain answers: a
path through a file where a folder should be, a folder that is read-only, a file that belongs to
another application (its tables are never touched, nor its journal mode changed), and a file
that other users of the computer can read.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

from sqlite_utils import Database

from troubleshoot.errors import CaseLogError

SIDE_FILES = ("-wal", "-shm")


def explain(path: str, exc: sqlite3.Error) -> CaseLogError:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        why = "is locked by another program; wait a moment and retry, or use --db for another file"
    elif ("readonly" in text or "read-only" in text) and read_only_folder(Path(path)):
        why = (
            f"is in a read-only folder ({Path(path).parent}); SQLite writes its -wal and -shm "
            "files beside it: make the folder writable or use --db for another file"
        )
    elif "readonly" in text or "read-only" in text:
        why = "is read-only; make it writable (chmod u+w) or use --db for another file"
    elif "not a database" in text or "malformed" in text or "corrupt" in text:
        why = (
            "is not a troubleshoot case database or is damaged; move it aside (keep it for "
            "recovery) or use --db for another file"
        )
    elif "full" in text or "disk i/o" in text:
        why = (
            "cannot be written: the disk is full (or the file is over a size limit) or failing; "
            "free some space, or use --db for a file on another disk"
        )
    elif "unable to open" in text:
        why = "cannot be opened; check that its folder exists and is writable, or use --db"
    else:
        why = f"cannot be used ({exc}); use --db for another file"
    return CaseLogError(f"the case database {path} {why}")


def create_private(path: Path) -> None:
    """Create the file readable by its owner only, before SQLite opens it."""
    blocking = file_in_the_way(path)
    if blocking is not None:
        raise CaseLogError(
            f"cannot create the case database {path}: {blocking} is a file, not a folder; "
            "use --db for a file in a folder"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    except OSError as exc:
        raise CaseLogError(
            f"cannot create the case database {path}: {exc.strerror}; use --db "
            "for a file in a writable folder"
        ) from None


def file_in_the_way(path: Path) -> Path | None:
    """The first folder on the way to `path` that exists but is a file, if any."""
    for parent in reversed(path.parents):
        if parent.exists() and not parent.is_dir():
            return parent
    return None


def read_only_folder(path: Path) -> Path | None:
    """The folder of `path` when the file can be written but its folder cannot (SQLite needs
    the folder for its -wal and -shm files)."""
    folder = path.parent
    if path.exists() and os.access(path, os.W_OK) and not os.access(folder, os.W_OK):
        return folder
    return None


def refuse_foreign(db: Database, where: str) -> None:
    """Refuses a database that has tables but is not a troubleshoot case log, before anything in
    it is changed."""
    tables = db.table_names()
    if not tables:
        return
    if "sessions" in tables and "tree_id" in db.table("sessions").columns_dict:
        return
    shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
    raise CaseLogError(
        f"the file {where} is a database of another application (tables: {shown}), not a "
        "troubleshoot case log; it was left untouched: use --db for another file"
    )


def readable_by_others(path: Path) -> str | None:
    """A warning when the database (or its -wal / -shm file) can be read by other users."""
    exposed = []
    for candidate in (path, *(Path(f"{path}{suffix}") for suffix in SIDE_FILES)):
        try:
            mode = candidate.stat().st_mode
        except OSError:
            continue
        if mode & (stat.S_IRGRP | stat.S_IROTH):
            exposed.append(f"{candidate.name} ({stat.filemode(mode)})")
    if not exposed:
        return None
    return (
        f"Warning: the case database {path} holds customer data but can be read by other users "
        f"of this computer: {', '.join(exposed)}; make it private with: "
        f"chmod 600 {path}*"
    )
