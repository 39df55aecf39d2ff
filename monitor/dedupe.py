"""Copies of one report across channels: exact and near-duplicate matching text.

A copy (a cross-post to X, a forward, a website repost with a credit line added) is kept as a
record of its own, with `duplicate_of` = the earliest post carrying that content. Candidates
come from MinHash LSH (datasketch) over character shingles of the matching text, within a
time window; each is then checked on the shingles themselves, because an LSH threshold is a
probability, not a guarantee (FACTS.md: at 0.8 only half the true pairs came back).
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass, field

import xxhash
from datasketch import MinHash, MinHashLSH

_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True)
class DedupeConfig:
    window_seconds: float = 3 * 86400
    shingle: int = 5
    num_perm: int = 128
    # 16 bands of 8 rows: pairs at Jaccard 0.5 are found 62% of the time, at 0.6 94%, 0.7 99.9%.
    bands: tuple[int, int] = (16, 8)
    jaccard: float = 0.55
    # A shorter copy of a longer post (an X post cut at 280 characters) is mostly contained in
    # it, with a low Jaccard; a post a third the size of another is a quote, not a copy.
    containment: float = 0.8
    min_size_ratio: float = 0.4
    min_words: int = 6
    min_chars: int = 30
    # Posts older than the window (behind the newest post seen) are forgotten, but never one of
    # the last `keep_recent` to arrive: a first crawl or a backfill brings old posts together.
    keep_recent: int = 5000


@dataclass
class _Entry:
    id: str
    key: str
    time: float
    arrival: int
    shingles: frozenset[int]
    numbers: frozenset[str]


@dataclass
class Match:
    """What a new post copies: the original's id and how the match was made."""

    original: str
    evidence: str
    similarity: float


@dataclass
class DedupeIndex:
    """Posts of the last `window_seconds` (by post time), indexed for copies."""

    config: DedupeConfig = field(default_factory=DedupeConfig)

    def __post_init__(self) -> None:
        self._hash = xxhash.xxh32_intdigest
        self._template = MinHash(num_perm=self.config.num_perm, hashfunc=self._hash)
        self.lsh = MinHashLSH(num_perm=self.config.num_perm, params=self.config.bands)
        self.entries: dict[str, _Entry] = {}
        self.exact: dict[str, list[str]] = {}
        self._by_time: list[tuple[float, str]] = []
        self.clock = float("-inf")
        self.arrivals = 0

    def eligible(self, matching: str) -> bool:
        """Too short a text ("صور من ساحة الكرامة اليوم") says nothing about being a copy."""
        return (
            len(matching) >= self.config.min_chars
            and len(matching.split()) >= self.config.min_words
        )

    def find(self, matching: str, time: float) -> Match | None:
        """The most similar earlier-indexed post within the window, if it is a copy."""
        if not self.eligible(matching):
            return None
        for other in self.exact.get(matching, ()):
            if abs(self.entries[other].time - time) <= self.config.window_seconds:
                return Match(other, "same text", 1.0)
        shingles = self._shingles(matching)
        numbers = frozenset(_NUMBER.findall(matching))
        best: Match | None = None
        for other_id in self.lsh.query(self._minhash(shingles)):
            other = self.entries[other_id]
            if abs(other.time - time) > self.config.window_seconds:
                continue
            if numbers != other.numbers and numbers - other.numbers and other.numbers - numbers:
                continue  # a figure changed: a new toll or another day, not a copy
            match = self._compare(shingles, other)
            if match and (best is None or match.similarity > best.similarity):
                best = match
        return best

    def _compare(self, shingles: frozenset[int], other: _Entry) -> Match | None:
        shared = len(shingles & other.shingles)
        if not shared:
            return None
        smaller, larger = sorted((len(shingles), len(other.shingles)))
        jaccard = shared / (smaller + larger - shared)
        if jaccard >= self.config.jaccard:
            return Match(other.id, f"near-duplicate text (Jaccard {jaccard:.2f})", jaccard)
        containment = shared / smaller
        if (
            containment >= self.config.containment
            and smaller / larger >= self.config.min_size_ratio
        ):
            return Match(other.id, f"contained text ({containment:.2f})", containment)
        return None

    def add(self, post_id: str, matching: str, time: float) -> None:
        if not self.eligible(matching) or post_id in self.entries:
            return
        shingles = self._shingles(matching)
        self.arrivals += 1
        entry = _Entry(
            post_id, matching, time, self.arrivals, shingles, frozenset(_NUMBER.findall(matching))
        )
        self.entries[post_id] = entry
        self.exact.setdefault(matching, []).append(post_id)
        self.lsh.insert(post_id, self._minhash(shingles))
        heapq.heappush(self._by_time, (time, post_id))
        self._advance(time)

    def _advance(self, time: float) -> None:
        """Forget posts that fell out of the window behind the newest post time seen."""
        self.clock = max(self.clock, time)
        horizon = self.clock - self.config.window_seconds
        recent = self.arrivals - self.config.keep_recent
        while self._by_time and self._by_time[0][0] < horizon:
            if self.entries[self._by_time[0][1]].arrival > recent:
                break
            _, post_id = heapq.heappop(self._by_time)
            self._forget(post_id)

    def _forget(self, post_id: str) -> None:
        entry = self.entries.pop(post_id)
        self.lsh.remove(post_id)
        ids = self.exact[entry.key]
        ids.remove(post_id)
        if not ids:
            del self.exact[entry.key]

    def _shingles(self, matching: str) -> frozenset[int]:
        size = self.config.shingle
        text = f" {matching} "
        return frozenset(
            self._hash(text[i : i + size].encode()) for i in range(len(text) - size + 1)
        )

    def _minhash(self, shingles: frozenset[int]) -> MinHash:
        minhash = MinHash(
            num_perm=self.config.num_perm,
            hashfunc=_identity,
            permutations=self._template.permutations,
            scheme=self._template.scheme,
        )
        minhash.update_batch(list(shingles))
        return minhash


def _identity(value: int) -> int:
    # Shingles are hashed once, when they are made; MinHash then only permutes the values.
    return value
