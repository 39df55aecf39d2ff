"""Build `tweets.jsonl.gz` from ArSarcasm-v2's tweets: each tweet a post, a minute apart.

    python3 make_sample.py DIR      # DIR holds training_data.csv and testing_data.csv

ArSarcasm-v2 (see README.md) holds 15,548 real Arabic tweets in five dialects (MSA, Egyptian,
Gulf, Levantine, Maghrebi) with their hashtags, mentions, emoji and links. They carry no time,
author or URL: each becomes a post of the source `arsarcasm` with a URL from its file and line,
one minute after the one before (15,548 minutes: eleven days, so threads open, grow and close).
No story labels: the replay shows that real social-media text of every kind goes through, and
what threads it makes. Plain python3; rerunning writes a byte-identical file.
"""

from __future__ import annotations

import csv
import gzip
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).parent
START = datetime(2021, 3, 1, tzinfo=UTC)


def main(argv: list[str]) -> None:
    if len(argv) != 1:
        sys.exit(__doc__)
    lines = []
    for name in ("training_data", "testing_data"):
        with (Path(argv[0]) / f"{name}.csv").open(encoding="utf-8") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=1):
                stamp = (START + timedelta(minutes=len(lines))).strftime("%Y-%m-%dT%H:%M:%S+00:00")
                lines.append(
                    {
                        "source": "arsarcasm",
                        "platform": "x",
                        "url": f"https://arsarcasm.example/{name}/{number}",
                        "text": row["tweet"],
                        "collected_at": stamp,
                        "dialect": row["dialect"],
                    }
                )
    data = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    (HERE / "tweets.jsonl.gz").write_bytes(gzip.compress(data.encode("utf-8"), 9, mtime=0))
    print(f"{len(lines)} tweets")


if __name__ == "__main__":
    main(sys.argv[1:])
