"""The throwaway PostgreSQL server used by the case-log tests starts and takes connections."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path

from pg_server import ENV_BIN, ENV_URL, PgServer

HERE = Path(__file__).resolve().parent


def test_a_fresh_database_is_empty_and_writable(pg_server: PgServer, pg_url: str) -> None:
    import psycopg

    with psycopg.connect(pg_url) as conn:
        conn.execute("CREATE TABLE t (x int)")
        conn.execute("INSERT INTO t VALUES (1)")
        assert conn.execute("SELECT count(*) FROM t").fetchone() == (1,)
        assert conn.execute("SELECT current_user").fetchone() != ("root",)


def test_ci_fails_instead_of_skipping_without_postgres(tmp_path: Path) -> None:
    probe = f"{__file__}::test_a_fresh_database_is_empty_and_writable"
    env = {**os.environ, ENV_BIN: str(tmp_path / "nowhere"), "TROUBLESHOOT_REQUIRE_PG": "1"}
    env.pop(ENV_URL, None)
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", probe]
    run = functools.partial(
        subprocess.run, command, capture_output=True, text=True, timeout=120, check=False
    )
    required = run(env=env, cwd=HERE.parent)
    assert required.returncode == 1, required.stdout
    assert "PostgreSQL is required here (CI) but unavailable" in required.stdout
    env.pop("TROUBLESHOOT_REQUIRE_PG")
    env.pop("CI", None)
    optional = run(env=env, cwd=HERE.parent)
    assert optional.returncode == 0, optional.stdout
    assert "1 skipped" in optional.stdout
