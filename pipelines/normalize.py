"""NormalizePipeline: raw items into post records (text, dates, URLs, entities)."""

from __future__ import annotations

from pathlib import Path

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from monitor.contracts import stats as keys
from monitor.contracts.items import PostRecord, RawItem
from monitor.normalize.places import Gazetteer, load_gazetteer
from monitor.normalize.posts import OPENING_CHARS, InvalidItem, normalize
from monitor.store.session import Session
from pipelines.base import run_stats


class NormalizePipeline:
    """Turns each raw item into a post record; drops (and counts) items that cannot be one.

    With a data dir it reads places and the opening with the data dir's engine configuration
    and gazetteer, as `monitor replay` does: a crawl and a replay of the same items give the
    same records."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        data_dir = crawler.settings.get("MONITOR_DATA_DIR")
        self.data_dir = Path(data_dir) if data_dir else None
        self._session: Session | None = None
        self.gazetteer: Gazetteer | None = None
        self.opening_chars = OPENING_CHARS

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NormalizePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        if self.data_dir is None:
            self.gazetteer = load_gazetteer(None)
            return
        self._session = Session.acquire(self.data_dir)
        self.gazetteer = self._session.engine.gazetteer
        self.opening_chars = self._session.engine_config.text.opening_chars

    def close_spider(self) -> None:
        if self._session is not None:
            self._session.release()
            self._session = None

    def process_item(self, item: RawItem) -> PostRecord:
        stats = run_stats(self.crawler, item)
        try:
            record = normalize(item, gazetteer=self.gazetteer, opening_chars=self.opening_chars)
        except InvalidItem as exc:
            if stats is not None:
                stats.inc_value(keys.INVALID)
            raise DropItem(f"{item.get('source')}: {exc}") from None
        if record["published_raw"] and stats is not None:
            stats.inc_value(keys.DATED)
            if record["published_at"] is None:
                stats.inc_value(keys.UNPARSED_DATES)
        return record
