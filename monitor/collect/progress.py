"""Live progress on a terminal: pages and posts per source during a crawl, posts during a
replay. In cron or under systemd (no terminal) nothing is drawn; only the summary prints."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from monitor.contracts import stats as keys


def on_terminal() -> bool:
    return sys.stdout.isatty()


class CrawlProgress:
    """A table of the running and finished crawls, redrawn twice a second."""

    def __init__(self, stats_of: Callable[[], Mapping[str, Mapping[str, Any]]]):
        self.stats_of = stats_of
        self.live = Live(self._table(), console=Console(stderr=True), transient=True)

    def _table(self) -> Table:
        table = Table(title="crawling", title_justify="left")
        for column in ("source", "pages", "posts", "new", "errors"):
            table.add_column(column, justify="left" if column == "source" else "right")
        for name, stats in sorted(self.stats_of().items()):
            table.add_row(
                name,
                str(stats.get(keys.PAGES, 0)),
                str(stats.get(keys.ITEMS, 0)),
                str(stats.get(keys.NEW_POSTS, 0)),
                str(stats.get(keys.ERRORS, 0)),
            )
        return table

    def start(self) -> None:
        self.live.start()

    def refresh(self) -> None:
        self.live.update(self._table())

    def stop(self) -> None:
        self.live.stop()


@contextmanager
def replay_progress(total_bytes: int | None) -> Iterator[Callable[[int, int], None]]:
    """A bar over the input (bytes read) with the posts count; a no-op off a terminal."""
    if not on_terminal():
        yield lambda read, posts: None
        return
    progress = Progress(
        TextColumn("replaying"),
        BarColumn(),
        TextColumn("{task.fields[posts]} posts"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = progress.add_task("replay", total=total_bytes, posts=0)
    with progress:
        yield lambda read, posts: progress.update(task, completed=read, posts=posts)
