"""Public Telegram channels, through their web preview (`https://t.me/s/<channel>`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from scrapy.http import Response

from monitor.parsers.telegram import parse_channel_page
from spiders.base import SourceSpider


class TelegramSpider(SourceSpider):
    """One channel's preview pages, newest first, paging back with `?before=<id>` up to
    `max_pages`. Any base URL with the t.me/s layout works (a mirror, a saved capture)."""

    name = "telegram"

    def parse(self, response: Response, page_number: int = 1, **kwargs: Any) -> Iterator[Any]:
        self.count("monitor/pages")
        page = parse_channel_page(response.body, response.url)
        if page.removed or (page_number == 1 and not page.posts):
            message = f"no posts on the channel page at {response.url} (removed or renamed?)"
            if page_number == 1:
                self.error(message, entry=True)
            else:
                self.warn(message)
            return
        for post in page.posts:
            yield from self.emit(self.raw_item(response, **post), response)
        if page.before and page_number < self.source.max_pages:
            request = self.request(
                self.page_url(page.before), self.parse, cb_kwargs={"page_number": page_number + 1}
            )
            if request is not None:
                yield request

    def page_url(self, before: int) -> str:
        """The source URL asking for posts older than `before`."""
        parts = urlsplit(self.source.url)
        return urlunsplit(parts._replace(query=urlencode({"before": before}), fragment=""))
