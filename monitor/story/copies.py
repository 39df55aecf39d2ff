"""Copies of one report across channels: exact and near-duplicate matching text.

A copy (a cross-post to X, a forward, a website repost with a credit line added) is kept as a
record of its own, with `duplicate_of` = the earliest post carrying that content. Candidates
come from MinHash LSH over character shingles of the matching text, within a time window;
each is then checked on the shingles themselves, because an LSH threshold is a probability,
not a guarantee (measured with datasketch: at 0.8, 9 bands × 13 rows, only half the pairs of
Jaccard 0.8 or more came back).

The MinHash is datasketch's, worked out for many texts at once (`monitor/story/shingles.py`):
`prepare` takes a batch of posts' matching texts before the posts go through the stages. The
bands are indexed here: datasketch's `MinHashLSH` slices, byte-swaps and stores each of the 32
bands through its storage layer, where one numpy expression gives all 32 band keys and one dict
holds them (`tests/test_dedupe.py` checks both find the same candidates;
`benchmarks/lsh_bands.py` prints what each costs a post).
"""

from __future__ import annotations

import hashlib
import heapq
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

import numpy as np
from datasketch import MinHash

from monitor.story.config import CopiesConfig
from monitor.story.shingles import minhash_values, samples, shingle_sets
from monitor.story.tokens import NEGATING_STEMS, NEGATION, fact_words

# Fact words are kept as hashes: a few hundred bytes a post instead of a tuple of strings.
_NEGATION_HASH = hash(NEGATION)
_NEGATING_HASHES = frozenset(hash(word) for word in NEGATING_STEMS)

_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class Signature:
    """A matching text's digest, its shingles (hashed, sorted), the LSH band keys of their
    MinHash, and the figures in the text: 4 bytes a shingle and 8 a band."""

    digest: bytes
    shingles: np.ndarray
    band_keys: np.ndarray
    numbers: frozenset[str]
    text: str  # the matching text, while the post is on its way in


@dataclass(slots=True)
class _Entry:
    id: str
    time: float
    arrival: int
    digest: bytes
    shingles: np.ndarray
    band_keys: np.ndarray
    numbers: frozenset[str]
    # hashes of the text's fact words (see `changed_fact`), worked out when first compared
    words: np.ndarray | None


@dataclass(slots=True)
class Match:
    """What a new post copies: the post it repeats, and how: `exact` (the same matching
    text), `near` (shingle Jaccard) or `contained` (a cut copy), with the measure."""

    original: str
    kind: str
    similarity: float


TextSource = Callable[[str], str | None]


@dataclass
class DedupeIndex:
    """Posts of the last `window_seconds` (by post time), indexed for copies. Posts older
    than the window (behind the newest post seen) are forgotten, but never one of the last
    `keep_recent` to arrive: a first crawl or a backfill brings old posts together."""

    config: CopiesConfig = field(default_factory=CopiesConfig)
    keep_recent: int = 5000
    # a post's matching text by id, for the rare comparison that needs its words: fact words
    # are worked out only for pairs that share their shingles, not for every post (without a
    # source, for every post as it is added)
    texts: TextSource | None = None

    def __post_init__(self) -> None:
        # The permutations of the MinHash (`minhash_values` applies them). Shingles are hashed
        # when they are made, so datasketch's own `update_batch` would take them as they are
        # (`int`), which is what the tests compare against.
        self._minhash = MinHash(num_perm=self.config.num_perm, hashfunc=int)
        self.bands = BandIndex(self.config.bands, self.config.rows)
        self.entries: dict[str, _Entry] = {}
        self.exact: dict[bytes, list[str]] = {}
        self._by_time: list[tuple[float, str]] = []
        self.clock = float("-inf")
        self.arrivals = 0
        self._prepared: dict[str, Signature] = {}

    def eligible(self, matching: str) -> bool:
        """Too short a text ("صور من ساحة الكرامة اليوم") says nothing about being a copy."""
        return (
            len(matching) >= self.config.min_chars
            # matching text is words joined by single spaces: count them without splitting
            and matching.count(" ") + 1 >= self.config.min_words
        )

    def prepare(self, texts: list[str]) -> None:
        """Work out the signatures of a batch of matching texts at once, for `signature` to
        hand out as their posts arrive (those of the previous batch are dropped)."""
        texts = list(dict.fromkeys(text for text in texts if self.eligible(text)))
        self._prepared = dict(zip(texts, self._signatures(texts), strict=True))

    def signature(self, matching: str) -> Signature | None:
        """What the index compares of a matching text; None for a text too short to compare."""
        if not self.eligible(matching):
            return None
        signature = self._prepared.get(matching) or self._signatures([matching])[0]
        for same in self.exact.get(signature.digest, ()):
            # the same text as a post in the window (a copy): share its arrays
            entry = self.entries[same]
            return Signature(entry.digest, entry.shingles, entry.band_keys, entry.numbers, matching)
        return signature

    def _signatures(self, texts: list[str]) -> list[Signature]:
        if not texts:
            return []
        sets = shingle_sets(texts, self.config.shingle)
        values, sizes = samples(sets, self.config.sample_modulus)
        band_keys = self.bands.keys(minhash_values(values, sizes, self._minhash))
        return [
            Signature(
                hashlib.blake2b(text.encode(), digest_size=12).digest(),
                shingles,
                keys,
                frozenset(_NUMBER.findall(text)),
                text,
            )
            for text, shingles, keys in zip(texts, sets, band_keys, strict=True)
        ]

    def find(self, signature: Signature | None, time: float) -> Match | None:
        """The most similar earlier-indexed post within the window, if it is a copy."""
        if signature is None:
            return None
        for other_id in self.exact.get(signature.digest, ()):
            if abs(self.entries[other_id].time - time) <= self.config.window_seconds:
                return Match(other_id, "exact", 1.0)
        best: Match | None = None
        own_words: list[np.ndarray] = []  # the post's fact words, once a comparison needs them
        for other_id in self.bands.query(signature.band_keys):
            other = self.entries[other_id]
            if abs(other.time - time) > self.config.window_seconds:
                continue
            mine, theirs = signature.numbers, other.numbers
            if mine - theirs and theirs - mine:
                continue  # a figure changed: a new toll or another day, not a copy
            match = self._compare(signature.shingles, other)
            if match and self._changed(signature, other, own_words):
                continue
            if match and (
                best is None
                or (match.similarity, match.original) > (best.similarity, best.original)
            ):
                best = match
        return best

    def _compare(self, shingles: np.ndarray, other: _Entry) -> Match | None:
        theirs = other.shingles
        shared = _shared(shingles, theirs)
        if not shared:
            return None
        smaller, larger = sorted((len(shingles), len(theirs)))
        jaccard = shared / (smaller + larger - shared)
        if jaccard >= self.config.jaccard:
            return Match(other.id, "near", jaccard)
        containment = shared / smaller
        if (
            containment >= self.config.containment
            and smaller / larger >= self.config.min_size_ratio
        ):
            return Match(other.id, "contained", containment)
        return None

    def words(self, matching: str) -> np.ndarray:
        """The hashes of a matching text's fact words (`monitor.story.tokens.fact_words`)."""
        found = fact_words(matching, self.config.fact_words * 5)
        return np.fromiter(map(hash, found), dtype=np.int64, count=len(found))

    def _changed(self, signature: Signature, other: _Entry, own: list[np.ndarray]) -> bool:
        if other.words is None:
            text = self.texts(other.id) if self.texts is not None else None
            if text is None:
                return False  # its text is gone: the shingles decide
            other.words = self.words(text)
        if not own:
            own.append(self.words(signature.text))
        return self.changed_fact(own[0], other.words)

    def changed_fact(self, mine: np.ndarray, theirs: np.ndarray) -> bool:
        """Whether two texts that share most of their shingles still report different facts:
        a negation added or dropped, or more of their opening content words changed (a word
        of one missing from the other, both ways) than a copy's light edits change. A
        headline of `changed_words_free` content words or fewer may change none ("... في
        فرنسا" / "... في موريتانيا"); beyond that, `changed_words_share` of them."""
        cfg = self.config
        n = min(len(mine), len(theirs), cfg.fact_words)
        if not n:
            return False
        # (Python sets: for a few dozen values they beat numpy's isin, which sorts)
        all_mine, all_theirs = mine.tolist(), theirs.tolist()
        head_mine, head_theirs = all_mine[:n], all_theirs[:n]
        in_mine, in_theirs = set(all_mine), set(all_theirs)
        only_mine = [word for word in head_mine if word not in in_theirs]
        only_theirs = [word for word in head_theirs if word not in in_mine]
        if head_mine.count(_NEGATION_HASH) != head_theirs.count(_NEGATION_HASH):
            return True
        if not _NEGATING_HASHES.isdisjoint(only_mine) or not _NEGATING_HASHES.isdisjoint(
            only_theirs
        ):
            return True
        changed = min(
            len(only_mine) - only_mine.count(_NEGATION_HASH),
            len(only_theirs) - only_theirs.count(_NEGATION_HASH),
        )
        allowed = int(cfg.changed_words_share * max(0, n - cfg.changed_words_free))
        return changed > allowed

    def add(self, post_id: str, signature: Signature | None, time: float) -> None:
        if signature is None or post_id in self.entries:
            return
        self.arrivals += 1
        self.entries[post_id] = _Entry(
            post_id,
            time,
            self.arrivals,
            signature.digest,
            signature.shingles,
            signature.band_keys,
            signature.numbers,
            None if self.texts is not None else self.words(signature.text),
        )
        self.exact.setdefault(signature.digest, []).append(post_id)
        self.bands.insert(post_id, signature.band_keys)
        heapq.heappush(self._by_time, (time, post_id))
        self._advance(time)

    def _advance(self, time: float) -> None:
        """Forget posts that fell out of the window behind the newest post time seen."""
        self.clock = max(self.clock, time)
        horizon = self.clock - self.config.window_seconds
        recent = self.arrivals - self.keep_recent
        while self._by_time and self._by_time[0][0] < horizon:
            if self.entries[self._by_time[0][1]].arrival > recent:
                break
            _, post_id = heapq.heappop(self._by_time)
            self._forget(post_id)

    def _forget(self, post_id: str) -> None:
        entry = self.entries.pop(post_id)
        self.bands.remove(post_id, entry.band_keys)
        ids = self.exact[entry.digest]
        ids.remove(post_id)
        if not ids:
            del self.exact[entry.digest]


class BandIndex:
    """MinHash LSH buckets: posts whose MinHashes agree on all `rows` values of any one of
    `bands` bands are candidates, exactly as in datasketch's `MinHashLSH(params=(bands,
    rows))`. A band is keyed by one 64-bit number mixed from its values (a collision of two
    different bands costs a wasted check, never a missed pair)."""

    def __init__(self, bands: int, rows: int):
        self.bands, self.rows = bands, rows
        mixer = np.random.default_rng(20231219)
        self._multipliers = mixer.integers(1, 2**63, size=(1, rows), dtype=np.uint64) | 1
        self._salts = mixer.integers(0, 2**63, size=bands, dtype=np.uint64)
        # band key → the post in that bucket, or a list when several share it (most buckets
        # hold one post, and a str costs less memory than a list per bucket)
        self.table: dict[int, str | list[str]] = {}

    def keys(self, hashvalues: np.ndarray) -> np.ndarray:
        """The band keys of MinHashes' hash values, a row of keys for each row of values."""
        used = hashvalues[:, : self.bands * self.rows].astype(np.uint64)
        rows = used.reshape(len(hashvalues), self.bands, self.rows) * self._multipliers
        keys: np.ndarray = rows.sum(axis=2, dtype=np.uint64) ^ self._salts
        return keys

    def query(self, keys: np.ndarray) -> set[str]:
        found: set[str] = set()
        get = self.table.get
        for key in keys.tolist():
            bucket = get(key)
            if bucket is None:
                continue
            if bucket.__class__ is str:
                found.add(bucket)
            else:
                found.update(bucket)
        return found

    def insert(self, post_id: str, keys: np.ndarray) -> None:
        table = self.table
        for key in keys.tolist():
            bucket = table.get(key)
            if bucket is None:
                table[key] = post_id
            elif bucket.__class__ is str:
                table[key] = [bucket, post_id]
            else:
                # a list here, which mypy cannot tell from the `__class__` test
                cast("list[str]", bucket).append(post_id)

    def remove(self, post_id: str, keys: np.ndarray) -> None:
        table = self.table
        for key in keys.tolist():
            bucket = table.get(key)
            if bucket is None:
                continue
            if bucket.__class__ is str:
                if bucket == post_id:
                    del table[key]
            elif post_id in bucket:
                cast("list[str]", bucket).remove(post_id)
                if len(bucket) == 1:
                    table[key] = bucket[0]


def _shared(mine: np.ndarray, theirs: np.ndarray) -> int:
    """How many values two sorted arrays of unique values have in common."""
    if not len(mine) or not len(theirs):
        return 0
    at = np.searchsorted(theirs, mine)
    at[at == len(theirs)] = 0
    return int(np.count_nonzero(theirs[at] == mine))
