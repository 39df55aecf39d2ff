"""What `monitor status --redis` shows of the crawl side: the shared queue, the runs on, the
workers alive, and the requests they hold."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from monitor.cluster import keys

if TYPE_CHECKING:
    import redis


@dataclass
class Crawling:
    queued: int = 0
    runs: int = 0
    held: int = 0
    workers: list[str] = field(default_factory=list)


def read_crawling(client: redis.Redis) -> Crawling:
    crawling = Crawling(
        queued=int(client.zcard(keys.REQUESTS)), runs=int(client.hlen(keys.RUNNING))
    )
    for key in client.scan_iter(match=keys.HEARTBEAT + "*", count=100):
        crawling.workers.append(keys.text(key).removeprefix(keys.HEARTBEAT))
    crawling.workers.sort()
    for key in client.scan_iter(match=keys.HELD + "*", count=100):
        crawling.held += int(client.hlen(key))
    return crawling
