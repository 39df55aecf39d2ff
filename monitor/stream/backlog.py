"""The stream's backlog for `monitor status`: what is not stored yet, and how old it is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import redis

from monitor.stream import GROUP, refused_stream


@dataclass
class Backlog:
    stream: str
    # entries not stored yet (a stored entry is deleted): waiting plus pending
    length: int
    # delivered to a consumer and not yet acknowledged
    pending: int
    consumers: int
    refused: int
    # seconds since the oldest entry, and the oldest pending one, was added to the stream
    oldest_age: float | None
    oldest_pending_age: float | None
    has_group: bool

    @property
    def waiting(self) -> int:
        """Never delivered yet."""
        return max(self.length - self.pending, 0)


def read_backlog(client: redis.Redis, stream: str, group: str = GROUP) -> Backlog:
    seconds, micros = client.time()
    now = seconds + micros / 1e6  # the server's clock, which stamped the ids
    length = int(client.xlen(stream))
    refused = int(client.xlen(refused_stream(stream)))
    first: Any = client.xrange(stream, count=1) if length else None
    oldest = _age(first[0][0], now) if first else None
    groups = client.xinfo_groups(stream) if client.exists(stream) else []
    row = next((found for found in groups if _text(found["name"]) == group), None)
    pending = int(row["pending"]) if row else 0
    oldest_pending = None
    if pending:
        summary = client.xpending(stream, group)
        oldest_pending = _age(summary["min"], now) if summary["min"] else None
    return Backlog(
        stream,
        length,
        pending,
        int(row["consumers"]) if row else 0,
        refused,
        oldest,
        oldest_pending,
        row is not None,
    )


def _age(entry_id: bytes | str, now: float) -> float:
    """An entry's id starts with the server's time in milliseconds when it was added."""
    return max(now - int(_text(entry_id).split("-")[0]) / 1000, 0.0)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
