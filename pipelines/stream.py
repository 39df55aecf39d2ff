"""StreamPipeline: a crawl worker's raw items to the Redis stream, instead of the store.

On when `MONITOR_REDIS_URL` is set (`monitor crawl --redis URL` sets it and makes this the
only pipeline); the stream is `MONITOR_REDIS_STREAM` (default `monitor:items`). The items
are sent raw: `monitor ingest` normalises and stores them on the machine that holds the store.
"""

from __future__ import annotations

import orjson
import redis
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from monitor.contracts.items import RawItem
from monitor.contracts.stats import FAILED
from monitor.stream import FIELD, STREAM, connect, describe, shown

SENT = "monitor/stream/sent"


class StreamPipeline:
    """Appends each raw item, as JSON, to the stream (XADD), never trimming it: entries
    leave the stream when `monitor ingest` has stored them. If Redis cannot take an item, the
    source's run fails (so its feed is fetched in full again next time: validators advance
    only on success) and its remaining items are dropped at once."""

    def __init__(self, crawler: Crawler):
        url = crawler.settings.get("MONITOR_REDIS_URL")
        if not url:
            raise NotConfigured("MONITOR_REDIS_URL is not set: items are stored here")
        self.url: str = url
        self.stream: str = crawler.settings.get("MONITOR_REDIS_STREAM") or STREAM
        self.crawler = crawler
        self._client: redis.Redis | None = None
        self._broken: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StreamPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self._client = connect(
            self.url, patient=True
        )  # StreamError: the source fails with that line

    def close_spider(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def process_item(self, item: RawItem) -> RawItem:
        if self._broken:
            self._fail(item)
            raise DropItem(self._broken)
        assert self._client is not None, "open_spider() was not called"
        try:
            self._client.xadd(self.stream, {FIELD: orjson.dumps(item)})
        except redis.RedisError as exc:
            self._broken = (
                f"cannot send items to the Redis stream {self.stream} at {shown(self.url)}: "
                f"{describe(exc)}"
            )
            self._fail(item)
            raise DropItem(self._broken) from None
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(SENT)
        return item

    def _fail(self, item: RawItem) -> None:
        """The item's source's run fails, once, with the line that says why."""
        reader_of = getattr(self.crawler.spider, "reader", None)
        reader = reader_of(item.get("source")) if reader_of is not None else None
        if reader is not None and self._broken and not reader.stats.get_value(FAILED):
            reader.error(self._broken, entry=True)
