"""The README's team setup works as written: its SQL creates the database and roles, the owner
creates the tables with `cases init`, agents run sessions, leads read, and nobody can change or
delete an event."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from login_session import ANSWERS, TREE
from pg_server import PgServer, with_database
from test_readme import section
from typer.testing import CliRunner

from troubleshoot.cases.log import open_case_log
from troubleshoot.cases.records import Intake, SessionFilter
from troubleshoot.cli import app
from troubleshoot.errors import CaseLogError

SQL = re.findall(r"^```sql\n(.*?)^```", section("Team setup (PostgreSQL)"), re.M | re.S)
ROLES = ("ann", "lee", "agents", "leads", "troubleshoot_owner")
DATABASE = "troubleshoot_team_setup"


def statements(block: str) -> list[str]:
    return [s.strip() for s in block.split(";") if s.strip()]


def execute(url: str, block: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for statement in statements(block):
            conn.execute(statement.replace(" cases", f" {DATABASE}"))


def as_role(server: PgServer, role: str) -> str:
    url = with_database(server.url, DATABASE)
    return re.sub(r"://[^@]*@", f"://{role}:change-me@", url)


def clean(server: PgServer) -> None:
    import psycopg

    with psycopg.connect(server.url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        for role in ROLES:
            conn.execute(f"DROP ROLE IF EXISTS {role}")


@pytest.fixture
def team_database(pg_server: PgServer) -> Iterator[PgServer]:
    if not pg_server.owned:
        pytest.skip("creates roles: only on the tests' own server, not TROUBLESHOOT_TEST_PG_URL")
    clean(pg_server)
    try:
        yield pg_server
    finally:
        clean(pg_server)


def test_the_readme_shows_both_steps() -> None:
    assert len(SQL) == 2
    assert "cases init" in section("Team setup (PostgreSQL)")


def test_agents_write_leads_read_and_events_stay_as_written(
    team_database: PgServer, tmp_path: Path
) -> None:
    import psycopg

    server = team_database
    execute(server.url, SQL[0])
    owner = as_role(server, "troubleshoot_owner")
    init = CliRunner().invoke(app, ["--db", owner, "cases", "init"])
    assert init.exit_code == 0, init.stderr
    assert init.stdout == f"The case log {owner.replace(':change-me@', ':***@')} is ready.\n"
    execute(owner, SQL[1])

    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    agent = as_role(server, "ann")
    run = CliRunner().invoke(
        app, ["--db", agent, "run", "login-failure", "--answers", str(answers)]
    )
    assert run.exit_code == 0, run.stderr

    lead = as_role(server, "lee")
    with open_case_log(lead) as log:
        [session] = log.list_sessions(SessionFilter())
        assert session.status == "resolved" and len(log.events(session.id)) > 10
        with pytest.raises(CaseLogError) as caught:
            log.create_session(TREE, Intake(), "lee")
    assert str(caught.value) == (
        f"the case database {log.target} does not let this role start a session; ask whoever "
        "manages the database for the rights the README lists (see 'Team setup' in the README)"
    )

    for role in ("ann", "lee", "troubleshoot_owner"):
        with psycopg.connect(as_role(server, role), autocommit=True) as conn:
            for statement in ("UPDATE events SET answer = 'x'", "DELETE FROM events"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(statement)
    with psycopg.connect(lead) as conn:
        for statement in ("UPDATE sessions SET note = 'x'", "DELETE FROM sessions"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
            conn.rollback()
