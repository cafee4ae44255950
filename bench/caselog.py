"""The benchmark's one door to the case log: the package's `open_case_log`."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any


@contextlib.contextmanager
def open_log(path: Path, *, fast: bool = False) -> Iterator[Any]:
    """The case log in `path`, closed on exit. `fast` drops fsync: only for generating data."""
    from troubleshoot.cases.log import open_case_log

    with open_case_log(str(path)) as log:
        if fast:
            log.db.execute("PRAGMA synchronous = OFF")  # the SQLite backend's connection
        yield log
