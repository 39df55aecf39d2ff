"""Instructions a post costs in `monitor replay`, counted by valgrind, beside the floor of
`replay_speed.py` (read JSONL → SQLite → JSONL) counted the same way.

    python benchmarks/instructions.py            # streams of 1,000 and 2,000 posts
    python benchmarks/instructions.py 2000 4000

Seconds on the shared machines drift by a third from run to run, so a change worth a few per
cent cannot be seen in `replay_speed.py`; an instruction count is the same for the same code
and input whatever else the machine does. Each workload runs on the two stream sizes and a
post's cost is the difference divided by the difference in posts: start-up and one-time work
(imports, the gazetteer, the lexicon) cancel out. PYTHONHASHSEED is fixed, because set and
dict layouts change the count otherwise (a replayed file is committed every 500 posts, not by
the clock, so the commits are the same too). Cache misses are not counted:
confirm a gain found here with `replay_speed.py`. Needs valgrind.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from replay_speed import make_stream

HERE = Path(__file__).resolve().parent
_COLLECTED = re.compile(r"Collected : (\d+)")


def instructions(kind: str, stream: Path, work: Path) -> int:
    """Instructions the whole child process executed (valgrind's callgrind tool)."""
    result = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={work / 'callgrind.out'}",
            sys.executable,
            str(HERE / "replay_speed.py"),
            "--child",
            kind,
            str(stream),
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    found = _COLLECTED.search(result.stderr)
    if found is None:
        raise SystemExit(f"valgrind printed no instruction count: {result.stderr[-300:]}")
    return int(found.group(1))


def main(small: int, large: int) -> None:
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    if large <= small:
        raise SystemExit("the second size must be larger than the first")
    with tempfile.TemporaryDirectory(prefix="monitor-instructions-") as temp:
        work = Path(temp)
        streams = {size: make_stream(size, work) for size in (small, large)}
        per_post = {}
        for kind in ("floor", "replay"):
            counts = {size: instructions(kind, stream, work) for size, stream in streams.items()}
            per_post[kind] = (counts[large] - counts[small]) / (large - small)
            print(f"{kind:>6}: {per_post[kind]:>12,.0f} instructions a post", flush=True)
        print(f"replay ÷ floor: {per_post['replay'] / per_post['floor']:.1f}×")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("small", type=int, nargs="?", default=1_000, help="posts (1,000)")
    parser.add_argument("large", type=int, nargs="?", default=2_000, help="posts (2,000)")
    args = parser.parse_args()
    main(args.small, args.large)
