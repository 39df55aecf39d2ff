"""How much of `monitor replay`'s cost per post is the thread stage, and how much the thread
stage may cost for the replay to reach a rate: the replay as it is, beside the same replay
with the thread stage replaced by "every post its own thread" (nothing scored, nothing
indexed, no thread records), beside the floor of `replay_speed.py`, all in one run.

    python benchmarks/thread_share.py            # 100k posts
    python benchmarks/thread_share.py 10000 3000 # size, target posts/s

Everything but the thread stage runs as in a real replay: normalise, copies, follow-up links
by replies and links, the store and the change log. The replacement exists only in this
script's child process; it measures, it is not a mode of the engine.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

# (importing replay_speed puts the project on the path)
import replay_speed
from replay_speed import make_stream, measure


def one_thread_a_post(self, record, known, matching):  # type: ignore[no-untyped-def]
    """`ThreadStage.place` without its work: the post opens a thread of its own."""
    known.thread = record["thread_id"] = f"t{known.id}"


def child(kind: str, stream: Path) -> None:
    """`replay_speed.py`'s child, with "no-threads": the replay without the thread stage."""
    if kind == "no-threads":
        from monitor.story.thread_stage import ThreadStage

        ThreadStage.place = one_thread_a_post
        kind = "replay"
    replay_speed.child(kind, stream)


def main(size: int, target: float) -> None:
    with tempfile.TemporaryDirectory(prefix="monitor-streams-") as temp:
        stream = make_stream(size, Path(temp))
        seconds = {
            kind: measure(kind, stream, __file__)["seconds"]
            for kind in ("floor", "replay", "no-threads")
        }
    cost = {kind: value / size * 1e6 for kind, value in seconds.items()}
    for kind, label in (
        ("floor", "floor (JSONL → SQLite → JSONL)"),
        ("replay", "monitor replay"),
        ("no-threads", "replay, each post its own thread"),
    ):
        print(f"{label:<34} {size / seconds[kind]:>9,.0f} posts/s  {cost[kind]:>7.1f} µs a post")
    stage = cost["replay"] - cost["no-threads"]
    budget = 1e6 / target - cost["no-threads"]
    print(
        f"the thread stage: {stage:.0f} µs a post, {stage / cost['replay']:.0%} of the replay; "
        f"for {target:,.0f} posts/s it may cost {budget:.0f} µs "
        f"({budget / stage:.2f}× what it costs now)"
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], Path(sys.argv[3]))
    else:
        parser = argparse.ArgumentParser(
            description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
        )
        parser.add_argument("size", type=int, nargs="?", default=100_000, help="posts (100,000)")
        parser.add_argument("target", type=float, nargs="?", default=3000.0, help="posts/s")
        args = parser.parse_args()
        main(args.size, args.target)
