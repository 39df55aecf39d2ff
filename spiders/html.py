"""News sites described by CSS/XPath selectors in sources.toml."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy.http import Response

from monitor.collect.parsers.article import extract_article, extract_links, extract_next_page
from monitor.contracts import stats as keys
from spiders.articles import ArticlePages


class HtmlReader(ArticlePages):
    """A listing page (`url`) whose `selectors.links` lead to articles, paged by
    `selectors.next_page` up to `max_pages`; each article's title, body, date and author come
    from the other selectors, with the page's metadata as fallback."""

    kind = "html"

    def parse(self, response: Response, page_number: int = 1, **kwargs: Any) -> Iterator[Any]:
        self.count(keys.PAGES)
        if self.unchanged(response):
            return
        selectors = self.source.selectors
        links = extract_links(response.text, response.url, selectors["links"])
        if not links and page_number == 1:
            self.error(
                f"no article links match selectors.links {selectors['links']!r} at {response.url}",
                entry=True,
            )
            return
        for link in links:
            if link in self.known:
                self.count(keys.KNOWN_SKIPPED)  # stored by an earlier run
                continue
            request = self.request(link, self.parse_article)
            if request is not None:
                yield request
        if page_number < self.source.max_pages:
            next_url = extract_next_page(response.text, response.url, selectors.get("next_page"))
            if next_url:
                request = self.request(
                    next_url, self.parse, cb_kwargs={"page_number": page_number + 1}
                )
                if request is not None:
                    yield request

    def parse_article(self, response: Response) -> Iterator[Any]:
        self.count(keys.PAGES)
        article = extract_article(response.text, response.url, self.source.selectors)
        item = self.raw_item(
            response,
            url=response.url,
            title=article.title,
            text=article.text,
            author=article.author,
            published=self.first_date(article.date_candidates),
            links=article.links,
            lang=article.lang,
        )
        # Embedded posts first: the engine then knows them when the article names them.
        yield from self.embedded_posts(article, response)
        yield from self.emit(item, response)
