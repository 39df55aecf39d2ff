"""`export/posts.jsonl`: the append-only change log that downstream tools follow.

The store keeps every revision under a sequence number; the log is that sequence written out.
Lines are appended only after the store committed them, each batch in one `write` then
`fsync`, and a torn last line (a crash mid-write) is cut off when the log is opened. The
position reached is read back from the log's own last line, so after a crash the log resumes
exactly where it stopped: no revision is lost and none is written twice.
"""

from __future__ import annotations

import os
from pathlib import Path

import orjson

from monitor.store.base import Store

LOG_NAME = "posts.jsonl"
THREADS_LOG_NAME = "threads.jsonl"
RUNS_LOG_NAME = "runs.jsonl"
# The key that names a record of each kind in its log line.
KEY_FIELDS = {"post": "id", "thread": "thread_id", "run": "run_id"}


class ChangeLog:
    """Follows a store's revisions into a JSONL file."""

    def __init__(self, path: Path, store: Store, kind: str = "post"):
        self.path = path
        self.store = store
        self.kind = kind
        self.key_field = KEY_FIELDS[kind]
        self.position_key = f"changelog_seq:{kind}"
        path.parent.mkdir(parents=True, exist_ok=True)
        last_line = repair_tail(path)
        self.position = self._recover_position(last_line)

    def _recover_position(self, last_line: bytes | None) -> int:
        position = int(self.store.get_meta(self.position_key) or 0)
        if last_line:
            try:
                record = orjson.loads(last_line)
                seq = self.store.revision_seq(record[self.key_field], record["revision"], self.kind)
            except (orjson.JSONDecodeError, KeyError, TypeError):
                seq = None
            # The log can be ahead of the stored position (crash after the write, before the
            # position was saved) but behind it only if someone rotated the file away.
            if seq is not None and seq > position:
                position = seq
        return position

    def catch_up(self) -> int:
        """Append every committed revision not yet in the log; returns how many."""
        written = 0
        while rows := self.store.revisions_after(self.position, kind=self.kind):
            payload = b"".join(data + b"\n" for _, data in rows)
            append_durably(self.path, payload)
            self.position = rows[-1][0]
            written += len(rows)
        if written:
            self.store.set_meta(self.position_key, str(self.position))
        return written


def append_durably(path: Path, payload: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def repair_tail(path: Path) -> bytes | None:
    """Cut a torn last line off a JSONL file; return the last complete line, if any."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return None
    if size == 0:
        return None
    with path.open("rb+") as handle:
        block = 1 << 16
        start = max(0, size - block)
        handle.seek(start)
        tail = handle.read()
        # Two newlines in view: the last complete line then starts inside the block.
        while tail.count(b"\n") < 2 and start > 0:
            start = max(0, start - block)
            handle.seek(start)
            tail = handle.read()
        if not tail.endswith(b"\n"):
            cut = tail.rfind(b"\n") + 1
            handle.truncate(start + cut)
            tail = tail[:cut]
        lines = tail.rstrip(b"\n").rsplit(b"\n", 1)
        return lines[-1] if lines and lines[-1] else None
