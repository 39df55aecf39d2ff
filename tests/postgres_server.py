"""A throwaway PostgreSQL server for the tests, from Debian's binaries (`postgresql`).

`postgres_server` (one per test session) runs initdb and the server in a temporary dir, on
127.0.0.1 and a free port, trusting connections from 127.0.0.1; `postgres_url` gives a test a
database of its own. As root, initdb and pg_ctl run as the `postgres` user (PostgreSQL refuses
to run as root). Without the binaries the tests that need the server skip.

The databases sort text by ICU's en-US rules where the server has ICU, unlike SQLite's bytes:
the store must not depend on the server's locale.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

INSTALLED = Path("/usr/lib/postgresql")
SKIP_REASON = "needs Debian's postgresql: apt-get install postgresql"
# A server for tests: nothing it holds must survive a crash, so nothing is synced.
SERVER_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")


def find_binaries() -> Path | None:
    """The bin dir of the newest PostgreSQL installed (/usr/lib/postgresql/<version>/bin)."""
    found = []
    for bin_dir in INSTALLED.glob("*/bin"):
        if all((bin_dir / name).exists() for name in ("initdb", "pg_ctl", "postgres")):
            version = tuple(int(part) for part in bin_dir.parent.name.split(".") if part.isdigit())
            found.append((version, bin_dir))
    return max(found)[1] if found else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    """One server in a temporary dir; `stop()` removes it all."""

    def __init__(self, bin_dir: Path):
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="monitor-postgres-"))
        self.data = self.root / "data"
        self.port = free_port()
        self._as_user: list[str] = []
        self._names = itertools.count(1)
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
            self._as_user = ["runuser", "-u", "postgres", "--"]

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        initdb = [str(self.bin_dir / "initdb"), "-D", str(self.data), "-U", "postgres"]
        initdb += ["--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"]
        if self._run(*initdb, "--locale-provider=icu", "--icu-locale=en-US", check=False):
            # (a server before 15, or without ICU: the C locale, which sorts as SQLite does)
            shutil.rmtree(self.data, ignore_errors=True)
            self._run(*initdb)
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} "
        options += f"-c unix_socket_directories={self.root} "
        options += " ".join(f"-c {setting}" for setting in SERVER_SETTINGS)
        log = str(self.root / "server.log")
        self._run(
            str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-l", log, "-w", "-t", "60",
            "-o", options, "start",
        )  # fmt: skip

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            pg_ctl = str(self.bin_dir / "pg_ctl")
            self._run(pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def new_database(self) -> str:
        """The URL of a new, empty database."""
        import psycopg

        name = f"test_{next(self._names)}"
        with psycopg.connect(self.url("postgres"), autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def _run(self, *command: str, check: bool = True) -> int:
        done = subprocess.run(
            [*self._as_user, *command], capture_output=True, text=True, timeout=120, check=False
        )
        if check and done.returncode:
            output = (done.stderr or done.stdout).strip().splitlines()
            raise RuntimeError(f"{Path(command[0]).name}: {output[-1] if output else done}")
        return done.returncode


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bin_dir = find_binaries()
    if bin_dir is None:
        pytest.skip(SKIP_REASON)
    server = PostgresServer(bin_dir)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """A database of the test's own."""
    return postgres_server.new_database()


@dataclass
class Backend:
    """The store backend a test runs against: SQLite in the data dir, or PostgreSQL through
    MONITOR_STORE (what `open_store` reads)."""

    name: str
    monkeypatch: pytest.MonkeyPatch
    server: PostgresServer | None = None
    url: str | None = None

    def fresh(self) -> str | None:
        """An empty store for the next data dir: with PostgreSQL, a database of its own."""
        if self.server is None:
            self.monkeypatch.delenv("MONITOR_STORE", raising=False)
            return None
        self.url = self.server.new_database()
        self.monkeypatch.setenv("MONITOR_STORE", self.url)
        return self.url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.slow)])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Backend:
    """Runs the test once per backend (the PostgreSQL run is slow: it starts a server)."""
    server = request.getfixturevalue("postgres_server") if request.param == "postgres" else None
    chosen = Backend(request.param, monkeypatch, server)
    chosen.fresh()
    return chosen
