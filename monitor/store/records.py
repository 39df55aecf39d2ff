"""Post records: serialisation, and what happens when a stored post is seen again."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

import orjson

from monitor.contracts.items import (
    POST_FIELDS,
    SNAPSHOT_THREAD_FIELDS,
    THREAD_FIELDS,
    VOLATILE_FIELDS,
    PostRecord,
    ThreadRecord,
)

# What only the first sighting knows.
_KEEP_FIRST = ("collected_at",)
# The story engine's decisions: it hands over the current value every time (a re-sighting
# carries the stored one), and may clear one (a follow-up that turned out to be a copy).
ENGINE_FIELDS = frozenset({"thread_id", "duplicate_of", "follows_up", "link_type", "link_evidence"})
# Why the engine decided: set with each decision; a re-sighting, which decides nothing, hands
# over None and the stored evidence stays.
EVIDENCE_FIELDS = frozenset({"thread_evidence", "duplicate_evidence"})


def dumps(record: PostRecord) -> bytes:
    """One JSON line's worth of UTF-8 (no newline), keys in schema order."""
    if tuple(record) == POST_FIELDS:
        # normalize makes records in schema order already: no copy to put them in it
        return orjson.dumps(record)
    return orjson.dumps({key: record.get(key) for key in POST_FIELDS})


def dump_thread(record: ThreadRecord) -> bytes:
    return orjson.dumps({key: record.get(key) for key in THREAD_FIELDS})


def dump_thread_snapshot(record: ThreadRecord) -> bytes:
    return orjson.dumps({key: record.get(key) for key in SNAPSHOT_THREAD_FIELDS})


def loads(data: bytes | str) -> PostRecord:
    record: PostRecord = orjson.loads(data)
    return record


def same_content(a: PostRecord, b: PostRecord) -> bool:
    """True when the two differ only in fields that do not make a new revision."""
    return all(a.get(k) == b.get(k) for k in POST_FIELDS if k not in VOLATILE_FIELDS)


def merge(
    old: PostRecord, new: PostRecord, *, old_via_embed: bool, new_via_embed: bool
) -> PostRecord:
    """The record to keep when a stored post is seen again.

    A sighting inside another page (an embedded tweet) carries less than the post itself —
    truncated text, no media — so it never overwrites what a direct sighting stored; it can only
    fill fields that are still empty. A direct sighting replaces the content (the post may have
    been edited) but keeps what only the first sighting knows.
    """
    # (built key by key from POST_FIELDS: a plain dict until it is whole again)
    merged: dict[str, Any]
    if new_via_embed and not old_via_embed:
        merged = dict(old)
        for key in POST_FIELDS:
            if key in ENGINE_FIELDS or (_empty(merged.get(key)) and not _empty(new.get(key))):
                merged[key] = new.get(key)
        return cast(PostRecord, merged)
    merged = dict(new)
    for key in POST_FIELDS:
        if key in ENGINE_FIELDS or (key in EVIDENCE_FIELDS and new.get(key) is not None):
            continue
        keep_old = key in _KEEP_FIRST or _empty(merged.get(key))
        if keep_old and not _empty(old.get(key)):
            merged[key] = old.get(key)  # (a TypedDict is indexed by literal keys only)
    return cast(PostRecord, merged)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def sort_time(record: PostRecord) -> str:
    """UTC ISO time to order and filter posts by: published, else collected."""
    return utc_iso(record.get("published_at") or record.get("collected_at"))


def utc_iso(value: str | None) -> str:
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
