"""StdoutPipeline: prints each record as a JSON line (`monitor sources check`)."""

from __future__ import annotations

import sys

from scrapy.crawler import Crawler

from monitor.contracts.items import PostRecord
from monitor.store.records import dumps


class StdoutPipeline:
    """Writes records to standard output, storing nothing."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StdoutPipeline:
        return cls()

    def process_item(self, item: PostRecord) -> PostRecord:
        sys.stdout.buffer.write(dumps(item) + b"\n")
        sys.stdout.buffer.flush()
        return item
