"""Collection: sources, page parsers, Scrapy settings and middlewares, crawl runs, health."""
