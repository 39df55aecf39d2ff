"""Story threads: each post joins the best-matching open thread or opens a new one.

Online and deterministic for a given input order. A thread is scored on the words it shares
with the post (TF-IDF cosine against the thread's centroid), the places both name (from the
gazetteer: the same town in Arabic and in English), hashtags, and time; candidates come from
an inverted index of rare terms, places and hashtags over open threads only, so the cost of a
post does not grow with the number of posts seen. A thread closes after a quiet period.

Lexical similarity alone is not enough on Arabic news (FACTS.md: ≈0.8 B-cubed F1 at best):
one story's posts — a siege, the talks, the withdrawal, the agreement — share places and time
more than words, while two sieges in two towns share every word but the town.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice, repeat
from operator import add, mul, neg

from monitor.places import WITHIN


def _main(counts: Counter[str]) -> set[str]:
    """What a thread is mostly about: the values named at least a third as often as the
    most named one."""
    top = max(counts.values())
    return {value for value, count in counts.items() if count * 3 >= top}


def _towns(places: Iterable[str]) -> set[str]:
    """Places with the "within" mark taken off: Karama Square's "~suwayda/suwayda" and the
    city "suwayda/suwayda" are the same town."""
    return {place.removeprefix(WITHIN) for place in places}


@dataclass(frozen=True)
class ThreadConfig:
    quiet_seconds: float = 7 * 86400
    join: float = 0.30
    # time: a thread's pull fades after a day without posts, by e^(-gap / fade)
    grace_seconds: float = 2 * 86400
    fade_seconds: float = 5 * 86400
    place_match: float = 0.30
    place_conflict: float = 0.30
    governorate_match: float = 0.04
    event_conflict: float = 0.25
    same_source_marker: float = 0.10
    concept_weight: float = 0.5
    # trimmed back to this many when it reaches three times as many (a trim sorts them all)
    centroid_terms: int = 200
    # a post is represented by its most telling terms (an article has hundreds)
    post_terms: int = 40
    candidate_terms: int = 8
    max_candidates: int = 6
    max_postings: int = 30
    # terms in more than this share of posts are too common to find candidates with
    common_share: float = 0.05
    # a thread touched by one of the last `keep_recent` posts to arrive stays open, however
    # old its posts: a backfill brings old posts together
    keep_recent: int = 5000


@dataclass(slots=True)
class PostSignals:
    """What the thread index needs to know about a post."""

    id: str
    time: float
    source: str
    terms: list[str]
    places: list[str]  # specific places (towns, landmarks), most telling first
    governorates: list[str]
    hashtags: list[str]
    families: list[str] = field(default_factory=list)
    has_marker: bool = False
    # worked out once here, used against every candidate thread
    named_places: frozenset[str] = field(init=False)
    towns: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        self.named_places = frozenset(p for p in self.places[:4] if not p.startswith(WITHIN))
        self.towns = frozenset(_towns(self.places))


@dataclass(slots=True)
class Thread:
    id: str
    first: float
    last: float
    post_ids: list[str] = field(default_factory=list)
    centroid: dict[str, float] = field(default_factory=dict)
    norm: float = 0.0
    places: Counter[str] = field(default_factory=Counter)
    governorates: Counter[str] = field(default_factory=Counter)
    hashtags: Counter[str] = field(default_factory=Counter)
    families: Counter[str] = field(default_factory=Counter)
    sources: Counter[str] = field(default_factory=Counter)
    source_last: dict[str, float] = field(default_factory=dict)
    touched: int = 0
    closed: bool = False
    # derived from the counters, worked out when first needed after a change
    main_places: set[str] | None = None
    main_towns: set[str] = field(default_factory=set)
    main_families: set[str] | None = None


@dataclass(slots=True)
class Decision:
    thread_id: str
    score: float
    new: bool


class ThreadIndex:
    """Open threads of the stream, and the statistics their scores need."""

    def __init__(self, config: ThreadConfig | None = None):
        self.config = config or ThreadConfig()
        self.threads: dict[str, Thread] = {}
        self.df: Counter[str] = Counter()
        self.documents = 0
        self.postings: dict[str, set[str]] = {}
        # place → open threads naming it, the most recently joined last
        self.place_postings: dict[str, dict[str, None]] = {}
        self.clock = float("-inf")
        self._by_last: list[tuple[float, str]] = []
        self.closed_since_last_call: list[str] = []

    # -- scoring --------------------------------------------------------------------------

    def idf(self, term: str) -> float:
        return math.log((self.documents + 1) / (self.df.get(term, 0) + 1)) + 1.0

    def vector(self, terms: list[str]) -> dict[str, float]:
        """Sublinear TF-IDF over the post's terms, its `post_terms` heaviest, unit length."""
        df = self.df.get
        scale = self.documents + 1
        log = math.log
        concept_weight = self.config.concept_weight
        weighted = []
        for term, count in Counter(terms).items():
            weight = log(scale / (df(term, 0) + 1)) + 1.0
            if count > 1:
                weight *= 1.0 + log(count)
            if term.startswith("c:"):
                weight *= concept_weight
            weighted.append((-weight, term))
        if len(weighted) > self.config.post_terms:
            # heaviest first, ties by term: the same post gives the same vector
            weighted.sort()
            del weighted[self.config.post_terms :]
        norm = math.sqrt(sum([w * w for w, _ in weighted])) or 1.0
        return {term: -w / norm for w, term in weighted}

    def choose(self, post: PostSignals, vector: dict[str, float]) -> Decision | None:
        """The best open thread for the post, if one scores above the join threshold."""
        best: Decision | None = None
        for thread_id in self._candidates(post, vector):
            score = self.score(post, vector, self.threads[thread_id])
            if score >= self.config.join and (best is None or score > best.score):
                best = Decision(thread_id, score, new=False)
        return best

    def score(self, post: PostSignals, vector: dict[str, float], thread: Thread) -> float:
        cfg = self.config
        gap = abs(post.time - thread.last) if not thread.first <= post.time <= thread.last else 0.0
        if gap > cfg.quiet_seconds:
            return 0.0
        shared = map(thread.centroid.get, vector, repeat(0.0))
        cosine = sum(map(mul, vector.values(), shared)) / (thread.norm or 1.0)
        score = cosine + self._place_score(post, thread) + self._event_score(post, thread)
        if post.has_marker and post.source in thread.source_last:
            score += cfg.same_source_marker
        if gap > cfg.grace_seconds:
            score *= math.exp(-(gap - cfg.grace_seconds) / cfg.fade_seconds)
        return score

    def _place_score(self, post: PostSignals, thread: Thread) -> float:
        """Naming the places a thread is about pulls a post in; naming only other towns
        pushes it away. A place reached through a landmark ("~" + the town it lies in)
        matches the town itself, or another landmark there, at half strength."""
        cfg = self.config
        if post.places and thread.places:
            if not self._main_places(thread).isdisjoint(post.named_places):
                return cfg.place_match
            if not thread.main_towns.isdisjoint(post.towns):
                return cfg.place_match / 2
            return -cfg.place_conflict
        if thread.governorates and not thread.governorates.keys().isdisjoint(post.governorates):
            return cfg.governorate_match
        return 0.0

    def _event_score(self, post: PostSignals, thread: Thread) -> float:
        """A post naming only other kinds of event than a thread's (a roadside bomb against a
        siege) is less likely to continue it, even in the same town on the same days."""
        if not post.families or not thread.families:
            return 0.0
        if thread.main_families is None:
            thread.main_families = _main(thread.families)
        return (
            0.0 if thread.main_families.intersection(post.families) else -self.config.event_conflict
        )

    @staticmethod
    def _main_places(thread: Thread) -> set[str]:
        """The places a thread is about, not every town an article mentions in passing."""
        if thread.main_places is None:
            thread.main_places = _main(thread.places)
            thread.main_towns = _towns(thread.main_places)
        return thread.main_places

    def _candidates(self, post: PostSignals, vector: dict[str, float]) -> list[str]:
        """Open threads that share a rare term or a place with the post, the most similar on
        rare terms first: the full score is worked out for these few only."""
        cfg = self.config
        common = max(5.0, cfg.common_share * self.documents)
        # The rarest terms seen before: a word no earlier post used finds no thread.
        counts = map(self.df.get, vector, repeat(0))
        rare = sorted([(n, t) for n, t in zip(counts, vector, strict=True) if 0 < n <= common])
        partial: dict[str, float] = {}
        threads = self.threads
        for _, term in rare[: cfg.candidate_terms]:
            postings = self.postings.get(term, ())
            if len(postings) > cfg.max_postings:
                continue  # a term in that many open threads tells none of them apart
            weight = vector[term]
            for thread_id in postings:
                thread = threads[thread_id]
                share = weight * thread.centroid.get(term, 0.0) / (thread.norm or 1.0)
                partial[thread_id] = partial.get(thread_id, 0.0) + share
        for place in post.places:
            # A town has many threads in a week; those with the latest posts come first.
            recent = self.place_postings.get(place, {})
            for thread_id in islice(reversed(recent), cfg.max_candidates):
                partial[thread_id] = partial.get(thread_id, 0.0) + cfg.place_match
        ranked = sorted(zip(map(neg, partial.values()), partial, strict=True))
        return [tid for _, tid in ranked[: cfg.max_candidates] if not threads[tid].closed]

    # -- changes ----------------------------------------------------------------------------

    def open_thread(self, thread_id: str, post: PostSignals) -> Thread:
        thread = Thread(id=thread_id, first=post.time, last=post.time)
        self.threads[thread_id] = thread
        return thread

    def add(self, thread_id: str, post: PostSignals, vector: dict[str, float]) -> Thread:
        """Put the post in the thread (opening it if new) and update every statistic."""
        thread = self.threads.get(thread_id) or self.open_thread(thread_id, post)
        if thread.closed:
            self._reopen(thread)
        thread.post_ids.append(post.id)
        self.documents += 1
        thread.touched = self.documents
        thread.first = min(thread.first, post.time)
        thread.last = max(thread.last, post.time)
        # The norm moves with the post's (unit) vector: |c + v|² = |c|² + 2·c·v + 1. Both
        # the dot product and the update run at C speed through `map`.
        centroid = thread.centroid
        before = list(map(centroid.get, vector, repeat(0.0)))
        dot = sum(map(mul, vector.values(), before))
        squared = thread.norm * thread.norm + 2.0 * dot + (1.0 if vector else 0.0)
        centroid.update(zip(vector, map(add, vector.values(), before), strict=True))
        if len(centroid) > self.config.centroid_terms * 3:
            self._trim(thread)
            centroid = thread.centroid
            squared = sum(w * w for w in centroid.values())
        thread.norm = math.sqrt(squared)
        thread.places.update(post.places)
        thread.main_places = thread.main_families = None
        thread.governorates.update(post.governorates)
        thread.hashtags.update(post.hashtags)
        thread.families.update(post.families)
        thread.sources[post.source] += 1
        thread.source_last[post.source] = max(
            thread.source_last.get(post.source, post.time), post.time
        )
        # Only terms rare enough to find candidates with are worth a posting.
        common = max(5.0, self.config.common_share * self.documents)
        df = self.df
        for term in vector:
            # a term the trim just dropped from the centroid must not point here either
            if df.get(term, 0) <= common and term in centroid:
                self.postings.setdefault(term, set()).add(thread_id)
        for place in post.places:
            recent = self.place_postings.setdefault(place, {})
            recent.pop(thread_id, None)
            recent[thread_id] = None
        self.df.update(vector.keys())
        heapq.heappush(self._by_last, (thread.last, thread_id))
        self._advance(post.time)
        return thread

    def _trim(self, thread: Thread) -> None:
        centroid = thread.centroid
        # heaviest first; ties keep the order the terms came in (a stable sort)
        ranked = sorted(centroid, key=centroid.__getitem__, reverse=True)
        thread.centroid = {term: centroid[term] for term in ranked[: self.config.centroid_terms]}
        for term in ranked[self.config.centroid_terms :]:
            postings = self.postings.get(term)
            if postings is not None:
                postings.discard(thread.id)

    def _advance(self, time: float) -> None:
        """Close the threads that have been quiet for the quiet period, by post time."""
        self.clock = max(self.clock, time)
        horizon = self.clock - self.config.quiet_seconds
        recent = self.documents - self.config.keep_recent
        while self._by_last and self._by_last[0][0] < horizon:
            last, thread_id = self._by_last[0]
            thread = self.threads.get(thread_id)
            if thread is not None and not thread.closed and thread.last == last:
                if thread.touched > recent:
                    break
                self._close(thread)
            # else a stale entry: the thread has had posts since, or is gone
            heapq.heappop(self._by_last)

    def _close(self, thread: Thread) -> None:
        thread.closed = True
        for term in thread.centroid:
            postings = self.postings.get(term)
            if postings is not None:
                postings.discard(thread.id)
                if not postings:
                    del self.postings[term]
        for place in thread.places:
            self.place_postings.get(place, {}).pop(thread.id, None)
        self.closed_since_last_call.append(thread.id)

    def _reopen(self, thread: Thread) -> None:
        thread.closed = False
        for term in thread.centroid:
            self.postings.setdefault(term, set()).add(thread.id)
        for place in thread.places:
            self.place_postings.setdefault(place, {})[thread.id] = None

    def take_closed(self) -> list[str]:
        closed, self.closed_since_last_call = self.closed_since_last_call, []
        return closed

    def forget(self, thread_id: str) -> None:
        """Drop a closed thread's state from memory (its record stays in the store)."""
        thread = self.threads.get(thread_id)
        if thread is not None and thread.closed:
            del self.threads[thread_id]
