"""The Redis keys that the leader, the workers and the consumer share (besides the stream)."""

from __future__ import annotations

from typing import Final

# scrapy-redis's keys for the spider called "monitor" (its defaults, "%(spider)s:requests")
REQUESTS: Final = "monitor:requests"
SEEN: Final = "monitor:seen"  # + ":<run id>": the run's request fingerprints
# source name → the id of its run in flight (until the consumer has recorded the run)
RUNNING: Final = "monitor:running"
# worker name → a key that lives while the worker does
HEARTBEAT: Final = "monitor:worker:"
# + "<worker>": the requests a worker took from the queue and has not finished
HELD: Final = "monitor:held:"
# + "<run id>": one run's source, starting state, counters and requests in flight
RUN: Final = "monitor:run:"
# a run's seen-set outlives any run (a day); then Redis forgets it
SEEN_TTL_SECONDS: Final = 86400
# a worker is taken for dead when its heartbeat is this old
HEARTBEAT_SECONDS: Final = 5.0
HEARTBEAT_TTL_SECONDS: Final = 20


def run_key(run_id: str) -> str:
    return RUN + run_id


def held_key(worker: str) -> str:
    return HELD + worker


def heartbeat_key(worker: str) -> str:
    return HEARTBEAT + worker


def text(value: bytes | str) -> str:
    """A name or value as redis-py hands it back (bytes unless decoding was asked for)."""
    return value.decode() if isinstance(value, bytes) else value
