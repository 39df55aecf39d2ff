"""What the pipelines that write to the data dir share: the session's lifetime."""

from __future__ import annotations

from pathlib import Path
from typing import Self

from scrapy.crawler import Crawler

from monitor.store.session import Session


class SessionPipeline:
    """Holds the data dir's shared `Session` from `open_spider` to `close_spider`."""

    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats
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
