"""What went wrong with a PostgreSQL case log, in words for people, with the password masked.

Pure functions on URLs and on the error code and text a server or libpq gave, so that
`connection.py` (the only module importing psycopg) turns every failure into one of these
messages. A password never appears in a message: URLs are shown with ``***`` in its place, and
libpq's own text is scrubbed of it too.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlsplit

from troubleshoot.cases.log import mask_password as mask
from troubleshoot.errors import CaseLogError

EXTRA = "pip install 'troubleshoot[postgres]'"
SETUP = "see 'Team setup' in the README"


def password_of(url: str) -> str | None:
    """The password written in `url`, if any (to scrub it from libpq's messages)."""
    try:
        parts = urlsplit(url)
        given = parts.password
    except ValueError:
        return None
    if given:
        return unquote(given)
    for key, value in parse_qsl(parts.query):
        if key.lower() == "password":
            return value
    return None


def check_url(url: str) -> None:
    """Refuse a URL that cannot be a PostgreSQL database, before connecting."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError as exc:
        raise CaseLogError(bad_url(url, str(exc))) from None
    if parts.scheme.lower() not in ("postgresql", "postgres"):
        raise CaseLogError(bad_url(url, f"'{parts.scheme}://' is not a PostgreSQL URL"))
    if parts.fragment:
        raise CaseLogError(bad_url(url, "a '#' is not allowed (write it as %23 in a password)"))


def bad_url(url: str, why: str) -> str:
    return (
        f"the case database URL {mask(url)} is not valid ({why}); write it as "
        "postgresql://USER@HOST:PORT/DATABASE (the password in PGPASSWORD or ~/.pgpass)"
    )


def _scrub(text: str, password: str | None) -> str:
    first = text.strip().splitlines()[0] if text.strip() else "no details"
    return first.replace(password, "***") if password else first


def connect_problem(url: str, sqlstate: str | None, text: str) -> CaseLogError:
    """Why connecting to `url` failed, from the server's error code or libpq's message."""
    where = mask(url)
    lowered = text.lower()
    if sqlstate in ("28P01", "28000") or "authentication failed" in lowered:
        why = (
            "refused the user name or password; check them in the URL, PGPASSWORD or "
            "~/.pgpass (and that the role may log in)"
        )
    elif "no password supplied" in lowered or "password is required" in lowered:
        why = "needs a password; put it in PGPASSWORD or ~/.pgpass (or in the URL)"
    elif sqlstate == "3D000" or re.search(r"database .* does not exist", lowered):
        why = f"does not exist on that server; create it ({SETUP}) or fix the name in the URL"
    elif "invalid" in lowered and ("uri" in lowered or "connection option" in lowered):
        return CaseLogError(bad_url(url, _scrub(text, password_of(url))))
    else:
        detail = _scrub(text, password_of(url))
        why = (
            f"cannot be reached ({detail}); check the host and port in the URL and that the "
            "PostgreSQL server is running and accepts connections from here"
        )
    return CaseLogError(f"the case database {where} {why}")


def lost_connection(url: str) -> CaseLogError:
    """The server went away in the middle of the work (and did not come back at once)."""
    return CaseLogError(
        f"lost the connection to the case database {mask(url)} (the server stopped or the "
        "network dropped) and could not connect again"
    )


def refused(url: str, what: str) -> CaseLogError:
    """The role lacks a right (SQLSTATE 42501)."""
    return CaseLogError(
        f"the case database {mask(url)} does not let this role {what}; ask whoever manages "
        f"the database for the rights the README lists ({SETUP})"
    )


def newer_schema(url: str, step: str) -> CaseLogError:
    return CaseLogError(
        f"the case database {mask(url)} was written by a newer troubleshoot (schema step "
        f"{step}); upgrade troubleshoot to use it"
    )


def missing_driver() -> CaseLogError:
    return CaseLogError(
        f"PostgreSQL case logs need the psycopg package, which is not installed; run {EXTRA} "
        "(or use --db with a file path for an SQLite case log)"
    )
