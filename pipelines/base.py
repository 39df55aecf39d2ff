"""What the pipelines that write to the data dir share: the session's lifetime."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from monitor.collect.runs import RunStats
from monitor.store.session import Session


def run_stats(crawler: Crawler, item: Mapping[str, Any]) -> RunStats | StatsCollector | None:
    """The counters of the run the item belongs to (one crawler carries many sources' runs);
    the crawler's own for a spider that keeps none."""
    stats_of = getattr(crawler.spider, "stats_of", None)
    stats: RunStats | None = stats_of(item.get("source")) if stats_of is not None else None
    return stats if stats is not None else crawler.stats


class SessionPipeline:
    """Holds the data dir's shared `Session` from `open_spider` to `close_spider`."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.data_dir = Path(crawler.settings.get("MONITOR_DATA_DIR"))
        self._session: Session | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    @property
    def session(self) -> Session:
        assert self._session is not None, "open_spider() was not called"
        return self._session

    def open_spider(self) -> None:
        self._session = Session.acquire(self.data_dir)

    def close_spider(self) -> None:
        if self._session is not None:
            self._session.release()
            self._session = None
