"""`monitor schedule`: crawl each source whenever it is due, in one long-running process.

One Scrapy process and one Twisted reactor for all sources: a source is started by a timer
when its next run is due (`every`, adapted to how much it publishes — see
monitor.collect.health.adapt_interval), never while its previous crawl is still running. SIGTERM or
Ctrl-C stops the timers, lets the crawls in flight finish the items they hold, flushes the
store and the logs, and ends the process with status 0; a second signal stops at once.

The sources file is read again on SIGHUP, and when its modification time changes (looked at
every second). A file with problems is refused, each problem on stderr, and the sources loaded
before keep running. Otherwise added sources are planned as on start-up, removed ones are not
crawled again (a crawl in flight finishes), and a changed one runs with its new definition
from its next run on; the state of every source stays in the store, keyed by its name.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import Any

from scrapy.settings import Settings
from twisted.internet.base import DelayedCall
from twisted.internet.task import LoopingCall

from monitor.collect import health
from monitor.collect.crawl import Crawls, SourceReport
from monitor.collect.sources import ConfigError, Source, format_duration, load_sources
from monitor.story.config import EngineConfig

RETRY_RUNNING_SECONDS = 30.0
# How often the sources file's modification time is looked at; an edit is read one look after
# it is first seen, so that a file an editor is still writing is not read half-written.
WATCH_SECONDS = 1.0


@dataclass(frozen=True)
class Changes:
    """What a reload of the sources file changes, by source name."""

    added: list[str]
    removed: list[str]
    changed: list[str]

    def describe(self) -> str:
        """ "+1 added (a), -1 removed (b), 1 changed (c)", or "no changes"."""
        parts = []
        if self.added:
            parts.append(f"+{len(self.added)} added ({', '.join(self.added)})")
        if self.removed:
            parts.append(f"-{len(self.removed)} removed ({', '.join(self.removed)})")
        if self.changed:
            parts.append(f"{len(self.changed)} changed ({', '.join(self.changed)})")
        return ", ".join(parts) or "no changes"


def compare(old: Mapping[str, Source], new: Mapping[str, Source]) -> Changes:
    """The sources added, removed and changed (any field) from `old` to `new`."""
    return Changes(
        added=[name for name in new if name not in old],
        removed=[name for name in old if name not in new],
        changed=[name for name in new if name in old and new[name] != old[name]],
    )


class Scheduler:
    """Timers that start each source's crawl when it is due."""

    def __init__(
        self,
        sources: Sequence[Source],
        settings: Settings,
        data_dir: Path,
        *,
        announce: Callable[[str], None] = print,
        warn: Callable[[str], None] | None = None,
        engine_config: EngineConfig | None = None,
        sources_file: Path | None = None,
        after_crawl: Callable[[SourceReport], None] | None = None,
    ):
        self.sources = {source.name: source for source in sources}
        # what else to do once a crawl is recorded (`schedule --report` refreshes the site)
        self.after_crawl = after_crawl
        # Creating the Scrapy process installs the asyncio reactor; only then may it be imported.
        self.crawls = Crawls(settings, data_dir, engine_config=engine_config, keep_open=True)
        from twisted.internet import reactor

        self.reactor: Any = reactor
        self.announce = announce
        self.warn = warn or _to_stderr
        self.timers: dict[str, DelayedCall] = {}
        self.stopping = False
        # Without a file (a caller that passes its sources) there is nothing to reload.
        self.sources_file = sources_file
        self.read_mtime = _mtime(sources_file)  # the file's mtime when it was last read
        self.seen_mtime = self.read_mtime  # its mtime at the last look
        self.watch: LoopingCall | None = None

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
        if self.sources_file is not None:
            signal.signal(signal.SIGHUP, self._on_hangup)
            self.watch = LoopingCall(self._look_at_file)
            self.watch.start(WATCH_SECONDS, now=False)
        now = health.now()
        names = ", ".join(self.sources)
        self.announce(f"{_clock(now)} scheduling {len(self.sources)} sources: {names}")
        for source in self.sources.values():
            self._plan(source.name, self._delay(source))

    def _delay(self, source: Source, *, changed: bool = False) -> float:
        """Seconds until the source is due: its stored next due time (at once if it has none).
        A changed definition (a fixed URL, a shorter `every`) waits no longer than its own
        `every` after the last run, instead of an interval adapted to the old one."""
        state = self.crawls.state(source)
        now = health.now()
        delay = _seconds_until(state.get("next_due"), now)
        if changed and state.get("last_run"):
            delay = min(delay, _seconds_until(state["last_run"], now) + source.every_seconds)
        return delay

    def _plan(self, name: str, delay: float) -> None:
        if self.stopping:
            return
        self._cancel(name)  # one timer a source, whatever planned it
        self.timers[name] = self.reactor.callLater(max(0.0, delay), self._launch, name)

    def _cancel(self, name: str) -> None:
        timer = self.timers.pop(name, None)
        if timer is not None and timer.active():
            timer.cancel()

    def _launch(self, name: str) -> None:
        self.timers.pop(name, None)
        source = self.sources.get(name)
        if self.stopping or source is None:
            return
        if name in self.crawls.running:
            self._plan(name, RETRY_RUNNING_SECONDS)  # never two crawls of one source at once
            return
        done = self.crawls.crawl(source)
        done.addCallback(self._after, source)

    def _after(self, report: SourceReport, crawled: Source) -> SourceReport:
        # The file may have been reloaded during the crawl: what comes next follows it.
        current = self.sources.get(crawled.name)
        line = f"{_clock(health.now())} {crawled.name}: {report.status}, {report.new} new posts"
        if report.failure:
            line += f" ({report.failure})"
        if self.stopping:
            pass
        elif current is None:
            line += "; removed from the sources, not crawled again"
        else:
            delay = self._delay(current, changed=current != crawled)
            line += f"; next run in {format_duration(delay)}"
            self._plan(current.name, delay)
        self.announce(line)
        if self.after_crawl is not None:
            self.after_crawl(report)
        return report

    def _look_at_file(self) -> None:
        mtime = _mtime(self.sources_file)
        if mtime == self.read_mtime:
            self.seen_mtime = mtime
        elif mtime != self.seen_mtime:
            self.seen_mtime = mtime  # just changed: read it at the next look if it holds still
        else:
            self.reload()

    def reload(self) -> None:
        """Read the sources file again and apply it; a file with problems is refused, and the
        sources loaded before keep running."""
        if self.stopping or self.sources_file is None:
            return
        path = self.sources_file
        # Taken before reading, so that a write during the read is seen at the next look.
        self.read_mtime = self.seen_mtime = _mtime(path)
        try:
            loaded = load_sources(path)
        except ConfigError as exc:
            self._refuse(exc.problems)
            return
        except OSError as exc:  # unreadable (permissions, a directory): not only "not found"
            self._refuse([f"cannot read: {exc.strerror or exc}"])
            return
        enabled = {source.name: source for source in loaded if source.enabled}
        if not enabled:
            self._refuse(["no enabled sources"])  # as on start-up
            return
        changes = compare(self.sources, enabled)
        self.sources = enabled
        self._apply(changes)
        self.announce(f"{_clock(health.now())} reloaded {path}: {changes.describe()}")

    def _apply(self, changes: Changes) -> None:
        for name in changes.removed:
            self._cancel(name)  # a crawl of it in flight finishes; _after plans no other
        for name in [*changes.added, *changes.changed]:
            if name not in self.crawls.running:  # a crawl in flight plans the next when it ends
                source = self.sources[name]
                self._plan(name, self._delay(source, changed=name in changes.changed))

    def _refuse(self, problems: Sequence[str]) -> None:
        for problem in problems:
            self.warn(f"monitor: {self.sources_file}: {problem}")
        count = _count(len(self.sources), "source")
        self.warn(f"monitor: {self.sources_file}: not reloaded; still running the {count} before")

    def _on_hangup(self, signum: int, frame: FrameType | None) -> None:
        self.reactor.callFromThread(self.reload)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self.stopping:
            self.reactor.callFromThread(self._stop_reactor)  # a second signal: stop now
            return
        self.reactor.callFromThread(self._shutdown, signal.Signals(signum).name)

    def _shutdown(self, name: str) -> None:
        self.stopping = True
        if self.watch is not None and self.watch.running:
            self.watch.stop()
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


def _mtime(path: Path | None) -> int | None:
    """The file's modification time in nanoseconds; None when there is no file to look at."""
    if path is None:
        return None
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _seconds_until(when: str | None, now: datetime) -> float:
    if not when:
        return 0.0
    try:
        return (datetime.fromisoformat(when) - now).total_seconds()
    except ValueError:
        return 0.0


def _clock(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")
