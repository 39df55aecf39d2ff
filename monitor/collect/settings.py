"""Scrapy settings for monitor (scrapy.cfg points here)."""

from monitor import __version__

BOT_NAME = "monitor"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# The CLI appends the operator's contact from $MONITOR_CONTACT (a URL or e-mail address), so
# a site owner who sees the crawler in their logs knows whom to ask.
USER_AGENT = f"monitor/{__version__} (news-observatory monitor; Scrapy)"

# Manners: robots.txt, adaptive throttling, few parallel requests per site.
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
DOWNLOAD_TIMEOUT = 30
COOKIES_ENABLED = False
# No consoles or control servers listening on ports of a long-running monitoring host.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# Retries with backoff for server errors, throttling and timeouts.
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
MONITOR_RETRY_BACKOFF_BASE = 2.0
MONITOR_RETRY_BACKOFF_MAX = 60.0

# Responses over 10 MB are refused (a source's `max_size` changes it for that source).
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024

# Only http(s) is ever fetched: a feed linking to file:///etc/passwd must not be read.
DOWNLOAD_HANDLERS = {"file": None, "s3": None, "ftp": None, "data": None}

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "monitor.collect.middlewares.BackoffRetryMiddleware": 550,
    "monitor.collect.middlewares.HttpOnlyMiddleware": 50,
}

# Each post to the crawl's storing process (a process of its own, on another core): normalised,
# then through the story engine into the store and the change logs (the engine's own stages,
# copies → threads → links, are ordered in `Engine.process`).
ITEM_PIPELINES = {
    "pipelines.storing.StoringPipeline": 500,
}

# Where posts are stored; the CLI sets it from --data-dir / MONITOR_DATA_DIR.
MONITOR_DATA_DIR = "data"
# Where embedded Telegram posts are fetched from (`<base>/<channel>/<id>?embed=1`).
MONITOR_TELEGRAM_EMBED_BASE = "https://t.me"

# Scrapy starts CONCURRENT_ITEMS tasks for a response's items (100 by default); our pipeline
# work is CPU-bound and ordered, so the tasks only cost (`benchmarks/crawl_feeds.py` prints
# what both settings save). WARN_ON_GENERATOR_RETURN_VALUE parses each callback's source with
# `ast` to warn about a `return value` in a generator, which our spiders do not have.
CONCURRENT_ITEMS = 1
WARN_ON_GENERATOR_RETURN_VALUE = False

LOG_LEVEL = "INFO"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
