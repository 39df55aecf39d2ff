"""`monitor export`: the compacted current state, written atomically."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from monitor.records import dumps


def write_jsonl_atomically(
    path: Path, records: Iterable[dict[str, Any]], dump: Callable[[dict[str, Any]], bytes] = dumps
) -> int:
    """Write one JSON line a record to a temp file beside `path`, then rename it over `path`:
    a reader sees the old snapshot or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    count = 0
    try:
        with os.fdopen(fd, "wb") as handle:
            for record in records:
                handle.write(dump(record) + b"\n")
                count += 1
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return count
