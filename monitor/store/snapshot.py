"""`monitor export`: the compacted current state, written atomically."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from monitor.contracts.items import SnapshotThread
from monitor.store import Store
from monitor.store.atomic import atomic_file
from monitor.store.records import dumps


def write_jsonl_atomically(
    path: Path, records: Iterable[Mapping[str, Any]], dump: Callable[[Any], bytes] = dumps
) -> int:
    """One JSON line a record, replacing `path` whole (see monitor.store.atomic)."""
    count = 0
    with atomic_file(path) as handle:
        for record in records:
            handle.write(dump(record) + b"\n")
            count += 1
    return count


def thread_snapshot(store: Store) -> Iterator[SnapshotThread]:
    """Every thread's current record with its posts' ids (which the change log's thread
    lines leave out: each post's `thread_id` says where it is)."""
    members = store.thread_members()
    for record in store.iter_threads():
        yield {**record, "post_ids": members.get(record["thread_id"], [])}
