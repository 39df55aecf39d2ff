"""Running sources through Scrapy: one crawler that carries every source, in one process."""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.reactor import install_reactor
from twisted.internet.defer import Deferred, succeed
from twisted.python.failure import Failure

from monitor.collect import health
from monitor.collect.collector import settle_for_crawling
from monitor.collect.failures import describe
from monitor.collect.progress import CrawlProgress
from monitor.collect.runs import RunStats, SourceRun
from monitor.collect.sources import Source
from monitor.contracts import stats as keys
from monitor.store import open_reader
from monitor.store.storing_client import StoringFailed, StoringProcess
from monitor.story.config import EngineConfig
from spiders.sources import SourcesSpider

CHECK_PIPELINES = {
    "pipelines.normalize.NormalizePipeline": 100,
    "pipelines.stdout.StdoutPipeline": 900,
}


@dataclass
class SourceReport:
    """How one source's crawl went, from its crawler's stats."""

    name: str
    kind: str
    pages: int = 0
    items: int = 0
    new: int = 0
    updated: int = 0
    duplicates: int = 0
    errors: int = 0
    not_modified: bool = False
    interrupted: bool = False
    failure: str | None = None
    messages: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.interrupted:
            return "interrupted"
        if self.failure:
            return "failed"
        if self.errors or self.warnings:
            return "warning"
        return "ok"

    @classmethod
    def from_stats(cls, source: Source, stats: Mapping[str, Any]) -> SourceReport:
        failure = stats.get(keys.FAILED)
        finish = stats.get("finish_reason")
        interrupted = finish == "shutdown"
        if not failure and not interrupted and finish not in (None, "finished"):
            failure = f"crawl ended early ({finish})"
        return cls(
            name=source.name,
            kind=source.kind,
            pages=stats.get(keys.PAGES, 0),
            items=stats.get(keys.ITEMS, 0),
            new=stats.get(keys.NEW_POSTS, 0),
            updated=stats.get(keys.UPDATED_POSTS, 0),
            duplicates=stats.get(keys.COPIES, 0),
            errors=stats.get(keys.ERRORS, 0),
            not_modified=bool(stats.get(keys.NOT_MODIFIED)),
            interrupted=interrupted,
            failure=failure,
            messages=list(stats.get(keys.ERROR_MESSAGES) or []),
            warnings=list(stats.get(keys.WARNINGS) or []),
        )


def crawl_settings(
    data_dir: Path | None,
    *,
    check: bool = False,
    verbose: bool = False,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Project settings for a run: storing into `data_dir`, or (`check`) printing only."""
    settings = Settings()
    settings.setmodule("monitor.collect.settings", priority="project")
    contact = os.environ.get("MONITOR_CONTACT", "").strip()
    if contact:
        settings.set("USER_AGENT", f"{settings['USER_AGENT']} +{contact}", priority="cmdline")
    if check:
        settings.set("ITEM_PIPELINES", CHECK_PIPELINES, priority="cmdline")
        settings.set("MONITOR_DATA_DIR", "", priority="cmdline")  # nothing is known, nothing stored
    if data_dir is not None:
        settings.set("MONITOR_DATA_DIR", str(data_dir), priority="cmdline")
    if verbose:
        settings.set("LOG_LEVEL", "INFO", priority="cmdline")
    elif data_dir is not None and not check:
        # The full log (with tracebacks) goes to a file; the terminal gets one line a problem.
        log_dir = data_dir / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        settings.set("LOG_FILE", str(log_dir / "crawl.log"), priority="cmdline")
        settings.set("LOG_FILE_APPEND", False, priority="cmdline")
    else:
        settings.set("LOG_ENABLED", False, priority="cmdline")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


class Crawls:
    """One Scrapy process with one crawler that carries every source (crawled once each for
    `crawl`, again and again for `schedule`); every finished run of a source is recorded in
    the data dir."""

    def __init__(
        self,
        settings: Settings,
        data_dir: Path | None = None,
        *,
        progress: bool = False,
        engine_config: EngineConfig | None = None,
        keep_open: bool = False,
    ):
        # The reactor must be the configured one before anything imports it (the scheduler's
        # timers do, before the crawler would have installed it).
        install_reactor(settings["TWISTED_REACTOR"], settings["ASYNCIO_EVENT_LOOP"])
        self.process = CrawlerProcess(settings)
        _twisted_log_to_logging_only()
        # Storing runs in a process of its own (monitor.store.storing_process), on another core.
        self.storing = (
            StoringProcess.acquire(data_dir, engine_config) if data_dir is not None else None
        )
        # every source's state, read once: from then on this process (holding the data dir's
        # lock) is the only one that changes them
        self.states: dict[str, dict[str, Any]] = _stored_states(data_dir) if self.storing else {}
        if self.storing is not None:
            self.storing.on_death = self._storing_died
        self.keep_open = keep_open
        self.reports: dict[str, SourceReport] = {}
        # source name → its run in flight (None until the crawler has begun it)
        self.running: dict[str, SourceRun | None] = {}
        self.finished_stats: dict[str, dict[str, Any]] = {}
        self.spider: SourcesSpider | None = None
        self.progress = CrawlProgress(self._live_stats) if progress else None
        # the signal (SIGINT, SIGTERM) that stopped the crawls, if one did
        self.stopped_by: int | None = None
        self._opened = False
        self._waiting: dict[str, Deferred[SourceReport]] = {}
        self._queued: list[tuple[Source, dict[str, Any]]] = []

    def state(self, source: Source) -> dict[str, Any]:
        return dict(self.states.get(source.name) or {})

    def crawl(self, source: Source) -> Deferred[SourceReport]:
        """Start crawling a source; the deferred fires with its report when it is done."""
        done: Deferred[SourceReport] = Deferred()
        self._waiting[source.name] = done
        self.running[source.name] = None
        state = self.state(source)
        if self.spider is not None and self._opened:
            self.spider.launch(source, state)
            self.running[source.name] = self.spider.runs.get(source.name)
        else:
            self._queued.append((source, state))
        return done

    def _begin_crawler(self) -> None:
        """The one crawler: its start sources are those queued before it ran."""
        crawler = self.process.create_crawler(SourcesSpider)
        crawler.signals.connect(self._spider_opened, signal=signals.spider_opened)
        queued, self._queued = self._queued, []
        started = self.process.crawl(
            crawler,
            sources=[source for source, _ in queued],
            states={source.name: state for source, state in queued},
            keep_open=self.keep_open,
            on_finished=self._finished,
        )
        started.addErrback(self._crawler_failed)
        self.spider = crawler.spider if isinstance(crawler.spider, SourcesSpider) else None

    def _spider_opened(self, spider: scrapy.Spider) -> None:
        assert isinstance(spider, SourcesSpider)
        self.spider = spider
        self._opened = True
        for name in self.running:
            self.running[name] = spider.runs.get(name)
        queued, self._queued = self._queued, []
        for source, state in queued:  # (launched while the crawler was opening)
            spider.launch(source, state)
            self.running[source.name] = spider.runs.get(source.name)

    def _crawler_failed(self, failure: Failure) -> None:
        """The crawler could not start (a bad setting, a pipeline that failed to open): every
        source waiting for it fails with that line."""
        message = f"could not crawl: {describe(failure)}"
        for name in list(self._waiting):
            run = self.spider.runs.get(name) if self.spider is not None else None
            source = run.source if run is not None else self._source_queued(name)
            if source is None:
                continue
            stats = run.stats if run is not None else RunStats()
            if not stats.get_value(keys.FAILED):
                stats.set_value(keys.FAILED, message)
            self._finished(
                run or SourceRun(source, self.state(source), health.now(), stats), failed=True
            )

    def _source_queued(self, name: str) -> Source | None:
        for source, _ in self._queued:
            if source.name == name:
                return source
        return None

    def _finished(self, run: SourceRun, *, failed: bool = False) -> None:
        source = run.source
        self.running.pop(source.name, None)
        stats = run.stats.get_stats()
        if failed and not stats.get("finish_reason"):
            stats["finish_reason"] = "finished"
        self.finished_stats[source.name] = stats
        report = SourceReport.from_stats(source, stats)
        self.reports[source.name] = report
        if self.storing is not None:
            run_line = health.run_record(source, stats, report.status, run.started, health.now())
            if report.status == "interrupted":
                new_state = {
                    **run.state,
                    "last_run": run_line["ended_at"],
                    "last_status": "interrupted",
                }
            else:
                new_state = health.next_state(run.state, run_line, source, stats)
            self.states[source.name] = new_state
            recorded = self.storing.record_run(run_line, new_state)
            recorded.addErrback(self._not_recorded, source)
        else:
            recorded = succeed({})
        done = self._waiting.pop(source.name, None)
        if done is not None:
            # (once the run is committed: what follows it, a site refreshed from the store,
            # sees its posts)
            recorded.addBoth(lambda _: done.callback(report))

    def start(self, *, stop_after_crawl: bool = True, install_signal_handlers: bool = True) -> None:
        """Run the reactor: until every crawl is done, or (schedule) until it is stopped.
        With Scrapy's signal handlers, SIGTERM or Ctrl-C lets the crawls in flight finish
        their items, then stops."""
        from twisted.internet import reactor, task

        self._begin_crawler()
        settle_for_crawling()
        if self.progress is not None:
            refresh = task.LoopingCall(self.progress.refresh)
            reactor.callWhenRunning(self.progress.start)
            reactor.callWhenRunning(refresh.start, 0.5)
        try:
            self.process.start(
                stop_after_crawl=stop_after_crawl, install_signal_handlers=install_signal_handlers
            )
        finally:
            if self.progress is not None:
                self.progress.stop()

    def stop_on_signals(self) -> None:
        """SIGINT or SIGTERM: the crawls in flight stop taking pages and close as interrupted;
        a second signal stops at once. Either way every run is recorded (`record_unfinished`)
        and `stopped_by` names the first signal, for the exit status."""
        from twisted.internet import reactor

        def stop(signum: int, frame: object) -> None:
            first = self.stopped_by is None
            if first:
                self.stopped_by = signum
            reactor.callFromThread(self._stop_gracefully if first else self._stop_now)

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)

    def _stop_gracefully(self) -> None:
        self.process.stop()

    def _stop_now(self) -> None:
        from twisted.internet import reactor

        core: Any = reactor  # (its type hints say less than the reactor object has)
        if core.running:
            core.stop()

    def record_unfinished(self) -> None:
        """Record the runs that a forced stop left unfinished, as interrupted: what they
        stored is kept, and `status` shows the run."""
        if self.spider is None:
            return
        for run in list(self.spider.runs.values()):
            self.spider.end(run, "shutdown")

    def _live_stats(self) -> dict[str, dict[str, Any]]:
        runs = self.spider.runs.values() if self.spider is not None else ()
        live = {run.source.name: run.stats.get_stats() for run in runs}
        return {**self.finished_stats, **live}

    def _storing_died(self, why: str) -> None:
        """Nothing more can be stored: the crawls stop (their runs go unrecorded, so the next
        crawl fetches their pages again), and `close` says why in one line."""
        self._stop_gracefully()

    def _not_recorded(self, failure: Failure, source: Source) -> Failure | None:
        if not isinstance(failure.value, StoringFailed):
            return failure
        logging.getLogger(__name__).error(
            "%s: could not record the run (%s)", source.name, failure.getErrorMessage()
        )
        return None

    def close(self) -> None:
        """Wait for the storing process to store what it was given; StoreUnavailable (one
        line) if it died first."""
        if self.storing is not None:
            storing, self.storing = self.storing, None
            storing.close()  # (whether or not a stop cut the pipeline's closing short)


def _stored_states(data_dir: Path | None) -> dict[str, dict[str, Any]]:
    view = open_reader(data_dir) if data_dir is not None else None
    if view is None:
        return {}
    try:
        return view.source_states()
    finally:
        view.close()


def _twisted_log_to_logging_only() -> None:
    """Twisted prints critical events (a Scrapy race when hundreds of crawlers close together
    raises AlreadyCalledError "while handling timed call") straight to stderr until someone
    begins its logging: begin it with no target of its own, so they reach only Scrapy's log
    (through the observer Scrapy installs), never the operator's terminal as a traceback."""
    from twisted.logger import globalLogBeginner

    if globalLogBeginner._temporaryObserver is not None:  # not begun yet in this process
        globalLogBeginner.beginLoggingTo([], discardBuffer=True, redirectStandardIO=False)


@dataclass
class Crawled:
    """The reports of a crawl of every source once (in the sources' order), and the signal
    that stopped it early, if one did."""

    reports: list[SourceReport]
    stopped_by: int | None = None


class Stopped(Exception):
    """A SIGINT or SIGTERM that came before the crawls were running."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def stop_before_start(signum: int, frame: object) -> None:
    """Until the crawls run, a signal stops the command where it is (nothing is collected yet;
    what an earlier run stored is untouched)."""
    raise Stopped(signum)


def run_sources(
    sources: Sequence[Source],
    settings: Settings,
    data_dir: Path | None = None,
    *,
    progress: bool = False,
    engine_config: EngineConfig | None = None,
) -> Crawled:
    """Crawl every source once, concurrently, and report on each (in the given order)."""
    signal.signal(signal.SIGTERM, stop_before_start)
    crawls = Crawls(settings, data_dir, progress=progress, engine_config=engine_config)
    try:
        crawls.stop_on_signals()
        for source in sources:
            crawls.crawl(source)
        crawls.start(install_signal_handlers=False)
        crawls.record_unfinished()
    finally:
        crawls.close()
        if crawls.stopped_by is None:
            signal.signal(signal.SIGINT, signal.default_int_handler)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
        else:
            # stopping already: a signal repeated while the summary is printed changes nothing
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
    reports = [crawls.reports[s.name] for s in sources if s.name in crawls.reports]
    return Crawled(reports, crawls.stopped_by)
