"""A throwaway PostgreSQL server for the tests: one cluster per test session, on loopback.

`PgServer.start()` runs `initdb` in a fresh temporary folder as a non-root user (the `postgres`
OS user when the tests run as root), starts the server on a free loopback port with password
authentication, and `stop()` removes it again. With `TROUBLESHOOT_TEST_PG_URL` set, that server
is used instead and nothing is started. `new_database()` gives each test an empty database.

When the PostgreSQL binaries are missing the caller skips, except in CI (`CI` or
`TROUBLESHOOT_REQUIRE_PG=1` set), where a missing or failing PostgreSQL fails loudly.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ENV_URL = "TROUBLESHOOT_TEST_PG_URL"
ENV_BIN = "TROUBLESHOOT_TEST_PG_BIN"  # the folder of initdb/pg_ctl, to pick one version
PASSWORD = "test-secret"
SUPERUSER = "troubleshoot_admin"
_names = itertools.count(1)


class PgUnavailable(Exception):
    """PostgreSQL cannot be found or started; the message says why."""


def required() -> bool:
    """Whether a missing PostgreSQL is a failure rather than a skip (CI)."""
    return bool(os.environ.get("CI")) or os.environ.get("TROUBLESHOOT_REQUIRE_PG") == "1"


def binaries() -> Path | None:
    """The folder holding initdb and pg_ctl: ENV_BIN, on PATH, or Debian's newest version."""
    if os.environ.get(ENV_BIN):
        given = Path(os.environ[ENV_BIN])
        return given if (given / "initdb").exists() else None
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return versions[-1].parent if versions else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


@dataclass
class PgServer:
    """A PostgreSQL server the tests may create databases on (and restart, if they own it)."""

    url: str
    folder: Path | None = None
    bin: Path | None = None
    user: str | None = None
    port: int = 0
    databases: list[str] = field(default_factory=list)

    @property
    def owned(self) -> bool:
        return self.folder is not None

    @classmethod
    def from_environment(cls) -> PgServer:
        given = os.environ.get(ENV_URL)
        if given:
            return cls(url=given)
        return cls.start()

    @classmethod
    def start(cls) -> PgServer:
        bin_dir = binaries()
        if bin_dir is None:
            raise PgUnavailable(
                "PostgreSQL is not installed (no initdb on PATH or in /usr/lib/postgresql); "
                "install it (apt-get install postgresql) or set " + ENV_URL
            )
        user = "postgres" if os.geteuid() == 0 else None
        folder = Path(tempfile.mkdtemp(prefix="troubleshoot-pg-"))
        server = cls(url="", folder=folder, bin=bin_dir, user=user)
        try:
            server._initdb()
            server._launch()
        except BaseException:
            server.stop()
            raise
        return server

    def _run(self, *argv: str) -> None:
        assert self.bin is not None
        command = [str(self.bin / argv[0]), *argv[1:]]
        if self.user is not None:
            command = ["runuser", "-u", self.user, "--", *command]
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=120, check=False, cwd="/"
        )
        if done.returncode != 0:
            raise PgUnavailable(
                f"{argv[0]} failed (exit {done.returncode}): {done.stderr.strip()} "
                f"{self._log_tail()}"
            )

    def _initdb(self) -> None:
        assert self.folder is not None
        if self.user is not None:
            try:
                entry = pwd.getpwnam(self.user)
            except KeyError:
                raise PgUnavailable(
                    f"running as root, but there is no '{self.user}' user to run PostgreSQL as"
                ) from None
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        self.folder.chmod(0o700)
        pwfile = self.folder / "pwfile"
        pwfile.write_text(PASSWORD + "\n")
        if self.user is not None:
            os.chown(pwfile, pwd.getpwnam(self.user).pw_uid, -1)
        self._run(
            "initdb",
            "-D",
            str(self.folder / "data"),
            "-U",
            SUPERUSER,
            f"--pwfile={pwfile}",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )

    def _launch(self) -> None:
        assert self.folder is not None
        for _attempt in range(3):
            self.port = free_port()
            try:
                self._pg_ctl_start()
                break
            except PgUnavailable:
                if _attempt == 2:
                    raise
        self.url = f"postgresql://{SUPERUSER}:{PASSWORD}@127.0.0.1:{self.port}/postgres"

    def _pg_ctl_start(self) -> None:
        assert self.folder is not None
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=on -c full_page_writes=off "
            "-c max_connections=60"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.folder / "data"),
            "-l",
            str(self.folder / "server.log"),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )

    def _log_tail(self) -> str:
        if self.folder is None:
            return ""
        with contextlib.suppress(OSError):
            lines = (self.folder / "server.log").read_text(errors="replace").splitlines()
            return "; server log: " + " | ".join(lines[-5:])
        return ""

    def halt(self) -> None:
        """Stop the server, keeping its data (every open connection is dropped)."""
        if not self.owned:
            raise PgUnavailable("cannot stop a server given by " + ENV_URL)
        assert self.folder is not None
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop")

    def start_again(self) -> None:
        """Start a halted server on the same port."""
        self._pg_ctl_start()

    def restart(self) -> None:
        self.halt()
        self.start_again()

    def stop(self) -> None:
        if self.folder is None:
            return
        if (self.folder / "data" / "postmaster.pid").exists():
            with contextlib.suppress(PgUnavailable, subprocess.TimeoutExpired):
                self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- databases -----------------------------------------------------------------------------

    def new_database(self) -> str:
        """The URL of a new, empty database on this server."""
        import psycopg

        name = f"troubleshoot_test_{os.getpid()}_{next(_names)}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        self.databases.append(name)
        return with_database(self.url, name)

    def drop_database(self, url: str) -> None:
        """Drop a database `new_database` made (its URL), even with connections still open."""
        import psycopg

        name = urlsplit(url).path.lstrip("/")
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if name in self.databases:
            self.databases.remove(name)

    def drop_databases(self) -> None:
        for name in list(self.databases):
            self.drop_database(with_database(self.url, name))
