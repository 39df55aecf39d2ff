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
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import Any, TypeVar

from monitor import SCHEMA_VERSION
from monitor.contracts.items import PostRecord, ThreadRecord
from monitor.normalize.dates import is_date_only
from monitor.normalize.matching import folded, matching_text
from monitor.normalize.places import Gazetteer, load_gazetteer
from monitor.normalize.urls import canonical_url, post_id
from monitor.store import Store
from monitor.story.config import DAY, EngineConfig
from monitor.story.copies import DedupeIndex, Match, Signature
from monitor.story.markers import MarkerHit, find_marker
from monitor.story.threads import Decision, PostSignals, Score, Thread, ThreadIndex
from monitor.story.tokens import event_families, terms

ALL_PUBLISHERS = ""

T = TypeVar("T")
# posts whose texts are prepared together (see `prepare`)
PREPARED_BATCH = 256


@dataclass(slots=True)
class Known:
    """What the engine remembers of a recent post."""

    id: str
    url: str
    source: str
    platform: str
    time: float
    # how long the published time may stand for: a day for a date without a time of day
    span: float = 0.0
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

    def __init__(
        self, store: Store, config: EngineConfig | None = None, places_file: str | None = None
    ):
        self.store = store
        self.config = config or EngineConfig()
        self.gazetteer: Gazetteer = load_gazetteer(places_file)
        keep_recent = self.config.memory.keep_recent
        self.dedupe_index = DedupeIndex(self.config.copies, keep_recent, self._matching_text_of)
        self.thread_index = ThreadIndex(self.config.threads, keep_recent)
        self.known: dict[str, Known] = {}
        self.copies: dict[str, list[str]] = {}  # original id → its copies
        self.embedded: dict[str, list[str]] = {}  # page id → posts embedded in it
        self.waiting: dict[str, set[str]] = {}  # unseen post id → posts that point at it
        # thread → [(time, post id)] of its posts that carry a marker, in time order
        self.marked: dict[str, list[tuple[float, str]]] = {}
        # thread → publisher (or ALL_PUBLISHERS) → [(time, arrival, post id)] in time order
        # (ties in time go by arrival: of two posts stamped the same minute, the one that came
        # second is the later)
        self.timelines: dict[str, dict[str, list[tuple[float, int, str]]]] = {}
        self.titles: dict[str, tuple[int, float, str]] = {}
        self._by_time: list[tuple[float, str]] = []
        # absorbed thread → the thread its posts moved into
        self.merged: dict[str, str] = {}
        self._merged_records: dict[str, ThreadRecord] = {}
        self._work: dict[str, _Work] = {}
        self._updates: dict[str, PostRecord] = {}
        self._dirty_threads: set[str] = set()
        self.clock = float("-inf")
        self.arrivals = 0

    def prepare(self, records: list[PostRecord]) -> None:
        """Work out what the stages need of a batch of posts' texts at once, before the posts
        go through the stages one by one (numpy runs once for the batch, not per post)."""
        self.dedupe_index.prepare([self.engine_text(record) for record in records])

    def _matching_text_of(self, post: str) -> str | None:
        record = self._updates.get(post) or self.store.get(post)
        return self.engine_text(record) if record is not None else None

    def engine_text(self, record: PostRecord) -> str:
        """The matching text the engine compares: the post's opening, else its title."""
        return matching_text(opening(record.get("text") or record.get("title") or "", self.config))

    # -- the three stages -------------------------------------------------------------------

    def dedupe(self, record: PostRecord) -> PostRecord:
        """Mark a copy of an earlier post (`duplicate_of`), or notice a post seen before."""
        prior = self.known.get(record["id"])
        stored = None if prior else self.store.get(record["id"])
        if prior or stored:
            self._resighted(record, prior, stored)
            return record
        known = self._remember(record)
        matching = self.engine_text(record)
        self._work[known.id] = _Work(known, matching)
        signature = self.dedupe_index.signature(matching)
        found = self._copy_of(record, known, signature)
        if found is not None:
            original, matched, match = found
            # (an original older than the engine's memory is no longer known: it is older)
            root = self.known.get(original)
            if root is not None and _earlier(known, root):
                # The "original" was published later: this post is the original of them all.
                self._promote(known.id, original, match)
            else:
                known.duplicate_of = record["duplicate_of"] = original
                record["duplicate_evidence"] = self._duplicate_evidence(matched, match)
                if root is not None:
                    self.copies.setdefault(original, []).append(known.id)
        self.dedupe_index.add(known.id, signature, known.time)
        return record

    def thread(self, record: PostRecord) -> PostRecord:
        """Put the post in a story thread (`thread_id`), saying why (`thread_evidence`)."""
        work = self._work.get(record["id"])
        if work is None or work.resighted:
            return record
        known = work.known
        signals = self._signals(record, work)
        index = self.thread_index
        vector = index.vector(signals.terms)
        forced = self._hard_thread(known)
        if forced is None:
            decision = index.choose(signals, vector)
            thread_id = decision.thread_id or f"t{known.id}"
            evidence = self._score_evidence(decision, signals, vector)
        else:
            thread_id, evidence = forced
            if thread_id not in index.threads:
                self._restore_thread(thread_id)
        index.add(thread_id, signals, vector)
        known.thread = record["thread_id"] = thread_id
        record["thread_evidence"] = evidence
        self._place_in_timelines(known)
        self._note_title(thread_id, record, known)
        self._dirty_threads.add(thread_id)
        for closed in index.take_closed():
            self._dirty_threads.add(closed)
        self._relink_later(known)
        if known.marker:
            bisect.insort(self.marked.setdefault(thread_id, []), (known.time, known.id))
        if index.merge_due(thread_id):
            found = index.merge_candidate(thread_id)
            if found is not None:
                self._merge(thread_id, *found, record)
        return record

    def _merge(self, one: str, other: str, cosine: float, record: PostRecord) -> None:
        """Two open threads tell one story: the smaller (else the younger) moves into the
        other. Its posts move (a new revision each, `thread_evidence` saying so), its record
        says where they went (`status` "merged", `merged_into`), and follow-ups are worked
        out again for the publishers now in one thread."""
        index = self.thread_index
        a, b = index.threads[one], index.threads[other]
        into, gone = (
            (one, other) if (b.size, -b.first, other) < (a.size, -a.first, one) else (other, one)
        )
        gone_record = self.thread_record(gone)
        index.absorb(into, gone)
        self.merged[gone] = into
        self._merged_records[gone] = {
            **gone_record,
            "post_count": 0,
            "status": "merged",
            "merged_into": into,
        }
        summary = f"thread {gone} merged into {into} (their centroids' cosine {cosine:.2f})"
        moved = {"kind": "merged", "from": gone, "into": into, "cosine": _round(cosine)}

        def evidence(before: dict[str, Any] | None) -> dict[str, Any]:
            return {**moved, "summary": summary, "before": (before or {}).get("summary")}

        for stored in self.store.thread_posts(gone):
            pending = self._updates.get(stored["id"], stored)
            if pending.get("thread_id") == gone:
                self._update(
                    stored["id"],
                    thread_id=into,
                    thread_evidence=evidence(pending.get("thread_evidence")),
                )
        if record.get("thread_id") == gone:
            record["thread_id"] = into
            record["thread_evidence"] = evidence(record.get("thread_evidence"))
        timelines = self.timelines.pop(gone, {})
        target = self.timelines.setdefault(into, {})
        moved_posts: set[str] = set()
        for key, posts in timelines.items():
            target[key] = sorted([*target.get(key, []), *posts])
            for *_, post in posts:
                moved_posts.add(post)
                if post in self.known:
                    self.known[post].thread = into
        self.marked[into] = sorted([*self.marked.get(into, []), *self.marked.pop(gone, [])])
        title = self.titles.pop(gone, None)
        if title is not None and (into not in self.titles or title[:2] < self.titles[into][:2]):
            self.titles[into] = title
        self._dirty_threads.update((into, gone))
        # A publisher's posts from both threads now form one timeline: each moved post, and the
        # post after it there, may continue another post than before; and marked posts look at
        # everyone's posts in the thread.
        relink: set[str] = set()
        for key in timelines:
            if key == ALL_PUBLISHERS:
                continue
            timeline = target[key]
            for index, (*_, post) in enumerate(timeline):
                if post in moved_posts:
                    relink.add(post)
                    if index + 1 < len(timeline):
                        relink.add(timeline[index + 1][2])
        relink.update(post for _, post in self.marked[into])
        for post in sorted(relink):
            self._relink(post)

    def _relink_later(self, known: Known) -> None:
        """Posts that arrived before this one but were published after it may continue it:
        marked posts of the thread, and the publisher's next post there. In the usual case
        (posts arriving in time order) none is later and nothing is looked at."""
        thread_id = known.thread or ""
        followers = self.marked.get(thread_id, [])
        later = bisect.bisect_right(followers, (known.time, "\uffff"))
        for _, member in followers[later:]:
            if member in self.known:
                self._relink(member)
        own = self.timelines.get(thread_id, {}).get(known.publisher, [])
        after = bisect.bisect_right(own, (known.time, known.arrival, "\uffff"))
        if after < len(own) and own[after][2] in self.known:
            self._relink(own[after][2])

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
        records = [
            self._merged_records.pop(tid, None) or self.thread_record(tid)
            for tid in sorted(self._dirty_threads)
        ]
        self._dirty_threads.clear()
        for record in records:
            if record["status"] == "closed":
                self.thread_index.forget(record["thread_id"])
                self.marked.pop(record["thread_id"], None)
                self.titles.pop(record["thread_id"], None)
                self.timelines.pop(record["thread_id"], None)
        return records

    # -- copies -----------------------------------------------------------------------------

    def _copy_of(
        self, record: PostRecord, known: Known, signature: Signature | None
    ) -> tuple[str, str, Match | None] | None:
        """The original this post copies, the post it was found to repeat, and how (no match:
        a Telegram forward of that post), or None."""
        forwarded = record.get("forwarded_from")
        if forwarded and post_id(forwarded) in self.known:
            source = post_id(forwarded)
            return self._root(source), source, None
        match = self.dedupe_index.find(signature, known.time)
        if match is None or match.original not in self.known:
            return None
        return self._root(match.original), match.original, match

    def _duplicate_evidence(self, matched: str, match: Match | None) -> dict[str, Any]:
        """`duplicate_evidence`: how the post was found to repeat `matched`."""
        url = self.known[matched].url
        if match is None:
            return {"kind": "forward", "matched": matched, "summary": f"forward of {url}"}
        evidence: dict[str, Any] = {"kind": match.kind, "matched": matched}
        if match.kind == "exact":
            evidence["summary"] = f"same text as {url}"
        elif match.kind == "near":
            evidence["jaccard"] = round(match.similarity, 3)
            evidence["summary"] = f"near-duplicate of {url} (Jaccard {match.similarity:.2f})"
        else:
            evidence["containment"] = round(match.similarity, 3)
            evidence["summary"] = f"{match.similarity:.0%} of its text is in {url}"
        return evidence

    def _root(self, post: str) -> str:
        known = self.known.get(post)
        return known.duplicate_of if known and known.duplicate_of else post

    def _promote(self, new_original: str, old_original: str, match: Match | None) -> None:
        """`new_original` predates the post its copies pointed at: they all point at it now.
        The old original repeats it as the new post was found to repeat the old one."""
        group = [old_original, *self.copies.pop(old_original, [])]
        self.copies[new_original] = group
        mirrored = self._duplicate_evidence(new_original, match)
        for member in group:
            if member in self.known:
                self.known[member].duplicate_of = new_original
            if member != old_original:
                self._update(member, duplicate_of=new_original)
                continue
            self._update(member, duplicate_of=new_original, duplicate_evidence=mirrored)
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
        text = self.config.text
        body = terms(work.matching, text.body_terms)
        words = body + body[: text.lead_terms]
        title = record.get("title")
        if title and text.title_weight:
            words += terms(matching_text(title)) * text.title_weight
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

    def _hard_thread(self, known: Known) -> tuple[str, dict[str, Any]] | None:
        """The thread a post must join whatever its words, and why: its original's, its
        parent's, the thread of a post it links to or embeds, of a copy of it that came
        first, or of a post that already replied to it or linked to it."""
        related: list[tuple[str | None, str]] = [(known.duplicate_of, "copy")]
        related += [(other, "copied_by") for other in self.copies.get(known.id, [])]
        related.append((known.reply_to and post_id(known.reply_to), "reply"))
        related += [(post_id(url), "link") for url in known.links]
        related += [(other, "embeds") for other in self.embedded.get(known.id, [])]
        related += [(other, "pointed_at_by") for other in sorted(self.waiting.get(known.id, ()))]
        for other, kind in related:
            if other and other in self.known and self.known[other].thread:
                thread = self._resolve(self.known[other].thread)
                return thread, _forced(kind, other, self.known[other].url)
        for other, kind in related:
            stored = self.store.get(other) if other else None
            if stored and stored.get("thread_id"):
                return self._resolve(stored["thread_id"]), _forced(kind, other, stored["url"])
        return None

    def _resolve(self, thread_id: str) -> str:
        """The thread a thread's posts are in now: itself, or the one it was merged into."""
        for _ in range(64):  # a chain of merges is short; a loop in bad data must not hang
            into = self.merged.get(thread_id)
            if into is None and thread_id not in self.thread_index.threads:
                record = self.store.get_thread(thread_id)
                if record and record.get("status") == "merged":
                    into = record.get("merged_into")
            if not into or into == thread_id:
                break
            thread_id = into
        return thread_id

    def _score_evidence(
        self, decision: Decision, signals: PostSignals, vector: dict[str, float]
    ) -> dict[str, Any]:
        """`thread_evidence` of a scored decision: the score with its parts, what the post
        shares with the thread, and the runner-up; or, for a new thread, the best that fell
        short."""
        best, second, threshold = decision.best, decision.runner_up, decision.threshold
        if decision.thread_id is None or best is None:
            evidence: dict[str, Any] = {"kind": "new", "threshold": _round(threshold)}
            if best is None:
                evidence["summary"] = "new thread: no open thread shares a telling term or place"
                return evidence
            evidence["best"] = self._score_parts(best, signals, vector)
            evidence["summary"] = (
                f"new thread: the best, {best.thread_id}, scored {best.total:.2f} < {threshold:.2f}"
            )
            return evidence
        evidence = {"kind": "score", "threshold": _round(threshold)}
        evidence.update(self._score_parts(best, signals, vector))
        evidence["runner_up"] = (
            {"thread_id": second.thread_id, "score": _round(second.total)} if second else None
        )
        shared = ", ".join(evidence["shared_terms"][:4]) or "no words"
        evidence["summary"] = (
            f"score {best.total:.2f} ≥ {threshold:.2f}: cosine {best.cosine:.2f} ({shared})"
            + (f", places {best.place:+.2f}" if best.place else "")
            + (f", event {best.event:+.2f}" if best.event else "")
            + (f"; runner-up {second.thread_id} {second.total:.2f}" if second else "")
        )
        return evidence

    def _score_parts(
        self, score: Score, signals: PostSignals, vector: dict[str, float]
    ) -> dict[str, Any]:
        thread = self.thread_index.threads[score.thread_id]
        return {
            "thread_id": score.thread_id,
            "score": _round(score.total),
            "cosine": _round(score.cosine),
            "place": _round(score.place),
            "event": _round(score.event),
            "marker": _round(score.marker),
            "fade": _round(score.fade),
            "shared_terms": self.thread_index.shared_terms(vector, score.thread_id),
            "shared_hashtags": [tag for tag in signals.hashtags if tag in thread.hashtags][:6],
            "shared_places": [
                place.removeprefix("~") for place in signals.places if place in thread.places
            ][:6],
        }

    def _restore_thread(self, thread_id: str) -> None:
        """Bring a thread the engine no longer holds (closed, or from an earlier run) back."""
        record = self.store.get_thread(thread_id)
        first = last = self.clock
        thread = Thread(id=thread_id, first=first, last=last)
        if record:
            thread.size = int(record.get("post_count") or 0)
            thread.first = _epoch(record.get("first_seen")) or first
            thread.last = _epoch(record.get("last_seen")) or last
            thread.sources.update(record.get("sources") or [])
            thread.places.update(p for p in record.get("places") or [] if self._is_specific(p))
            thread.hashtags.update(record.get("hashtags") or [])
        self.thread_index.restore(thread)

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
        limit = self.config.threads.title_chars
        text = text if len(text) <= limit else text[: limit - 1] + "…"
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
            "post_count": thread.size,
            "sources": sorted(thread.sources),
            "places": [p for p, _ in thread.places.most_common(8)]
            + [g for g, _ in thread.governorates.most_common(3) if g not in thread.places],
            "hashtags": [h for h, _ in thread.hashtags.most_common(10)],
            "status": "closed" if thread.closed else "open",
            "merged_into": None,
            "revision": None,
        }

    # -- follow-up links --------------------------------------------------------------------

    def _find_link(self, known: Known) -> tuple[str | None, str | None, str | None]:
        """(target, link_type, evidence) by the first evidence that holds: a reply, a link, an
        embed, a marker (→ the publisher's latest earlier post in the thread, else anyone's),
        or none but the thread itself (→ the publisher's latest earlier post there, an
        `update`). Targets are originals, published before the post."""
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
        if not known.thread:
            return None, None, None
        timelines = self.timelines.get(known.thread, {})
        own = self._latest_in(timelines.get(known.publisher, []), known)
        if known.marker:
            target = own or self._latest_in(timelines.get(ALL_PUBLISHERS, []), known)
            if target:
                return target, marker_type, f'marker "{known.marker.text}"'
        if own and self.config.links.same_publisher:
            return own, "update", "same publisher, same story"
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

    def _latest_in(self, timeline: list[tuple[float, int, str]], known: Known) -> str | None:
        """The latest post of `timeline` published before `known` (as its original)."""
        index = bisect.bisect_left(timeline, (known.time, -1, ""))
        while index > 0:
            index -= 1
            other = timeline[index][2]
            if other in self.known and other != known.id and self._root(other) != known.id:
                return self._root(other)
        return None

    def _place_in_timelines(self, known: Known) -> None:
        """Keep each thread's posts in time order, overall and per publisher."""
        timelines = self.timelines.setdefault(known.thread or "", {})
        for key in (ALL_PUBLISHERS, known.publisher):
            bisect.insort(timelines.setdefault(key, []), (known.time, known.arrival, known.id))

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
        published = _epoch(record.get("published_at"))
        links = self.config.links
        known = Known(
            id=record["id"],
            url=record["url"],
            source=record["source"],
            platform=record["platform"],
            time=published or _epoch(record.get("collected_at")) or 0.0,
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
        # (the evidence fields stay None: the store keeps the evidence it has)
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
        recent = self.arrivals - self.config.memory.keep_recent
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
        work = _Work(known, self.engine_text(record))
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


def opening(text: str, config: EngineConfig) -> str:
    """The opening of a text the engine reads, cut at a space: a word cut in half would be a
    word that is not in the text."""
    limit = config.text.opening_chars
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return cut[:space] if space > limit // 2 else cut


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


def _earlier(a: Known, b: Known) -> bool:
    """Whether `a` was published before `b`, at the coarser precision of the two: a date
    without a time of day is not earlier than an exact time on that day, nor later."""
    if a.span:
        return a.time + a.span <= b.time
    return a.time < b.time


def _date_only(record: PostRecord) -> bool:
    """A published time that stands for a whole day: a date given without a time of day
    ("18 ديسمبر 2023"), which parses to midnight."""
    published = record.get("published_at") or ""
    raw = record.get("published_raw")
    return "T00:00:00" in published and bool(raw) and is_date_only(raw)


# `thread_evidence` summaries of the reasons a post joins a thread whatever its words
_FORCED = {
    "copy": "copy of {}",
    "copied_by": "{}, a copy of it, came first",
    "reply": "reply to {}",
    "link": "links to {}",
    "embeds": "embeds {}",
    "pointed_at_by": "{} replies to it or links to it",
}


def _forced(kind: str, other: str, url: str) -> dict[str, Any]:
    """`thread_evidence` of a post that joins a thread whatever its words."""
    return {"kind": kind, "post": other, "summary": _FORCED[kind].format(url)}


def _round(value: float) -> float:
    return round(value, 3)


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
