"""One run of one source inside a crawler that carries many sources.

A crawler holds every source's pages in one Scrapy engine, so Scrapy's own stats are the
whole crawler's. Each source keeps its own counters here (`RunStats`, written through the
same calls as Scrapy's stats collector), and its run ends when nothing of it is left in
flight: no request waiting or downloading, no item still in the pipelines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from monitor.collect.sources import Source


class RunStats:
    """One source's counters for one run, with the calls of Scrapy's StatsCollector that the
    spiders and pipelines use."""

    def __init__(self, values: dict[str, Any] | None = None):
        self._values: dict[str, Any] = dict(values or {})

    def get_value(self, key: str, default: Any = None) -> Any:
        return self._values.get(key, default)

    def get(self, key: str, default: Any = None) -> Any:
        return self._values.get(key, default)

    def set_value(self, key: str, value: Any) -> None:
        self._values[key] = value

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self._values[key] = self._values.get(key, start) + count

    def max_value(self, key: str, value: Any) -> None:
        if key not in self._values or value > self._values[key]:
            self._values[key] = value

    def append(self, key: str, value: Any, *, limit: int) -> None:
        """Add `value` to the list at `key`, while it holds fewer than `limit`."""
        values = self._values.get(key) or []
        if len(values) < limit:
            self._values[key] = [*values, value]

    def get_stats(self) -> dict[str, Any]:
        return dict(self._values)


@dataclass
class SourceRun:
    """A source's run in flight: what it started from, its counters, and how many of its
    requests and items are still somewhere in the crawler."""

    source: Source
    state: dict[str, Any]
    started: datetime
    stats: RunStats = field(default_factory=RunStats)
    in_flight: int = 0
    finished: bool = False
    # (several machines: the id of the run's hash in Redis)
    run_id: str = ""
