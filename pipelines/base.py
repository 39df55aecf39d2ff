"""What the item pipelines share: the counters of the run an item belongs to."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from monitor.collect.runs import RunStats


def run_stats(crawler: Crawler, item: Mapping[str, Any]) -> RunStats | StatsCollector | None:
    """The counters of the run the item belongs to (one crawler carries many sources' runs);
    the crawler's own for a spider that keeps none."""
    stats_of = getattr(crawler.spider, "stats_of", None)
    stats: RunStats | None = stats_of(item.get("source")) if stats_of is not None else None
    return stats if stats is not None else crawler.stats
