"""Speed and memory of `monitor replay` on real Arabic news articles, beside the same floor as
`replay_speed.py` (read JSONL → SQLite in one transaction → JSONL) measured in the same run.

    python benchmarks/real_speed.py STREAM.jsonl.gz            # the first 20,000 articles
    python benchmarks/real_speed.py STREAM.jsonl.gz 5000 20000 # other sizes
    python benchmarks/real_speed.py STREAM.jsonl.gz --against OTHER_CHECKOUT

STREAM is news-stream-2013 (see tests/data/stories/news-2013/README.md: 44,149 articles of 15
outlets, 1–14 Feb 2013, one JSON object a line), or any file in its format; the articles become
raw items as the labelled sample makes them. Real articles are long (a median of 850
characters, against a synthetic post's 200), so they cost more than `replay_speed.py`'s posts:
read the ratio to the floor. `--against DIR` also replays the same stream with the code of
another checkout of this repository (its `benchmarks/replay_speed.py`), in the same run, so
that two versions are compared on one machine at one time.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import sys
import tempfile
from itertools import islice
from pathlib import Path

import orjson

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.replay_speed import measure  # noqa: E402

SAMPLE_SCRIPT = HERE.parent / "tests" / "data" / "stories" / "news-2013" / "make_sample.py"


def _raw_item():  # type: ignore[no-untyped-def]
    """The labelled sample's article → raw item conversion (one definition of it)."""
    spec = importlib.util.spec_from_file_location("news_sample", SAMPLE_SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.raw_item


def make_stream(source: Path, size: int, directory: Path) -> Path:
    raw_item = _raw_item()
    path = directory / f"real-{size}.jsonl"
    opener = gzip.open if source.suffix == ".gz" else open
    with opener(source, "rb") as lines, path.open("wb") as out:
        for line in islice(lines, size):
            out.write(orjson.dumps(raw_item(orjson.loads(line))) + b"\n")
    return path


def main(source: Path, sizes: list[int], against: Path | None) -> None:
    with tempfile.TemporaryDirectory(prefix="monitor-real-") as temp:
        for size in sizes:
            stream = make_stream(source, size, Path(temp))
            base = measure("floor", stream)
            run = measure("replay", stream)
            line = (
                f"{size:>7} articles  floor {size / base['seconds']:>8,.0f} posts/s  "
                f"replay {size / run['seconds']:>6,.0f} posts/s "
                f"({run['seconds'] / base['seconds']:.1f}× the floor, "
                f"peak {run['peak_mb']:.0f} MB)"
            )
            if against is not None:
                other = measure("replay", stream, str(against / "benchmarks" / "replay_speed.py"))
                line += (
                    f"  {against.name}: {size / other['seconds']:,.0f} posts/s "
                    f"({other['seconds'] / base['seconds']:.1f}×, peak {other['peak_mb']:.0f} MB)"
                )
            print(line, flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("stream", type=Path, help="news-stream-2013's JSONL (.gz) or the like")
    parser.add_argument("sizes", type=int, nargs="*", help="articles (20,000)")
    parser.add_argument("--against", type=Path, help="another checkout to compare with")
    args = parser.parse_args()
    against = args.against.resolve() if args.against else None
    main(args.stream, args.sizes or [20_000], against)
