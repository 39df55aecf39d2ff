"""The embedded default store: one SQLite file in the data dir, in WAL mode."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import orjson

from monitor.contracts.items import PostRecord, ThreadRecord
from monitor.store.base import SaveResult
from monitor.store.records import dump_thread, dumps, loads, merge, same_content, sort_time, utc_iso

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
SELECT_POST = (
    "SELECT coalesce(nullif(posts.record, x''), revisions.record), posts.revision,"
    " posts.via_embed FROM posts LEFT JOIN revisions ON revisions.seq = posts.seq"
)
SELECT_POST_WITH_ID = (
    "SELECT posts.id, coalesce(nullif(posts.record, x''), revisions.record)"
    " FROM posts LEFT JOIN revisions ON revisions.seq = posts.seq"
)
SELECT_THREAD = (
    "SELECT coalesce(nullif(threads.record, x''), revisions.record), threads.revision"
    " FROM threads LEFT JOIN revisions ON revisions.seq = threads.seq"
)
KINDS = ("post", "thread", "run")
PAGE_SIZE = 16384
WAL_CHECKPOINT_BYTES = 16 << 20
# A revision as the change logs read it: (seq, record).
Revision = tuple[int, bytes]


class SQLiteStore:
    """See `monitor.store.base.Store`. One writer at a time (the data-dir lock ensures it)."""

    def __init__(self, path: Path, *, read_only: bool = False):
        self.path = path
        self._in_tx = False
        self._seq = 0  # the last revision's seq, while a transaction is open
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
        # The change logs follow every commit, so they are handed what was just committed
        # instead of reading it back: by kind, the revisions of the last commit that had any,
        # with the last seq of that kind before it (a log at or past it needs nothing else).
        self._written: dict[str, list[Revision]] = {}  # in the open transaction
        self._last_seq = {kind: self._max_seq(kind) for kind in KINDS}
        self._recent: dict[str, tuple[int, list[Revision]]] = {}

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

    def _max_seq(self, kind: str) -> int:
        row = self.db.execute("SELECT MAX(seq) FROM revisions WHERE kind = ?", (kind,)).fetchone()
        return row[0] or 0

    def _begin(self) -> None:
        if not self._in_tx:
            self.db.execute("BEGIN IMMEDIATE")
            self._in_tx = True
            self._written.clear()
            # Revisions are numbered here, from where AUTOINCREMENT stands (read under the write
            # lock), because a new post's row names its revision before that is written.
            row = self.db.execute(
                "SELECT seq FROM sqlite_sequence WHERE name = 'revisions'"
            ).fetchone()
            self._seq = row[0] if row else 0

    def get(self, post_id: str) -> PostRecord | None:
        row = self.db.execute(SELECT_POST + " WHERE posts.id = ?", (post_id,)).fetchone()
        return loads(row[0]) if row else None

    def has(self, post_id: str) -> bool:
        return (
            self.db.execute("SELECT 1 FROM posts WHERE id = ?", (post_id,)).fetchone() is not None
        )

    def save(self, record: PostRecord) -> SaveResult:
        self._begin()
        via_embed = bool(record.get("embedded_in"))
        stored = self._insert_new(record, via_embed)
        if stored is not None:
            return SaveResult("new", stored)
        row = self.db.execute(SELECT_POST + " WHERE posts.id = ?", (record["id"],)).fetchone()
        old, revision, old_via_embed = loads(row[0]), row[1], bool(row[2])
        merged = merge(old, record, old_via_embed=old_via_embed, new_via_embed=via_embed)
        merged["revision"] = revision
        now_via_embed = old_via_embed and via_embed
        if same_content(old, merged):
            if merged != old:
                # views and the like: keep the latest, but they are not a new revision
                self.db.execute(
                    "UPDATE posts SET record = ?, via_embed = ? WHERE id = ?",
                    (dumps(merged), now_via_embed, merged["id"]),
                )
            elif now_via_embed != old_via_embed:
                self.db.execute(
                    "UPDATE posts SET via_embed = ? WHERE id = ?", (now_via_embed, merged["id"])
                )
            return SaveResult("same", merged)
        merged["revision"] = revision + 1
        seq = self._add_revision("post", merged["id"], merged["revision"], dumps(merged))
        self.db.execute(
            "UPDATE posts SET seq = ?, revision = ?, source = ?, sort_time = ?, via_embed = ?,"
            " record = x'', thread_id = ? WHERE id = ?",
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
        """Store a post not seen before, as revision 1; None, and nothing written, if it was.

        Inserting first and looking only when that conflicts saves a look-up for every new post;
        the post's row names its revision, so that revision's seq is taken before it exists.
        """
        seq = self._seq + 1
        inserted = self.db.execute(
            "INSERT INTO posts"
            " (id, first_seq, seq, revision, source, sort_time, via_embed, record, thread_id)"
            " VALUES (?, ?, ?, 1, ?, ?, ?, x'', ?) ON CONFLICT (id) DO NOTHING",
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
            "INSERT INTO revisions (seq, kind, key, revision, record) VALUES (?, ?, ?, ?, ?)",
            (seq, kind, key, revision, data),
        )
        self._seq = seq
        self._written.setdefault(kind, []).append((seq, data))
        return seq

    def get_thread(self, thread_id: str) -> ThreadRecord | None:
        row = self.db.execute(SELECT_THREAD + " WHERE threads.id = ?", (thread_id,)).fetchone()
        return _thread(row[0]) if row else None

    def save_thread(self, record: ThreadRecord) -> bool:
        """Store a thread's current state; True when it changed (a new revision)."""
        self._begin()
        row = self.db.execute(
            SELECT_THREAD + " WHERE threads.id = ?", (record["thread_id"],)
        ).fetchone()
        revision = 1
        if row is not None:
            # the stored bytes are this very dump when nothing changed: no need to parse them
            if dump_thread({**record, "revision": row[1]}) == row[0]:
                return False
            revision = row[1] + 1
        stored: ThreadRecord = {**record, "revision": revision}
        seq = self._add_revision("thread", stored["thread_id"], revision, dump_thread(stored))
        self.db.execute(
            "INSERT INTO threads (id, revision, last_seen, record, seq) VALUES (?, ?, ?, x'', ?)"
            " ON CONFLICT (id) DO UPDATE SET revision = excluded.revision,"
            " last_seen = excluded.last_seen, record = x'', seq = excluded.seq",
            (stored["thread_id"], revision, stored.get("last_seen") or "", seq),
        )
        return True

    def iter_threads(self) -> Iterator[ThreadRecord]:
        for data, _ in self.db.execute(SELECT_THREAD + " ORDER BY threads.last_seen, threads.id"):
            yield _thread(data)

    def thread_posts(self, thread_id: str) -> list[PostRecord]:
        """A thread's posts, in the order they were first stored."""
        rows = self.db.execute(
            SELECT_POST + " WHERE posts.thread_id = ? ORDER BY posts.first_seq", (thread_id,)
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
        row = self.db.execute("SELECT state FROM source_state WHERE name = ?", (name,)).fetchone()
        return orjson.loads(row[0]) if row else {}

    def source_names(self) -> list[str]:
        """Every source with a recorded state, by name."""
        return [name for (name,) in self.db.execute("SELECT name FROM source_state ORDER BY name")]

    def set_source_state(self, name: str, state: dict[str, Any]) -> None:
        self._begin()
        self.db.execute(
            "INSERT INTO source_state (name, state) VALUES (?, ?)"
            " ON CONFLICT (name) DO UPDATE SET state = excluded.state",
            (name, orjson.dumps(state)),
        )

    def add_run(self, record: dict[str, Any]) -> None:
        """A run of a source, kept as the `run` kind of revision (runs.jsonl follows them)."""
        self._begin()
        self._add_revision("run", record["run_id"], 1, orjson.dumps(record))

    def latest_sort_time(self) -> str | None:
        row = self.db.execute("SELECT MAX(sort_time) FROM posts").fetchone()
        return row[0] if row and row[0] else None

    def commit(self) -> None:
        if self._in_tx:
            self.db.execute("COMMIT")
            self._in_tx = False
            self._keep_recent()

    def _keep_recent(self) -> None:
        for kind, rows in self._written.items():
            self._recent[kind] = (self._last_seq[kind], rows)
            self._last_seq[kind] = rows[-1][0]
        self._written = {}

    def close(self) -> None:
        self.commit()
        self.db.close()

    def iter_posts(self, since: str | None = None) -> Iterator[PostRecord]:
        """Posts in the order they were first stored; `since` filters on post time."""
        query, args = SELECT_POST, cast(tuple[str, ...], ())
        if since:
            query, args = query + " WHERE posts.sort_time >= ?", (utc_iso(since),)
        for data, _, _ in self.db.execute(query + " ORDER BY posts.first_seq", args):
            yield loads(data)

    def revisions_after(self, seq: int, limit: int = 1000, kind: str = "post") -> list[Revision]:
        before, rows = self._recent.get(kind, (None, []))
        if before is not None and seq >= before:
            # nothing of this kind was committed between `seq` and the last commit
            return [row for row in rows if row[0] > seq][:limit]
        return self.db.execute(
            "SELECT seq, record FROM revisions WHERE kind = ? AND seq > ? ORDER BY seq LIMIT ?",
            (kind, seq, limit),
        ).fetchall()

    def revision_seq(self, key: str, revision: int, kind: str = "post") -> int | None:
        # Asked only when a log is opened, for its last line: a recent revision, found by
        # reading back from the newest (no index on key, which every save would pay for).
        row = self.db.execute(
            "SELECT seq FROM revisions WHERE kind = ? AND key = ? AND revision = ?"
            " ORDER BY seq DESC LIMIT 1",
            (kind, key, revision),
        ).fetchone()
        return row[0] if row else None

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self._begin()
        self.db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def count_posts(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM posts").fetchone()[0])


def _thread(data: bytes) -> ThreadRecord:
    return cast(ThreadRecord, orjson.loads(data))
