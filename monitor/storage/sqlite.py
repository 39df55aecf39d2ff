"""The embedded default store: one SQLite file in the data dir, in WAL mode."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import orjson

from monitor.items import PostRecord, ThreadRecord
from monitor.records import dump_thread, dumps, loads, merge, same_content, sort_time, utc_iso
from monitor.storage.base import SaveResult

SCHEMA = """
CREATE TABLE IF NOT EXISTS posts (
    id TEXT PRIMARY KEY,
    first_seq INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    source TEXT NOT NULL,
    sort_time TEXT NOT NULL,
    via_embed INTEGER NOT NULL,
    record BLOB NOT NULL
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
    record BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS source_state (name TEXT PRIMARY KEY, state BLOB NOT NULL);
"""


class SQLiteStore:
    """See `monitor.storage.base.Store`. One writer at a time (the data-dir lock ensures it)."""

    def __init__(self, path: Path):
        self.path = path
        # isolation_level=None: we open transactions ourselves, so a batch is one commit.
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode survives a killed process; only a power cut can drop the last commit.
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA busy_timeout=5000")
        # A bigger page cache (128 MB) than the 2 MB default: every save looks a post up by
        # its id, and a store of 100k posts would otherwise read those pages back from the OS.
        self.db.execute("PRAGMA cache_size=-131072")
        self.db.executescript(SCHEMA)
        self._in_tx = False

    def _begin(self) -> None:
        if not self._in_tx:
            self.db.execute("BEGIN IMMEDIATE")
            self._in_tx = True

    def get(self, post_id: str) -> PostRecord | None:
        row = self.db.execute("SELECT record FROM posts WHERE id = ?", (post_id,)).fetchone()
        return loads(row[0]) if row else None

    def save(self, record: PostRecord) -> SaveResult:
        self._begin()
        via_embed = bool(record.get("embedded_in"))
        row = self.db.execute(
            "SELECT record, revision, via_embed FROM posts WHERE id = ?", (record["id"],)
        ).fetchone()
        if row is None:
            stored = {**record, "revision": 1}
            seq = self._add_revision(stored)
            self.db.execute(
                "INSERT INTO posts"
                " (id, first_seq, seq, revision, source, sort_time, via_embed, record)"
                " VALUES (?, ?, ?, 1, ?, ?, ?, ?)",
                (
                    stored["id"],
                    seq,
                    seq,
                    stored["source"],
                    sort_time(stored),
                    via_embed,
                    dumps(stored),
                ),
            )
            return SaveResult("new", stored)
        old, revision, old_via_embed = loads(row[0]), row[1], bool(row[2])
        merged = merge(old, record, old_via_embed=old_via_embed, new_via_embed=via_embed)
        merged["revision"] = revision
        now_via_embed = old_via_embed and via_embed
        if same_content(old, merged):
            if merged != old or now_via_embed != old_via_embed:
                # views and the like: keep the latest, but they are not a new revision
                self.db.execute(
                    "UPDATE posts SET record = ?, via_embed = ? WHERE id = ?",
                    (dumps(merged), now_via_embed, merged["id"]),
                )
            return SaveResult("same", merged)
        merged["revision"] = revision + 1
        seq = self._add_revision(merged)
        self.db.execute(
            "UPDATE posts SET seq = ?, revision = ?, source = ?, sort_time = ?, via_embed = ?,"
            " record = ? WHERE id = ?",
            (
                seq,
                merged["revision"],
                merged["source"],
                sort_time(merged),
                now_via_embed,
                dumps(merged),
                merged["id"],
            ),
        )
        return SaveResult("updated", merged)

    def _add_revision(
        self, record: PostRecord, kind: str = "post", data: bytes | None = None
    ) -> int:
        key = record["id"] if kind == "post" else record["thread_id"]
        cursor = self.db.execute(
            "INSERT INTO revisions (kind, key, revision, record) VALUES (?, ?, ?, ?)",
            (kind, key, record["revision"], data if data is not None else dumps(record)),
        )
        return int(cursor.lastrowid or 0)

    def get_thread(self, thread_id: str) -> ThreadRecord | None:
        row = self.db.execute("SELECT record FROM threads WHERE id = ?", (thread_id,)).fetchone()
        return loads(row[0]) if row else None

    def save_thread(self, record: ThreadRecord) -> bool:
        """Store a thread's current state; True when it changed (a new revision)."""
        self._begin()
        row = self.db.execute(
            "SELECT record, revision FROM threads WHERE id = ?", (record["thread_id"],)
        ).fetchone()
        revision = 1
        if row is not None:
            old = loads(row[0])
            if {**old, "revision": None} == {**record, "revision": None}:
                return False
            revision = row[1] + 1
        stored = {**record, "revision": revision}
        data = dump_thread(stored)
        self._add_revision(stored, kind="thread", data=data)
        self.db.execute(
            "INSERT INTO threads (id, revision, last_seen, record) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET revision = excluded.revision,"
            " last_seen = excluded.last_seen, record = excluded.record",
            (stored["thread_id"], revision, stored.get("last_seen") or "", data),
        )
        return True

    def iter_threads(self) -> Iterator[ThreadRecord]:
        for (data,) in self.db.execute("SELECT record FROM threads ORDER BY last_seen, id"):
            yield loads(data)

    def get_source_state(self, name: str) -> dict:
        row = self.db.execute("SELECT state FROM source_state WHERE name = ?", (name,)).fetchone()
        return loads(row[0]) if row else {}

    def set_source_state(self, name: str, state: dict) -> None:
        self._begin()
        self.db.execute(
            "INSERT INTO source_state (name, state) VALUES (?, ?)"
            " ON CONFLICT (name) DO UPDATE SET state = excluded.state",
            (name, orjson.dumps(state)),
        )

    def add_run(self, record: dict) -> None:
        """A run of a source, kept as the `run` kind of revision (runs.jsonl follows them)."""
        self._begin()
        self.db.execute(
            "INSERT INTO revisions (kind, key, revision, record) VALUES ('run', ?, 1, ?)",
            (record["run_id"], orjson.dumps(record)),
        )

    def latest_sort_time(self) -> str | None:
        row = self.db.execute("SELECT MAX(sort_time) FROM posts").fetchone()
        return row[0] if row and row[0] else None

    def commit(self) -> None:
        if self._in_tx:
            self.db.execute("COMMIT")
            self._in_tx = False

    def close(self) -> None:
        self.commit()
        self.db.close()

    def iter_posts(self, since: str | None = None) -> Iterator[PostRecord]:
        """Posts in the order they were first stored; `since` filters on post time."""
        query, args = "SELECT record FROM posts", ()
        if since:
            query, args = query + " WHERE sort_time >= ?", (utc_iso(since),)
        for (data,) in self.db.execute(query + " ORDER BY first_seq", args):
            yield loads(data)

    def revisions_after(
        self, seq: int, limit: int = 1000, kind: str = "post"
    ) -> list[tuple[int, bytes]]:
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
        return self.db.execute("SELECT COUNT(*) FROM posts").fetchone()[0]
