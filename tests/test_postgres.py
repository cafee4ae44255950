"""The PostgreSQL case log: clear messages with the password masked, schema steps, append-only
events, dropped connections, and the CLI on a `postgresql://` URL.

The behaviour both backends share is tested once for both in `test_case_log.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from login_session import ANSWERS, TREE
from pg_server import PgServer, free_port, with_database
from typer.testing import CliRunner

from troubleshoot.cases.log import open_case_log
from troubleshoot.cases.postgres.errors import connect_problem, mask
from troubleshoot.cases.postgres.search import to_tsquery
from troubleshoot.cases.records import Event, EventKind, Intake, SessionFilter
from troubleshoot.cli import app
from troubleshoot.errors import CaseLogError, SearchError


def refused_message(url: str) -> str:
    with pytest.raises(CaseLogError) as caught:
        open_case_log(url)
    return str(caught.value)


# -- messages, without a server ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://ann:s3cret@db/cases", "postgresql://ann:***@db/cases"),
        ("postgres://ann:p%40ss@db:5433/cases", "postgres://ann:***@db:5433/cases"),
        (
            "postgresql://db/cases?password=s3cret&sslmode=require",
            "postgresql://db/cases?password=***&sslmode=require",
        ),
        ("postgresql://ann@db/cases", "postgresql://ann@db/cases"),
    ],
)
def test_passwords_are_masked(url: str, shown: str) -> None:
    assert mask(url) == shown


def test_a_url_that_is_not_one_is_explained() -> None:
    message = refused_message("postgresql://ann:s3cret@db:port/cases")
    assert message.startswith(
        "the case database URL postgresql://ann:***@db:port/cases is not valid ("
    )
    assert message.endswith(
        "write it as postgresql://USER@HOST:PORT/DATABASE (the password in PGPASSWORD or ~/.pgpass)"
    )
    assert "s3cret" not in message


def test_libpq_text_is_scrubbed_of_the_password() -> None:
    error = connect_problem("postgresql://ann:s3cret@db/x", None, "boom s3cret\nmore")
    assert str(error) == (
        "the case database postgresql://ann:***@db/x cannot be reached (boom ***); check the "
        "host and port in the URL and that the PostgreSQL server is running and accepts "
        "connections from here"
    )


def test_without_psycopg_the_message_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg now fails
    result = CliRunner().invoke(
        app,
        [
            "--db",
            "postgresql://ann:s3cret@db/cases",
            "run",
            "login-failure",
            "--answers",
            "nothing.yaml",
        ],
    )
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: PostgreSQL case logs need the psycopg package, which is not installed; run "
        "pip install 'troubleshoot[postgres]' (or use --db with a file path for an SQLite case "
        "log)\n"
    )


# -- messages from a real server ---------------------------------------------------------------


def test_a_refused_connection_is_explained() -> None:
    url = f"postgresql://ann:s3cret@127.0.0.1:{free_port()}/cases"
    message = refused_message(url)
    assert message.startswith(
        f"the case database postgresql://ann:***@127.0.0.1:{url.split(':')[3]} cannot be reached ("
    )
    assert "s3cret" not in message


def test_wrong_credentials_are_explained(pg_server: PgServer) -> None:
    wrong = pg_server.url.replace(":test-secret@", ":not-it@")
    if wrong == pg_server.url:
        pytest.skip("the given server's URL has no password to get wrong")
    assert refused_message(wrong) == (
        f"the case database {mask(wrong)} refused the user name or password; check them in "
        "the URL, PGPASSWORD or ~/.pgpass (and that the role may log in)"
    )


def test_a_missing_database_is_explained(pg_server: PgServer) -> None:
    url = with_database(pg_server.url, "no_such_cases")
    assert refused_message(url) == (
        f"the case database {mask(url)} does not exist on that server; create it (see 'Team "
        "setup' in the README) or fix the name in the URL"
    )


def test_a_newer_schema_is_refused(pg_url: str) -> None:
    import psycopg

    open_case_log(pg_url).close()
    with psycopg.connect(pg_url) as conn:
        conn.execute(
            "INSERT INTO troubleshoot_migrations (migration_set, name) "
            "VALUES ('troubleshoot', 'm999_future')"
        )
    assert refused_message(pg_url) == (
        f"the case database {mask(pg_url)} was written by a newer troubleshoot (schema step "
        "m999_future); upgrade troubleshoot to use it"
    )


def test_the_schema_steps_have_the_sqlite_names(pg_url: str, tmp_path: Path) -> None:
    import sqlite3

    import psycopg

    open_case_log(pg_url).close()
    open_case_log(str(tmp_path / "c.db")).close()
    with psycopg.connect(pg_url) as conn:
        steps = [r[0] for r in conn.execute("SELECT name FROM troubleshoot_migrations")]
    with sqlite3.connect(tmp_path / "c.db") as conn:
        local = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")]
    assert steps == local


def test_events_cannot_be_changed_or_deleted(pg_url: str) -> None:
    import psycopg

    with open_case_log(pg_url) as log:
        session = log.create_session(TREE, Intake(customer="locked out"), "ann")
        log.append_event(session, Event(kind=EventKind.START))
    with psycopg.connect(pg_url, autocommit=True) as conn:
        for statement in (
            "UPDATE events SET kind = 'note'",
            "DELETE FROM events",
            "TRUNCATE events",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
                conn.execute(statement)
        assert conn.execute("SELECT kind FROM events").fetchall() == [("start",)]


# -- the CLI on a PostgreSQL URL ---------------------------------------------------------------


def test_a_session_runs_on_postgresql_from_the_environment(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    monkeypatch.setenv("TROUBLESHOOT_DB", pg_url)
    result = CliRunner().invoke(
        app, ["run", "login-failure", "--answers", str(answers), "--agent", "ann"]
    )
    assert result.exit_code == 0, result.stderr
    with open_case_log(pg_url) as log:
        [session] = log.list_sessions(SessionFilter())
        assert result.stdout.splitlines()[-1] == f"Session {session.id} closed: resolved"
        kinds = [e.kind for e in log.events(session.id)]
    assert kinds[0] == "start" and kinds[-1] == "wrapup"
    local = tmp_path / "local.db"
    same = CliRunner().invoke(
        app,
        ["--db", str(local), "run", "login-failure", "--answers", str(answers), "--agent", "ann"],
    )
    assert same.exit_code == 0, same.stderr
    with open_case_log(str(local)) as log:
        [there] = log.list_sessions(SessionFilter())
        assert [e.kind for e in log.events(there.id)] == kinds  # the same events on SQLite


# -- the search syntax agents type, read into a tsquery -----------------------------------------


@pytest.mark.parametrize(
    ("query", "tsquery"),
    [
        ("password reset", "'password' & 'reset'"),
        ('"wi-fi" OR vpn*', "( 'wi' <-> 'fi' ) | 'vpn':*"),
        ("printer NOT jammed", "'printer' & ! 'jammed'"),
        ("(vpn OR wifi) AND down", "( 'vpn' | 'wifi' ) & 'down'"),
        ("Wi-Fi", "( 'wi' <-> 'fi' )"),
    ],
)
def test_search_queries_read_as_on_sqlite(query: str, tsquery: str) -> None:
    def spaced(text: str) -> str:
        return " ".join(text.replace("(", " ( ").replace(")", " ) ").split())

    assert spaced(to_tsquery(query)) == spaced(tsquery)


@pytest.mark.parametrize("query", ['"unclosed', "OR vpn", "(vpn", "vpn)", "vpn AND", "  "])
def test_a_query_that_cannot_be_read_is_refused(query: str) -> None:
    with pytest.raises(SearchError):
        to_tsquery(query)
