"""Which posts a data dir already holds, for spiders that skip what they collected before.

A read-only view of the store of its own (SQLite in WAL mode lets it read while the pipelines
write), so a spider never touches the store the pipelines own.
"""

from __future__ import annotations

import time
from pathlib import Path

from monitor.normalize.urls import canonical_url, post_id
from monitor.store import StoreView, open_reader, read_errors

# A reader of PostgreSQL sees one snapshot until it ends it: ended this often, so that posts
# stored since (by the consumer, on another machine) count as known.
SNAPSHOT_SECONDS = 5.0


class KnownPosts:
    """`url in known` tells whether the post at that URL is stored."""

    def __init__(self, data_dir: Path | None):
        self.store: StoreView | None = open_reader(data_dir) if data_dir else None
        self._errors = read_errors()
        self._snapshot_at = time.monotonic()

    def __contains__(self, url: object) -> bool:
        if self.store is None or not isinstance(url, str):
            return False
        try:
            if time.monotonic() - self._snapshot_at >= SNAPSHOT_SECONDS:
                self.store.commit()
                self._snapshot_at = time.monotonic()
            return self.store.has(post_id(canonical_url(url)))
        except ValueError:
            return False
        except self._errors:
            # (a store busy past its timeout, or out of reach: the page is fetched again,
            # nothing is lost)
            return False

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None
