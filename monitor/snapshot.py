"""`monitor export`: the compacted current state, written atomically."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from monitor.atomic import atomic_file
from monitor.records import dumps


def write_jsonl_atomically(
    path: Path, records: Iterable[dict[str, Any]], dump: Callable[[dict[str, Any]], bytes] = dumps
) -> int:
    """One JSON line a record, replacing `path` whole (see monitor.atomic)."""
    count = 0
    with atomic_file(path) as handle:
        for record in records:
            handle.write(dump(record) + b"\n")
            count += 1
    return count
