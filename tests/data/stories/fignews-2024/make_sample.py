"""Build the labelled FIGNEWS sample (`sample.jsonl`) from the posts file and `labels.json`.

    python3 make_sample.py arabic-posts.tsv     # write sample.jsonl (and check the labels)
    python3 make_sample.py --check              # the sample on disk agrees with labels.json

arabic-posts.tsv is FIGNEWS-2024's Arabic posts (see README.md): a header line `batch id text`,
then 297 real posts by news outlets on social media about the 2023-24 Gaza war. The posts carry
no time, no outlet and no URL; the sample gives each a URL from its id and a time ten minutes
after the one before, in the file's order (so 297 posts span two days and time tells no story
from another), and one source for all. Plain python3, no dependencies; rerunning writes a
byte-identical file.

Each line is a raw item plus `gold_thread` (every post is in a story; a post nobody else reports
is a story of its own) and `gold_duplicate_of` (the earlier post of a pair marked as the same
text republished). No follow-up labels: the posts do not say who published them.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).parent
SAMPLE = HERE / "sample.jsonl"
LABELS = HERE / "labels.json"
START = datetime(2024, 1, 1, 8, 0, tzinfo=UTC)
HOST = "https://fignews-2024.example/posts"


def read_posts(path: Path) -> list[tuple[str, int, str]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if number == 0 or not line.strip():
            continue
        batch, post, text = line.split("\t", 2)
        rows.append((batch, int(post), text))
    return rows


def build(rows: list[tuple[str, int, str]], labels: dict) -> list[dict]:
    story_of: dict[int, str] = {}
    original: dict[int, int] = {}
    for story in labels["stories"]:
        for post in story["members"]:
            if post in story_of:
                raise SystemExit(f"post {post} is in {story_of[post]} and {story['id']}")
            story_of[post] = story["id"]
    for post in labels["singletons"]:
        if post in story_of:
            raise SystemExit(f"post {post} is a singleton and in {story_of[post]}")
        story_of[post] = f"single-{post}"
    order = {post: n for n, (_, post, _) in enumerate(rows)}
    for story in labels["stories"]:
        for group in story.get("copies", []):
            first = min(group, key=order.__getitem__)
            for post in group:
                if post != first:
                    original[post] = first
    missing = [post for _, post, _ in rows if post not in story_of]
    if missing:
        raise SystemExit(f"posts without a story: {missing}")
    lines = []
    for n, (batch, post, text) in enumerate(rows):
        moment = START + timedelta(minutes=10 * n)
        stamp = moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")
        lines.append(
            {
                "source": "fignews",
                "platform": "x",
                "url": f"{HOST}/{post}",
                "text": text,
                "published": stamp,
                "collected_at": stamp,
                "batch": batch,
                "gold_thread": story_of[post],
                "gold_duplicate_of": f"{HOST}/{original[post]}" if post in original else None,
                "gold_follows_up": None,
                "gold_link_type": None,
            }
        )
    return lines


def main(argv: list[str]) -> None:
    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    if argv and argv[0] == "--check":
        on_disk = SAMPLE.read_text(encoding="utf-8")
        rows = [
            (line["batch"], int(line["url"].rsplit("/", 1)[1]), line["text"])
            for line in map(json.loads, on_disk.splitlines())
        ]
        again = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in build(rows, labels))
        print(
            "sample agrees with labels.json"
            if again == on_disk
            else "sample differs from labels.json"
        )
        sys.exit(0 if again == on_disk else 1)
    if len(argv) != 1:
        sys.exit(__doc__)
    lines = build(read_posts(Path(argv[0])), labels)
    SAMPLE.write_text(
        "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8"
    )
    stories = {line["gold_thread"] for line in lines}
    multi = sum(1 for s in labels["stories"])
    print(f"{len(lines)} posts, {len(stories)} stories ({multi} of two posts or more)")


if __name__ == "__main__":
    main(sys.argv[1:])
