"""The story engine: copies, story threads and follow-up links, online, post by post.

Plain Python with no Scrapy import: the pipelines (`pipelines/dedupe.py`, `thread.py`,
`link.py`) and `monitor replay` call the same three stages in the same order —
`dedupe`, `thread`, `link` — and then store the record and whatever earlier posts the
stages changed (`take_updates`): a copy that turns out to be older than its "original", a
follow-up whose report arrived after it.

Evidence, strongest first: the same URL is the same post (the store); a Telegram forward, a
reply, a link to or an embed of a known post; the same or nearly the same matching text
within a time window (a copy); and for threads, the words, places, hashtags and time a post
shares with a thread. Every decision is deterministic for a given input order.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from typing import TypeVar

from monitor import SCHEMA_VERSION
from monitor.dedupe import DedupeConfig, DedupeIndex, Signature
from monitor.followups import MarkerHit, find_marker
from monitor.items import PostRecord, ThreadRecord
from monitor.matching import ENGINE_TEXT_CHARS, folded, matching_text
from monitor.places import Gazetteer, load_gazetteer
from monitor.storage import Store
from monitor.threads import PostSignals, Thread, ThreadConfig, ThreadIndex
from monitor.tokens import event_families, terms
from monitor.urls import canonical_url, post_id

TITLE_CHARS = 140
ALL_PUBLISHERS = ""
LEAD_TERMS = 20
BODY_TERMS = 60
T = TypeVar("T")
# posts whose texts are prepared together (see `prepare`)
PREPARED_BATCH = 256


@dataclass(frozen=True)
class EngineConfig:
    dedupe: DedupeConfig = field(default_factory=DedupeConfig)
    threads: ThreadConfig = field(default_factory=ThreadConfig)
    places_file: str | None = None
    # never forget one of the last posts to arrive, however old (see DedupeConfig.keep_recent)
    keep_recent: int = 5000

    @property
    def memory_seconds(self) -> float:
        """How far back (in post time) the engine remembers posts."""
        return self.threads.quiet_seconds + self.dedupe.window_seconds


@dataclass(slots=True)
class Known:
    """What the engine remembers of a recent post."""

    id: str
    url: str
    source: str
    platform: str
    time: float
    thread: str | None = None
    duplicate_of: str | None = None
    follows_up: str | None = None
    link_type: str | None = None
    link_evidence: str | None = None
    reply_to: str | None = None
    links: tuple[str, ...] = ()
    marker: MarkerHit | None = None
    arrival: int = 0
    publisher: str = ""


@dataclass(slots=True)
class _Work:
    """One record on its way through the stages."""

    known: Known
    matching: str
    resighted: bool = False


class Engine:
    """Holds the windowed indexes and applies the three stages to each record."""

    def __init__(self, store: Store, config: EngineConfig | None = None):
        self.store = store
        self.config = config or EngineConfig()
        self.gazetteer: Gazetteer = load_gazetteer(self.config.places_file)
        self.dedupe_index = DedupeIndex(self.config.dedupe)
        self.thread_index = ThreadIndex(self.config.threads)
        self.known: dict[str, Known] = {}
        self.copies: dict[str, list[str]] = {}  # original id → its copies
        self.embedded: dict[str, list[str]] = {}  # page id → posts embedded in it
        self.waiting: dict[str, set[str]] = {}  # unseen post id → posts that point at it
        # thread → [(time, post id)] of its posts that carry a marker, in time order
        self.marked: dict[str, list[tuple[float, str]]] = {}
        # thread → publisher (or ALL_PUBLISHERS) → [(time, post id)] in time order
        self.timelines: dict[str, dict[str, list[tuple[float, str]]]] = {}
        self.titles: dict[str, tuple[int, float, str]] = {}
        self._by_time: list[tuple[float, str]] = []
        self._work: dict[str, _Work] = {}
        self._updates: dict[str, PostRecord] = {}
        self._dirty_threads: set[str] = set()
        self.clock = float("-inf")
        self.arrivals = 0

    def prepare(self, records: list[PostRecord]) -> None:
        """Work out what the stages need of a batch of posts' texts at once, before the posts
        go through the stages one by one (numpy runs once for the batch, not per post)."""
        self.dedupe_index.prepare([engine_text(record) for record in records])

    # -- the three stages -------------------------------------------------------------------

    def dedupe(self, record: PostRecord) -> PostRecord:
        """Mark a copy of an earlier post (`duplicate_of`), or notice a post seen before."""
        prior = self.known.get(record["id"])
        stored = None if prior else self.store.get(record["id"])
        if prior or stored:
            self._resighted(record, prior, stored)
            return record
        known = self._remember(record)
        matching = engine_text(record)
        self._work[known.id] = _Work(known, matching)
        signature = self.dedupe_index.signature(matching)
        original = self._copy_of(record, known, signature)
        if original is not None:
            # (an original older than the engine's memory is no longer known: it is older)
            root = self.known.get(original)
            if root is not None and known.time < root.time:
                # The "original" was published later: this post is the original of them all.
                self._promote(known.id, original)
            else:
                known.duplicate_of = record["duplicate_of"] = original
                if root is not None:
                    self.copies.setdefault(original, []).append(known.id)
        self.dedupe_index.add(known.id, signature, known.time)
        return record

    def thread(self, record: PostRecord) -> PostRecord:
        """Put the post in a story thread (`thread_id`)."""
        work = self._work.get(record["id"])
        if work is None or work.resighted:
            return record
        known = work.known
        signals = self._signals(record, work)
        vector = self.thread_index.vector(signals.terms)
        thread_id = self._hard_thread(known)
        if thread_id is None:
            decision = self.thread_index.choose(signals, vector)
            thread_id = decision.thread_id if decision else f"t{known.id}"
        elif thread_id not in self.thread_index.threads:
            self._restore_thread(thread_id)
        self.thread_index.add(thread_id, signals, vector)
        known.thread = record["thread_id"] = thread_id
        self._place_in_timelines(known)
        self._note_title(thread_id, record, known)
        self._dirty_threads.add(thread_id)
        for closed in self.thread_index.take_closed():
            self._dirty_threads.add(closed)
        # A follow-up that arrived before this post may have it as its report.
        # Marked posts are kept in time order: in the usual case (posts arriving in time
        # order) none is later than this one and nothing is looked at.
        followers = self.marked.setdefault(thread_id, [])
        later = bisect.bisect_right(followers, (known.time, "\uffff"))
        for _, member in followers[later:]:
            if member in self.known:
                self._relink(member)
        if known.marker:
            bisect.insort(followers, (known.time, known.id))
        return record

    def link(self, record: PostRecord) -> PostRecord:
        """Link the post to the report it continues (`follows_up`, `link_type`, `link_evidence`)."""
        work = self._work.pop(record["id"], None)
        if work is None or work.resighted:
            return record
        known = work.known
        target, link_type, evidence = self._find_link(known)
        known.follows_up, known.link_type, known.link_evidence = target, link_type, evidence
        record.update(follows_up=target, link_type=link_type, link_evidence=evidence)
        for waiter in sorted(self.waiting.pop(known.id, ())):
            self._relink(waiter)
        page = record.get("embedded_in")
        if page:
            self._embedded_in(post_id(page), known.id)
        self._forget_old()
        return record

    def take_updates(self) -> list[PostRecord]:
        """Earlier posts the last stages changed, each once, ready to store."""
        updates = list(self._updates.values())
        self._updates.clear()
        return updates

    def take_threads(self) -> list[ThreadRecord]:
        """Thread records changed since the last call."""
        records = [self.thread_record(tid) for tid in sorted(self._dirty_threads)]
        self._dirty_threads.clear()
        for record in records:
            if record["status"] == "closed":
                self.thread_index.forget(record["thread_id"])
                self.marked.pop(record["thread_id"], None)
                self.titles.pop(record["thread_id"], None)
                self.timelines.pop(record["thread_id"], None)
        return records

    # -- copies -----------------------------------------------------------------------------

    def _copy_of(self, record: PostRecord, known: Known, signature: Signature | None) -> str | None:
        """The original this post copies: a Telegram forward's source, or the post whose
        matching text it repeats."""
        forwarded = record.get("forwarded_from")
        if forwarded and post_id(forwarded) in self.known:
            return self._root(post_id(forwarded))
        match = self.dedupe_index.find(signature, known.time)
        if match is None or match.original not in self.known:
            return None
        return self._root(match.original)

    def _root(self, post: str) -> str:
        known = self.known.get(post)
        return known.duplicate_of if known and known.duplicate_of else post

    def _promote(self, new_original: str, old_original: str) -> None:
        """`new_original` predates the post its copies pointed at: they all point at it now."""
        group = [old_original, *self.copies.pop(old_original, [])]
        self.copies[new_original] = group
        for member in group:
            if member in self.known:
                self.known[member].duplicate_of = new_original
            self._update(member, duplicate_of=new_original)
            if member != old_original:
                continue
            # The old original repeated the new one; it no longer continues anything itself.
            self._relink(member)

    # -- threads ----------------------------------------------------------------------------

    def _signals(self, record: PostRecord, work: _Work) -> PostSignals:
        places = record.get("places") or []
        specific = self.gazetteer.specific_areas(places)
        governorates = list(
            dict.fromkeys(
                self.gazetteer.places[p].governorate for p in places if p in self.gazetteer.places
            )
        )
        # A news report says what it is about in its title and opening; later paragraphs
        # recall earlier events ("... weeks after a roadside bomb on the Inkhil road").
        body = terms(work.matching, BODY_TERMS)
        words = body + body[:LEAD_TERMS]
        title = record.get("title")
        if title:
            words += terms(matching_text(title)) * 2
        hashtags = [folded(tag) for tag in record.get("hashtags") or []]
        return PostSignals(
            id=record["id"],
            time=work.known.time,
            source=record["source"],
            terms=words,
            places=specific,
            governorates=governorates,
            hashtags=hashtags,
            families=event_families(words),
            has_marker=work.known.marker is not None,
        )

    def _hard_thread(self, known: Known) -> str | None:
        """The thread a post must join whatever its words: its original's, its parent's, the
        thread of a post it links to or embeds, or of a post that already replied to it."""
        related = [known.duplicate_of, *self.copies.get(known.id, [])]
        related.append(known.reply_to and post_id(known.reply_to))
        related += [post_id(url) for url in known.links]
        related += self.embedded.get(known.id, [])
        related += sorted(self.waiting.get(known.id, ()))
        for other in related:
            if other and other in self.known and self.known[other].thread:
                return self.known[other].thread
        for other in related:
            stored = self.store.get(other) if other else None
            if stored and stored.get("thread_id"):
                return stored["thread_id"]
        return None

    def _restore_thread(self, thread_id: str) -> None:
        """Bring a thread the engine no longer holds (closed, or from an earlier run) back."""
        record = self.store.get_thread(thread_id)
        first = last = self.clock
        thread = Thread(id=thread_id, first=first, last=last)
        if record:
            thread.post_ids = list(record.get("post_ids") or [])
            thread.first = _epoch(record.get("first_seen")) or first
            thread.last = _epoch(record.get("last_seen")) or last
            thread.sources.update(record.get("sources") or [])
            thread.places.update(p for p in record.get("places") or [] if self._is_specific(p))
            thread.hashtags.update(record.get("hashtags") or [])
        self.thread_index.threads[thread_id] = thread

    def _is_specific(self, place: str) -> bool:
        return place in self.gazetteer.places and self.gazetteer.places[place].specific

    def _note_title(self, thread_id: str, record: PostRecord, known: Known) -> None:
        """A thread is titled by its earliest web article's title, else its earliest report's
        first line (copies and English reports only when nothing else is there)."""
        if record.get("platform") == "web" and record.get("title"):
            rank, text = 0, record["title"]
        else:
            rank, text = 1, (record.get("text") or record.get("title") or "").strip().split("\n")[0]
        if known.duplicate_of:
            rank += 2
        if not text:
            return
        text = text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1] + "…"
        current = self.titles.get(thread_id)
        if current is None or (rank, known.time) < current[:2]:
            self.titles[thread_id] = (rank, known.time, text)

    def thread_record(self, thread_id: str) -> ThreadRecord:
        thread = self.thread_index.threads.get(thread_id)
        title = self.titles.get(thread_id)
        # the stored record is read only when it is all there is to say (a long thread's
        # record is large, and every batch of posts touches hundreds of threads)
        stored = self.store.get_thread(thread_id) if thread is None or title is None else None
        if thread is None:
            return stored or {"thread_id": thread_id}
        return {
            "schema_version": SCHEMA_VERSION,
            "thread_id": thread_id,
            "title": title[2] if title else (stored or {}).get("title"),
            "first_seen": _iso(thread.first),
            "last_seen": _iso(thread.last),
            "post_count": len(thread.post_ids),
            "post_ids": list(thread.post_ids),
            "sources": sorted(thread.sources),
            "places": [p for p, _ in thread.places.most_common(8)]
            + [g for g, _ in thread.governorates.most_common(3) if g not in thread.places],
            "hashtags": [h for h, _ in thread.hashtags.most_common(10)],
            "status": "closed" if thread.closed else "open",
            "revision": None,
        }

    # -- follow-up links --------------------------------------------------------------------

    def _find_link(self, known: Known) -> tuple[str | None, str | None, str | None]:
        """(target, link_type, evidence) by the first evidence that holds: a reply, a link, an
        embed, a marker. Targets are originals, published before the post."""
        if known.duplicate_of and not known.reply_to:
            return None, None, None  # a copy repeats its original; it continues nothing
        marker_type = known.marker.link_type if known.marker else None
        if known.reply_to:
            target = self._earlier(known, post_id(known.reply_to))
            if target:
                return target, marker_type or "reply", f"reply to {known.reply_to}"
        linked = [self._earlier(known, post_id(url)) for url in known.links]
        linked = [target for target in linked if target]
        if linked:
            target = max(linked, key=lambda pid: (self.known[pid].time, pid))
            return target, marker_type or "follow_up", f"links to {self.known[target].url}"
        embedded = [self._earlier(known, pid) for pid in self.embedded.get(known.id, [])]
        embedded = [target for target in embedded if target]
        if embedded:
            target = max(embedded, key=lambda pid: (self.known[pid].time, pid))
            return target, marker_type or "follow_up", f"embeds {self.known[target].url}"
        if known.marker and known.thread:
            target = self._latest_before(known)
            if target:
                return target, marker_type, f'marker "{known.marker.text}"'
        return None, None, None

    def _earlier(self, known: Known, other: str) -> str | None:
        """`other`'s original if it is known and published before `known`; else None, and
        `known` waits for it (a reply that arrived before its parent)."""
        target = self.known.get(other)
        if target is None:
            self.waiting.setdefault(other, set()).add(known.id)
            return None
        root = self._root(other)
        if root not in self.known:
            root = other  # its original is older than the engine remembers
        if root == known.id or self.known[root].time > known.time:
            return None
        return root

    def _latest_before(self, known: Known) -> str | None:
        """The latest earlier post of the same publisher in the thread, else of anyone — as
        the original it copies, when it is a copy."""
        timelines = self.timelines.get(known.thread or "", {})
        for key in (known.publisher, ALL_PUBLISHERS):
            found = self._latest_in(timelines.get(key, []), known)
            if found:
                return found
        return None

    def _latest_in(self, timeline: list[tuple[float, str]], known: Known) -> str | None:
        index = bisect.bisect_left(timeline, (known.time, ""))
        while index > 0:
            index -= 1
            other = timeline[index][1]
            if other in self.known and other != known.id and self._root(other) != known.id:
                return self._root(other)
        return None

    def _place_in_timelines(self, known: Known) -> None:
        """Keep each thread's posts in time order, overall and per publisher."""
        timelines = self.timelines.setdefault(known.thread or "", {})
        for key in (ALL_PUBLISHERS, known.publisher):
            bisect.insort(timelines.setdefault(key, []), (known.time, known.id))

    def _relink(self, post: str) -> None:
        known = self.known.get(post)
        if known is None:
            return
        target, link_type, evidence = self._find_link(known)
        if (target, link_type, evidence) != (
            known.follows_up,
            known.link_type,
            known.link_evidence,
        ):
            known.follows_up, known.link_type, known.link_evidence = target, link_type, evidence
            self._update(post, follows_up=target, link_type=link_type, link_evidence=evidence)

    def _embedded_in(self, page: str, post: str) -> None:
        posts = self.embedded.setdefault(page, [])
        if post not in posts:
            posts.append(post)
            if page in self.known:
                self._relink(page)

    # -- memory -----------------------------------------------------------------------------

    def _remember(self, record: PostRecord) -> Known:
        text = record.get("text") or ""
        known = Known(
            id=record["id"],
            url=record["url"],
            source=record["source"],
            platform=record["platform"],
            time=_epoch(record.get("published_at")) or _epoch(record.get("collected_at")) or 0.0,
            reply_to=record.get("reply_to"),
            links=tuple(_post_links(record)),
            marker=find_marker(text[:ENGINE_TEXT_CHARS]) if text else None,
            publisher=publisher(record),
        )
        self.arrivals += 1
        known.arrival = self.arrivals
        self.known[known.id] = known
        heapq.heappush(self._by_time, (known.time, known.id))
        self.clock = max(self.clock, known.time)
        return known

    def _resighted(
        self, record: PostRecord, prior: Known | None, stored: PostRecord | None
    ) -> None:
        """A post seen before (a later crawl, or an embed of a post already collected): the
        engine's fields stay; only a new embedding is news."""
        source = stored or {}
        if prior is not None:
            source = {
                "thread_id": prior.thread,
                "duplicate_of": prior.duplicate_of,
                "follows_up": prior.follows_up,
                "link_type": prior.link_type,
                "link_evidence": prior.link_evidence,
            }
        for key in ("thread_id", "duplicate_of", "follows_up", "link_type", "link_evidence"):
            record[key] = source.get(key)
        self._work[record["id"]] = _Work(
            prior or Known(record["id"], record["url"], "", "", 0.0), "", resighted=True
        )
        page = record.get("embedded_in")
        if page:
            self._embedded_in(post_id(page), record["id"])

    def _update(self, post: str, **fields: object) -> None:
        record = self._updates.get(post) or self.store.get(post)
        if record is None:
            return
        record.update(fields)
        self._updates[post] = record

    def _forget_old(self) -> None:
        horizon = self.clock - self.config.memory_seconds
        recent = self.arrivals - self.config.keep_recent
        while self._by_time and self._by_time[0][0] < horizon:
            _, post = self._by_time[0]
            known = self.known.get(post)
            if known is not None and known.arrival > recent:
                break
            heapq.heappop(self._by_time)
            self.known.pop(post, None)
            self.copies.pop(post, None)
            self.embedded.pop(post, None)
            self.waiting.pop(post, None)

    # -- warm start -------------------------------------------------------------------------

    def warm_up(self) -> int:
        """Rebuild the windowed indexes from the store's recent posts (a new process)."""
        latest = self.store.latest_sort_time()
        if latest is None:
            return 0
        since = _iso(_epoch(latest) - self.config.memory_seconds)
        count = 0
        for records in batched(self.store.iter_posts(since=since), PREPARED_BATCH):
            self.prepare(records)
            for record in records:
                self._learn(record)
            count += len(records)
        self._dirty_threads.clear()
        self.thread_index.take_closed()
        return count

    def _learn(self, record: PostRecord) -> None:
        known = self._remember(record)
        known.thread = record.get("thread_id")
        known.duplicate_of = record.get("duplicate_of")
        known.follows_up = record.get("follows_up")
        known.link_type = record.get("link_type")
        known.link_evidence = record.get("link_evidence")
        if known.duplicate_of:
            self.copies.setdefault(known.duplicate_of, []).append(known.id)
        if record.get("embedded_in"):
            self.embedded.setdefault(post_id(record["embedded_in"]), []).append(known.id)
        work = _Work(known, engine_text(record))
        self.dedupe_index.add(known.id, self.dedupe_index.signature(work.matching), known.time)
        if known.thread:
            if known.marker:
                bisect.insort(self.marked.setdefault(known.thread, []), (known.time, known.id))
            self._place_in_timelines(known)
            signals = self._signals(record, work)
            self.thread_index.add(known.thread, signals, self.thread_index.vector(signals.terms))
            self._note_title(known.thread, record, known)


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of `size` items in order, the last one shorter (itertools.batched from 3.12)."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def publisher(record: PostRecord) -> str:
    """Who published a post: the account on a social platform (an embedded tweet is the
    account's, whichever site embedded it), else the source it was collected from."""
    handle = record.get("author_handle")
    if handle and record.get("platform") in ("telegram", "x", "facebook"):
        return f"{record['platform']}:{handle.lower()}"
    return f"source:{record['source']}"


def engine_text(record: PostRecord) -> str:
    """The matching text the engine compares: the post's text (its opening), else its title."""
    return matching_text((record.get("text") or record.get("title") or "")[:ENGINE_TEXT_CHARS])


def _post_links(record: PostRecord) -> list[str]:
    """Links that may point at another post (canonical URLs)."""
    links = []
    for link in record.get("links") or []:
        try:
            links.append(canonical_url(link))
        except ValueError:
            continue
    return links


def _epoch(value: str | None) -> float | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
