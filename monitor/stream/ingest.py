"""`monitor ingest`: the stream's entries through the path of `monitor replay` (normalise,
`Engine.prepare` a batch, `Session.ingest` each post), then the store is committed and the
change logs written, and only then is the batch acknowledged. Killed at any moment, the
consumer leaves its unstored entries pending and reads them again; an entry stored twice
changes nothing (a post's id comes from its canonical URL, and the store keeps it once)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import redis

from monitor.cluster.record import RunCounts, record_run, release
from monitor.cluster.runs import RUN_FIELD, RunEnd, run_end
from monitor.collect.replay import StoredCounts, as_raw_item, no_cycle_collection
from monitor.contracts.items import PostRecord
from monitor.normalize.places import Gazetteer
from monitor.normalize.posts import InvalidItem, normalize
from monitor.store.session import Session
from monitor.story.config import EngineConfig
from monitor.stream import FIELD, StreamError, describe
from monitor.stream.consumer import MAX_DELIVERIES, Entry, GroupReader

# The longest wait between two tries to reach a Redis that went away.
LONGEST_RETRY = 30.0


@dataclass
class IngestReport(StoredCounts):
    entries: int = 0
    refused: int = 0
    runs: int = 0
    # what storing counted for each source's run in flight (several machines)
    counts: RunCounts = field(default_factory=RunCounts)
    # the runs recorded by the batch in hand, to release once it is committed
    ended: list[tuple[str, str]] = field(default_factory=list)


class Refused(Exception):
    """An entry that can never be a post: why, in one line."""


def ingest_stream(
    reader: GroupReader,
    data_dir: Path,
    report: IngestReport,
    *,
    stopping: Callable[[], bool],
    say: Callable[[str], None],
    where: str,
    idle_exit: float | None = None,
    block: float = 1.0,
    engine_config: EngineConfig | None = None,
) -> IngestReport:
    """Store the stream's entries until `stopping()` or, with `idle_exit`, until none came
    for that many seconds. The batch in hand is always finished, stored and acknowledged."""
    session = Session.acquire(data_dir, engine_config)
    try:
        # warm the engine up before entries are delivered, not while they wait
        session.engine  # noqa: B018
        reader.join()
        outage = Outage(say, where)
        quiet_since = time.monotonic()
        wait = block if idle_exit is None else min(block, idle_exit)
        while not stopping():
            try:
                entries = reader.read(wait or None)  # (--once: no wait at all)
                if entries:
                    refused = store_batch(entries, session, report)
                    release(reader.client, report.ended)
                    report.ended.clear()
                    reader.acknowledge(entries, refused)
                    for entry_id, reason in refused.items():
                        say(f"{reader.stream} entry {entry_id}: {reason}")
                    quiet_since = time.monotonic()
                elif idle_exit is not None and time.monotonic() - quiet_since >= idle_exit:
                    break
                outage.over()
            except (redis.ConnectionError, redis.TimeoutError) as exc:
                if idle_exit is not None and time.monotonic() - quiet_since >= idle_exit:
                    raise StreamError(f"lost Redis at {where}: {describe(exc)}") from None
                outage.wait(exc, stopping)
                # what was delivered and not acknowledged comes back: stored again, unchanged
                reader.again()
            except redis.ResponseError as exc:
                if "NOGROUP" not in str(exc):
                    raise StreamError(f"Redis at {where}: {describe(exc)}") from None
                say(f"the group of {reader.stream} is gone (Redis lost its data?); made again")
                reader.join()
                reader.again()
    finally:
        session.release()
    return report


def store_batch(entries: list[Entry], session: Session, report: IngestReport) -> dict[str, str]:
    """Store a batch and commit it; returns the refused entries (id → reason). A run's end
    is recorded after the items before it (its own items among them) are stored."""
    engine = session.engine
    refused: dict[str, str] = {}
    records: list[tuple[str, PostRecord]] = []
    for entry in entries:
        if entry.fields is None:  # deleted while pending: stored and acknowledged before
            continue
        report.entries += 1
        try:
            if entry.deliveries > MAX_DELIVERIES:
                raise Refused(
                    f"delivered {entry.deliveries} times and never stored (did the consumer "
                    "die on it each time?)"
                )
            if RUN_FIELD in entry.fields:
                end = ended_run(entry.fields[RUN_FIELD])
                store_records(records, session, report)
                records = []
                if record_run(session, end, report.counts.take(end.source.name)):
                    report.runs += 1
                report.ended.append((end.source.name, end.run_id))
                continue
            record = post_record(entry.fields, engine.gazetteer, engine.config.text.opening_chars)
        except Refused as exc:
            refused[entry.id] = str(exc)
            report.refused += 1
            continue
        records.append((entry.id, record))
    store_records(records, session, report)
    session.commit()
    session.write_logs()
    return refused


def store_records(
    records: list[tuple[str, PostRecord]], session: Session, report: IngestReport
) -> None:
    engine = session.engine
    with no_cycle_collection():
        if records:
            engine.prepare([record for _, record in records])
        for entry_id, record in records:
            try:
                result = session.ingest(record)
            except Exception as exc:  # a bug: name the entry, and leave it pending
                raise StreamError(
                    f"entry {entry_id}: could not store it ({type(exc).__name__}: {exc})"
                ) from exc
            report.count(result)
            report.counts.count(record, result)


def ended_run(payload: bytes) -> RunEnd:
    try:
        return run_end(payload)
    except (ValueError, KeyError, TypeError) as exc:
        raise Refused(f"not a run's end ({type(exc).__name__}: {exc})") from None


def post_record(fields: dict[bytes, bytes], gazetteer: Gazetteer, opening_chars: int) -> PostRecord:
    """The post record of an entry's raw item (or exported record, as `replay` reads)."""
    payload = fields.get(FIELD)
    if payload is None:
        raise Refused(f"no {FIELD.decode()!r} field")
    try:
        data = orjson.loads(payload)
    except orjson.JSONDecodeError as exc:
        raise Refused(f"not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise Refused("not a JSON object")
    try:
        return normalize(as_raw_item(data), gazetteer=gazetteer, opening_chars=opening_chars)
    except InvalidItem as exc:
        raise Refused(str(exc)) from None
    except Exception as exc:  # normalising is pure: a bad item, never a bad state
        raise Refused(f"cannot read it ({type(exc).__name__}: {exc})") from None


class Outage:
    """Redis went away: one line when it does and one when it is back; tries in between
    at growing intervals (1 s, 2 s, 4 s ... 30 s), cut short by a stop."""

    def __init__(self, say: Callable[[str], None], where: str):
        self.say = say
        self.where = where
        self.since: float | None = None
        self.delay = 1.0

    def wait(self, exc: BaseException, stopping: Callable[[], bool]) -> None:
        if self.since is None:
            self.since = time.monotonic()
            self.delay = 1.0
            self.say(f"lost Redis at {self.where} ({describe(exc)}); trying again")
        until = time.monotonic() + self.delay
        while time.monotonic() < until and not stopping():
            time.sleep(0.1)
        self.delay = min(self.delay * 2, LONGEST_RETRY)

    def over(self) -> None:
        if self.since is not None:
            self.say(f"Redis at {self.where} is back after {time.monotonic() - self.since:.0f} s")
            self.since = None
