"""What SQLiteStore and PostgresStore share: the same tables, queries and bookkeeping.

The two keep the same semantics to the byte (the revisions, their sequence, the records' bytes),
so the logic lives here once; a backend supplies its connection, its transactions and the few
statements its dialect spells differently. Queries here use `?` placeholders (a backend whose
driver wants another style translates them in `_execute`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, ClassVar, Protocol, cast

import orjson

from monitor.contracts.items import PostRecord, ThreadRecord
from monitor.store.base import SaveResult
from monitor.store.records import dump_thread, dumps, loads, merge, same_content, sort_time

KINDS = ("post", "thread", "run")
# A revision as the change logs read it: (seq, record).
Revision = tuple[int, bytes]


class Cursor(Protocol):
    """What the shared code reads from a driver's cursor (sqlite3's and psycopg's both fit)."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def __iter__(self) -> Iterator[Any]: ...


class SQLStore:
    """See `monitor.store.base.Store`: the part of it that is the same SQL on every backend."""

    # The current record of a post (record, revision, via_embed) and of a thread (record,
    # revision), each joined to the revision its row points at.
    SELECT_POST: ClassVar[str]
    SELECT_THREAD: ClassVar[str]
    # A post row's `record` for "the record of revision `seq`".
    EMPTY_RECORD: ClassVar[str]
    # Insert or update a thread's row: (id, revision, last_seen, seq).
    UPSERT_THREAD: ClassVar[str]
    # Opens a writing transaction.
    BEGIN: ClassVar[str] = "BEGIN"

    def __init__(self) -> None:
        self._in_tx = False
        self._seq = 0  # the last revision's seq, while a transaction is open
        # The change logs follow every commit, so they are handed what was just committed
        # instead of reading it back: by kind, the revisions of the open transaction, and of
        # the last commit that had any with the last seq of that kind before it (a log at or
        # past it needs nothing else).
        self._written: dict[str, list[Revision]] = {}
        self._recent: dict[str, tuple[int, list[Revision]]] = {}
        self._last_seq: dict[str, int] = {}
        self._committed = 0  # the last seq known committed, by this store or another writer

    def _execute(self, sql: str, args: Sequence[Any] = ()) -> Cursor:
        raise NotImplementedError

    def _start_seq(self) -> int:
        """The last revision's seq, read once a new transaction holds the write lock."""
        raise NotImplementedError

    def _forget_recent(self) -> None:
        self._recent = {}
        self._last_seq = {kind: self._max_seq(kind) for kind in KINDS}
        self._committed = max(self._last_seq.values())

    def _max_seq(self, kind: str) -> int:
        row = self._execute("SELECT max(seq) FROM revisions WHERE kind = ?", (kind,)).fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def _begin(self) -> None:
        if not self._in_tx:
            self._execute(self.BEGIN)
            self._in_tx = True
            self._written.clear()
            # Revisions are numbered here, not by the database, because a new post's row
            # names its revision before that is written.
            self._seq = self._start_seq()

    def commit(self) -> None:
        if self._in_tx:
            self._execute("COMMIT")
            self._in_tx = False
            self._committed = self._seq
            self._keep_recent()

    def _keep_recent(self) -> None:
        for kind, rows in self._written.items():
            self._recent[kind] = (self._last_seq[kind], rows)
            self._last_seq[kind] = rows[-1][0]
        self._written = {}

    def get(self, post_id: str) -> PostRecord | None:
        row = self._execute(self.SELECT_POST + " WHERE posts.id = ?", (post_id,)).fetchone()
        return loads(row[0]) if row else None

    def has(self, post_id: str) -> bool:
        return self._execute("SELECT 1 FROM posts WHERE id = ?", (post_id,)).fetchone() is not None

    def save(self, record: PostRecord) -> SaveResult:
        self._begin()
        via_embed = bool(record.get("embedded_in"))
        stored = self._insert_new(record, via_embed)
        if stored is not None:
            return SaveResult("new", stored)
        row = self._execute(self.SELECT_POST + " WHERE posts.id = ?", (record["id"],)).fetchone()
        assert row is not None  # (the insert just found it)
        old, revision, old_via_embed = loads(row[0]), int(row[1]), bool(row[2])
        merged = merge(old, record, old_via_embed=old_via_embed, new_via_embed=via_embed)
        merged["revision"] = revision
        now_via_embed = old_via_embed and via_embed
        if same_content(old, merged):
            if merged != old:
                # views and the like: keep the latest, but they are not a new revision
                self._execute(
                    "UPDATE posts SET record = ?, via_embed = ? WHERE id = ?",
                    (dumps(merged), now_via_embed, merged["id"]),
                )
            elif now_via_embed != old_via_embed:
                self._execute(
                    "UPDATE posts SET via_embed = ? WHERE id = ?", (now_via_embed, merged["id"])
                )
            return SaveResult("same", merged)
        merged["revision"] = revision + 1
        seq = self._add_revision("post", merged["id"], merged["revision"], dumps(merged))
        self._execute(
            "UPDATE posts SET seq = ?, revision = ?, source = ?, sort_time = ?, via_embed = ?,"
            f" record = {self.EMPTY_RECORD}, thread_id = ? WHERE id = ?",
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
        inserted = self._execute(
            "INSERT INTO posts"
            " (id, first_seq, seq, revision, source, sort_time, via_embed, record, thread_id)"
            f" VALUES (?, ?, ?, 1, ?, ?, ?, {self.EMPTY_RECORD}, ?) ON CONFLICT (id) DO NOTHING",
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
        self._execute(
            "INSERT INTO revisions (seq, kind, key, revision, record) VALUES (?, ?, ?, ?, ?)",
            (seq, kind, key, revision, data),
        )
        self._seq = seq
        self._written.setdefault(kind, []).append((seq, data))
        return seq

    def get_thread(self, thread_id: str) -> ThreadRecord | None:
        row = self._execute(self.SELECT_THREAD + " WHERE threads.id = ?", (thread_id,)).fetchone()
        return load_thread(row[0]) if row else None

    def save_thread(self, record: ThreadRecord) -> bool:
        """Store a thread's current state; True when it changed (a new revision)."""
        self._begin()
        row = self._execute(
            self.SELECT_THREAD + " WHERE threads.id = ?", (record["thread_id"],)
        ).fetchone()
        revision = 1
        if row is not None:
            # the stored bytes are this very dump when nothing changed: no need to parse them
            if dump_thread({**record, "revision": row[1]}) == row[0]:
                return False
            revision = int(row[1]) + 1
        stored: ThreadRecord = {**record, "revision": revision}
        seq = self._add_revision("thread", stored["thread_id"], revision, dump_thread(stored))
        self._execute(
            self.UPSERT_THREAD, (stored["thread_id"], revision, stored.get("last_seen") or "", seq)
        )
        return True

    def thread_posts(self, thread_id: str) -> list[PostRecord]:
        """A thread's posts, in the order they were first stored."""
        rows = self._execute(
            self.SELECT_POST + " WHERE posts.thread_id = ? ORDER BY posts.first_seq", (thread_id,)
        )
        return [loads(data) for data, _, _ in rows]

    def thread_members(self) -> dict[str, list[str]]:
        """Every thread's post ids, in the order the posts were first stored."""
        members: dict[str, list[str]] = {}
        rows = self._execute(
            "SELECT thread_id, id FROM posts WHERE thread_id IS NOT NULL ORDER BY first_seq"
        )
        for thread_id, pid in rows:
            members.setdefault(thread_id, []).append(pid)
        return members

    def get_source_state(self, name: str) -> dict[str, Any]:
        row = self._execute("SELECT state FROM source_state WHERE name = ?", (name,)).fetchone()
        return cast(dict[str, Any], orjson.loads(row[0])) if row else {}

    def source_names(self) -> list[str]:
        """Every source with a recorded state, by name."""
        return [name for (name,) in self._execute("SELECT name FROM source_state ORDER BY name")]

    def source_states(self) -> dict[str, dict[str, Any]]:
        """Every source's state, by name, in one query (the leader reads them all a second)."""
        rows = self._execute("SELECT name, state FROM source_state")
        return {name: cast(dict[str, Any], orjson.loads(state)) for name, state in rows}

    def set_source_state(self, name: str, state: dict[str, Any]) -> None:
        self._begin()
        self._execute(
            "INSERT INTO source_state (name, state) VALUES (?, ?)"
            " ON CONFLICT (name) DO UPDATE SET state = excluded.state",
            (name, orjson.dumps(state)),
        )

    def add_run(self, record: dict[str, Any]) -> None:
        """A run of a source, kept as the `run` kind of revision (runs.jsonl follows them)."""
        self._begin()
        self._add_revision("run", record["run_id"], 1, orjson.dumps(record))

    def latest_sort_time(self) -> str | None:
        row = self._execute("SELECT max(sort_time) FROM posts").fetchone()
        return cast(str, row[0]) if row and row[0] else None

    def revisions_after(self, seq: int, limit: int = 1000, kind: str = "post") -> list[Revision]:
        before, rows = self._recent.get(kind, (None, []))
        if before is not None and seq >= before:
            # nothing of this kind was committed between `seq` and the last commit
            return [row for row in rows if row[0] > seq][:limit]
        found = self._execute(
            "SELECT seq, record FROM revisions WHERE kind = ? AND seq > ? ORDER BY seq LIMIT ?",
            (kind, seq, limit),
        )
        return [(int(row_seq), bytes(data)) for row_seq, data in found]

    def revision_seq(self, key: str, revision: int, kind: str = "post") -> int | None:
        # Asked only when a log is opened, for its last line: a recent revision, found by
        # reading back from the newest (no index on key, which every save would pay for).
        row = self._execute(
            "SELECT seq FROM revisions WHERE kind = ? AND key = ? AND revision = ?"
            " ORDER BY seq DESC LIMIT 1",
            (kind, key, revision),
        ).fetchone()
        return int(row[0]) if row else None

    def get_meta(self, key: str) -> str | None:
        row = self._execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return cast(str, row[0]) if row else None

    def set_meta(self, key: str, value: str) -> None:
        self._begin()
        self._execute(
            "INSERT INTO meta (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def count_posts(self) -> int:
        row = self._execute("SELECT count(*) FROM posts").fetchone()
        return int(row[0]) if row else 0


def load_thread(data: bytes) -> ThreadRecord:
    return cast(ThreadRecord, orjson.loads(data))
