"""What the engine remembers of recent posts, and the changes it made to earlier ones.

The stages read and write posts only through this memory and a read-only view of the store:
a post the engine no longer remembers is read from the store, and a change to it waits here
(`update`) until the caller stores it (`take_updates`).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import UTC, datetime

from monitor.contracts.items import LinkType, PostRecord
from monitor.normalize.dates import instant, is_date_only
from monitor.normalize.urls import canonical_url
from monitor.store.base import StoreView
from monitor.story.config import DAY, EngineConfig
from monitor.story.markers import MarkerHit, find_marker


@dataclass(slots=True)
class Known:
    """What the engine remembers of a recent post."""

    id: str
    url: str
    time: float
    # how long the published time may stand for: a day for a date without a time of day
    span: float = 0.0
    thread: str | None = None
    duplicate_of: str | None = None
    follows_up: str | None = None
    link_type: LinkType | None = None
    link_evidence: str | None = None
    reply_to: str | None = None
    links: tuple[str, ...] = ()
    marker: MarkerHit | None = None
    arrival: int = 0
    publisher: str = ""


class Memory:
    """Recent posts by id, the order in which they will be forgotten, and pending changes."""

    def __init__(self, store: StoreView, config: EngineConfig):
        self.store = store
        self.config = config
        self.known: dict[str, Known] = {}
        self._by_time: list[tuple[float, str]] = []
        self._updates: dict[str, PostRecord] = {}
        self.clock = float("-inf")
        self.arrivals = 0

    def remember(self, record: PostRecord) -> Known:
        text = record.get("text") or ""
        published = epoch(record.get("published_at"))
        links = self.config.links
        known = Known(
            id=record["id"],
            url=record["url"],
            time=published or epoch(record.get("collected_at")) or 0.0,
            span=DAY if published and _date_only(record) else 0.0,
            reply_to=record.get("reply_to"),
            links=tuple(_post_links(record)),
            marker=find_marker(text[: self.config.text.opening_chars], links=links)
            if text
            else None,
            publisher=publisher(record),
        )
        self.arrivals += 1
        known.arrival = self.arrivals
        self.known[known.id] = known
        heapq.heappush(self._by_time, (known.time, known.id))
        self.clock = max(self.clock, known.time)
        return known

    def root(self, post: str) -> str:
        """The original a post repeats, else the post itself."""
        known = self.known.get(post)
        return known.duplicate_of if known and known.duplicate_of else post

    def record(self, post: str) -> PostRecord | None:
        """A post as it will be stored: with the changes not yet taken, else as stored."""
        return self._updates.get(post) or self.store.get(post)

    def pending(self, post: str) -> PostRecord | None:
        """The change to a post not yet taken, if any."""
        return self._updates.get(post)

    def update(self, post: str, **fields: object) -> None:
        record = self.record(post)
        if record is None:
            return
        record.update(fields)  # type: ignore[typeddict-item]  # fields are PostRecord keys
        self._updates[post] = record

    def take_updates(self) -> list[PostRecord]:
        """Earlier posts the stages changed, each once, ready to store."""
        updates = list(self._updates.values())
        self._updates.clear()
        return updates

    def forget_old(self) -> list[str]:
        """Forget posts published before the memory window, unless they are among the latest
        arrivals; returns the ids forgotten (the stages drop what they hold of them)."""
        horizon = self.clock - self.config.memory_seconds
        recent = self.arrivals - self.config.memory.keep_recent
        forgotten = []
        while self._by_time and self._by_time[0][0] < horizon:
            _, post = self._by_time[0]
            known = self.known.get(post)
            if known is not None and known.arrival > recent:
                break
            heapq.heappop(self._by_time)
            self.known.pop(post, None)
            forgotten.append(post)
        return forgotten


def publisher(record: PostRecord) -> str:
    """Who published a post: the account on a social platform (an embedded tweet is the
    account's, whichever site embedded it), else the source it was collected from."""
    handle = record.get("author_handle")
    if handle and record.get("platform") in ("telegram", "x", "facebook"):
        return f"{record['platform']}:{handle.lower()}"
    return f"source:{record['source']}"


def earlier(a: Known, b: Known) -> bool:
    """Whether `a` was published before `b`, at the coarser precision of the two: a date
    without a time of day is not earlier than an exact time on that day, nor later."""
    if a.span:
        return a.time + a.span <= b.time
    return a.time < b.time


def epoch(value: str | None) -> float | None:
    moment = instant(value)
    return moment.timestamp() if moment else None


def iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _post_links(record: PostRecord) -> list[str]:
    """Links that may point at another post (canonical URLs)."""
    links = []
    for link in record.get("links") or []:
        try:
            links.append(canonical_url(link))
        except ValueError:
            continue
    return links


def _date_only(record: PostRecord) -> bool:
    """A published time that stands for a whole day: a date given without a time of day
    ("18 ديسمبر 2023"), which parses to midnight."""
    published = record.get("published_at") or ""
    raw = record.get("published_raw")
    return "T00:00:00" in published and raw is not None and is_date_only(raw)
