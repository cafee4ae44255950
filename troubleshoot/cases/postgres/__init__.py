"""The team case log on PostgreSQL (psycopg 3, the optional `postgres` extra).

`case_log.py` implements the `CaseLog` protocol, `connection.py` is the one module importing
psycopg, `migrations.py` holds the schema steps (SQLite's history, PostgreSQL's SQL), and
`errors.py` words every failure for people with the password masked.
"""

from __future__ import annotations

from troubleshoot.cases.postgres.case_log import PostgresCaseLog

__all__ = ["PostgresCaseLog"]
