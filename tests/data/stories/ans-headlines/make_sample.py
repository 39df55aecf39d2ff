"""Build `sample.jsonl.gz` from ANS's stance pairs: each headline pair as two posts, far apart in
time from every other pair.

    python3 make_sample.py DIR        # DIR holds stance-train.csv, stance-dev.csv, stance-test.csv

ANS (see README.md) pairs a real Arabic news headline (s1) with an annotator's rewrite (s2):
`agree`, a paraphrase of the same claim; `disagree`, the same words with a changed fact (another
place, a number, a negation); `other`. Every `agree` and `disagree` pair of the three files is
kept, in file order (train, dev, test). A pair's two posts are ten minutes apart, and each pair
eight days after the one before, so no pair meets another in the engine's windows (three days
for copies, seven for threads). Plain python3; rerunning writes a byte-identical file.

Lines are raw items plus `gold_pair` (the pair's number) and `gold_stance`; `monitor eval`
reports the share of `disagree` pairs marked a copy and of `agree` pairs put in one thread.
"""

from __future__ import annotations

import csv
import gzip
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).parent
FILES = ("stance-train.csv", "stance-dev.csv", "stance-test.csv")
START = datetime(1995, 1, 1, 8, 0, tzinfo=UTC)
HOST = "https://ans-headlines.example"


def main(argv: list[str]) -> None:
    if len(argv) != 1:
        sys.exit(__doc__)
    lines = []
    pair = 0
    for name in FILES:
        with (Path(argv[0]) / name).open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if row["stance"] not in ("agree", "disagree"):
                    continue
                pair += 1
                moment = START + timedelta(days=8 * pair)
                for side, text in (("s1", row["s1"]), ("s2", row["s2"])):
                    stamp = moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")
                    lines.append(
                        {
                            "source": "ans-" + side,
                            "platform": "web",
                            "url": f"{HOST}/{name.split('.')[0]}/{pair}/{side}",
                            "text": text,
                            "collected_at": stamp,
                            "gold_pair": pair,
                            "gold_stance": row["stance"],
                        }
                    )
                    moment += timedelta(minutes=10)
    data = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    # mtime 0: the same lines give the same bytes
    (HERE / "sample.jsonl.gz").write_bytes(gzip.compress(data.encode("utf-8"), 9, mtime=0))
    print(f"{pair} pairs, {len(lines)} lines")


if __name__ == "__main__":
    main(sys.argv[1:])
