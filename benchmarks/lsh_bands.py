"""The cost of the near-duplicate index's bands: datasketch's `MinHashLSH` against the band
index of `monitor.story.copies` (one numpy expression for a batch's band keys, one dict), on
the same MinHashes, in the same run.

    python benchmarks/lsh_bands.py          # 20,000 posts of the synthetic stream
    python benchmarks/lsh_bands.py 50000

Each post is queried, then inserted, as the engine does. Both find the same candidates
(`tests/test_dedupe.py` checks it); this prints what each costs a post, and the ratio.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from datasketch import MinHash, MinHashLSH

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.stream import Stream
from monitor.normalize.matching import matching_text
from monitor.story.config import CopiesConfig
from monitor.story.copies import BandIndex
from monitor.story.shingles import minhash_values, samples, shingle_sets


def main(size: int) -> None:
    config = CopiesConfig()
    texts = [matching_text(item["text"]) for item in Stream(size, seed=11).items()]
    sets = shingle_sets(texts, config.shingle)
    values, sizes = samples(sets, config.sample_modulus)
    minhash = MinHash(num_perm=config.num_perm, hashfunc=int)
    hashvalues = minhash_values(values, sizes, minhash)

    ours = BandIndex(config.bands, config.rows)
    started = time.perf_counter()
    keys = ours.keys(hashvalues)
    for number, row in enumerate(keys):
        ours.query(row)
        ours.insert(str(number), row)
    ours_seconds = time.perf_counter() - started

    lsh = MinHashLSH(num_perm=config.num_perm, params=(config.bands, config.rows))
    minhashes = []
    for row in hashvalues:
        one = MinHash(num_perm=config.num_perm, hashfunc=int)
        one.hashvalues = np.asarray(row, dtype=np.uint64)
        minhashes.append(one)
    started = time.perf_counter()
    for number, one in enumerate(minhashes):
        lsh.query(one)
        lsh.insert(str(number), one)
    theirs_seconds = time.perf_counter() - started

    for label, seconds in (
        ("datasketch MinHashLSH", theirs_seconds),
        ("monitor BandIndex", ours_seconds),
    ):
        print(f"{label:<22} {seconds / size * 1e6:>8.1f} µs a post")
    print(f"MinHashLSH costs {theirs_seconds / ours_seconds:.1f}× the band index, {size:,} posts")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("size", type=int, nargs="?", default=20_000, help="posts (20,000)")
    main(parser.parse_args().size)
