"""StorePipeline: keeps each post once in the data dir's store (SQLite by default)."""

from __future__ import annotations

from monitor.contracts.items import PostRecord
from monitor.store.records import sort_time
from pipelines.base import SessionPipeline


class StorePipeline(SessionPipeline):
    """Saves records, and the earlier posts the engine changed; a post seen again is stored
    again only if it changed (a new revision)."""

    def process_item(self, item: PostRecord) -> PostRecord:
        result = self.session.save_with_updates(item)
        self.stats.inc_value(f"monitor/store/{result.status}")
        if result.status == "new" and item.get("published_at"):
            self.stats.max_value("monitor/store/last_new_post_at", sort_time(item))
        return result.record
