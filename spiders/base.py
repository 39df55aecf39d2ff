"""The base of every source reader: one instance reads one run of one source of sources.toml.

One Scrapy spider (`spiders.sources.SourcesSpider`) carries every source; it hands each
response to the reader of the source that asked for it. To support a new kind of source,
subclass `SourceReader`, set `kind`, write `parse` (the entry page: a feed, a channel page, a
listing) yielding `self.raw_item(...)`s and `self.request(...)`s, and add the class to
`spiders.sources.READERS`. To adapt one site without a new kind, subclass the kind's reader
and override `post_process(item, response)`, the one hook every item goes through.

A reader's callbacks are named, not passed: a request carries the source's name and the
method's name in its meta, so that it can wait in a queue shared by several machines.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from monitor.collect.failures import describe
from monitor.collect.known import KnownPosts
from monitor.collect.runs import RunStats, SourceRun
from monitor.collect.sources import Source
from monitor.contracts import meta as meta_keys
from monitor.contracts import stats as keys
from monitor.contracts.items import RawItem
from monitor.normalize.dates import to_iso
from monitor.normalize.urls import is_http_url

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

    from spiders.sources import SourcesSpider

MAX_ERROR_MESSAGES = 20


class SourceReader:
    """Reads `self.source` for one run; records each error as one line in the run's stats.

    `state` is what earlier runs learned of the source (monitor.collect.health): the entry page's
    validators for a conditional GET, and whether its history was collected once already.
    """

    kind = ""

    def __init__(self, spider: SourcesSpider, run: SourceRun):
        self.spider = spider
        self.run = run
        self.source: Source = run.source
        self.state = run.state
        self.stats: RunStats = run.stats
        self.logger: logging.LoggerAdapter[logging.Logger] = spider.logger

    @property
    def settings(self) -> BaseSettings:
        return self.spider.settings

    def url_limit(self) -> int:
        settings = getattr(self.spider, "settings", None)  # (none on the leader's spider)
        return settings.getint("URLLENGTH_LIMIT", 2083) if settings is not None else 2083

    @property
    def known(self) -> KnownPosts:
        """The posts the store already holds (none in `sources check`)."""
        return self.spider.known

    def entry_request(self) -> scrapy.Request | None:
        request = self.request(self.source.url, self.parse, entry=True)
        return self.conditional(request) if request is not None else None

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        raise NotImplementedError

    def conditional(self, request: scrapy.Request) -> scrapy.Request:
        """Ask for the entry page only if it changed since the last complete run."""
        validators = self.state.get("validators") or {}
        if validators.get("url") != request.url:
            return request
        headers = {}
        if validators.get("etag"):
            headers["If-None-Match"] = validators["etag"]
        if validators.get("last_modified"):
            headers["If-Modified-Since"] = validators["last_modified"]
        if not headers:
            return request
        meta: dict[str, Any] = dict(request.meta)
        meta["handle_httpstatus_list"] = [304]
        conditional = request.replace(meta=meta)  # (a new request copies the headers)
        for name, value in headers.items():
            conditional.headers[name] = value
        return conditional

    def unchanged(self, response: Response) -> bool:
        """True for a 304 answer (nothing new: a success); notes a 200's validators."""
        stats = self.stats
        if response.status == 304:
            stats.set_value(keys.NOT_MODIFIED, True)
            return True
        if response.meta.get(meta_keys.ENTRY):
            etag = response.headers.get("ETag")
            modified = response.headers.get("Last-Modified")
            if etag or modified:
                stats.set_value(
                    keys.VALIDATORS,
                    {
                        "url": self.source.url,
                        "etag": etag.decode("latin-1") if etag else None,
                        "last_modified": modified.decode("latin-1") if modified else None,
                    },
                )
        return False

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
        if not is_http_url(url) or len(url) > self.url_limit():
            # (refused here, counted: Scrapy's URL-length middleware would drop it unseen,
            # and its run would wait for it)
            self.count(keys.REFUSED_URLS)
            return None
        meta = {
            "download_maxsize": self.source.max_size,
            meta_keys.ENTRY: entry,
            meta_keys.SOURCE: self.source.name,
            meta_keys.CALLBACK: callback.__name__,
            **meta,
        }
        if self.run.run_id:
            meta[meta_keys.RUN] = self.run.run_id
        if fallback is not None:
            meta[meta_keys.FALLBACK] = fallback
        return scrapy.Request(
            url,
            callback=self.spider.dispatch,
            errback=self.spider.dispatch_error,
            cb_kwargs=cb_kwargs or {},
            meta=meta,
            dont_filter=entry,
        )

    def raw_item(self, response: Response | None = None, **fields: Any) -> RawItem:
        """A raw item of this source, with the source's defaults filled in."""
        item: dict[str, Any] = {
            "source": self.source.name,
            "platform": self.source.platform,
            "collected_at": to_iso(datetime.now(UTC)),
            "timezone": self.source.timezone,
        }
        if self.source.lang:
            item["lang"] = self.source.lang
        item.update({key: value for key, value in fields.items() if value is not None})
        return cast(RawItem, item)

    def emit(self, item: RawItem, response: Response) -> Iterator[RawItem]:
        """Pass an item through `post_process` and count it."""
        processed = self.post_process(item, response)
        if processed is not None:
            self.count(keys.ITEMS)
            yield processed

    def post_process(self, item: RawItem, response: Response) -> RawItem | None:
        """Hook for a site that needs one: change or drop (return None) an item."""
        return item

    def on_error(self, failure: Failure) -> Iterator[RawItem]:
        request = failure.request  # type: ignore[attr-defined]
        self.error(describe(failure, request.url), entry=request.meta.get(meta_keys.ENTRY, False))
        fallback = request.meta.get(meta_keys.FALLBACK)
        if fallback is not None:
            self.count(keys.ITEMS)
            yield fallback

    def error(self, message: str, *, entry: bool = False) -> None:
        """Record a one-line error; on the entry page it fails the whole source."""
        self.count(keys.ERRORS)
        self.stats.append(keys.ERROR_MESSAGES, message, limit=MAX_ERROR_MESSAGES)
        if entry and not self.stats.get_value(keys.FAILED):
            self.stats.set_value(keys.FAILED, message)
        self.logger.warning("%s: %s", self.source.name, message)

    def warn(self, message: str) -> None:
        """A problem that does not fail the source (an empty channel page, a bozo feed)."""
        self.stats.append(keys.WARNINGS, message, limit=MAX_ERROR_MESSAGES)
        self.logger.warning("%s: %s", self.source.name, message)

    def count(self, key: str, amount: int = 1) -> None:
        self.stats.inc_value(key, amount)
