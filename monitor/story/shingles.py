"""Shingles and MinHashes of many matching texts at once.

Each numpy call has a fixed cost before it touches any data, and a post's shingles and
MinHash took some twenty of them: over a replay, most of the copy stage's time went to
starting numpy calls on arrays of a few hundred values (docs/facts.md). Here the texts of a
whole batch go through each step together, in one call per step (`monitor replay` hands the
engine its posts in batches; a crawl's posts come one at a time, as a batch of one, with the
same result).

The MinHash is datasketch's, with the permutations of a datasketch `MinHash` object
(`tests/test_dedupe.py` checks the values equal datasketch's `update_batch` for each text);
datasketch computes it one set at a time.
"""

from __future__ import annotations

import numpy as np
from datasketch import MinHash

_PRIME = np.uint32(0x01000193)
_MIX = np.uint32(0x85EBCA6B)
# MurmurHash3's 32-bit finalizer, which datasketch's "affine32" scheme applies to each value
_FMIX = (
    np.uint32(16),
    np.uint32(0x85EBCA6B),
    np.uint32(13),
    np.uint32(0xC2B2AE35),
    np.uint32(16),
)
# texts whose sampled shingles are permuted in one table (128 values a shingle)
_MINHASH_GROUP = 32


def shingle_sets(texts: list[str], size: int) -> list[np.ndarray]:
    """For each text, the 32-bit hashes of every `size`-character shingle of ` text `,
    unique and sorted: a polynomial hash over code points, wrapping in 32 bits."""
    if not texts:
        return []
    # ' a  b ' : each text with a space either side, so one pass hashes them all; a shingle
    # that spans two texts is never kept
    joined = f" {'  '.join(texts)} ".encode("utf-32-le")
    codes = np.frombuffer(joined, dtype=np.uint32)
    count = len(codes) - size + 1
    if count <= 0:
        return [np.zeros(0, dtype=np.uint32) for _ in texts]
    hashes = codes[:count].copy()
    for offset in range(1, size):
        hashes *= _PRIME
        hashes += codes[offset : offset + count]
    # spread the low bits, which the sample (hash % modulus) looks at
    hashes ^= hashes >> np.uint32(15)
    hashes *= _MIX
    hashes ^= hashes >> np.uint32(13)
    sets = []
    start = 0
    for text in texts:
        shingles = len(text) + 3 - size
        sets.append(_unique_sorted(hashes[start : start + max(shingles, 0)].copy()))
        start += len(text) + 2
    return sets


def samples(sets: list[np.ndarray], modulus: int) -> tuple[np.ndarray, np.ndarray]:
    """What MinHash sees of each set of shingles (none may be empty): the shingles whose hash
    is divisible by `modulus` — the same shingles of every text, so sampled sets keep their
    Jaccard — or the smallest one when there are none. All the samples in one array, and the
    size of each."""
    sizes = np.fromiter(map(len, sets), dtype=np.int64, count=len(sets))
    if not sizes.all():
        raise ValueError("an empty set of shingles has no sample")
    shingles = np.concatenate(sets)
    starts = np.zeros(len(sets), dtype=np.int64)
    np.cumsum(sizes[:-1], out=starts[1:])
    chosen = shingles % modulus == 0
    counts = np.add.reduceat(chosen, starts, dtype=np.int64)
    chosen[starts[counts == 0]] = True
    counts[counts == 0] = 1
    return shingles[chosen], counts


def minhash_values(values: np.ndarray, sizes: np.ndarray, minhash: MinHash) -> np.ndarray:
    """One row of `minhash`'s hash values for each run of `sizes` values (none empty), as
    `minhash.update_batch(run.tolist())` on a cleared `minhash` gives them."""
    if minhash.scheme != "affine32":
        raise ValueError(f"MinHash scheme {minhash.scheme!r}: only affine32 is computed here")
    values = _fmix32(values)
    multipliers, offsets = minhash.permutations
    # A permutation per row, a shingle per column: the minimum of each text's run is then
    # taken along rows, and a group's table (128 rows of ~2,000 values) stays in the CPU's
    # cache; a table of shingle rows, or of the whole batch, took five times as long.
    columns = np.empty((len(multipliers), len(sizes)), dtype=np.uint32)
    starts = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=starts[1:])
    for first in range(0, len(sizes), _MINHASH_GROUP):
        last = min(first + _MINHASH_GROUP, len(sizes))
        low, high = starts[first], starts[last]
        permuted = np.multiply.outer(multipliers, values[low:high])
        permuted += offsets[:, None]
        columns[:, first:last] = np.minimum.reduceat(permuted, starts[first:last] - low, axis=1)
    return columns.T


def _fmix32(values: np.ndarray) -> np.ndarray:
    shift1, multiplier1, shift2, multiplier2, shift3 = _FMIX
    values = values ^ (values >> shift1)
    values *= multiplier1
    values ^= values >> shift2
    values *= multiplier2
    mixed: np.ndarray = values ^ (values >> shift3)
    return mixed


def _unique_sorted(values: np.ndarray) -> np.ndarray:
    values.sort()
    if len(values) < 2:
        return values
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]
