"""Running sources through Scrapy: one crawler per source, all in one process."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.http import Response
from scrapy.settings import Settings
from twisted.python.failure import Failure

from monitor.failures import describe
from monitor.sources import Source
from spiders.base import SourceSpider
from spiders.html import HtmlSpider
from spiders.rss import RssSpider
from spiders.telegram import TelegramSpider

SPIDERS: dict[str, type[SourceSpider]] = {
    "rss": RssSpider,
    "telegram": TelegramSpider,
    "html": HtmlSpider,
}

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
    errors: int = 0
    failure: str | None = None
    messages: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.failure:
            return "failed"
        if self.errors or self.warnings:
            return "warning"
        return "ok"

    @classmethod
    def from_stats(cls, source: Source, stats: Mapping[str, Any]) -> SourceReport:
        failure = stats.get("monitor/failed")
        finish = stats.get("finish_reason")
        if not failure and finish not in (None, "finished"):
            failure = f"crawl ended early ({finish})"
        return cls(
            name=source.name,
            kind=source.kind,
            pages=stats.get("monitor/pages", 0),
            items=stats.get("monitor/items", 0),
            new=stats.get("monitor/store/new", 0),
            updated=stats.get("monitor/store/updated", 0),
            errors=stats.get("monitor/errors", 0),
            failure=failure,
            messages=list(stats.get("monitor/error_messages") or []),
            warnings=list(stats.get("monitor/warnings") or []),
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
    settings.setmodule("monitor.settings", priority="project")
    contact = os.environ.get("MONITOR_CONTACT", "").strip()
    if contact:
        settings.set("USER_AGENT", f"{settings['USER_AGENT']} +{contact}", priority="cmdline")
    if check:
        settings.set("ITEM_PIPELINES", CHECK_PIPELINES, priority="cmdline")
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


def run_sources(sources: Sequence[Source], settings: Settings) -> list[SourceReport]:
    """Crawl every source once, concurrently, and report on each."""
    process = CrawlerProcess(settings)
    crawlers: list[tuple[Source, Crawler]] = []
    for source in sources:
        crawler = process.create_crawler(SPIDERS[source.kind])
        crawler.signals.connect(_on_spider_error, signal=signals.spider_error)
        crawlers.append((source, crawler))
        process.crawl(crawler, source=source)
    process.start()
    return [
        SourceReport.from_stats(source, crawler.stats.get_stats()) for source, crawler in crawlers
    ]


def _on_spider_error(failure: Failure, response: Response, spider: SourceSpider) -> None:
    """A bug or a page our parsers could not handle: one line, and the source goes on."""
    spider.error(
        f"could not parse the page ({describe(failure)}) at {response.url}",
        entry=bool(response.meta.get("monitor_entry")),
    )
