"""The crawl-stats keys that spiders and pipelines write, and that the crawl summary, the
progress display and source health read (`monitor/…` in Scrapy's stats).

A key is named here once; a typo in a writer or a reader is then a NameError, not a counter
that stays at zero.
"""

from __future__ import annotations

from typing import Final

# written by the spiders
PAGES: Final = "monitor/pages"
ITEMS: Final = "monitor/items"
ERRORS: Final = "monitor/errors"
ERROR_MESSAGES: Final = "monitor/error_messages"  # list of one-line messages
WARNINGS: Final = "monitor/warnings"  # list of one-line messages
FAILED: Final = "monitor/failed"  # why the source's run failed, or absent
NOT_MODIFIED: Final = "monitor/not_modified"  # the entry page answered 304
VALIDATORS: Final = "monitor/validators"  # ETag / Last-Modified for the next run
KNOWN_SKIPPED: Final = "monitor/known_skipped"  # article pages not fetched: stored before
REFUSED_URLS: Final = "monitor/refused_urls"  # links that are not http(s)
RSS_MALFORMED: Final = "monitor/rss/malformed"
RSS_ENTRIES_WITHOUT_LINK: Final = "monitor/rss/entries_without_link"

# written by the pipelines
INVALID: Final = "monitor/normalize/invalid"
DATED: Final = "monitor/normalize/dated"
UNPARSED_DATES: Final = "monitor/normalize/unparsed_dates"
COPIES: Final = "monitor/dedupe/copies"
STORED: Final = {
    "new": "monitor/store/new",
    "updated": "monitor/store/updated",
    "same": "monitor/store/same",
}
NEW_POSTS: Final = STORED["new"]
UPDATED_POSTS: Final = STORED["updated"]
LAST_NEW_POST_AT: Final = "monitor/store/last_new_post_at"
