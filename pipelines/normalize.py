"""NormalizePipeline: raw items into post records (text, dates, URLs, entities)."""

from __future__ import annotations

from pathlib import Path

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from monitor.contracts.items import PostRecord, RawItem
from monitor.normalize.places import load_gazetteer
from monitor.normalize.posts import InvalidItem, normalize
from monitor.store.session import places_file


class NormalizePipeline:
    """Turns each raw item into a post record; drops (and counts) items that cannot be one."""

    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats
        data_dir = crawler.settings.get("MONITOR_DATA_DIR")
        self.gazetteer = load_gazetteer(places_file(Path(data_dir)) if data_dir else None)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NormalizePipeline:
        return cls(crawler)

    def process_item(self, item: RawItem) -> PostRecord:
        try:
            record = normalize(item, gazetteer=self.gazetteer)
        except InvalidItem as exc:
            self.stats.inc_value("monitor/normalize/invalid")
            raise DropItem(f"{item.get('source')}: {exc}") from None
        if record["published_raw"]:
            self.stats.inc_value("monitor/normalize/dated")
            if record["published_at"] is None:
                self.stats.inc_value("monitor/normalize/unparsed_dates")
        return record
