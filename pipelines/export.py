"""ExportPipeline: follows the store's committed changes into `export/posts.jsonl`."""

from __future__ import annotations

from pathlib import Path

from scrapy.crawler import Crawler

from monitor.items import PostRecord
from monitor.session import Session


class ExportPipeline:
    """Appends a line per new revision once the store has committed it (see monitor.changelog)."""

    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats
        self.data_dir = Path(crawler.settings.get("MONITOR_DATA_DIR"))
        self.session: Session | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExportPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.session = Session.acquire(self.data_dir)

    def close_spider(self) -> None:
        if self.session is not None:
            self.session.release()
            self.session = None

    def process_item(self, item: PostRecord) -> PostRecord:
        assert self.session is not None
        written = self.session.export()
        if written:
            self.stats.inc_value("monitor/export/lines", written)
        return item
