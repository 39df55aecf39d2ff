"""The PostgreSQL store: the same `Store` as SQLite, in a database that several machines share.

Chosen by a postgresql:// URL in MONITOR_STORE (`monitor.store.open_store`); the change logs
and the lock stay in the data dir. psycopg is imported here only, and only when such a URL is
opened, so the single-machine mode never loads it.

It keeps SQLiteStore's semantics to the byte: one global sequence numbers the revisions of
every kind, each record is stored as the very bytes `dumps`/`dump_thread` made (`bytea`), and
writes are grouped in one transaction until `commit()`. A reader (`read_only=True`) sees one
committed state from its first read until `commit()` or `close()`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from monitor.contracts.items import PostRecord, ThreadRecord
from monitor.store import StoreMissing, StoreUnavailable, redact
from monitor.store.records import loads, utc_iso
from monitor.store.sql import Cursor, SQLStore, load_thread

if TYPE_CHECKING:
    import psycopg

# Text columns compare bytewise (COLLATE "C"), as SQLite does, whatever the database's locale:
# under en-US, "Ab" sorts before "T2" but after "aB", which would reorder threads and sources.
# A post's or thread's record is kept once, in `revisions`; its row points at it by `seq`. A
# post's `record` is NULL for "the record of revision `seq`", or the current record when it
# differs from that revision only in fields that make no new revision (views).
SCHEMA_V1 = """
CREATE TABLE posts (
    id text COLLATE "C" PRIMARY KEY,
    first_seq bigint NOT NULL,
    seq bigint NOT NULL,
    revision integer NOT NULL,
    source text COLLATE "C" NOT NULL,
    sort_time text COLLATE "C" NOT NULL,
    via_embed boolean NOT NULL,
    record bytea,
    thread_id text COLLATE "C"
);
CREATE INDEX posts_first_seq ON posts (first_seq);
CREATE INDEX posts_sort_time ON posts (sort_time);
CREATE INDEX posts_thread ON posts (thread_id);
CREATE TABLE revisions (
    seq bigint PRIMARY KEY,
    kind text COLLATE "C" NOT NULL,
    key text COLLATE "C" NOT NULL,
    revision integer NOT NULL,
    record bytea NOT NULL
);
CREATE INDEX revisions_kind_seq ON revisions (kind, seq);
CREATE TABLE threads (
    id text COLLATE "C" PRIMARY KEY,
    revision integer NOT NULL,
    last_seen text COLLATE "C" NOT NULL,
    seq bigint NOT NULL
);
CREATE INDEX threads_last_seen ON threads (last_seen, id);
CREATE TABLE meta (key text COLLATE "C" PRIMARY KEY, value text NOT NULL);
CREATE TABLE source_state (name text COLLATE "C" PRIMARY KEY, state bytea NOT NULL);
"""
# The schema's upgrades, in order: MIGRATIONS[n] takes a store from version n to n + 1. A
# change appends a step (an ALTER TABLE, a back-fill); a released step is never edited, since
# stores out there already ran it.
MIGRATIONS: tuple[str, ...] = (SCHEMA_V1,)
SCHEMA_VERSION = len(MIGRATIONS)
# One row per version reached: the highest is the store's.
VERSION_TABLE = """
CREATE TABLE schema_version (
    version integer PRIMARY KEY,
    upgraded_at timestamptz NOT NULL DEFAULT now()
)
"""
# Held by every writing transaction (and an upgrade): writers take turns, so revisions are
# numbered in commit order and a change log following `seq` never skips one committed late,
# even with writers on two machines. ("monitor" in ASCII: a key no other program picks.)
WRITE_LOCK = int.from_bytes(b"monitor", "big")
# Long reads go by pages of this many rows, keyed on the order they are read in: a store of
# 100k posts is never held in memory at once, and no server-side cursor outlives a statement.
PAGE_ROWS = 1000
# Seconds to wait for the server, unless the URL or PGCONNECT_TIMEOUT says (psycopg: 130).
CONNECT_TIMEOUT = 10


class PostgresStore(SQLStore):
    """See `monitor.store.base.Store`. Writers take turns (`WRITE_LOCK`); readers never wait."""

    # A post's NULL `record` is "the record of revision `seq`"; a thread's row has no record.
    SELECT_POST = (
        "SELECT coalesce(posts.record, revisions.record), posts.revision, posts.via_embed"
        " FROM posts JOIN revisions ON revisions.seq = posts.seq"
    )
    SELECT_THREAD = (
        "SELECT revisions.record, threads.revision"
        " FROM threads JOIN revisions ON revisions.seq = threads.seq"
    )
    EMPTY_RECORD = "NULL"
    UPSERT_THREAD = (
        "INSERT INTO threads (id, revision, last_seen, seq) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET revision = excluded.revision,"
        " last_seen = excluded.last_seen, seq = excluded.seq"
    )

    def __init__(self, url: str, *, read_only: bool = False):
        import psycopg

        super().__init__()
        self.name = redact(url)
        self.read_only = read_only
        try:
            self.db = _connect(url, read_only)
        except psycopg.Error as error:
            raise self._unavailable(error, url) from None
        try:
            if read_only:
                self._check_version()
                self.db.commit()  # (the snapshot starts with the first read that follows)
            else:
                self._upgrade()
                self._forget_recent()
        except psycopg.Error as error:
            self.db.close()
            raise self._unavailable(error, url) from None
        except StoreUnavailable:
            self.db.close()
            raise

    def _unavailable(self, error: Exception, url: str) -> StoreUnavailable:
        # (libpq quotes a URL it cannot parse whole, password included)
        return StoreUnavailable(f"store {self.name}: {one_line(error).replace(url, self.name)}")

    def _upgrade(self) -> None:
        """Create the tables, or bring an older store's up to this program's version."""
        self.db.execute("BEGIN")
        # (two processes opening a new database at once: one creates, the other then sees it)
        self.db.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
        # (made only when missing: a role that may write rows but not create tables opens a
        # store made for it)
        if not self._has_version_table():
            self.db.execute(VERSION_TABLE)
        version = self._version()
        if version > SCHEMA_VERSION:
            self.db.execute("ROLLBACK")
            raise self._too_new(version)
        for step in range(version, SCHEMA_VERSION):
            self.db.execute(MIGRATIONS[step])
            self.db.execute("INSERT INTO schema_version (version) VALUES (%s)", (step + 1,))
        self.db.execute("COMMIT")

    def _check_version(self) -> None:
        # A reader changes nothing: a store is made or upgraded by the first command that
        # writes to it (crawl, schedule, replay).
        version = self._version() if self._has_version_table() else 0
        if version == 0:
            raise StoreMissing(
                f"store {self.name}: holds no store yet "
                "(run `monitor crawl` first, or give --store)"
            )
        if version > SCHEMA_VERSION:
            raise self._too_new(version)
        if version < SCHEMA_VERSION:
            raise StoreUnavailable(
                f"store {self.name}: schema version {version}, this monitor reads "
                f"{SCHEMA_VERSION}; a command that writes (crawl, replay) upgrades it"
            )

    def _has_version_table(self) -> bool:
        row = self.db.execute("SELECT to_regclass('schema_version')").fetchone()
        return bool(row and row[0])

    def _version(self) -> int:
        row = self.db.execute("SELECT max(version) FROM schema_version").fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def _too_new(self, version: int) -> StoreUnavailable:
        return StoreUnavailable(
            f"store {self.name}: schema version {version} is newer than this monitor's "
            f"{SCHEMA_VERSION}; upgrade monitor"
        )

    def _execute(self, sql: str, args: Sequence[Any] = ()) -> Cursor:
        # (no arguments: None, so the statement goes as written, as a bare `execute` sends it)
        return self.db.execute(_placeholders(sql), args or None)

    def _begin(self) -> None:
        if self.read_only:
            raise RuntimeError(f"store {self.name}: opened read-only")
        super()._begin()

    def _start_seq(self) -> int:
        # (the last one committed, read once the lock is held)
        self.db.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
        row = self.db.execute("SELECT coalesce(max(seq), 0) FROM revisions").fetchone()
        seq = int(row[0]) if row else 0
        if seq != self._committed:
            # Another writer committed since (a second data dir on this database): what
            # this store last committed is no longer all that came after its last seq.
            self._forget_recent()
        return seq

    def iter_threads(self) -> Iterator[ThreadRecord]:
        query = (
            "SELECT revisions.record, threads.last_seen, threads.id"
            " FROM threads JOIN revisions ON revisions.seq = threads.seq"
        )
        order = " ORDER BY threads.last_seen, threads.id LIMIT %s"
        rows = self.db.execute(query + order, (PAGE_ROWS,)).fetchall()
        while rows:
            for data, _, _ in rows:
                yield load_thread(data)
            if len(rows) < PAGE_ROWS:
                return
            after = rows[-1][1:]
            rows = self.db.execute(
                query + " WHERE (threads.last_seen, threads.id) > (%s, %s)" + order,
                (*after, PAGE_ROWS),
            ).fetchall()

    def commit(self) -> None:
        if self.read_only:
            # the end of a reader's snapshot: its next read sees what was committed since
            self.db.commit()
            return
        super().commit()

    def close(self) -> None:
        if not self.db.closed:
            self.commit()
            self.db.close()

    def iter_posts(self, since: str | None = None) -> Iterator[PostRecord]:
        """Posts in the order they were first stored; `since` filters on post time."""
        query = (
            "SELECT coalesce(posts.record, revisions.record), posts.first_seq"
            " FROM posts JOIN revisions ON revisions.seq = posts.seq WHERE posts.first_seq > %s"
        )
        args: tuple[str, ...] = ()
        if since:
            query, args = query + " AND posts.sort_time >= %s", (utc_iso(since),)
        query += " ORDER BY posts.first_seq LIMIT %s"
        after = 0
        while True:
            rows = self.db.execute(query, (after, *args, PAGE_ROWS)).fetchall()
            for data, _ in rows:
                yield loads(data)
            if len(rows) < PAGE_ROWS:
                return
            after = rows[-1][1]


def _connect(url: str, read_only: bool) -> psycopg.Connection[tuple[Any, ...]]:
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    params = conninfo_to_dict(url)  # (a malformed URL fails here, with libpq's reason)
    extra: dict[str, Any] = {}
    if "connect_timeout" not in params and "PGCONNECT_TIMEOUT" not in os.environ:
        extra["connect_timeout"] = CONNECT_TIMEOUT
    if "application_name" not in params:
        extra["application_name"] = "monitor"
    if not read_only:
        # Statements outside a batch are each their own transaction, as SQLite's are; a batch
        # is opened and committed by hand (`_begin`, `commit`).
        return psycopg.connect(url, autocommit=True, **extra)
    db = psycopg.connect(url, autocommit=False, **extra)
    # Every read until `commit()` or `close()` sees one committed state (an export's posts and
    # threads agree while a crawl writes); a read-only transaction takes no lock a writer waits on.
    db.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    db.read_only = True
    return db


def one_line(error: Exception) -> str:
    """libpq's reason on one line (it spreads a connection failure over several)."""
    lines = [" ".join(line.split()) for line in str(error).splitlines()]
    return "; ".join(line for line in lines if line) or type(error).__name__


@lru_cache(maxsize=256)
def _placeholders(sql: str) -> str:
    """SQLStore's `?` placeholders in psycopg's style (its queries hold no other `?` or `%`)."""
    return sql.replace("?", "%s")
