"""Speed and memory of `monitor replay` at 10k and 100k posts, beside a floor measured in the
same run: read JSONL → write SQLite (one transaction) → write JSONL, nothing else.

    python benchmarks/replay_speed.py            # 10k and 100k
    python benchmarks/replay_speed.py 2000 20000 # other sizes

Each workload runs in a fresh process (its peak memory is its own). The machines are shared
and noisy: read the ratios (replay against the floor of the same run, 100k against 10k) more
than the absolute figures. The largest run also prints the cost of each 10k posts after the
first, within that one process: whether a post costs more once the store and the windows
are full, without two runs' machine speeds in the comparison. Targets (issue 3): ≥ 3,000
posts/s at 100k on one core; cost per post at 100k within 1.3× of 10k; peak memory ≤ 500 MB
at 100k.
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path

import orjson

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def floor(stream: Path, work: Path) -> None:
    db = sqlite3.connect(work / "floor.sqlite3", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE posts (url TEXT PRIMARY KEY, record BLOB)")
    db.execute("BEGIN")
    with stream.open("rb") as source, (work / "floor.jsonl").open("wb") as out:
        for line in source:
            item = orjson.loads(line)
            data = orjson.dumps(item)
            db.execute("INSERT OR REPLACE INTO posts VALUES (?, ?)", (item["url"], data))
            out.write(data + b"\n")
    db.execute("COMMIT")
    db.close()


SLICE = 10_000
# When each slice of SLICE posts was done, in the replay child (the slices' costs show whether
# a post costs more once the store and the windows are full, within one run of one machine).
marks: list[float] = []


def replay(stream: Path, work: Path) -> None:
    from monitor.collect.replay import ReplayReport, read_lines
    from monitor.collect.replay import replay as run_replay

    def progress(report: ReplayReport) -> None:
        if report.posts % SLICE == 0:
            marks.append(time.perf_counter())

    report = ReplayReport()
    with stream.open("rb") as handle:
        run_replay(read_lines(handle, report), work / "data", report, progress=progress)
    if report.invalid:
        raise SystemExit(f"{report.invalid} invalid lines: {report.problems[:3]}")


def child(kind: str, stream: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="monitor-bench-") as temp:
        started = time.perf_counter()
        {"floor": floor, "replay": replay}[kind](stream, Path(temp))
        seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # µs a post in each slice after the first (the first also pays for start-up)
    slices = [(b - a) / SLICE * 1e6 for a, b in pairwise(marks)]
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "slices": slices}))


def measure(kind: str, stream: Path, script: str = __file__) -> dict:
    """What `script --child kind stream` prints: a workload measured in a process of its own."""
    result = subprocess.run(
        [sys.executable, script, "--child", kind, str(stream)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def make_stream(size: int, directory: Path) -> Path:
    path = directory / f"stream-{size}.jsonl"
    with path.open("wb") as out:
        subprocess.run([sys.executable, str(HERE / "stream.py"), str(size)], stdout=out, check=True)
    return path


def main(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory(prefix="monitor-streams-") as temp:
        rows = []
        for size in sizes:
            stream = make_stream(size, Path(temp))
            base = measure("floor", stream)
            run = measure("replay", stream)
            rows.append((size, base, run))
            print(
                f"{size:>7} posts  floor {size / base['seconds']:>9,.0f} posts/s  "
                f"replay {size / run['seconds']:>7,.0f} posts/s  "
                f"({run['seconds'] / base['seconds']:.1f}× the floor)  "
                f"peak {run['peak_mb']:.0f} MB (floor {base['peak_mb']:.0f} MB)",
                flush=True,
            )
        if len(rows) >= 2:
            (small, _, small_run), (large, _, large_run) = rows[0], rows[-1]
            growth = (large_run["seconds"] / large) / (small_run["seconds"] / small)
            print(f"cost per post at {large:,} / at {small:,}: {growth:.2f}×")
        slices = rows[-1][2]["slices"]
        if len(slices) >= 2:
            print(
                f"µs a post in each {SLICE:,} of the {rows[-1][0]:,} after the first: "
                + " ".join(f"{cost:.0f}" for cost in slices)
                + f" (last ÷ second: {slices[-1] / slices[0]:.2f}×)"
            )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], Path(sys.argv[3]))
    else:
        parser = argparse.ArgumentParser(
            description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
        )
        parser.add_argument("sizes", type=int, nargs="*", help="stream sizes (10,000 and 100,000)")
        main(parser.parse_args().sizes or [10_000, 100_000])
