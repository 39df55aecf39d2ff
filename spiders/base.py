"""The base of every spider: one instance crawls one source of sources.toml.

To support a new kind of source, subclass `SourceSpider`, set `name` to the kind, and write
`parse` (the entry page: a feed, a channel page, a listing) yielding `self.raw_item(...)`s
and `self.request(...)`s. To adapt one site without a new kind, subclass the kind's spider and
override `post_process(item, response)`, the one hook every item goes through.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from monitor.dates import to_iso
from monitor.failures import describe
from monitor.items import RawItem
from monitor.sources import Source
from monitor.urls import is_http_url

MAX_ERROR_MESSAGES = 20


class SourceSpider(scrapy.Spider):
    """Crawls `self.source`; records each error as one line in the crawl stats."""

    def __init__(self, source: Source, **kwargs: Any):
        super().__init__(**kwargs)
        self.source = source

    async def start(self) -> AsyncIterator[Any]:
        yield self.request(self.source.url, self.parse, entry=True)

    def request(
        self,
        url: str,
        callback: Callable[..., Any],
        *,
        entry: bool = False,
        cb_kwargs: dict[str, Any] | None = None,
        fallback: RawItem | None = None,
        **meta: Any,
    ) -> scrapy.Request | None:
        """A request for `url`, or None (counted) when it is not http(s).

        `entry` marks the page the source stands or falls by; `fallback` is an item to keep if
        this page fails (a feed entry whose article page is gone is still a post).
        """
        if not is_http_url(url):
            self.count("monitor/refused_urls")
            return None
        meta = {"download_maxsize": self.source.max_size, "monitor_entry": entry, **meta}
        if fallback is not None:
            meta["monitor_fallback"] = fallback
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.on_error,
            cb_kwargs=cb_kwargs or {},
            meta=meta,
            dont_filter=entry,
        )

    def raw_item(self, response: Response | None = None, **fields: Any) -> RawItem:
        """A raw item of this source, with the source's defaults filled in."""
        item: RawItem = {
            "source": self.source.name,
            "platform": self.source.platform,
            "collected_at": to_iso(datetime.now(UTC)),
            "timezone": self.source.timezone,
        }
        if self.source.lang:
            item["lang"] = self.source.lang
        item.update({key: value for key, value in fields.items() if value is not None})
        return item

    def emit(self, item: RawItem, response: Response) -> Iterator[RawItem]:
        """Pass an item through `post_process` and count it."""
        processed = self.post_process(item, response)
        if processed is not None:
            self.count("monitor/items")
            yield processed

    def post_process(self, item: RawItem, response: Response) -> RawItem | None:
        """Hook for a site that needs one: change or drop (return None) an item."""
        return item

    def on_error(self, failure: Failure) -> Iterator[RawItem]:
        request = failure.request  # type: ignore[attr-defined]
        self.error(describe(failure, request.url), entry=request.meta.get("monitor_entry", False))
        fallback = request.meta.get("monitor_fallback")
        if fallback is not None:
            self.count("monitor/items")
            yield fallback

    def error(self, message: str, *, entry: bool = False) -> None:
        """Record a one-line error; on the entry page it fails the whole source."""
        stats = self.crawler.stats
        assert stats is not None
        self.count("monitor/errors")
        messages = stats.get_value("monitor/error_messages") or []
        if len(messages) < MAX_ERROR_MESSAGES:
            stats.set_value("monitor/error_messages", [*messages, message])
        if entry and not stats.get_value("monitor/failed"):
            stats.set_value("monitor/failed", message)
        self.logger.warning("%s: %s", self.source.name, message)

    def warn(self, message: str) -> None:
        """A problem that does not fail the source (an empty channel page, a bozo feed)."""
        stats = self.crawler.stats
        assert stats is not None
        warnings = stats.get_value("monitor/warnings") or []
        if len(warnings) < MAX_ERROR_MESSAGES:
            stats.set_value("monitor/warnings", [*warnings, message])
        self.logger.warning("%s: %s", self.source.name, message)

    def count(self, key: str, amount: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, amount)
