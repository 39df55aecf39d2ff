"""The copy index: its LSH bands find what datasketch's MinHashLSH finds, on real Arabic."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import orjson
from datasketch import MinHash, MinHashLSH

from monitor.normalize.matching import matching_text
from monitor.story.config import CopiesConfig
from monitor.story.copies import DedupeIndex, _shared
from monitor.story.shingles import minhash_values, samples, shingle_sets
from monitor.story.tokens import NEGATIONS

STORIES = Path(__file__).parent / "data" / "stories"


def _texts() -> list[str]:
    texts = []
    for name in ("corpus.jsonl", "dev.jsonl", "holdout.jsonl"):
        for line in (STORIES / name).read_bytes().splitlines():
            text = matching_text(orjson.loads(line).get("text") or "")
            if DedupeIndex().eligible(text):
                texts.append(text)
    return texts


def _edited(text: str, rng: random.Random) -> str:
    """A light edit, as reposts do: a word dropped (never a negation: without it the report
    says the opposite), one repeated, a credit added; as the engine reads it."""
    words = text.split()
    droppable = [i for i, word in enumerate(words) if word not in NEGATIONS]
    del words[rng.choice(droppable)]
    spot = rng.randrange(len(words))
    words.insert(spot, words[spot])
    return matching_text(" ".join(words) + " المصدر: درعا")


def _datasketch_minhash(shingles: np.ndarray, config: CopiesConfig) -> MinHash:
    """datasketch's own MinHash of a set of shingles, sampled as the index samples them."""
    sample = shingles[shingles % config.sample_modulus == 0]
    minhash = MinHash(num_perm=config.num_perm, hashfunc=int)
    minhash.update_batch((sample if len(sample) else shingles[:1]).tolist())
    return minhash


def test_bands_find_the_candidates_datasketch_finds():
    index = DedupeIndex()
    config = index.config
    lsh = MinHashLSH(num_perm=config.num_perm, params=(config.bands, config.rows))
    rng = random.Random(7)
    texts = _texts()
    texts += [_edited(text, rng) for text in texts[::3] if text.count(" ") >= 7]
    assert len(texts) > 400
    for number, text in enumerate(texts):
        signature = index.signature(text)
        assert signature is not None
        # the same MinHash, rebuilt for datasketch's own index
        minhash = _datasketch_minhash(signature.shingles, config)
        key = f"p{number}"
        assert index.bands.query(signature.band_keys) == set(lsh.query(minhash))
        index.bands.insert(key, signature.band_keys)
        lsh.insert(key, minhash)
    # and after half the posts leave the window
    for number, text in enumerate(texts[: len(texts) // 2]):
        signature = index.signature(text)
        index.bands.remove(f"p{number}", signature.band_keys)
        lsh.remove(f"p{number}")
    for text in texts:
        signature = index.signature(text)
        minhash = _datasketch_minhash(signature.shingles, config)
        assert index.bands.query(signature.band_keys) == set(lsh.query(minhash))


def test_light_edits_of_arabic_reports_are_found_as_copies():
    rng = random.Random(11)
    index = DedupeIndex(CopiesConfig())
    texts = []  # the corpus's reports, without its own copies of them
    for text in _texts():
        if index.find(index.signature(text), time=0.0) is None and len(text) >= 80:
            index.add(f"p{len(texts)}", index.signature(text), time=0.0)
            texts.append(text)
    assert len(texts) >= 150
    found = 0
    for number, text in enumerate(texts):
        match = index.find(index.signature(_edited(text, rng)), time=0.0)
        found += match is not None and match.original == f"p{number}"
    assert found >= 0.95 * len(texts)


def test_shared_counts_common_values():
    rng = np.random.default_rng(3)
    for _ in range(200):
        a = np.unique(rng.integers(0, 500, size=rng.integers(0, 60)).astype(np.uint32))
        b = np.unique(rng.integers(0, 500, size=rng.integers(0, 60)).astype(np.uint32))
        assert _shared(a, b) == len(np.intersect1d(a, b, assume_unique=True))


def _odd_texts() -> list[str]:
    """Texts at the edges of the batch arithmetic: the shortest eligible, one whose shingles
    all miss the sample, letters beyond the BMP, the same text twice."""
    index = DedupeIndex()
    rng = random.Random(5)
    letters = "ابتثجحخدرزسشصطعغفقكلمنهوي "
    unsampled = None
    while unsampled is None:
        text = " ".join(["".join(rng.choices(letters, k=5)) for _ in range(6)])
        shingles = shingle_sets([text], index.config.shingle)[0]
        if index.eligible(text) and not (shingles % index.config.sample_modulus == 0).any():
            unsampled = text
    shortest = "درعا جاسم طفس نوى انخل الصنمين"
    assert index.eligible(shortest) and len(shortest) == index.config.min_chars
    return [
        shortest,
        unsampled,
        "قصف على جاسم 𝕏 ١٢ قتيلا 🔥 في ريف درعا الغربي",
        shortest,
    ]


def test_a_batch_of_texts_gets_the_signatures_each_text_gets_alone():
    texts = _texts()[:300] + _odd_texts() + ["قصير"]
    alone = [DedupeIndex().signature(text) for text in texts]
    index = DedupeIndex()
    index.prepare(texts)
    for text, expected in zip(texts, alone, strict=True):
        got = index.signature(text)
        if expected is None:
            assert got is None
            continue
        assert got.digest == expected.digest and got.numbers == expected.numbers
        assert got.shingles.tolist() == expected.shingles.tolist()
        assert got.band_keys.tolist() == expected.band_keys.tolist()


def test_shingles_are_every_window_of_the_spaced_text():
    for text in _odd_texts():
        spaced = f" {text} "
        windows = {spaced[i : i + 5] for i in range(len(spaced) - 4)}
        assert len(shingle_sets([text], 5)[0]) <= len(windows)
        together = shingle_sets(["درعا", text, "x"], 5)[1]
        assert together.tolist() == shingle_sets([text], 5)[0].tolist()


def test_minhash_values_are_datasketchs():
    config = CopiesConfig()
    minhash = MinHash(num_perm=config.num_perm, hashfunc=int)
    texts = _texts()[:200] + _odd_texts()
    sets = shingle_sets(texts, config.shingle)
    values, sizes = samples(sets, config.sample_modulus)
    rows = minhash_values(values, sizes, minhash)
    start = 0
    for row, size in zip(rows, sizes.tolist(), strict=True):
        reference = MinHash(num_perm=config.num_perm, hashfunc=int)
        reference.update_batch(values[start : start + size].tolist())
        assert row.tolist() == reference.hashvalues.tolist()
        start += size
    assert start == len(values)
