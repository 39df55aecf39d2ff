"""What the spiders that read article pages share: dates, and posts embedded in articles."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, cast

from scrapy.http import Response

from monitor.collect.parsers.article import Article
from monitor.collect.parsers.telegram import parse_channel_page
from monitor.contracts import stats as keys
from monitor.contracts.items import RawItem
from monitor.normalize.dates import parse_date
from monitor.normalize.urls import telegram_post_url
from spiders.base import SourceReader


class ArticlePages(SourceReader):
    """Mixed into spiders that follow links to article pages (`rss` with full_text, `html`)."""

    def first_date(self, candidates: list[str]) -> str | None:
        """The first candidate that parses as a date (selector, meta, JSON-LD, <time>), else
        the first one as found, so `published_raw` still shows what the page said."""
        for candidate in candidates:
            if parse_date(candidate, timezone=self.source.timezone) is not None:
                return candidate
        return candidates[0] if candidates else None

    def embedded_posts(self, article: Article, response: Response) -> Iterator[Any]:
        """Each embedded tweet or Telegram post as a post of its own. A Telegram embed holds
        no text, so its embed page is fetched; if that fails the bare link is kept."""
        for embed in article.embedded:
            fields = {key: value for key, value in embed.items() if key != "embed_url"}
            item = self.raw_item(response, **fields)
            item["lang"] = embed.get("lang") or item.get("lang")
            embed_url = self._telegram_embed_url(embed)
            if embed_url and not item.get("text") and item["url"] not in self.known:
                request = self.request(
                    embed_url, self.parse_telegram_embed, cb_kwargs={"stub": item}, fallback=item
                )
                if request is not None:
                    yield request
                    continue
            yield from self.emit(item, response)

    def _telegram_embed_url(self, embed: Mapping[str, Any]) -> str | None:
        if embed.get("platform") != "telegram" or not embed.get("url"):
            return None
        post = telegram_post_url(embed["url"])
        if post is None:
            return None
        base = str(self.settings.get("MONITOR_TELEGRAM_EMBED_BASE", "https://t.me")).rstrip("/")
        return base + post.removeprefix("https://t.me") + "?embed=1"

    def parse_telegram_embed(self, response: Response, stub: RawItem) -> Iterator[Any]:
        self.count(keys.PAGES)
        page = parse_channel_page(response.body, response.url)
        post = page.posts[0] if page.posts else None
        if post is None:
            self.warn(f"Telegram embed without a post at {response.url}")
            yield from self.emit(stub, response)
            return
        found = {key: value for key, value in post.items() if value not in (None, "")}
        item = cast(RawItem, {**stub, **found})
        item["url"] = stub["url"]
        yield from self.emit(item, response)
