"""NormalizePipeline: raw items into post records (text, dates, URLs, entities), in the
crawl's own process, for `monitor sources check`, which prints them and stores nothing.

A crawl that stores normalises in its storing process instead (pipelines/storing.py), with
the data dir's gazetteer and engine configuration, as `monitor replay` does."""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from monitor.contracts import stats as keys
from monitor.contracts.items import PostRecord, RawItem
from monitor.normalize.places import Gazetteer, load_gazetteer
from monitor.normalize.posts import InvalidItem, normalize
from pipelines.base import run_stats


class NormalizePipeline:
    """Turns each raw item into a post record; drops (and counts) items that cannot be one."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.gazetteer: Gazetteer | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NormalizePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.gazetteer = load_gazetteer(None)

    def process_item(self, item: RawItem) -> PostRecord:
        stats = run_stats(self.crawler, item)
        try:
            record = normalize(item, gazetteer=self.gazetteer)
        except InvalidItem as exc:
            if stats is not None:
                stats.inc_value(keys.INVALID)
            raise DropItem(f"{item.get('source')}: {exc}") from None
        if record["published_raw"] and stats is not None:
            stats.inc_value(keys.DATED)
            if record["published_at"] is None:
                stats.inc_value(keys.UNPARSED_DATES)
        return record
