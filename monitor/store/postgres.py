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
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, cast

import orjson

from monitor.contracts.items import PostRecord, ThreadRecord
from monitor.store import StoreMissing, StoreUnavailable, redact
from monitor.store.base import SaveResult
from monitor.store.records import dump_thread, dumps, loads, merge, same_content, sort_time, utc_iso

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
SELECT_POST = (
    "SELECT coalesce(posts.record, revisions.record), posts.revision, posts.via_embed"
    " FROM posts JOIN revisions ON revisions.seq = posts.seq"
)
SELECT_THREAD = (
    "SELECT revisions.record, threads.revision"
    " FROM threads JOIN revisions ON revisions.seq = threads.seq"
)
KINDS = ("post", "thread", "run")
# Long reads go by pages of this many rows, keyed on the order they are read in: a store of
# 100k posts is never held in memory at once, and no server-side cursor outlives a statement.
PAGE_ROWS = 1000
# Seconds to wait for the server, unless the URL or PGCONNECT_TIMEOUT says (psycopg: 130).
CONNECT_TIMEOUT = 10
# A revision as the change logs read it: (seq, record).
Revision = tuple[int, bytes]


class PostgresStore:
    """See `monitor.store.base.Store`. Writers take turns (`WRITE_LOCK`); readers never wait."""

    def __init__(self, url: str, *, read_only: bool = False):
        import psycopg

        self.name = redact(url)
        self.read_only = read_only
        self._in_tx = False
        self._seq = 0  # the last revision's seq, while a transaction is open
        # As in SQLiteStore: by kind, the revisions of the open transaction, and of the last
        # commit that had any with the last seq of that kind before it (the change logs are
        # handed those instead of reading them back).
        self._written: dict[str, list[Revision]] = {}
        self._recent: dict[str, tuple[int, list[Revision]]] = {}
        self._last_seq: dict[str, int] = {}
        self._committed = 0  # the last seq known committed, by this store or another writer
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

    def _forget_recent(self) -> None:
        self._recent = {}
        self._last_seq = {kind: self._max_seq(kind) for kind in KINDS}
        self._committed = max(self._last_seq.values())

    def _max_seq(self, kind: str) -> int:
        row = self.db.execute("SELECT max(seq) FROM revisions WHERE kind = %s", (kind,)).fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def _begin(self) -> None:
        if self.read_only:
            raise RuntimeError(f"store {self.name}: opened read-only")
        if not self._in_tx:
            self.db.execute("BEGIN")
            self._in_tx = True
            self._written.clear()
            # Revisions are numbered here, from the last one committed (read once the lock is
            # held), because a new post's row names its revision before that is written.
            self.db.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            row = self.db.execute("SELECT coalesce(max(seq), 0) FROM revisions").fetchone()
            self._seq = int(row[0]) if row else 0
            if self._seq != self._committed:
                # Another writer committed since (a second data dir on this database): what
                # this store last committed is no longer all that came after its last seq.
                self._forget_recent()

    def get(self, post_id: str) -> PostRecord | None:
        row = self.db.execute(SELECT_POST + " WHERE posts.id = %s", (post_id,)).fetchone()
        return loads(row[0]) if row else None

    def has(self, post_id: str) -> bool:
        row = self.db.execute("SELECT 1 FROM posts WHERE id = %s", (post_id,)).fetchone()
        return row is not None

    def save(self, record: PostRecord) -> SaveResult:
        self._begin()
        via_embed = bool(record.get("embedded_in"))
        stored = self._insert_new(record, via_embed)
        if stored is not None:
            return SaveResult("new", stored)
        row = self.db.execute(SELECT_POST + " WHERE posts.id = %s", (record["id"],)).fetchone()
        assert row is not None  # (the insert just found it)
        old, revision, old_via_embed = loads(row[0]), int(row[1]), bool(row[2])
        merged = merge(old, record, old_via_embed=old_via_embed, new_via_embed=via_embed)
        merged["revision"] = revision
        now_via_embed = old_via_embed and via_embed
        if same_content(old, merged):
            if merged != old:
                # views and the like: keep the latest, but they are not a new revision
                self.db.execute(
                    "UPDATE posts SET record = %s, via_embed = %s WHERE id = %s",
                    (dumps(merged), now_via_embed, merged["id"]),
                )
            elif now_via_embed != old_via_embed:
                self.db.execute(
                    "UPDATE posts SET via_embed = %s WHERE id = %s", (now_via_embed, merged["id"])
                )
            return SaveResult("same", merged)
        merged["revision"] = revision + 1
        seq = self._add_revision("post", merged["id"], merged["revision"], dumps(merged))
        self.db.execute(
            "UPDATE posts SET seq = %s, revision = %s, source = %s, sort_time = %s,"
            " via_embed = %s, record = NULL, thread_id = %s WHERE id = %s",
            (
                seq,
                merged["revision"],
                merged["source"],
                sort_time(merged),
                now_via_embed,
                merged.get("thread_id"),
                merged["id"],
            ),
        )
        return SaveResult("updated", merged)

    def _insert_new(self, record: PostRecord, via_embed: bool) -> PostRecord | None:
        """Store a post not seen before, as revision 1; None, and nothing written, if it was
        (inserting first saves a look-up for every new post, as in SQLiteStore)."""
        seq = self._seq + 1
        inserted = self.db.execute(
            "INSERT INTO posts"
            " (id, first_seq, seq, revision, source, sort_time, via_embed, record, thread_id)"
            " VALUES (%s, %s, %s, 1, %s, %s, %s, NULL, %s) ON CONFLICT (id) DO NOTHING",
            (
                record["id"],
                seq,
                seq,
                record["source"],
                sort_time(record),
                via_embed,
                record.get("thread_id"),
            ),
        ).rowcount
        if not inserted:
            return None
        stored: PostRecord = {**record, "revision": 1}
        self._add_revision("post", stored["id"], 1, dumps(stored))
        return stored

    def _add_revision(self, kind: str, key: str, revision: int, data: bytes) -> int:
        seq = self._seq + 1
        self.db.execute(
            "INSERT INTO revisions (seq, kind, key, revision, record) VALUES (%s, %s, %s, %s, %s)",
            (seq, kind, key, revision, data),
        )
        self._seq = seq
        self._written.setdefault(kind, []).append((seq, data))
        return seq

    def get_thread(self, thread_id: str) -> ThreadRecord | None:
        row = self.db.execute(SELECT_THREAD + " WHERE threads.id = %s", (thread_id,)).fetchone()
        return _thread(row[0]) if row else None

    def save_thread(self, record: ThreadRecord) -> bool:
        """Store a thread's current state; True when it changed (a new revision)."""
        self._begin()
        row = self.db.execute(
            SELECT_THREAD + " WHERE threads.id = %s", (record["thread_id"],)
        ).fetchone()
        revision = 1
        if row is not None:
            # the stored bytes are this very dump when nothing changed: no need to parse them
            if dump_thread({**record, "revision": row[1]}) == row[0]:
                return False
            revision = int(row[1]) + 1
        stored: ThreadRecord = {**record, "revision": revision}
        seq = self._add_revision("thread", stored["thread_id"], revision, dump_thread(stored))
        self.db.execute(
            "INSERT INTO threads (id, revision, last_seen, seq) VALUES (%s, %s, %s, %s)"
            " ON CONFLICT (id) DO UPDATE SET revision = excluded.revision,"
            " last_seen = excluded.last_seen, seq = excluded.seq",
            (stored["thread_id"], revision, stored.get("last_seen") or "", seq),
        )
        return True

    def iter_threads(self) -> Iterator[ThreadRecord]:
        query = (
            "SELECT revisions.record, threads.last_seen, threads.id"
            " FROM threads JOIN revisions ON revisions.seq = threads.seq"
        )
        order = " ORDER BY threads.last_seen, threads.id LIMIT %s"
        rows = self.db.execute(query + order, (PAGE_ROWS,)).fetchall()
        while rows:
            for data, _, _ in rows:
                yield _thread(data)
            if len(rows) < PAGE_ROWS:
                return
            after = rows[-1][1:]
            rows = self.db.execute(
                query + " WHERE (threads.last_seen, threads.id) > (%s, %s)" + order,
                (*after, PAGE_ROWS),
            ).fetchall()

    def thread_posts(self, thread_id: str) -> list[PostRecord]:
        """A thread's posts, in the order they were first stored."""
        rows = self.db.execute(
            SELECT_POST + " WHERE posts.thread_id = %s ORDER BY posts.first_seq", (thread_id,)
        )
        return [loads(data) for data, _, _ in rows]

    def thread_members(self) -> dict[str, list[str]]:
        """Every thread's post ids, in the order the posts were first stored."""
        members: dict[str, list[str]] = {}
        rows = self.db.execute(
            "SELECT thread_id, id FROM posts WHERE thread_id IS NOT NULL ORDER BY first_seq"
        )
        for thread_id, pid in rows:
            members.setdefault(thread_id, []).append(pid)
        return members

    def get_source_state(self, name: str) -> dict[str, Any]:
        row = self.db.execute("SELECT state FROM source_state WHERE name = %s", (name,)).fetchone()
        return cast(dict[str, Any], orjson.loads(row[0])) if row else {}

    def source_names(self) -> list[str]:
        """Every source with a recorded state, by name."""
        rows = self.db.execute("SELECT name FROM source_state ORDER BY name")
        return [name for (name,) in rows]

    def set_source_state(self, name: str, state: dict[str, Any]) -> None:
        self._begin()
        self.db.execute(
            "INSERT INTO source_state (name, state) VALUES (%s, %s)"
            " ON CONFLICT (name) DO UPDATE SET state = excluded.state",
            (name, orjson.dumps(state)),
        )

    def add_run(self, record: dict[str, Any]) -> None:
        """A run of a source, kept as the `run` kind of revision (runs.jsonl follows them)."""
        self._begin()
        self._add_revision("run", record["run_id"], 1, orjson.dumps(record))

    def latest_sort_time(self) -> str | None:
        row = self.db.execute("SELECT max(sort_time) FROM posts").fetchone()
        return cast(str, row[0]) if row and row[0] else None

    def commit(self) -> None:
        if self.read_only:
            # the end of a reader's snapshot: its next read sees what was committed since
            self.db.commit()
            return
        if self._in_tx:
            self.db.execute("COMMIT")
            self._in_tx = False
            self._committed = self._seq
            self._keep_recent()

    def _keep_recent(self) -> None:
        for kind, rows in self._written.items():
            self._recent[kind] = (self._last_seq[kind], rows)
            self._last_seq[kind] = rows[-1][0]
        self._written = {}

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

    def revisions_after(self, seq: int, limit: int = 1000, kind: str = "post") -> list[Revision]:
        before, rows = self._recent.get(kind, (None, []))
        if before is not None and seq >= before:
            # nothing of this kind was committed between `seq` and the last commit
            return [row for row in rows if row[0] > seq][:limit]
        found = self.db.execute(
            "SELECT seq, record FROM revisions WHERE kind = %s AND seq > %s ORDER BY seq LIMIT %s",
            (kind, seq, limit),
        )
        return [(int(row_seq), bytes(data)) for row_seq, data in found]

    def revision_seq(self, key: str, revision: int, kind: str = "post") -> int | None:
        # Asked only when a log is opened, for its last line (no index on key, which every
        # save would pay for: the newest revisions of the kind are read back first).
        row = self.db.execute(
            "SELECT seq FROM revisions WHERE kind = %s AND key = %s AND revision = %s"
            " ORDER BY seq DESC LIMIT 1",
            (kind, key, revision),
        ).fetchone()
        return int(row[0]) if row else None

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = %s", (key,)).fetchone()
        return cast(str, row[0]) if row else None

    def set_meta(self, key: str, value: str) -> None:
        self._begin()
        self.db.execute(
            "INSERT INTO meta (key, value) VALUES (%s, %s)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def count_posts(self) -> int:
        row = self.db.execute("SELECT count(*) FROM posts").fetchone()
        return int(row[0]) if row else 0


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


def _thread(data: bytes) -> ThreadRecord:
    return cast(ThreadRecord, orjson.loads(data))
