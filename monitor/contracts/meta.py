"""Request meta keys that the spiders set and the crawl reads (`request.meta[...]`)."""

from __future__ import annotations

from typing import Final

# the page a source stands or falls by (its feed, channel or listing): its failure fails the run
ENTRY: Final = "monitor_entry"
# a raw item to keep if this page fails (a feed entry whose article page is gone)
FALLBACK: Final = "monitor_fallback"
