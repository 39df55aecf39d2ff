"""StoringPipeline: each raw item to the crawl's storing process, which normalises it, puts it
through the story engine into the store and the change logs (monitor.store.storing_process).

Copies (`duplicate_of`), story threads (`thread_id`) and follow-up links (`follows_up`) are
found there, each with its evidence (see monitor.story.engine); a post seen again is stored
again only if it changed (a new revision). The item is through the pipeline once it is stored,
and the source's counters (new, updated, copies, dates) are those storing counted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.defer import maybe_deferred_to_future

from monitor.contracts import stats as keys
from monitor.contracts.items import RawItem
from monitor.store.storing_client import StoringProcess
from pipelines.base import run_stats


class StoringPipeline:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.data_dir = Path(crawler.settings.get("MONITOR_DATA_DIR"))
        self._process: StoringProcess | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoringPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self._process = StoringProcess.acquire(self.data_dir)

    def close_spider(self) -> None:
        if self._process is not None:
            self._process.release()
            self._process = None

    async def process_item(self, item: RawItem) -> RawItem:
        assert self._process is not None, "open_spider() was not called"
        answer = await maybe_deferred_to_future(self._process.store(dict(item)))
        return self._count(answer, item)

    def _count(self, answer: dict[str, Any], item: RawItem) -> RawItem:
        stats = run_stats(self.crawler, item)
        if "invalid" in answer:
            if stats is not None:
                stats.inc_value(keys.INVALID)
            raise DropItem(f"{item.get('source')}: {answer['invalid']}")
        if stats is not None:
            for key, value in answer["counts"].items():
                if key == keys.LAST_NEW_POST_AT:
                    stats.max_value(key, value)
                else:
                    stats.inc_value(key, value)
        return item
