"""Request meta keys that the spiders set and the crawl reads (`request.meta[...]`)."""

from __future__ import annotations

from typing import Final

# the page a source stands or falls by (its feed, channel or listing): its failure fails the run
ENTRY: Final = "monitor_entry"
# a raw item to keep if this page fails (a feed entry whose article page is gone)
FALLBACK: Final = "monitor_fallback"
# the name of the source whose run the request belongs to
SOURCE: Final = "monitor_source"
# the name of the reader's method that reads the response (a request may wait in Redis)
CALLBACK: Final = "monitor_callback"
# the id of that run (a worker finds the run's source and state in Redis by it)
RUN: Final = "monitor_run"
# a worker's id of the request in its held hash (see monitor.cluster.worker)
HELD: Final = "monitor_held"
