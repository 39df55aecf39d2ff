"""The cycle collector tuned for a crawling process.

What a crawl has loaded when it starts (modules, settings, sources) lives as long as the
process, and a crawl makes many short-lived objects a page. With Python's defaults the cycle
collector took 1.0 s of a 19 s crawl of 300 full-text feeds (benchmarks/crawl_fulltext.py):
full collections walking the modules again and again, and a young collection every 700
allocations. Frozen and collected every 20,000, it took 0.15 s.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 20_000


def settle_for_crawling() -> None:
    """Call once everything the process keeps for its life is loaded, before crawling."""
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
