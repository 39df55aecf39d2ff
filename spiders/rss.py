"""RSS and Atom feeds: a site's feed, or an X account read through an RSS bridge."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy.http import Response

from monitor.collect.parsers.article import extract_article
from monitor.collect.parsers.feed import advertised_feeds, parse_feed
from monitor.contracts import stats as keys
from monitor.contracts.items import ParsedPost, RawItem
from monitor.normalize.dates import parse_date
from spiders.articles import ArticlePages
from spiders.base import SourceReader


class RssReader(ArticlePages, SourceReader):
    """One feed. With `full_text = true` each entry's link is followed and the article page's
    title, body and dates replace the feed's excerpt (the entry is kept if the page fails).
    With `platform = "x"` the feed is a bridge's view of an X account."""

    kind = "rss"

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        self.count(keys.PAGES)
        if self.unchanged(response):
            return
        headers = {
            key.decode("latin-1"): values[-1].decode("latin-1")
            for key, values in response.headers.items()
            if values
        }
        page = parse_feed(
            response.body,
            response.url,
            headers,
            platform=self.source.platform,
            timezone=self.source.timezone,
        )
        if not page.items:
            if not page.is_feed:
                self.error(self._not_a_feed(response, page.problem), entry=True)
            elif page.skipped:
                self.warn(f"{page.skipped} entries but none with an http(s) link at {response.url}")
            else:
                problem = f" ({page.problem})" if page.problem else ""
                self.warn(f"feed has no entries{problem} at {response.url}")
            return
        if page.problem:
            self.count(keys.RSS_MALFORMED)
            self.warn(f"malformed feed, kept {len(page.items)} entries ({page.problem})")
        if page.skipped:
            self.count(keys.RSS_ENTRIES_WITHOUT_LINK, page.skipped)
        # Feeds list the newest first; oldest first spares the story engine links that would
        # only be made (and revised) once the earlier report arrives.
        for entry in sorted(page.items, key=self.entry_time):
            item = self.raw_item(response, **entry)
            if self.source.full_text and self.source.platform != "x":
                if item["url"] in self.known:
                    self.count(keys.KNOWN_SKIPPED)  # its article page was read before
                    continue
                request = self.request(
                    item["url"], self.parse_article, cb_kwargs={"entry": item}, fallback=item
                )
                if request is not None:
                    yield request
                    continue
            yield from self.emit(item, response)

    def _not_a_feed(self, response: Response, problem: str | None) -> str:
        """Why the entry page is not a feed, in words an operator can act on: a web page sent
        where the feed was expected names the feeds it advertises."""
        kind = (response.headers.get("Content-Type") or b"").decode("latin-1").split(";")[0].strip()
        if "html" not in kind.lower():
            return f"not a readable feed ({problem or 'no feed found'}) at {response.url}"
        feeds = advertised_feeds(response.body, response.url)
        advice = (
            f"; the page advertises {', '.join(feeds)}"
            if feeds
            else '; the page advertises no feed (<link rel="alternate" type="application/rss+xml">)'
        )
        return f"the server sent a web page ({kind}), not a feed, at {response.url}{advice}"

    def entry_time(self, entry: ParsedPost) -> float:
        published = parse_date(entry.get("published"), timezone=self.source.timezone)
        return published.timestamp() if published else float("inf")

    def parse_article(self, response: Response, entry: RawItem) -> Iterator[Any]:
        self.count(keys.PAGES)
        article = extract_article(response.text, response.url, self.source.selectors)
        item = entry.copy()
        item["title"] = article.title or entry.get("title")
        item["text"] = article.text or entry.get("text", "")
        item["published"] = self.first_date(article.date_candidates) or entry.get("published")
        if article.author:
            item["author"] = article.author
        item["links"] = article.links or entry.get("links", [])
        # Embedded posts first: the engine then knows them when the article names them.
        yield from self.embedded_posts(article, response)
        yield from self.emit(item, response)
