"""`monitor replay`: raw items or exported records through the same path as a crawl:
normalise, then `Session.ingest` (the story engine, the store, the change logs). No network."""

from __future__ import annotations

import gc
import io
import math
import os
import select
import stat
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

import orjson

from monitor.contracts.items import PostRecord, RawItem
from monitor.normalize.places import Gazetteer
from monitor.normalize.posts import InvalidItem, normalize
from monitor.store.base import SaveResult
from monitor.store.session import Session
from monitor.story.config import EngineConfig
from monitor.story.engine import PREPARED_BATCH

# An exported record's fields, back to the raw item fields they came from.
_RECORD_TO_RAW = {
    "reply_to": "reply_to_url",
    "forwarded_from": "forwarded_from_url",
    "embedded_in": "embedded_in_url",
}
_RAW_FROM_RECORD = (
    "source",
    "platform",
    "url",
    "text",
    "title",
    "author",
    "author_handle",
    "collected_at",
    "links",
    "media",
    "lang",
    "views",
    "link_previews",
)
MAX_PROBLEMS = 20


@dataclass
class StoredCounts:
    """What storing did to each post: new, a new revision, or nothing."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0

    def count(self, result: SaveResult) -> None:
        if result.status == "new":
            self.new += 1
        elif result.status == "updated":
            self.updated += 1
        else:
            self.unchanged += 1


@dataclass
class ReplayReport(StoredCounts):
    lines: int = 0
    posts: int = 0
    invalid: int = 0
    problems: list[str] = field(default_factory=list)

    def problem(self, message: str) -> None:
        self.invalid += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(message)


def as_raw_item(data: dict[str, Any]) -> RawItem:
    """A raw item from a line: raw items as they are, exported records turned back."""
    # (anyone's JSON, typed as a raw item here: `normalize` checks every field it reads)
    if "schema_version" not in data or "id" not in data:
        return cast(RawItem, data)
    raw: dict[str, Any] = {key: data.get(key) for key in _RAW_FROM_RECORD}
    raw["published"] = data.get("published_raw") or data.get("published_at")
    for record_key, raw_key in _RECORD_TO_RAW.items():
        raw[raw_key] = data.get(record_key)
    return cast(RawItem, raw)


def read_lines(handle: IO[bytes], report: ReplayReport) -> Iterator[tuple[int, RawItem]]:
    """JSON objects from a JSONL stream; a bad line is a counted problem, not a stop."""
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        report.lines += 1
        try:
            data = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            report.problem(f"line {number}: not JSON ({exc})")
            continue
        if not isinstance(data, dict):
            report.problem(f"line {number}: not a JSON object")
            continue
        yield number, as_raw_item(data)


def replay(
    items: Iterable[tuple[int, RawItem]],
    data_dir: Path,
    report: ReplayReport,
    *,
    progress: Callable[[ReplayReport], None] | None = None,
    more_ready: Callable[[], bool] | None = None,
    engine_config: EngineConfig | None = None,
) -> ReplayReport:
    """Run every item through the engine into `data_dir`'s store and logs. Items are taken
    in batches (see `Engine.prepare`); `more_ready` says whether the next item can be read
    without waiting, and a batch ends when it cannot (a pipe fed live: its posts must not
    wait for the rest of a batch)."""
    session = Session.acquire(data_dir, engine_config)
    # A file is replayed in commits of `batch_size` posts whatever the clock says, so that the
    # same file gives the same change logs on a fast machine and a slow one; posts piped in
    # live keep the time limit (they must not wait for a batch to fill).
    time_limit = session.batch_seconds
    if more_ready is None or more_ready is _always:
        session.batch_seconds = math.inf
    try:
        with no_cycle_collection():
            engine = session.engine
            batches = _normalized_batches(
                items,
                engine.gazetteer,
                report,
                more_ready or _always,
                engine.config.text.opening_chars,
            )
            _ingest_all(batches, session, report, progress)
    finally:
        session.batch_seconds = time_limit
        session.release()
    return report


def _ingest_all(
    batches: Iterable[list[PostRecord]],
    session: Session,
    report: ReplayReport,
    progress: Callable[[ReplayReport], None] | None,
) -> None:
    engine = session.engine
    for records in batches:
        engine.prepare(records)
        for record in records:
            report.count(session.ingest(record))
            report.posts += 1
            if progress and report.posts % 200 == 0:
                progress(report)


def _normalized_batches(
    items: Iterable[tuple[int, RawItem]],
    gazetteer: Gazetteer,
    report: ReplayReport,
    more_ready: Callable[[], bool],
    opening_chars: int,
) -> Iterator[list[PostRecord]]:
    """The items' records in batches; a bad item is a counted problem, in line order."""
    batch: list[PostRecord] = []
    for number, raw in items:
        try:
            # relative dates count from the item's own collected_at, which normalize reads
            batch.append(normalize(raw, gazetteer=gazetteer, opening_chars=opening_chars))
        except InvalidItem as exc:
            report.problem(f"line {number}: {exc}")
        except Exception as exc:  # normalising is pure: a bad line, never a bad state
            report.problem(f"line {number}: cannot read it ({type(exc).__name__}: {exc})")
        if batch and (len(batch) >= PREPARED_BATCH or not more_ready()):
            yield batch
            batch = []
    if batch:
        yield batch


def input_ready(handle: IO[bytes]) -> Callable[[], bool]:
    """Whether the next line of `handle` can be read without waiting: always for a file on
    disk; for a pipe or a terminal, when it has data waiting."""
    try:
        descriptor = handle.fileno()
        regular = stat.S_ISREG(os.fstat(descriptor).st_mode)
    except (OSError, ValueError, io.UnsupportedOperation):
        return _always
    if regular:
        return _always

    def waiting() -> bool:
        try:
            return bool(select.select([descriptor], [], [], 0)[0])
        except (OSError, ValueError):
            return False

    return waiting


def _always() -> bool:
    return True


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """The engine keeps a window of posts in memory, hundreds of thousands of objects that
    live for days of post time; the cyclic garbage collector rescans them every few hundred
    posts, for nothing: the stages make no reference cycles (`tests/test_engine.py` checks),
    so reference counting frees every forgotten post. Collection is off while a replay runs
    (a tenth of its time at 10k posts, more as the window fills)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
