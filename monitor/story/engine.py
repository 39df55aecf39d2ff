"""The story engine: copies, story threads and follow-up links, online, post by post.

Plain Python with no Scrapy import: a crawl's storing process and `monitor replay` both call
`Engine.process`, which runs the three stages in the one order they have — copies
(`copy_stage`), threads (`thread_stage`), links (`links`) — and then the caller stores the
record and whatever earlier posts the stages changed (`take_updates`): a copy that turns out
to be older than its "original", a follow-up whose report arrived after it.

Evidence, strongest first: the same URL is the same post (the store); a Telegram forward, a
reply, a link to or an embed of a known post; the same or nearly the same matching text
within a time window (a copy); and for threads, the words, places, hashtags and time a post
shares with a thread. Every decision is deterministic for a given input order.

The stages share one memory of recent posts (`monitor.story.memory`) and read the store
through a read-only view: only the caller writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any, TypeVar

from monitor.contracts.items import PostRecord, ThreadRecord
from monitor.normalize.matching import matching_text
from monitor.normalize.places import Gazetteer, load_gazetteer
from monitor.normalize.urls import post_id
from monitor.store.base import StoreView
from monitor.story.config import EngineConfig
from monitor.story.copy_stage import CopyStage
from monitor.story.links import Links
from monitor.story.memory import Known, Memory, epoch, iso
from monitor.story.thread_stage import ThreadStage

T = TypeVar("T")
# posts whose texts are prepared together (see `prepare`)
PREPARED_BATCH = 256
# what the engine decides of a post, kept when the post is seen again
_ENGINE_FIELDS = ("thread_id", "duplicate_of", "follows_up", "link_type", "link_evidence")


class Engine:
    """The memory of recent posts and the three stages, applied to each record in order."""

    def __init__(
        self, store: StoreView, config: EngineConfig | None = None, places_file: str | None = None
    ):
        self.config = config or EngineConfig()
        self.gazetteer: Gazetteer = load_gazetteer(places_file)
        self.memory = Memory(store, self.config)
        self.links = Links(self.memory, self.config.links)
        self.copies = CopyStage(
            self.memory,
            self.config.copies,
            self.config.memory.keep_recent,
            self._matching_text_of,
            self.links.relink,
            lambda post: self.threads.now_a_copy(post),
        )
        self.threads = ThreadStage(
            self.memory, self.config, self.gazetteer, self.copies, self.links
        )

    @property
    def known(self) -> dict[str, Known]:
        """The posts the engine remembers, by id."""
        return self.memory.known

    def prepare(self, records: list[PostRecord]) -> None:
        """Work out what the stages need of a batch of posts' texts at once, before the posts
        go through the stages one by one (numpy runs once for the batch, not per post)."""
        self.copies.index.prepare([self.engine_text(record) for record in records])

    def engine_text(self, record: PostRecord) -> str:
        """The matching text the engine compares: the post's opening, else its title."""
        return matching_text(opening(record.get("text") or record.get("title") or "", self.config))

    def process(self, record: PostRecord) -> PostRecord:
        """A normalised record through the stages: a copy of an earlier post
        (`duplicate_of`), its story thread (`thread_id`), the report it continues
        (`follows_up`), each with its evidence. A post seen before keeps its fields."""
        memory = self.memory
        prior = memory.known.get(record["id"])
        stored = None if prior else memory.store.get(record["id"])
        if prior or stored:
            self._resighted(record, prior, stored)
        else:
            known = memory.remember(record)
            matching = self.engine_text(record)
            self.copies.mark(record, known, matching)
            self.threads.place(record, known, matching)
            self.links.link(record, known)
            for post in memory.forget_old():
                self.copies.forget(post)
                self.links.forget(post)
        return record

    def take_updates(self) -> list[PostRecord]:
        """Earlier posts the stages changed, each once, ready to store."""
        return self.memory.take_updates()

    def take_threads(self) -> list[ThreadRecord]:
        """Thread records changed since the last call."""
        return self.threads.take_threads()

    def thread_record(self, thread_id: str) -> ThreadRecord:
        return self.threads.thread_record(thread_id)

    def _matching_text_of(self, post: str) -> str | None:
        record = self.memory.record(post)
        return self.engine_text(record) if record is not None else None

    def _resighted(
        self, record: PostRecord, prior: Known | None, stored: PostRecord | None
    ) -> None:
        """A post seen before (a later crawl, or an embed of a post already collected): the
        engine's fields stay; only a new embedding is news."""
        if prior is not None:
            fields = (
                prior.thread,
                prior.duplicate_of,
                prior.follows_up,
                prior.link_type,
                prior.link_evidence,
            )
        else:
            old: dict[str, Any] = dict(stored or {})
            fields = tuple(old.get(key) for key in _ENGINE_FIELDS)  # type: ignore[assignment]
        (
            record["thread_id"],
            record["duplicate_of"],
            record["follows_up"],
            record["link_type"],
            record["link_evidence"],
        ) = fields
        # (the evidence fields stay None: the store keeps the evidence it has)
        page = record.get("embedded_in")
        if page:
            self.links.embedded_in(post_id(page), record["id"])

    def warm_up(self) -> int:
        """Rebuild the windowed indexes from the store's recent posts (a new process)."""
        store = self.memory.store
        latest = store.latest_sort_time()
        if latest is None:
            return 0
        since = iso((epoch(latest) or 0.0) - self.config.memory_seconds)
        count = 0
        for records in batched(store.iter_posts(since=since), PREPARED_BATCH):
            self.prepare(records)
            for record in records:
                self._learn(record)
            count += len(records)
        self.threads.warmed_up()
        return count

    def _learn(self, record: PostRecord) -> None:
        known = self.memory.remember(record)
        known.thread = record.get("thread_id")
        known.duplicate_of = record.get("duplicate_of")
        known.follows_up = record.get("follows_up")
        known.link_type = record.get("link_type")
        known.link_evidence = record.get("link_evidence")
        if record.get("embedded_in"):
            self.links.embedded.setdefault(post_id(record["embedded_in"] or ""), []).append(
                known.id
            )
        matching = self.engine_text(record)
        self.copies.learn(known, matching)
        self.threads.learn(record, known, matching)


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of `size` items in order, the last one shorter (itertools.batched from 3.12)."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def opening(text: str, config: EngineConfig) -> str:
    """The opening of a text the engine reads, cut at a space: a word cut in half would be a
    word that is not in the text."""
    limit = config.text.opening_chars
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return cut[:space] if space > limit // 2 else cut
