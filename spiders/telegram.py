"""Public Telegram channels, through their web preview (`https://t.me/s/<channel>`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from scrapy.http import Response

from monitor.collect.parsers.telegram import parse_channel_page
from monitor.contracts import stats as keys
from spiders.base import SourceReader


class TelegramReader(SourceReader):
    """One channel's preview pages, newest first, paging back with `?before=<id>` up to
    `max_pages`. Any base URL with the t.me/s layout works (a mirror, a saved capture)."""

    kind = "telegram"

    def parse(self, response: Response, page_number: int = 1, **kwargs: Any) -> Iterator[Any]:
        self.count(keys.PAGES)
        if self.unchanged(response):
            return
        page = parse_channel_page(response.body, response.url)
        if page.removed or not page.posts:
            # A removed or renamed channel answers with a page without posts: worth a warning
            # on every run, not a failure that hides the other sources' results.
            self.warn(f"no posts on the channel page at {response.url} (removed or renamed?)")
            return
        # After the first complete run, page back only until a post collected before.
        reached_known = self.state.get("backfilled") and any(
            post["url"] in self.known for post in page.posts
        )
        for post in page.posts:
            yield from self.emit(self.raw_item(response, **post), response)
        if page.before and page_number < self.source.max_pages and not reached_known:
            request = self.request(
                self.page_url(page.before), self.parse, cb_kwargs={"page_number": page_number + 1}
            )
            if request is not None:
                yield request

    def page_url(self, before: int) -> str:
        """The source URL asking for posts older than `before`."""
        parts = urlsplit(self.source.url)
        return urlunsplit(parts._replace(query=urlencode({"before": before}), fragment=""))
