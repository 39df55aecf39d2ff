"""`monitor schedule --redis URL`: the leader of several crawl workers.

Once a second it reads every source's state from the store (written by `monitor ingest`
after each run: `next_due`, with `every` and the back-off of `monitor.collect.health`, as
`monitor schedule` on one machine has them) and, for each source that is due and has no run
on, begins a run: the run's hash in Redis, the source marked running, and its entry request
in the shared queue, in one transaction. A source is never crawled twice at once: it stays
marked running until the consumer has recorded its run.

It also gives back to the queue the requests held by a worker whose heartbeat is gone, and
ends (as interrupted) a run that has been on longer than `run_timeout` (its requests were
lost: Redis lost writes, say); the source is then due again at once. One leader at a time:
the `monitor:leader` key names it while it runs.
"""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import redis
from scrapy_redis import picklecompat

from monitor.cluster import keys
from monitor.cluster.runs import ABANDON, new_run, ops_key
from monitor.collect import health
from monitor.collect.runs import SourceRun
from monitor.collect.schedule import compare
from monitor.collect.sources import ConfigError, Source, load_sources
from monitor.normalize.dates import to_iso
from monitor.store import StoreUnavailable, StoreView, open_reader, read_errors
from monitor.stream import STREAM
from spiders.sources import READERS, SourcesSpider

LEADER_KEY = "monitor:leader"
LEADER_TTL_SECONDS = 15
# How often the leader looks; a source is begun at most this long after it is due.
ROUND_SECONDS = 1.0
DEFAULT_RUN_TIMEOUT = 3600.0


class NotLeader(Exception):
    """Another leader runs: its name, in one line."""


class Leader:
    def __init__(
        self,
        client: redis.Redis,
        data_dir: Path,
        sources: Sequence[Source],
        *,
        sources_file: Path | None = None,
        stream: str = STREAM,
        run_timeout: float = DEFAULT_RUN_TIMEOUT,
        announce: Callable[[str], None] = print,
        warn: Callable[[str], None] = print,
        name: str | None = None,
    ):
        self.client = client
        self.data_dir = data_dir
        self.sources = {source.name: source for source in sources}
        self.sources_file = sources_file
        self.mtime = _mtime(sources_file)
        self.stream = stream
        self.run_timeout = run_timeout
        self.announce = announce
        self.warn = warn
        self.name = name or f"{socket.gethostname()}:{uuid.uuid4().hex[:6]}"
        self.abandon = client.register_script(ABANDON)
        self.spider = SourcesSpider()  # (builds the entry requests; crawls nothing)
        self.store: StoreView | None = None
        self.changed: set[str] = set()  # changed by a reload: due by their new `every`
        self.errors = read_errors()
        self.launched = 0

    def claim(self) -> None:
        """Become the leader, or NotLeader."""
        if not self.client.set(LEADER_KEY, self.name, nx=True, ex=LEADER_TTL_SECONDS):
            other = self.client.get(LEADER_KEY)
            held_by = keys.text(other) if other else "another process"
            raise NotLeader(f"another leader runs ({held_by}; the key {LEADER_KEY})")

    def run(self, stopping: Callable[[], bool]) -> None:
        """Rounds until `stopping()`; runs in flight go on (workers and the consumer finish
        them)."""
        self.claim()
        names = ", ".join(list(self.sources)[:10]) + (" …" if len(self.sources) > 10 else "")
        self.announce(f"{_clock()} leading {len(self.sources)} sources: {names}")
        lost: Exception | None = None
        try:
            while not stopping():
                began = time.monotonic()
                try:
                    self.round()
                    lost = None
                except (redis.ConnectionError, redis.TimeoutError) as exc:
                    if lost is None:
                        self.warn(f"{_clock()} lost Redis ({exc}); trying again")
                    lost = exc
                while time.monotonic() - began < ROUND_SECONDS and not stopping():
                    time.sleep(0.05)
        finally:
            if self.client.get(LEADER_KEY) == self.name.encode():
                self.client.delete(LEADER_KEY)
            if self.store is not None:
                self.store.close()

    def round(self) -> None:
        self.client.set(LEADER_KEY, self.name, ex=LEADER_TTL_SECONDS)
        self.reload()
        self.give_back_dead()
        states = self.states()
        if states is None:
            return
        marked = self.client.hgetall(keys.RUNNING)
        running = {keys.text(name): keys.text(run_id) for name, run_id in marked.items()}
        now = health.now()
        self.end_overdue(running, now)
        begun = []
        for source in self.sources.values():
            if source.name in running:
                continue
            state = states.get(source.name, {})
            if self.is_due(source, state, now):
                self.begin(source, state, now)
                begun.append(source.name)
        if begun:
            shown = ", ".join(begun[:5]) + (f" and {len(begun) - 5} more" if len(begun) > 5 else "")
            self.announce(f"{_clock()} began {len(begun)} runs: {shown}")

    def states(self) -> dict[str, dict[str, Any]] | None:
        """Every source's state, from a fresh look at the store; None while it cannot be read."""
        try:
            if self.store is None:
                self.store = open_reader(self.data_dir)
                if self.store is None:
                    return {}  # nothing stored yet: every source is due
            states = self.store.source_states()
            self.store.commit()  # (the next look sees what was committed since)
            return states
        except (StoreUnavailable, *self.errors) as exc:  # type: ignore[misc]
            self.warn(f"{_clock()} cannot read the store ({exc}); trying again")
            if self.store is not None:
                self.store.close()
                self.store = None
            return None

    def is_due(self, source: Source, state: Mapping[str, Any], now: datetime) -> bool:
        due = _when(state.get("next_due"))
        if due is None:
            return True
        if source.name in self.changed and state.get("last_run"):
            last = _when(state["last_run"])
            if last is not None:
                due = min(due, last + timedelta(seconds=source.every_seconds))
        return due <= now

    def begin(self, source: Source, state: Mapping[str, Any], now: datetime) -> None:
        run_id = uuid.uuid4().hex[:16]
        run = SourceRun(source, dict(state), now, run_id=run_id)
        request = READERS[source.kind](self.spider, run).entry_request()
        if request is None:
            self.warn(f"{_clock()} {source.name}: its URL is not http(s); not crawled")
            return
        data = picklecompat.dumps(request.to_dict(spider=self.spider))
        with self.client.pipeline(transaction=True) as pipe:
            new_run(pipe, run_id, source, state, now)
            pipe.hset(keys.RUNNING, source.name, run_id)
            pipe.zadd(keys.REQUESTS, {data: -request.priority})
            pipe.execute()
        self.changed.discard(source.name)
        self.launched += 1

    def end_overdue(self, running: Mapping[str, str], now: datetime) -> None:
        """End, as interrupted, the runs on for longer than `run_timeout`."""
        if not running:
            return
        with self.client.pipeline(transaction=False) as pipe:
            for run_id in running.values():
                pipe.hget(keys.run_key(run_id), "started")
            starts = pipe.execute()
        for (name, run_id), started in zip(running.items(), starts, strict=True):
            begun = _when(keys.text(started)) if started else None
            if begun is None or (now - begun).total_seconds() < self.run_timeout:
                continue
            ended = self.abandon(
                keys=[keys.run_key(run_id), self.stream, ops_key(run_id)],
                args=[to_iso(now), "abandoned"],
            )
            if ended:
                self.warn(
                    f"{_clock()} {name}: run {run_id} on for over "
                    f"{self.run_timeout:.0f} s; ended as interrupted, due again"
                )

    def give_back_dead(self) -> None:
        """The requests held by a worker with no heartbeat go back to the queue."""
        from monitor.cluster.worker import GIVE_BACK

        for key in self.client.scan_iter(match=keys.HELD + "*", count=100):
            worker = keys.text(key).removeprefix(keys.HELD)
            if self.client.exists(keys.heartbeat_key(worker)):
                continue
            given = self.client.register_script(GIVE_BACK)(keys=[key, keys.REQUESTS])
            if given:
                self.warn(
                    f"{_clock()} worker {worker} is gone (no heartbeat): "
                    f"{given} requests it held are back in the queue"
                )

    def reload(self) -> None:
        """The sources file again, when it changed; one with problems is refused."""
        if self.sources_file is None:
            return
        mtime = _mtime(self.sources_file)
        if mtime == self.mtime:
            return
        self.mtime = mtime
        try:
            loaded = [s for s in load_sources(self.sources_file) if s.enabled]
        except (ConfigError, OSError) as exc:
            problems = exc.problems if isinstance(exc, ConfigError) else [str(exc)]
            for problem in problems:
                self.warn(f"monitor: {self.sources_file}: {problem}")
            self.warn(f"monitor: {self.sources_file}: not reloaded; the sources before stay")
            return
        if not loaded:
            self.warn(f"monitor: {self.sources_file}: no enabled sources; not reloaded")
            return
        new = {source.name: source for source in loaded}
        changes = compare(self.sources, new)
        self.sources = new
        self.changed.update(changes.changed)
        self.announce(f"{_clock()} reloaded {self.sources_file}: {changes.describe()}")


def _mtime(path: Path | None) -> int | None:
    try:
        return path.stat().st_mtime_ns if path is not None else None
    except OSError:
        return None


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _clock() -> str:
    return health.now().strftime("%Y-%m-%d %H:%M:%S")
