"""Which posts a data dir already holds, for spiders that skip what they collected before.

A read-only connection of its own (SQLite in WAL mode lets it read while the pipelines write),
so a spider never touches the store the pipelines own.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from monitor.normalize.urls import canonical_url, post_id


class KnownPosts:
    """`url in known` tells whether the post at that URL is stored."""

    def __init__(self, data_dir: Path | None):
        self.db: sqlite3.Connection | None = None
        path = data_dir / "monitor.sqlite3" if data_dir else None
        if path is not None and path.exists():
            self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)

    def __contains__(self, url: object) -> bool:
        if self.db is None or not isinstance(url, str):
            return False
        try:
            key = post_id(canonical_url(url))
            row = self.db.execute("SELECT 1 FROM posts WHERE id = ?", (key,)).fetchone()
        except (sqlite3.Error, ValueError):
            return False
        return row is not None

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None
