"""Downloader middlewares: retries that back off, and a refusal of every non-http(s) URL."""

from __future__ import annotations

import random

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import reactor
from twisted.internet.task import deferLater

from monitor.contracts import stats as keys
from monitor.normalize.urls import is_http_url


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, each after a growing pause (base ** attempt seconds, with jitter):
    retrying an overloaded observatory site at once only adds to its load."""

    backoff_base: float
    backoff_max: float

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        middleware = super().from_crawler(crawler)
        middleware.backoff_base = crawler.settings.getfloat("MONITOR_RETRY_BACKOFF_BASE", 2.0)
        middleware.backoff_max = crawler.settings.getfloat("MONITOR_RETRY_BACKOFF_MAX", 60.0)
        return middleware

    # Scrapy awaits a coroutine middleware method, but types RetryMiddleware's as plain ones.
    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        result = super().process_response(request, response)
        if isinstance(result, Request):
            await self._pause(result)
        return result

    async def process_exception(  # type: ignore[override]  # (async, as above)
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            await self._pause(result)
        return result

    async def _pause(self, retry: Request) -> None:
        attempt = retry.meta.get("retry_times", 1)
        delay = min(self.backoff_max, self.backoff_base**attempt) * random.uniform(0.5, 1.0)
        if delay > 0:
            await maybe_deferred_to_future(deferLater(reactor, delay, lambda: None))


class HttpOnlyMiddleware:
    """Drops any request whose URL is not http(s), whatever link a page or feed offered."""

    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HttpOnlyMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if not is_http_url(request.url):
            if self.stats:
                self.stats.inc_value(keys.REFUSED_URLS)
            raise IgnoreRequest(f"not an http(s) URL: {request.url[:200]}")
