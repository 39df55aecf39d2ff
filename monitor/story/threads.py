"""Story threads: each post joins the best-matching open thread or opens a new one.

Online and deterministic for a given input order. A thread is scored on the words it shares
with the post (a TF-IDF cosine against the thread's centroid), the places both name, the kind
of event, and time.

What makes a word telling is how many *stories* use it, not how many posts: in a burst,
hundreds of posts repeat a story's own hashtag and names, which a document frequency would
then treat as common, exactly as the story grows; while "the ministry", "the protesters" or
"Egypt" run through every story of the week. So a term's weight is its inverse *thread*
frequency: log(1 + open threads / (1 + open threads whose centroid holds the term)). A
story's words stay heavy however many posts repeat them; words shared by many stories weigh
little, and a post that shares only those with a thread does not join it.

Candidates come from an index of term → the open threads holding it, the most recently joined
last: each of the post's heaviest terms looks at the threads that used it last, so a story is
found however large it grows, and a word in every thread costs no more than a rare one.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice, repeat
from operator import add, mul, neg

from monitor.normalize.places import WITHIN
from monitor.story.config import ThreadsConfig
from monitor.story.tokens import concept_terms

CONCEPTS = concept_terms()
_NONE: dict[str, None] = {}  # (read only) the postings of a term no open thread holds


def _main(counts: Counter[str]) -> set[str]:
    """What a thread is mostly about: the values named at least a third as often as the
    most named one."""
    top = max(counts.values())
    return {value for value, count in counts.items() if count * 3 >= top}


def _towns(places: Iterable[str]) -> set[str]:
    """Places with the "within" mark taken off: Karama Square's "~suwayda/suwayda" and the
    city "suwayda/suwayda" are the same town."""
    return {place.removeprefix(WITHIN) for place in places}


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
    size: int = 0
    centroid: dict[str, float] = field(default_factory=dict)
    norm: float = 0.0
    places: Counter[str] = field(default_factory=Counter)
    governorates: Counter[str] = field(default_factory=Counter)
    hashtags: Counter[str] = field(default_factory=Counter)
    families: Counter[str] = field(default_factory=Counter)
    sources: Counter[str] = field(default_factory=Counter)
    touched: int = 0
    closed: bool = False
    # derived from the counters, worked out when first needed after a change
    main_places: set[str] | None = None
    main_towns: set[str] = field(default_factory=set)
    main_families: set[str] | None = None


@dataclass(slots=True)
class Score:
    """A thread's score for a post, and its parts."""

    thread_id: str
    total: float
    cosine: float
    place: float
    event: float
    marker: float
    fade: float


@dataclass(slots=True)
class Decision:
    """Where a post goes: the best thread when it reaches the threshold (else None: a new
    thread), with the best score and the runner-up's, for the evidence."""

    thread_id: str | None
    threshold: float
    best: Score | None
    runner_up: Score | None


class ThreadIndex:
    """Open threads of the stream, and the statistics their scores need."""

    def __init__(self, config: ThreadsConfig | None = None, keep_recent: int = 5000):
        self.config = config or ThreadsConfig()
        self.keep_recent = keep_recent
        self.threads: dict[str, Thread] = {}
        # term → open threads whose centroid holds it, the most recently joined last; its
        # length is the term's thread frequency
        self.postings: dict[str, dict[str, None]] = {}
        self.open_threads = 0
        self.documents = 0
        self.df: Counter[str] = Counter()
        # place → open threads naming it, the most recently joined last
        self.place_postings: dict[str, dict[str, None]] = {}
        self.clock = float("-inf")
        self._by_last: list[tuple[float, str]] = []
        self.closed_since_last_call: list[str] = []

    # -- scoring --------------------------------------------------------------------------

    def vector(self, terms: list[str]) -> dict[str, float]:
        """Sublinear TF × inverse thread frequency over the post's terms (see the module
        docstring; `thread_idf` below 1 mixes in the document frequency), its `post_terms`
        heaviest, unit length."""
        counts = Counter(terms)
        keys = list(counts)
        log = math.log
        scale = self.open_threads + 1.0
        # by how many open threads hold each term; the weight worked out once per number
        held = list(map(len, map(self.postings.get, keys, repeat(_NONE))))
        table = {n: log(1.0 + scale / (n + 1.0)) for n in set(held)}
        weights = list(map(table.__getitem__, held))
        share = self.config.thread_idf
        if share != 1.0:
            documents = self.documents + 1.0
            by_posts = [log(1.0 + documents / (n + 1.0)) for n in map(self.df.get, keys, repeat(0))]
            weights = [
                w**share * p ** (1.0 - share) for w, p in zip(weights, by_posts, strict=True)
            ]
        if len(counts) < len(terms):
            for index, term in enumerate(keys):
                if counts[term] > 1:
                    weights[index] *= 1.0 + log(counts[term])
        concepts = CONCEPTS.intersection(keys)
        if concepts:
            concept_weight = self.config.concept_weight
            for index, term in enumerate(keys):
                if term in concepts:
                    weights[index] *= concept_weight
        weighted = list(zip(map(neg, weights), keys, strict=True))
        if len(weighted) > self.config.post_terms:
            # heaviest first, ties by term: the same post gives the same vector
            weighted.sort()
            del weighted[self.config.post_terms :]
        norm = math.sqrt(sum([w * w for w, _ in weighted])) or 1.0
        return {term: -w / norm for w, term in weighted}

    def length(self, post: PostSignals) -> float:
        """How long a post is on the scale the rules depend on: 0 for a short post
        (`short_terms` distinct terms or fewer), 1 for a long one (`long_terms` or more), in a
        straight line between."""
        cfg = self.config
        n = len(set(post.terms))
        if n <= cfg.short_terms:
            return 0.0
        if n >= cfg.long_terms:
            return 1.0
        return (n - cfg.short_terms) / (cfg.long_terms - cfg.short_terms)

    def threshold(self, length: float) -> float:
        """The score a post of that `length` needs to join a thread: a short post shares fewer
        words with its story, and each says more; the threshold moves from `join_short` to
        `join` as the post grows."""
        cfg = self.config
        return cfg.join_short + length * (cfg.join - cfg.join_short)

    def choose(self, post: PostSignals, vector: dict[str, float]) -> Decision:
        """The best open thread for the post if it scores at least the threshold, with the
        best score and the runner-up's either way."""
        best: Score | None = None
        second: Score | None = None
        length = self.length(post)
        for thread_id in self._candidates(post, vector):
            score = self.score(post, vector, self.threads[thread_id], length)
            if best is None or score.total > best.total:
                best, second = score, best
            elif second is None or score.total > second.total:
                second = score
        threshold = self.threshold(length)
        joined = best.thread_id if best is not None and best.total >= threshold else None
        return Decision(joined, threshold, best, second)

    def score(
        self, post: PostSignals, vector: dict[str, float], thread: Thread, length: float = 0.0
    ) -> Score:
        cfg = self.config
        gap = abs(post.time - thread.last) if not thread.first <= post.time <= thread.last else 0.0
        if gap > cfg.quiet_seconds:
            return Score(thread.id, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
        shared = map(thread.centroid.get, vector, repeat(0.0))
        cosine = sum(map(mul, vector.values(), shared)) / (thread.norm or 1.0)
        place = self._place_score(post, thread, length)
        event = self._event_score(post, thread)
        marker = 0.0
        if post.has_marker and post.source in thread.sources:
            marker = cfg.same_source_marker
        fade = 1.0
        if gap > cfg.grace_seconds:
            fade = math.exp(-(gap - cfg.grace_seconds) / cfg.fade_seconds)
        total = (cosine + place + event + marker) * fade
        return Score(thread.id, total, cosine, place, event, marker, fade)

    def shared_terms(self, vector: dict[str, float], thread_id: str, limit: int = 6) -> list[str]:
        """The post's terms that weigh most in the thread's match, heaviest first."""
        thread = self.threads.get(thread_id)
        if thread is None:
            return []
        parts = [(-w * thread.centroid[t], t) for t, w in vector.items() if t in thread.centroid]
        return [term for _, term in sorted(parts)[:limit]]

    def _place_score(self, post: PostSignals, thread: Thread, length: float) -> float:
        """Naming the places a thread is about pulls a post in; naming only other towns
        pushes it away. A place reached through a landmark ("~" + the town it lies in)
        matches the town itself, or another landmark there, at half strength. The pull is
        `place_match` for a short post ("دوي انفجار في شهبا" says little but where) and
        `place_match_long` for a long one, whose words say what it is about."""
        cfg = self.config
        if post.places and thread.places:
            pull = cfg.place_match + length * (cfg.place_match_long - cfg.place_match)
            if not self._main_places(thread).isdisjoint(post.named_places):
                return pull
            if not thread.main_towns.isdisjoint(post.towns):
                return pull / 2
            return -cfg.place_conflict
        if thread.governorates and not thread.governorates.keys().isdisjoint(post.governorates):
            return cfg.governorate_match
        return 0.0

    def _event_score(self, post: PostSignals, thread: Thread) -> float:
        """A post naming only other kinds of event than a thread's (a roadside bomb against a
        siege) is less likely to continue it, even in the same town on the same days."""
        if not post.families or not thread.families:
            return 0.0
        if self._main_families(thread).intersection(post.families):
            return 0.0
        return -self.config.event_conflict

    @staticmethod
    def _main_families(thread: Thread) -> set[str]:
        """The kinds of event a thread is about."""
        if thread.main_families is None:
            thread.main_families = _main(thread.families)
        return thread.main_families

    @staticmethod
    def _main_places(thread: Thread) -> set[str]:
        """The places a thread is about, not every town an article mentions in passing."""
        if thread.main_places is None:
            thread.main_places = _main(thread.places)
            thread.main_towns = _towns(thread.main_places)
        return thread.main_places

    def _candidates(self, post: PostSignals, vector: dict[str, float]) -> list[str]:
        """Open threads that share a telling term or a place with the post, the most similar
        on those terms first: the full score is worked out for these few only. Each of the
        post's heaviest terms looks at the threads that used it last."""
        cfg = self.config
        partial: dict[str, float] = {}
        get = partial.get
        per_term = cfg.postings_per_term
        postings = self.postings
        # the heaviest terms that some open thread holds (a word no thread has used finds
        # nothing, however telling); a thread is ranked by the weight of the post's terms it
        # holds, and only the best few are scored in full
        held = [(weight, term) for term, weight in vector.items() if term in postings]
        held.sort(reverse=True)
        for weight, term in held[: cfg.candidate_terms]:
            for thread_id in islice(reversed(postings[term]), per_term):
                partial[thread_id] = get(thread_id, 0.0) + weight
        for place in post.places:
            # A town has many threads in a week; those with the latest posts come first.
            recent = self.place_postings.get(place, {})
            for thread_id in islice(reversed(recent), cfg.max_candidates):
                partial[thread_id] = partial.get(thread_id, 0.0) + cfg.place_match
        ranked = sorted(zip(map(neg, partial.values()), partial, strict=True))
        threads = self.threads
        return [tid for _, tid in ranked[: cfg.max_candidates] if not threads[tid].closed]

    # -- changes ----------------------------------------------------------------------------

    def restore(self, thread: Thread) -> None:
        """Hold a thread again that was forgotten (closed, or from an earlier run)."""
        self.threads[thread.id] = thread
        self.open_threads += 1

    def open_thread(self, thread_id: str, post: PostSignals) -> Thread:
        thread = Thread(id=thread_id, first=post.time, last=post.time)
        self.threads[thread_id] = thread
        self.open_threads += 1
        return thread

    def add(self, thread_id: str, post: PostSignals, vector: dict[str, float]) -> Thread:
        """Put the post in the thread (opening it if new) and update every statistic."""
        thread = self.threads.get(thread_id) or self.open_thread(thread_id, post)
        if thread.closed:
            self._reopen(thread)
        thread.size += 1
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
        postings = self.postings
        for term in vector:
            # the thread moves to the end: the most recently joined is looked at first
            held = postings.get(term)
            if held is None:
                postings[term] = {thread_id: None}
            elif next(reversed(held)) != thread_id:
                held.pop(thread_id, None)
                held[thread_id] = None
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
        for place in post.places:
            recent = self.place_postings.setdefault(place, {})
            recent.pop(thread_id, None)
            recent[thread_id] = None
        if self.config.thread_idf != 1.0:
            self.df.update(vector.keys())  # (a document frequency only when it is used)
        heapq.heappush(self._by_last, (thread.last, thread_id))
        self._advance(post.time)
        return thread

    def merge_candidate(self, thread_id: str) -> tuple[str, float] | None:
        """Another open thread that tells the same story as `thread_id`, and their centroids'
        cosine, when it reaches `merge`. Asked when a thread reaches a size worth a look
        (`merge_due`): a story told from several angles at once (a summit's arrivals, its
        speeches, its final statement) starts several threads before any one of them names
        it fully, and their centroids, averaged over posts, see what the posts could not."""
        cfg = self.config
        thread = self.threads.get(thread_id)
        if thread is None or thread.closed or thread.size < cfg.merge_min_posts:
            return None
        centroid = thread.centroid
        heaviest = sorted(centroid, key=centroid.__getitem__, reverse=True)[: cfg.candidate_terms]
        shared: dict[str, float] = {}
        for term in heaviest:
            for other_id in islice(reversed(self.postings.get(term, {})), cfg.merge_postings):
                if other_id != thread_id:
                    shared[other_id] = shared.get(other_id, 0.0) + centroid[term]
        best: tuple[str, float] | None = None
        for other_id in sorted(shared, key=lambda tid: (-shared[tid], tid))[: cfg.max_candidates]:
            other = self.threads[other_id]
            if other.closed or other.size < cfg.merge_min_posts:
                continue
            if max(other.first, thread.first) - min(other.last, thread.last) > cfg.grace_seconds:
                continue  # one ended before the other began: two stories
            if self._apart(thread, other):
                continue
            small, large = sorted((centroid, other.centroid), key=len)
            dot = sum(map(mul, small.values(), map(large.get, small, repeat(0.0))))
            cosine = dot / ((thread.norm or 1.0) * (other.norm or 1.0))
            if cosine >= cfg.merge and (best is None or cosine > best[1]):
                best = (other_id, cosine)
        return best

    def _apart(self, one: Thread, other: Thread) -> bool:
        """Two threads whose main places, or main kinds of event, have nothing in common are
        two stories however alike their words (a roadside bomb and a siege in one town)."""
        if (
            one.places
            and other.places
            and self._main_places(one).isdisjoint(self._main_places(other))
        ):
            return True
        if one.families and other.families:
            return self._main_families(one).isdisjoint(self._main_families(other))
        return False

    def merge_due(self, thread_id: str) -> bool:
        """Whether the thread has just reached a size at which it is compared with the others:
        each power of two from `merge_min_posts` (a thread twice as large has a centroid worth
        a new look; looking more often cost more than it found)."""
        thread = self.threads.get(thread_id)
        if thread is None:
            return False
        size = thread.size
        return size >= self.config.merge_min_posts and size & (size - 1) == 0

    def absorb(self, into_id: str, from_id: str) -> None:
        """Merge thread `from_id` into `into_id`: one centroid, one set of counters; the
        absorbed thread is forgotten."""
        into, gone = self.threads[into_id], self.threads.pop(from_id)
        if not gone.closed:
            self.open_threads -= 1
        self._unpost_all(gone.centroid, from_id)
        for place in gone.places:
            self.place_postings.get(place, {}).pop(from_id, None)
        centroid = into.centroid
        for term, weight in gone.centroid.items():
            centroid[term] = centroid.get(term, 0.0) + weight
            held = self.postings.setdefault(term, {})
            held.pop(into_id, None)
            held[into_id] = None
        for place in gone.places:
            self.place_postings.setdefault(place, {})[into_id] = None
        if len(centroid) > self.config.centroid_terms * 3:
            self._trim(into)
        into.norm = math.sqrt(sum(w * w for w in into.centroid.values()))
        into.size += gone.size
        into.first, into.last = min(into.first, gone.first), max(into.last, gone.last)
        into.touched = max(into.touched, gone.touched)
        for counter in ("places", "governorates", "hashtags", "families", "sources"):
            getattr(into, counter).update(getattr(gone, counter))
        into.main_places = into.main_families = None
        heapq.heappush(self._by_last, (into.last, into_id))

    def _trim(self, thread: Thread) -> None:
        centroid = thread.centroid
        # heaviest first; ties keep the order the terms came in (a stable sort)
        ranked = sorted(centroid, key=centroid.__getitem__, reverse=True)
        thread.centroid = {term: centroid[term] for term in ranked[: self.config.centroid_terms]}
        self._unpost_all(ranked[self.config.centroid_terms :], thread.id)

    def _unpost_all(self, terms: Iterable[str], thread_id: str) -> None:
        """The thread no longer holds these terms."""
        postings = self.postings
        for term in terms:
            held = postings.get(term)
            if held is not None:
                held.pop(thread_id, None)
                if not held:
                    del postings[term]

    def _advance(self, time: float) -> None:
        """Close the threads that have been quiet for the quiet period, by post time."""
        self.clock = max(self.clock, time)
        horizon = self.clock - self.config.quiet_seconds
        recent = self.documents - self.keep_recent
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
        self.open_threads -= 1
        self._unpost_all(thread.centroid, thread.id)
        for place in thread.places:
            self.place_postings.get(place, {}).pop(thread.id, None)
        self.closed_since_last_call.append(thread.id)

    def _reopen(self, thread: Thread) -> None:
        thread.closed = False
        self.open_threads += 1
        for term in thread.centroid:
            self.postings.setdefault(term, {})[thread.id] = None
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
