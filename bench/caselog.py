"""The benchmark's one door to the case log: whatever API the package offers today."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any


@contextlib.contextmanager
def open_log(path: Path, *, fast: bool = False) -> Iterator[Any]:
    """The case log in `path`, closed on exit. `fast` drops fsync: only for generating data."""
    from troubleshoot.cases.store import Store

    log = Store(path)
    if fast:
        log.db.execute("PRAGMA synchronous = OFF")
    try:
        yield log
    finally:
        log.close()
