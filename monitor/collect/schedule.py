"""`monitor schedule`: crawl each source whenever it is due, in one long-running process.

One Scrapy process and one Twisted reactor for all sources: a source is started by a timer
when its next run is due (`every`, adapted to how much it publishes — see
monitor.collect.health.adapt_interval), never while its previous crawl is still running. SIGTERM or
Ctrl-C stops the timers, lets the crawls in flight finish the items they hold, flushes the
store and the logs, and ends the process with status 0; a second signal stops at once.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import Any

from scrapy.settings import Settings
from twisted.internet.base import DelayedCall

from monitor.collect import health
from monitor.collect.crawl import Crawls, SourceReport
from monitor.collect.sources import Source, format_duration
from monitor.story.config import EngineConfig

RETRY_RUNNING_SECONDS = 30.0


class Scheduler:
    """Timers that start each source's crawl when it is due."""

    def __init__(
        self,
        sources: Sequence[Source],
        settings: Settings,
        data_dir: Path,
        *,
        announce: Callable[[str], None] = print,
        engine_config: EngineConfig | None = None,
    ):
        self.sources = {source.name: source for source in sources}
        # Creating the Scrapy process installs the asyncio reactor; only then may it be imported.
        self.crawls = Crawls(settings, data_dir, engine_config=engine_config)
        from twisted.internet import reactor

        self.reactor: Any = reactor
        self.announce = announce
        self.timers: dict[str, DelayedCall] = {}
        self.stopping = False

    def run(self) -> None:
        """Block until stopped by a signal."""
        self.reactor.callWhenRunning(self._begin)
        try:
            self.crawls.start(stop_after_crawl=False, install_signal_handlers=False)
        finally:
            self.crawls.close()

    def _begin(self) -> None:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._on_signal)
        now = health.now()
        names = ", ".join(self.sources)
        self.announce(f"{_clock(now)} scheduling {len(self.sources)} sources: {names}")
        for source in self.sources.values():
            due = self.crawls.state(source).get("next_due")
            self._plan(source, _seconds_until(due, now))

    def _plan(self, source: Source, delay: float) -> None:
        if not self.stopping:
            self.timers[source.name] = self.reactor.callLater(max(0.0, delay), self._launch, source)

    def _launch(self, source: Source) -> None:
        self.timers.pop(source.name, None)
        if self.stopping:
            return
        if source.name in self.crawls.running:
            self._plan(source, RETRY_RUNNING_SECONDS)  # never two crawls of one source at once
            return
        done = self.crawls.crawl(source)
        done.addCallback(self._after, source)

    def _after(self, report: SourceReport, source: Source) -> SourceReport:
        state = self.crawls.state(source)
        delay = _seconds_until(state.get("next_due"), health.now())
        line = f"{_clock(health.now())} {source.name}: {report.status}, {report.new} new posts"
        if report.failure:
            line += f" ({report.failure})"
        if not self.stopping:
            line += f"; next run in {format_duration(delay)}"
        self.announce(line)
        self._plan(source, delay)
        return report

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self.stopping:
            self.reactor.callFromThread(self._stop_reactor)  # a second signal: stop now
            return
        self.reactor.callFromThread(self._shutdown, signal.Signals(signum).name)

    def _shutdown(self, name: str) -> None:
        self.stopping = True
        for timer in self.timers.values():
            if timer.active():
                timer.cancel()
        self.timers.clear()
        self.announce(
            f"{_clock(health.now())} {name}: finishing the crawls in flight, then stopping"
        )
        stopped = self.crawls.process.stop()
        stopped.addBoth(self._stop_reactor)

    def _stop_reactor(self, _: Any = None) -> None:
        if self.reactor.running:
            self.reactor.stop()


def _seconds_until(when: str | None, now: datetime) -> float:
    if not when:
        return 0.0
    try:
        return (datetime.fromisoformat(when) - now).total_seconds()
    except ValueError:
        return 0.0


def _clock(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")
