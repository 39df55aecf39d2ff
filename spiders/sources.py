"""One Scrapy spider that carries many sources: each source's pages are read by its own
reader (`spiders.base.SourceReader`), and each source's run is accounted on its own.

One crawler for all sources instead of one a source: robots.txt is fetched once a host, the
per-domain slots of Scrapy's downloader space the requests to one host whatever source asked,
and the engine's fixed costs are paid once (a crawler a source cost 2.2× the time, even for a
bare Scrapy spider). A run ends when none of its requests or items is left in flight.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure

from monitor.collect import health
from monitor.collect.failures import describe
from monitor.collect.known import KnownPosts
from monitor.collect.runs import RunStats, SourceRun
from monitor.collect.sources import Source
from monitor.contracts import meta as meta_keys
from spiders.base import SourceReader
from spiders.html import HtmlReader
from spiders.rss import RssReader
from spiders.telegram import TelegramReader

READERS: dict[str, type[SourceReader]] = {
    "rss": RssReader,
    "telegram": TelegramReader,
    "html": HtmlReader,
}

# what a finished run is handed to: the run, with `finish_reason` in its stats
Finished = Callable[[SourceRun], None]


class SourcesSpider(scrapy.Spider):
    """Crawls `sources` (with their stored `states`), and any source `launch`ed later.

    With `keep_open` (`monitor schedule`, a worker) the spider waits, idle, for the next
    source instead of closing when the last run ends."""

    name = "monitor"

    def __init__(
        self,
        sources: Iterable[Source] = (),
        states: Mapping[str, Mapping[str, Any]] | None = None,
        *,
        keep_open: bool = False,
        on_finished: Finished | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.initial = list(sources)
        self.initial_states = dict(states or {})
        self.keep_open = keep_open
        self.on_finished = on_finished
        self.runs: dict[str, SourceRun] = {}
        self.readers: dict[str, SourceReader] = {}
        # pages being read, by id() of their request
        self._pages: dict[int, Page] = {}
        # requests a page yielded that Scrapy has not scheduled yet, by id(), with their page
        self._children: dict[int, Page] = {}
        # the request scheduled last, whose drop (by the seen-filter) may follow at once
        self._just_scheduled: tuple[int, SourceRun] | None = None
        self._known: KnownPosts | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(spider._dropped, signal=signals.request_dropped)
        crawler.signals.connect(spider._downloading, signal=signals.request_reached_downloader)
        crawler.signals.connect(spider._item_done, signal=signals.item_scraped)
        crawler.signals.connect(spider._item_done, signal=signals.item_dropped)
        crawler.signals.connect(spider._item_failed, signal=signals.item_error)
        crawler.signals.connect(spider._idle, signal=signals.spider_idle)
        return spider

    @property
    def known(self) -> KnownPosts:
        """The posts the store already holds (none in `sources check`)."""
        if self._known is None:
            data_dir = self.settings.get("MONITOR_DATA_DIR")
            self._known = KnownPosts(Path(data_dir) if data_dir else None)
        return self._known

    async def start(self) -> AsyncIterator[Any]:
        for source in self.initial:
            request = self.begin(source, self.initial_states.get(source.name, {}))
            if request is not None:
                yield request

    def begin(self, source: Source, state: Mapping[str, Any]) -> scrapy.Request | None:
        """Start a run of `source`: its entry request, counted in flight; None when the run
        ended at once (its URL was refused)."""
        run = SourceRun(source, dict(state), health.now(), self.new_stats(source))
        reader = READERS[source.kind](self, run)
        self.runs[source.name] = run
        self.readers[source.name] = reader
        request = reader.entry_request()
        if request is None:
            self.end(run, "finished")
            return None
        self.added(run)
        return request

    def launch(self, source: Source, state: Mapping[str, Any]) -> None:
        """Start a run while the crawler is running (`monitor schedule`)."""
        request = self.begin(source, state)
        if request is not None:
            assert self.crawler.engine is not None
            self.crawler.engine.crawl(request)

    def new_stats(self, source: Source) -> RunStats:
        return RunStats()

    def stats_of(self, name: str | None) -> RunStats | None:
        """The counters of the run in flight of the source called `name`, if one is."""
        run = self.runs.get(name) if name else None
        return run.stats if run is not None else None

    def reader(self, name: str | None) -> SourceReader | None:
        return self.readers.get(name) if name else None

    # A reader's callbacks and errbacks, reached through these two by name.

    def reader_for(self, meta: Mapping[str, Any]) -> SourceReader | None:
        """The reader of the run a request belongs to; None once that run is over."""
        return self.reader(meta.get(meta_keys.SOURCE))

    def dispatch(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        reader = self.reader_for(response.meta)
        if reader is None:
            self.done_with(response.meta)
            return  # (its run ended: interrupted, or abandoned)
        method = getattr(reader, response.meta[meta_keys.CALLBACK])
        page = Page(reader.run, response.meta, id(response.request))
        self._pages[page.key] = page
        try:
            yield from self._counted(page, method(response, **kwargs))
        except Exception as exc:
            # A bug or a page our parsers could not handle: one line, and the source goes on.
            self.logger.exception("%s: could not parse %s", reader.source.name, response.url)
            reader.error(
                f"could not parse the page ({describe(exc)}) at {response.url}",
                entry=bool(response.meta.get(meta_keys.ENTRY)),
            )
        # (not in a `finally`: a page whose reading a stop cut short is not done with)
        page.read = True
        self._maybe_done(page.key)

    def dispatch_error(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        reader = self.reader_for(request.meta)
        if reader is None:
            self.done_with(request.meta)
            return
        page = Page(reader.run, request.meta, id(request))
        self._pages[page.key] = page
        yield from self._counted(page, reader.on_error(failure))
        page.read = True
        self._maybe_done(page.key)

    def done_with(self, meta: Mapping[str, Any]) -> None:
        """A request's page is read and its items are through the pipelines."""

    def _counted(self, page: Page, outputs: Iterable[Any] | None) -> Iterator[Any]:
        # Scrapy may still hold a page's requests and items after its callback is over: the
        # page is done with only when they are scheduled, and through the pipelines.
        for output in outputs or ():
            if isinstance(output, scrapy.Request):
                page.requests += 1
                self._children[id(output)] = page
            else:
                page.items += 1
            yield output

    def _scheduled(self, request: scrapy.Request, spider: scrapy.Spider) -> None:
        # A request enters the run's count just before the queue takes it (then it may be
        # crawled and settled anywhere), and while its page still counts: the count never
        # touches zero between the two. One that dies unscheduled with its worker was never
        # counted; its page is read again.
        page = self._children.pop(id(request), None)
        if page is None:
            self._just_scheduled = None
            return
        self.added(page.run)
        self._just_scheduled = (id(request), page.run)
        page.requests -= 1
        self._maybe_done(page.key)

    def _maybe_done(self, key: int) -> None:
        page = self._pages.get(key)
        if page is None or not page.read or page.items > 0 or page.requests > 0:
            return
        del self._pages[key]
        self.page_done(page.meta, page.run)

    def page_done(self, meta: Mapping[str, Any], run: SourceRun) -> None:
        """A page is read and its items are through: its request leaves the run's count."""
        self.done_with(meta)
        self.settled(run)

    # Accounting: a run is over when nothing of it is in flight.

    def added(self, run: SourceRun) -> None:
        run.in_flight += 1

    def settled(self, run: SourceRun) -> None:
        run.in_flight -= 1
        if run.in_flight <= 0 and not run.finished:
            self.end(run, "finished")

    def end(self, run: SourceRun, reason: str) -> None:
        if run.finished:
            return
        run.finished = True
        if not run.stats.get_value("finish_reason"):
            run.stats.set_value("finish_reason", reason)
        name = run.source.name
        if self.runs.get(name) is run:
            del self.runs[name]
            self.readers.pop(name, None)
        if self.on_finished is not None:
            self.on_finished(run)

    def _dropped(self, request: scrapy.Request, spider: scrapy.Spider) -> None:
        # (a request the seen-filter refused, just after it was counted: it never reaches a
        # callback)
        scheduled, self._just_scheduled = self._just_scheduled, None
        if scheduled is not None and scheduled[0] == id(request):
            self.settled(scheduled[1])

    def _downloading(self, request: scrapy.Request, spider: scrapy.Spider) -> None:
        reader = self.reader_for(request.meta)
        if reader is not None:
            reader.stats.inc_value("downloader/request_count")

    def _item_done(self, item: Mapping[str, Any], response: Response | Failure, **kw: Any) -> None:
        # (by the page the item came from: the store may hand back a post another source
        # stored first)
        key = id(_request_of(response))
        page = self._pages.get(key)
        if page is not None:
            page.items -= 1
            self._maybe_done(key)

    def _item_failed(
        self, item: Mapping[str, Any], response: Response | Failure, failure: Failure, **kw: Any
    ) -> None:
        reader = self.reader_for(_meta_of(response))
        if reader is not None:
            reader.error(f"could not store the post {item.get('url')} ({describe(failure)})")
        self._item_done(item, response)

    def _idle(self) -> None:
        if self.keep_open:
            raise DontCloseSpider

    def closed(self, reason: str) -> None:
        """Every run still in flight ends with the crawler's reason (`shutdown` when stopped)."""
        for run in list(self.runs.values()):
            self.end(run, reason)
        if self._known is not None:
            self._known.close()
            self._known = None


def _request_of(response: Response | Failure) -> scrapy.Request | None:
    """The request that gave this response (or this failure, for an errback's items)."""
    if isinstance(response, Response):
        return response.request
    return getattr(response, "request", None)


def _meta_of(response: Response | Failure) -> Mapping[str, Any]:
    request = _request_of(response)
    return request.meta if request is not None else {}


@dataclass
class Page:
    """A page being read: done with once its callback is over and its items are through
    the pipelines (then its request leaves the run's count, and a worker's held hash)."""

    run: SourceRun
    meta: Mapping[str, Any]
    key: int  # id() of its request
    items: int = 0
    requests: int = 0
    read: bool = False
