"""StreamPipeline: a crawl worker's raw items to the Redis stream, instead of the store.

On when `MONITOR_REDIS_URL` is set (`monitor crawl --redis URL` sets it and makes this the
only pipeline); the stream is `MONITOR_REDIS_STREAM` (default `monitor:items`). The items
are sent raw: `monitor ingest` normalises and stores them on the machine that holds the store.
"""

from __future__ import annotations

from typing import Any

import orjson
import redis
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred

from monitor.contracts.items import RawItem
from monitor.contracts.stats import FAILED
from monitor.stream import FIELD, STREAM, connect, describe, shown

SENT = "monitor/stream/sent"


# Items sent in one round trip at most (a pipeline of XADDs).
BATCH = 100


class StreamPipeline:
    """Appends each raw item, as JSON, to the stream (XADD), never trimming it: entries
    leave the stream when `monitor ingest` has stored them. The items that come in one turn of
    the reactor go in one round trip at its next turn (one XADD a round trip cost a worker 4 %
    of its crawl); an item is through the pipeline once Redis has it. If Redis cannot take an
    item, the source's run fails (so its feed is fetched in full again next time: validators
    advance only on success) and its remaining items are dropped at once."""

    def __init__(self, crawler: Crawler):
        url = crawler.settings.get("MONITOR_REDIS_URL")
        if not url:
            raise NotConfigured("MONITOR_REDIS_URL is not set: items are stored here")
        self.url: str = url
        self.stream: str = crawler.settings.get("MONITOR_REDIS_STREAM") or STREAM
        self.crawler = crawler
        self._client: redis.Redis | None = None
        self._broken: str | None = None
        self._waiting: list[tuple[bytes, RawItem, Deferred[RawItem]]] = []
        self._flush_call: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StreamPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self._client = connect(
            self.url, patient=True
        )  # StreamError: the source fails with that line

    def close_spider(self) -> None:
        self.flush()
        if self._client is not None:
            self._client.close()
            self._client = None

    async def process_item(self, item: RawItem) -> RawItem:
        if self._broken:
            self._fail(item)
            raise DropItem(self._broken)
        sent: Deferred[RawItem] = Deferred()
        self._waiting.append((orjson.dumps(item), item, sent))
        if len(self._waiting) >= BATCH:
            self.flush()
        elif self._flush_call is None:
            from twisted.internet import reactor

            core: Any = reactor  # (its type hints say less than the reactor object has)
            self._flush_call = core.callLater(0, self.flush)
        return await maybe_deferred_to_future(sent)

    def flush(self) -> None:
        """Send the items waiting, and fire their deferreds."""
        if self._flush_call is not None and self._flush_call.active():
            self._flush_call.cancel()
        self._flush_call = None
        waiting, self._waiting = self._waiting, []
        if not waiting:
            return
        assert self._client is not None, "open_spider() was not called"
        try:
            pipe = self._client.pipeline(transaction=False)
            for payload, _, _ in waiting:
                pipe.xadd(self.stream, {FIELD: payload})
            pipe.execute()
        except redis.RedisError as exc:
            # (a retried round trip may have added some of them: stored once all the same,
            # ids come from canonical URLs)
            self._broken = (
                f"cannot send items to the Redis stream {self.stream} at {shown(self.url)}: "
                f"{describe(exc)}"
            )
            for _, item, sent in waiting:
                self._fail(item)
                sent.errback(DropItem(self._broken))
            return
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(SENT, len(waiting))
        for _, item, sent in waiting:
            sent.callback(item)

    def _fail(self, item: RawItem) -> None:
        """The item's source's run fails, once, with the line that says why."""
        reader_of = getattr(self.crawler.spider, "reader", None)
        reader = reader_of(item.get("source")) if reader_of is not None else None
        if reader is not None and self._broken and not reader.stats.get_value(FAILED):
            reader.error(self._broken, entry=True)
