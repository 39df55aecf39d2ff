"""A run of a source accounted in Redis, so that any worker can crawl any of its pages.

The leader writes the run's hash (`monitor:run:<id>`: the source, the state it starts from,
one request in flight: its entry page). A worker adds one for each request or item a page
yields and takes one away when a page is done; the change that reaches zero ends the run,
in the same Lua script, by appending the run's hash to the stream of items, behind every
item the run sent. The consumer records the run from there, so a run's record always follows
its posts into the store.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import orjson

from monitor.cluster.keys import run_key
from monitor.collect.runs import RunStats
from monitor.collect.sources import Source
from monitor.normalize.dates import to_iso

if TYPE_CHECKING:
    import redis

# An entry's field for a run's end (an item's is `item`).
RUN_FIELD = b"run"

_END = """
local fields = redis.call('HGETALL', KEYS[1])
table.insert(fields, 'ended'); table.insert(fields, now)
table.insert(fields, 'finish_reason'); table.insert(fields, reason)
redis.call('XADD', KEYS[2], '*', 'run', cjson.encode(fields))
redis.call('DEL', KEYS[1], KEYS[3])
"""

# KEYS: run hash, stream, the run's applied changes[, a worker's held hash]; ARGV: change,
# now, reason, the change's id[, the held request done with]. Returns what is left in flight,
# or nil when the run is over already (ended by another worker, or abandoned). A change is
# applied once, whatever a client that lost the reply (a Redis restart) sends again. A page
# done with leaves the held hash and the run's count in one step: a worker killed between
# the two would leave the count one up, with no request left to bring it down.
ADJUST = (
    """
if #KEYS >= 4 then redis.call('HDEL', KEYS[4], ARGV[5]) end
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
if redis.call('SADD', KEYS[3], ARGV[4]) == 0 then
  return tonumber(redis.call('HGET', KEYS[1], 'in_flight'))
end
redis.call('EXPIRE', KEYS[3], 86400)
local left = redis.call('HINCRBY', KEYS[1], 'in_flight', ARGV[1])
redis.call('HSET', KEYS[1], 'updated', ARGV[2])
if left <= 0 then
  local now, reason = ARGV[2], ARGV[3]
"""
    + _END
    + """
end
return left
"""
)

# KEYS: run hash, stream, the run's applied changes; ARGV: now, reason. Ends a run that is
# still on: 1, else 0.
ABANDON = (
    """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local now, reason = ARGV[1], ARGV[2]
"""
    + _END
    + """
return 1
"""
)

# KEYS: run hash; ARGV: "incr" or "set", field, value. Nothing once the run is over.
STAT = """
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
if ARGV[1] == 'incr' then return redis.call('HINCRBY', KEYS[1], ARGV[2], ARGV[3]) end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
return 1
"""

# KEYS: the running hash; ARGV: source, run id. Forget the source's run if it is this one.
RELEASE = """
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  return redis.call('HDEL', KEYS[1], ARGV[1])
end
return 0
"""

STAT_PREFIX = "s:"


def ops_key(run_id: str) -> str:
    """The set of the changes applied to a run's count (see ADJUST)."""
    return run_key(run_id) + ":ops"


def source_json(source: Source) -> bytes:
    return orjson.dumps(dataclasses.asdict(source))


def source_from(data: bytes | str) -> Source:
    fields = orjson.loads(data)
    fields["selectors"] = dict(fields.get("selectors") or {})
    return Source(**fields)


class RedisRunStats(RunStats):
    """A run's counters in its Redis hash, written by whichever worker crawls its pages."""

    def __init__(self, client: redis.Redis, key: str):
        super().__init__()
        self.client = client
        self.key = key
        self.stat = client.register_script(STAT)

    def get_value(self, key: str, default: Any = None) -> Any:
        value = self.client.hget(self.key, STAT_PREFIX + key)
        return orjson.loads(value) if value is not None else default

    def get(self, key: str, default: Any = None) -> Any:
        return self.get_value(key, default)

    def set_value(self, key: str, value: Any) -> None:
        self.stat(keys=[self.key], args=["set", STAT_PREFIX + key, orjson.dumps(value)])

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self.stat(keys=[self.key], args=["incr", STAT_PREFIX + key, count])

    def max_value(self, key: str, value: Any) -> None:
        current = self.get_value(key)
        if current is None or value > current:
            self.set_value(key, value)

    def append(self, key: str, value: Any, *, limit: int) -> None:
        # (read and written back: two workers adding a message at once may keep only one)
        values = self.get_value(key) or []
        if len(values) < limit:
            self.set_value(key, [*values, value])

    def get_stats(self) -> dict[str, Any]:
        return stats_of(self.client.hgetall(self.key))


def stats_of(fields: Mapping[bytes | str, bytes | str]) -> dict[str, Any]:
    """The counters among a run hash's fields."""
    stats = {}
    for name, value in fields.items():
        text = name.decode() if isinstance(name, bytes) else name
        if text.startswith(STAT_PREFIX):
            stats[text.removeprefix(STAT_PREFIX)] = orjson.loads(value)
    return stats


@dataclass
class RunEnd:
    """A run's end as the stream carries it to the consumer."""

    run_id: str
    source: Source
    state: dict[str, Any]
    started: datetime
    ended: datetime
    stats: dict[str, Any]


def run_end(payload: bytes) -> RunEnd:
    """The run's end in an entry's `run` field (the hash's fields and values, flattened);
    ValueError (or KeyError) for one that is not."""
    flat = orjson.loads(payload)
    if not isinstance(flat, list) or len(flat) % 2:
        raise ValueError("not a run's fields")
    fields = dict(zip(flat[::2], flat[1::2], strict=True))
    stats = stats_of(fields)
    stats["finish_reason"] = fields["finish_reason"]
    return RunEnd(
        run_id=fields["run_id"],
        source=source_from(fields["source"]),
        state=orjson.loads(fields["state"]),
        started=datetime.fromisoformat(fields["started"]),
        ended=datetime.fromisoformat(fields["ended"]),
        stats=stats,
    )


def new_run(
    client: redis.Redis | redis.client.Pipeline,
    run_id: str,
    source: Source,
    state: Mapping[str, Any],
    now: datetime,
) -> None:
    """The run's hash, with its entry request in flight (the leader queues that request)."""
    client.hset(
        run_key(run_id),
        mapping={
            "run_id": run_id,
            "source": source_json(source),
            "state": orjson.dumps(dict(state)),
            "started": to_iso(now),
            "updated": to_iso(now),
            "in_flight": 1,
        },
    )
