"""One consumer of the stream's group: what it reads, in which order, and how it acknowledges.

Order of reading: first the consumer's own pending entries (delivered to it before it was
killed, never acknowledged), then entries left pending too long by other consumers (dead
ones: XAUTOCLAIM), then new entries, blocking a moment when there are none. An entry is
acknowledged, and deleted, only after the caller has stored it: a consumer killed at any
moment leaves its unstored entries pending, and they are read again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import redis

from monitor.stream import GROUP, refused_stream

# An entry delivered this many times and never stored is refused, not read again: a consumer
# that dies on it (a bug, memory) must not die on it forever and hold the rest back.
MAX_DELIVERIES = 10


@dataclass
class Entry:
    id: str
    # None: the entry was deleted from the stream while it was pending (it was stored)
    fields: dict[bytes, bytes] | None
    deliveries: int = 1


class GroupReader:
    def __init__(
        self,
        client: redis.Redis,
        stream: str,
        name: str,
        *,
        group: str = GROUP,
        count: int = 256,
        claim_idle: float = 60.0,
    ):
        self.client = client
        self.stream = stream
        self.name = name
        self.group = group
        self.count = count
        self.claim_idle_ms = max(0, round(claim_idle * 1000))
        # how often to look for other consumers' forgotten entries
        self.claim_every = max(claim_idle / 2, 0.1)
        self._own_from: str | None = "0"  # None once the own pending entries are read
        self._claim_from = "0-0"
        self._next_claim = 0.0

    def join(self) -> None:
        """Make the group if there is none; from the stream's start, so that entries added
        before the first consumer started are read too."""
        try:
            self.client.xgroup_create(self.stream, self.group, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    def again(self) -> None:
        """Read the own pending entries again (after a lost connection: what was delivered and
        not acknowledged comes back; storing it again changes nothing)."""
        self._own_from = "0"

    def read(self, block: float | None) -> list[Entry]:
        """The next batch; waits up to `block` seconds (None: not at all) for new entries."""
        if self._own_from is not None:
            entries = self._read_group(self._own_from, None)
            if entries:
                self._own_from = entries[-1].id
                return self._count_deliveries(entries)
            self._own_from = None
        if time.monotonic() >= self._next_claim:
            claimed = self._claim()
            if claimed:
                return self._count_deliveries(claimed)
        wait = None if block is None else max(1, round(block * 1000))
        entries = self._read_group(">", wait)
        if not entries:
            # redis-py sends a read again after a lost connection: entries delivered by the
            # first try, whose answer was lost, wait in the own pending list; look there once
            # the stream is quiet (a round trip a second at most)
            self.again()
        return entries

    def acknowledge(self, entries: list[Entry], refused: dict[str, str]) -> None:
        """Acknowledge and delete stored entries; move refused ones (id → reason) to the
        refused stream first. One transaction: all of it, or nothing and all read again."""
        if not entries:
            return
        ids = [entry.id for entry in entries]
        with self.client.pipeline(transaction=True) as pipe:
            for entry in entries:
                reason = refused.get(entry.id)
                if reason is not None:
                    kept = {**(entry.fields or {}), b"refused_entry": entry.id.encode()}
                    kept[b"refused_because"] = reason.encode()
                    pipe.xadd(refused_stream(self.stream), kept)  # type: ignore[arg-type]
            pipe.xack(self.stream, self.group, *ids)
            pipe.xdel(self.stream, *ids)
            pipe.execute()

    def _read_group(self, start: str, block_ms: int | None) -> list[Entry]:
        # (redis-py types the reply as any reply could be; it is [[stream, [entries]]] or None)
        found: Any = self.client.xreadgroup(
            self.group, self.name, {self.stream: start}, count=self.count, block=block_ms
        )
        if not found:
            return []
        [[_, messages]] = found
        return [_entry(message) for message in messages]

    def _claim(self) -> list[Entry]:
        next_from, messages, _deleted = self.client.xautoclaim(
            self.stream,
            self.group,
            self.name,
            min_idle_time=self.claim_idle_ms,
            start_id=self._claim_from,
            count=self.count,
        )
        self._claim_from = _text(next_from)
        if self._claim_from == "0-0":  # a whole pass over the pending entries: rest a while
            self._next_claim = time.monotonic() + self.claim_every
        return [_entry(message) for message in messages]

    def _count_deliveries(self, entries: list[Entry]) -> list[Entry]:
        """How often each entry of a batch read again has been delivered (new ones: once)."""
        pending: list[Any] = self.client.xpending_range(
            self.stream,
            self.group,
            min=entries[0].id,
            max=entries[-1].id,
            count=len(entries),
            consumername=self.name,
        )
        times = {_text(row["message_id"]): row["times_delivered"] for row in pending}
        for entry in entries:
            entry.deliveries = times.get(entry.id, entry.deliveries)
        return entries


def _entry(message: Any) -> Entry:
    message_id, fields = message
    # a deleted entry still pending comes back with no fields
    return Entry(_text(message_id), dict(fields) if fields else None)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
