"""`monitor worker`: a crawler that takes its requests from the queue shared through
scrapy-redis, crawls them with the same readers as `monitor crawl`, and sends the raw items
to the stream.

What scrapy-redis gives: the shared priority queue of requests (`monitor:requests`) and a
seen-filter in Redis. What is added here:
- `HeldQueue`: a request taken from the queue is kept in the worker's `held` hash until its
  page is read, so that the requests of a worker that dies go back to the queue (the leader
  gives them back once the worker's heartbeat is gone; the worker itself when it stops).
- `RunSeenFilter`: the seen-filter is kept a run (`monitor:seen:<run id>`), so a page a
  lost run never read is asked for again by the next run.
- `WorkerSpider`: the run of every request is accounted in Redis (`monitor.cluster.runs`).
"""

from __future__ import annotations

import hashlib
import socket
import uuid
from collections import OrderedDict
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import orjson
import redis
import scrapy
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue

from monitor.cluster import keys
from monitor.cluster.runs import ADJUST, RedisRunStats, ops_key, source_from
from monitor.collect.runs import RunStats, SourceRun
from monitor.contracts import meta as meta_keys
from monitor.normalize.dates import to_iso
from monitor.stream import SOCKET_TIMEOUT, STREAM, connect, patience
from spiders.base import SourceReader
from spiders.sources import READERS, SourcesSpider

# how many runs' readers a worker keeps (a run's pages may come to any worker)
READERS_KEPT = 20000

# KEYS: queue, held hash. Take the first request and keep it as held, in one step.
TAKE = """
local first = redis.call('ZRANGE', KEYS[1], 0, 0)
if #first == 0 then return false end
redis.call('ZREM', KEYS[1], first[1])
redis.call('HSET', KEYS[2], redis.sha1hex(first[1]), first[1])
return first[1]
"""

# KEYS: held hash, queue; ARGV: ids. Put these held requests back in the queue.
GIVE_BACK_SOME = """
local given = 0
for _, id in ipairs(ARGV) do
  local data = redis.call('HGET', KEYS[1], id)
  if data then
    redis.call('ZADD', KEYS[2], 0, data)
    redis.call('HDEL', KEYS[1], id)
    given = given + 1
  end
end
return given
"""

# KEYS: held hash, queue. Put every held request back in the queue.
GIVE_BACK = """
local held = redis.call('HVALS', KEYS[1])
for _, data in ipairs(held) do redis.call('ZADD', KEYS[2], 0, data) end
redis.call('DEL', KEYS[1])
return #held
"""


def default_name() -> str:
    return socket.gethostname().split(".")[0] or "worker"


def worker_settings(redis_url: str, name: str, stream: str = STREAM) -> dict[str, Any]:
    """The Scrapy settings of a worker (on top of the project's)."""
    return {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_CLASS": "monitor.cluster.worker.HeldQueue",
        "SCHEDULER_QUEUE_KEY": keys.REQUESTS,
        "DUPEFILTER_CLASS": "monitor.cluster.worker.RunSeenFilter",
        "SCHEDULER_DUPEFILTER_KEY": keys.SEEN,
        "REDIS_URL": redis_url,
        "REDIS_PARAMS": {"socket_timeout": SOCKET_TIMEOUT, **patience()},
        "MONITOR_REDIS_URL": redis_url,
        "MONITOR_REDIS_STREAM": stream,
        "MONITOR_WORKER_NAME": name,
        "ITEM_PIPELINES": {"pipelines.stream.StreamPipeline": 100},
        # (a page's items are sent before the page counts as read: see WorkerSpider.settled)
        "CONCURRENT_ITEMS": 1,
    }


def held_id(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()  # (what redis.sha1hex gives for the same bytes)


class HeldQueue(PriorityQueue):  # type: ignore[misc]  # (scrapy-redis has no type hints)
    """scrapy-redis's priority queue, whose `pop` keeps the request in the worker's held hash
    until the worker is done with it."""

    def __init__(self, server: redis.Redis, spider: scrapy.Spider, key: str, serializer: Any):
        super().__init__(server, spider, key, serializer)
        self.held = keys.held_key(spider.settings.get("MONITOR_WORKER_NAME"))
        self.take = server.register_script(TAKE)
        # what this worker is reading now, of what it holds (shared with the spider)
        self.holding: set[str] = getattr(spider, "holding", set())

    def push(self, request: scrapy.Request) -> None:
        data = self._encode_request(request)
        with self.server.pipeline() as pipe:
            pipe.zadd(self.key, {data: -request.priority})
            taken = request.meta.get(meta_keys.HELD)
            if taken:  # a retry or a redirect of a held request: the queue holds it now
                pipe.hdel(self.held, taken)
            pipe.execute()
        if taken:
            self.holding.discard(taken)

    def pop(self, timeout: int = 0) -> scrapy.Request | None:
        data = self.take(keys=[self.key, self.held])
        if data is None:
            return None
        request: scrapy.Request = self._decode_request(data)
        request.meta[meta_keys.HELD] = taken = held_id(data)
        self.holding.add(taken)
        return request


class RunSeenFilter(RFPDupeFilter):  # type: ignore[misc]
    """scrapy-redis's seen-filter, with one set a run."""

    def request_seen(self, request: scrapy.Request) -> bool:
        key = f"{self.key}:{request.meta.get(meta_keys.RUN, '')}"
        with self.server.pipeline() as pipe:
            pipe.sadd(key, self.request_fingerprint(request))
            pipe.expire(key, keys.SEEN_TTL_SECONDS)
            added, _ = pipe.execute()
        return bool(added == 0)


class WorkerSpider(SourcesSpider):
    """The spider of `monitor worker`: its runs live in Redis, begun by the leader."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, keep_open=True, **kwargs)
        self.client: redis.Redis | None = None
        self.worker = ""
        self.stream = STREAM
        self._by_run: OrderedDict[str, SourceReader] = OrderedDict()
        self.pages = 0
        self.started = datetime.now(UTC)
        # ids of the held requests this worker is reading now (its HeldQueue adds them)
        self.holding: set[str] = set()

    def connect(self) -> redis.Redis:
        if self.client is None:
            self.client = connect(self.settings["MONITOR_REDIS_URL"], patient=True)
            self.worker = self.settings["MONITOR_WORKER_NAME"]
            self.stream = self.settings.get("MONITOR_REDIS_STREAM") or STREAM
            self.adjust = self.client.register_script(ADJUST)
        return self.client

    def reader_for(self, meta: Mapping[str, Any]) -> SourceReader | None:
        run_id = meta.get(meta_keys.RUN)
        if not isinstance(run_id, str):
            return None
        reader = self._by_run.get(run_id)
        if reader is not None:
            self._by_run.move_to_end(run_id)
            return reader
        client = self.connect()
        source, state, started = client.hmget(keys.run_key(run_id), ["source", "state", "started"])
        if source is None:
            return None  # the run is over (abandoned): its next run asks again
        run = SourceRun(
            source_from(source),
            orjson.loads(state or b"{}"),
            datetime.fromisoformat(keys.text(started)) if started else datetime.now(UTC),
            RedisRunStats(client, keys.run_key(run_id)),
        )
        run.run_id = run_id
        reader = READERS[run.source.kind](self, run)
        self._by_run[run_id] = reader
        self.readers[run.source.name] = reader  # (pipelines look a run up by source)
        self.runs[run.source.name] = run
        while len(self._by_run) > READERS_KEPT:
            _, old = self._by_run.popitem(last=False)
            if self.readers.get(old.source.name) is old:
                del self.readers[old.source.name]
                del self.runs[old.source.name]
        return reader

    def new_stats(self, source: Any) -> RunStats:
        raise NotImplementedError("a worker begins no run: the leader does")

    def added(self, run: SourceRun) -> None:
        self._adjust(run, 1)

    def settled(self, run: SourceRun) -> None:
        self._adjust(run, -1)

    def _adjust(self, run: SourceRun, change: int, *, held: str | None = None) -> None:
        self.connect()
        run_keys = [keys.run_key(run.run_id), self.stream, ops_key(run.run_id)]
        args: list[Any] = [change, to_iso(datetime.now(UTC)), "finished", uuid.uuid4().hex]
        if held:
            run_keys.append(keys.held_key(self.worker))
            args.append(held)
        left = self.adjust(keys=run_keys, args=args)
        if left is not None and int(left) <= 0:
            self._forget(run)

    def _forget(self, run: SourceRun) -> None:
        run.finished = True
        self._by_run.pop(run.run_id, None)
        if self.runs.get(run.source.name) is run:
            del self.runs[run.source.name]
            self.readers.pop(run.source.name, None)

    def page_done(self, meta: Mapping[str, Any], run: SourceRun) -> None:
        """The page leaves the held hash and its run's count in one step (ADJUST)."""
        self.pages += 1
        taken = meta.get(meta_keys.HELD)
        if taken:
            self.holding.discard(taken)
        self._adjust(run, -1, held=taken)

    def done_with(self, meta: Mapping[str, Any]) -> None:
        """A held request's page is read and its items sent: it leaves the held hash."""
        self.pages += 1
        taken = meta.get(meta_keys.HELD)
        if taken:
            self.holding.discard(taken)
            self.connect().hdel(keys.held_key(self.worker), taken)

    def give_back(self) -> int:
        """Put back in the queue the requests this worker holds (from an earlier life, or
        not finished when it stops)."""
        client = self.connect()
        script = client.register_script(GIVE_BACK)
        return int(script(keys=[keys.held_key(self.worker), keys.REQUESTS]))

    @property
    def heartbeat_ttl(self) -> int:
        return self.settings.getint("MONITOR_HEARTBEAT_TTL", keys.HEARTBEAT_TTL_SECONDS)

    def heartbeat(self) -> None:
        client = self.connect()
        client.set(
            keys.heartbeat_key(self.worker), to_iso(datetime.now(UTC)), ex=self.heartbeat_ttl
        )
        self.give_back_forgotten()

    def give_back_forgotten(self) -> int:
        """Held requests this worker is not reading go back to the queue: a take whose reply
        was lost (Redis restarted while answering) was sent again and took another one."""
        client = self.connect()
        held = {keys.text(taken) for taken in client.hkeys(keys.held_key(self.worker))}
        forgotten = sorted(held - self.holding)
        if not forgotten:
            return 0
        script = client.register_script(GIVE_BACK_SOME)
        return int(script(keys=[keys.held_key(self.worker), keys.REQUESTS], args=forgotten))

    def end(self, run: SourceRun, reason: str) -> None:
        self._forget(run)  # (a run ends in Redis, by ADJUST; here it is only forgotten)

    def closed(self, reason: str) -> None:
        """Runs go on without this worker: what it holds goes back to the queue."""
        self.runs.clear()
        super().closed(reason)
        if self.client is not None:
            self.give_back()
            self.client.delete(keys.heartbeat_key(self.worker))
            self.client.close()
            self.client = None
