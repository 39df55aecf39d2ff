"""StorePipeline: keeps each post once in the data dir's store (SQLite by default)."""

from __future__ import annotations

from pathlib import Path

from scrapy.crawler import Crawler

from monitor.items import PostRecord
from monitor.session import Session


class StorePipeline:
    """Saves records; a post seen again is stored again only if it changed (new revision)."""

    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats
        self.data_dir = Path(crawler.settings.get("MONITOR_DATA_DIR"))
        self.session: Session | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.session = Session.acquire(self.data_dir)

    def close_spider(self) -> None:
        if self.session is not None:
            self.session.release()
            self.session = None

    def process_item(self, item: PostRecord) -> PostRecord:
        assert self.session is not None
        result = self.session.save(item)
        self.stats.inc_value(f"monitor/store/{result.status}")
        return result.record
