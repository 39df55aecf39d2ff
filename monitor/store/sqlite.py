"""The embedded default store: one SQLite file in the data dir, in WAL mode."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, cast

from monitor.contracts.items import PostRecord, ThreadRecord
from monitor.store.records import loads, utc_iso
from monitor.store.sql import Cursor, SQLStore, load_thread

# A post's or thread's record is kept once, in `revisions`; its row points at it by `seq`.
# An empty `record` means "the record of revision `seq`" (a data dir made before this kept a full
# copy in every row, which still reads right); a full one is the current record when it differs
# from that revision only in fields that make no new revision (views).
SCHEMA = """
CREATE TABLE IF NOT EXISTS posts (
    id TEXT PRIMARY KEY,
    first_seq INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    source TEXT NOT NULL,
    sort_time TEXT NOT NULL,
    via_embed INTEGER NOT NULL,
    record BLOB NOT NULL,
    thread_id TEXT
);
CREATE INDEX IF NOT EXISTS posts_first_seq ON posts (first_seq);
CREATE INDEX IF NOT EXISTS posts_sort_time ON posts (sort_time);
CREATE TABLE IF NOT EXISTS revisions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    revision INTEGER NOT NULL,
    record BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS revisions_kind_seq ON revisions (kind, seq);
CREATE TABLE IF NOT EXISTS threads (
    id TEXT PRIMARY KEY,
    revision INTEGER NOT NULL,
    last_seen TEXT NOT NULL,
    record BLOB NOT NULL,
    seq INTEGER
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS source_state (name TEXT PRIMARY KEY, state BLOB NOT NULL);
"""
SELECT_POST_WITH_ID = (
    "SELECT posts.id, coalesce(nullif(posts.record, x''), revisions.record)"
    " FROM posts LEFT JOIN revisions ON revisions.seq = posts.seq"
)
PAGE_SIZE = 16384
WAL_CHECKPOINT_BYTES = 16 << 20


class SQLiteStore(SQLStore):
    """See `monitor.store.base.Store`. One writer at a time (the data-dir lock ensures it)."""

    # An empty `record` (x'') is "the record of revision `seq`"; the LEFT JOIN keeps a row of a
    # data dir made before rows pointed at their revision.
    SELECT_POST = (
        "SELECT coalesce(nullif(posts.record, x''), revisions.record), posts.revision,"
        " posts.via_embed FROM posts LEFT JOIN revisions ON revisions.seq = posts.seq"
    )
    SELECT_THREAD = (
        "SELECT coalesce(nullif(threads.record, x''), revisions.record), threads.revision"
        " FROM threads LEFT JOIN revisions ON revisions.seq = threads.seq"
    )
    EMPTY_RECORD = "x''"
    UPSERT_THREAD = (
        "INSERT INTO threads (id, revision, last_seen, record, seq) VALUES (?, ?, ?, x'', ?)"
        " ON CONFLICT (id) DO UPDATE SET revision = excluded.revision,"
        " last_seen = excluded.last_seen, record = x'', seq = excluded.seq"
    )
    # (IMMEDIATE: take the write lock now, before the revisions' seq is read)
    BEGIN = "BEGIN IMMEDIATE"

    def __init__(self, path: Path, *, read_only: bool = False):
        super().__init__()
        self.path = path
        if read_only:
            # WAL mode lets a reader run beside the writer; it changes nothing in the file.
            self.db = sqlite3.connect(
                f"file:{path}?mode=ro", uri=True, isolation_level=None, check_same_thread=False
            )
            self.db.execute("PRAGMA busy_timeout=5000")
            return
        # isolation_level=None: we open transactions ourselves, so a batch is one commit.
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        # A new file gets 16 KB pages (a file made before keeps its own): records of 1-4 KB then
        # take fewer pages, and each commit and checkpoint writes fewer of them.
        self.db.execute(f"PRAGMA page_size={PAGE_SIZE}")
        self.db.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode survives a killed process; only a power cut can drop the last commit.
        self.db.execute("PRAGMA synchronous=NORMAL")
        # Checkpoint every 16 MB of WAL whatever the page size, not every 1000 pages: with 4 KB
        # pages that is four times as often, and each time rewrites the id index's pages.
        page_size = self.db.execute("PRAGMA page_size").fetchone()[0]
        self.db.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_BYTES // page_size}")
        self.db.execute("PRAGMA busy_timeout=5000")
        # A bigger page cache (128 MB) than the 2 MB default: every save looks a post up by
        # its id, and a store of 100k posts would otherwise read those pages back from the OS.
        self.db.execute("PRAGMA cache_size=-131072")
        self.db.executescript(SCHEMA)
        self._add_thread_seq()
        self._add_post_thread()
        self._forget_recent()

    def _execute(self, sql: str, args: Sequence[Any] = ()) -> Cursor:
        return self.db.execute(sql, args)

    def _add_thread_seq(self) -> None:
        # A data dir made before threads pointed at their revision.
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(threads)")}
        if "seq" not in columns:
            self.db.execute("ALTER TABLE threads ADD COLUMN seq INTEGER")

    def _add_post_thread(self) -> None:
        # A data dir made before posts named their thread in a column (which `monitor thread`
        # and snapshots look threads' posts up by): fill it from the records, once.
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(posts)")}
        if "thread_id" not in columns:
            self.db.execute("ALTER TABLE posts ADD COLUMN thread_id TEXT")
            self.db.execute("BEGIN IMMEDIATE")
            rows = self.db.execute(SELECT_POST_WITH_ID).fetchall()
            self.db.executemany(
                "UPDATE posts SET thread_id = ? WHERE id = ?",
                ((loads(data).get("thread_id"), pid) for pid, data in rows),
            )
            self.db.execute("COMMIT")
        self.db.execute("CREATE INDEX IF NOT EXISTS posts_thread ON posts (thread_id)")

    def _start_seq(self) -> int:
        # where AUTOINCREMENT stands, read under the write lock
        row = self.db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'revisions'").fetchone()
        return int(row[0]) if row else 0

    def iter_threads(self) -> Iterator[ThreadRecord]:
        query = self.SELECT_THREAD + " ORDER BY threads.last_seen, threads.id"
        for data, _ in self.db.execute(query):
            yield load_thread(data)

    def close(self) -> None:
        self.commit()
        self.db.close()

    def iter_posts(self, since: str | None = None) -> Iterator[PostRecord]:
        """Posts in the order they were first stored; `since` filters on post time."""
        query, args = self.SELECT_POST, cast(tuple[str, ...], ())
        if since:
            query, args = query + " WHERE posts.sort_time >= ?", (utc_iso(since),)
        for data, _, _ in self.db.execute(query + " ORDER BY posts.first_seq", args):
            yield loads(data)
