"""Fixtures shared by every test: the throwaway PostgreSQL server (see `tests/pg_server.py`)
and the case log on each backend."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from pg_server import PgServer, PgUnavailable, required

from troubleshoot.cases.log import CaseLog, open_case_log

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One PostgreSQL server for the whole test run, stopped at the end.

    Skips when PostgreSQL is not installed, except in CI, where it fails.
    """
    try:
        server = PgServer.from_environment()
    except PgUnavailable as exc:
        if required():
            pytest.fail(f"PostgreSQL is required here (CI) but unavailable: {exc}")
        pytest.skip(f"PostgreSQL unavailable: {exc}")
    try:
        yield server
    finally:
        with contextlib.suppress(Exception):
            server.drop_databases()
        server.stop()


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped after the test."""
    url = pg_server.new_database()
    yield url
    with contextlib.suppress(Exception):
        pg_server.drop_database(url)


@pytest.fixture(params=BACKENDS)
def log_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a new, empty case log is: an SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "cases.db")
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def case_log(log_target: str) -> Iterator[CaseLog]:
    """A new, empty case log on each backend in turn, closed after the test."""
    with open_case_log(log_target) as log:
        yield log
