"""Build the labelled real-news sample (`sample.jsonl.gz`) from the stream and `labels.json`.

    python3 make_sample.py STREAM.jsonl.gz        # cut the window, label it, write sample.jsonl.gz
    python3 make_sample.py --check                # the sample on disk agrees with labels.json
    python3 make_sample.py --retimed OUT.jsonl    # the sample with its stories squeezed together
    python3 make_sample.py --table                # one line a story: size, outlets, days, title

STREAM is news-stream-2013 (see README.md: 44,149 articles of 15 outlets' RSS feeds, 1–14 Feb
2013, one JSON object a line: outlet, feed, published, id, title, text). The window is every
article published on 5–7 Feb 2013 (10,102 of them), in publication order. Plain python3, no
dependencies; rerunning writes a byte-identical file.

Each line is a raw item (`monitor replay` reads it) plus gold labels (`monitor eval` reads them):
- `gold_thread`: the story id of a labelled article, null for the window's other articles (the
  distractors: they are replayed with the stories, and one that joins a story's thread counts
  against it); `gold_skip` true for an article only partly about a story (left out of scores).
- `gold_copy_group`: articles that are one report republished share a group id.
- `gold_duplicate_of`: the earliest article of its copy group (ties: the first in the stream).
- `gold_follows_up`, `gold_link_type`: an outlet's later article in a story continues that
  outlet's latest earlier article in it (`update`; the target's original when it is a copy); a
  copy continues nothing. These follow from the three labels above; nothing else is read.
"""

from __future__ import annotations

import gzip
import json
import sys
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).parent
SAMPLE = HERE / "sample.jsonl.gz"
LABELS = HERE / "labels.json"
WINDOW = ("2013-02-05", "2013-02-07")
CAIRO = timezone(timedelta(hours=2))  # Egypt kept no summer time in February 2013
HOST = "https://news-stream-2013.example"


def raw_item(article: dict) -> dict:
    """A stream article as a raw item: the outlet is the source (and the publisher)."""
    published = article["published"]
    collected = datetime.fromisoformat(published).replace(tzinfo=CAIRO).astimezone(UTC)
    return {
        "source": article["outlet"],
        "platform": "web",
        "url": f"{HOST}/{article['outlet']}/{article['feed']}/{article['id']}",
        "title": article["title"],
        "text": article["text"],
        "published": published,
        "timezone": "Africa/Cairo",
        "collected_at": collected.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
    }


def load_labels() -> dict:
    return json.loads(LABELS.read_text(encoding="utf-8"))


def window(stream: Path) -> list[dict]:
    with gzip.open(stream, "rt", encoding="utf-8") as handle:
        articles = [json.loads(line) for line in handle]
    low, high = WINDOW
    return [a for a in articles if low <= a["published"][:10] <= high]


def build(articles: list[dict], labels: dict) -> list[dict]:
    story_of: dict[str, str] = {}
    skipped: set[str] = set()
    group_of: dict[str, str] = {}
    for story in labels["stories"]:
        for uuid in story["members"]:
            if uuid in story_of:
                raise SystemExit(f"{uuid} is in {story_of[uuid]} and {story['id']}")
            story_of[uuid] = story["id"]
        skipped.update(story.get("mentions", []))
        for n, group in enumerate(story.get("copies", []), start=1):
            for uuid in group:
                group_of[uuid] = f"{story['id']}#{n}"
    lines = []
    for article in articles:
        line = raw_item(article)
        uuid = article["id"]
        line["gold_thread"] = story_of.get(uuid)
        if uuid in skipped and uuid not in story_of:
            line["gold_skip"] = True
        line["gold_copy_group"] = group_of.get(uuid)
        lines.append(line)
    return label(lines)


def _time(line: dict) -> datetime:
    moment = datetime.fromisoformat(line["published"])
    return moment if moment.tzinfo else moment.replace(tzinfo=CAIRO)


def label(lines: list[dict]) -> list[dict]:
    """Derive the copy and follow-up labels from stories, copy groups and times."""
    order = {line["url"]: n for n, line in enumerate(lines)}
    groups: dict[str, list[dict]] = defaultdict(list)
    for line in lines:
        if line.get("gold_copy_group"):
            groups[line["gold_copy_group"]].append(line)
    original: dict[str, str] = {}
    for members in groups.values():
        first = min(members, key=lambda m: (_time(m), order[m["url"]]))
        for member in members:
            if member is not first:
                original[member["url"]] = first["url"]
    by_story: dict[str, list[dict]] = defaultdict(list)
    for line in lines:
        line["gold_duplicate_of"] = original.get(line["url"])
        line["gold_follows_up"] = line["gold_link_type"] = None
        if line.get("gold_thread") and not line.get("gold_skip"):
            by_story[line["gold_thread"]].append(line)
    for members in by_story.values():
        for line in members:
            if line["gold_duplicate_of"]:
                continue  # a copy repeats its original; it continues nothing
            earlier = [
                m
                for m in members
                if m["source"] == line["source"] and m is not line and _time(m) < _time(line)
            ]
            if not earlier:
                continue
            latest = max(earlier, key=lambda m: (_time(m), order[m["url"]]))
            target = original.get(latest["url"], latest["url"])
            if target != line["url"]:
                line["gold_follows_up"], line["gold_link_type"] = target, "update"
    return lines


def retimed(lines: list[dict], hours: float = 3.0) -> list[dict]:
    """The sample with every story squeezed into the same `hours`, each keeping its order and
    the proportions of its gaps, and the other articles squeezed into the same hours: time
    alone then tells no story from another. Lines come out in their new time order."""
    start = min(_time(line) for line in lines)
    end = max(_time(line) for line in lines)
    span = timedelta(hours=hours)
    stories: dict[str, list[datetime]] = defaultdict(list)
    for line in lines:
        if line.get("gold_thread"):
            stories[line["gold_thread"]].append(_time(line))
    bounds = {story: (min(times), max(times)) for story, times in stories.items()}
    out = []
    for n, line in enumerate(lines):
        moment = _time(line)
        if line.get("gold_thread"):
            first, last = bounds[line["gold_thread"]]
            share = (moment - first) / (last - first) if last > first else 0.0
        else:
            share = (moment - start) / (end - start)
        new = dict(line, published=(start + share * span).isoformat(timespec="seconds"))
        new["collected_at"] = (
            datetime.fromisoformat(new["published"])
            .astimezone(UTC)
            .strftime("%Y-%m-%dT%H:%M:%S+00:00")
        )
        out.append((datetime.fromisoformat(new["published"]), n, new))
    return label([line for _, _, line in sorted(out, key=lambda item: item[:2])])


def read_sample(path: Path = SAMPLE) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def write(lines: list[dict], path: Path) -> None:
    data = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    if path.suffix == ".gz":
        # mtime 0: the same lines give the same bytes
        path.write_bytes(gzip.compress(data.encode("utf-8"), compresslevel=9, mtime=0))
    else:
        path.write_text(data, encoding="utf-8")


def check(lines: list[dict], labels: dict) -> list[str]:
    problems = []
    urls = {line["url"].rsplit("/", 1)[1]: line for line in lines}
    for story in labels["stories"]:
        for uuid in story["members"]:
            if uuid not in urls:
                problems.append(f"{story['id']}: member {uuid} is not in the sample")
            elif urls[uuid]["gold_thread"] != story["id"]:
                problems.append(f"{story['id']}: {uuid} is labelled {urls[uuid]['gold_thread']}")
    relabelled = label([dict(line) for line in lines])
    for old, new in zip(lines, relabelled, strict=True):
        for key in ("gold_duplicate_of", "gold_follows_up", "gold_link_type"):
            if old.get(key) != new.get(key):
                problems.append(f"{old['url']}: {key} {old.get(key)} != {new.get(key)}")
    return problems


def table(lines: list[dict], labels: dict) -> None:
    by_story: dict[str, list[dict]] = defaultdict(list)
    for line in lines:
        if line.get("gold_thread"):
            by_story[line["gold_thread"]].append(line)
    for story in labels["stories"]:
        members = by_story[story["id"]]
        outlets = Counter(m["source"] for m in members)
        days = sorted({m["published"][5:10] for m in members})
        copies = sum(1 for m in members if m["gold_duplicate_of"])
        updates = sum(1 for m in members if m["gold_follows_up"])
        print(
            f"{story['id']:42} {len(members):4} posts {len(outlets):2} outlets "
            f"{copies:3} copies {updates:3} own updates  {days[0]}..{days[-1]}  {story['title']}"
        )
    labelled = sum(len(v) for v in by_story.values())
    print(f"{len(by_story)} stories, {labelled} labelled articles, {len(lines)} lines in all")


def main(argv: list[str]) -> None:
    labels = load_labels()
    if argv and argv[0] == "--check":
        problems = check(read_sample(), labels)
        print("\n".join(problems) or "sample agrees with labels.json")
        sys.exit(1 if problems else 0)
    if argv and argv[0] == "--retimed":
        write(retimed(read_sample()), Path(argv[1]))
        return
    if argv and argv[0] == "--table":
        table(read_sample(), labels)
        return
    if len(argv) != 1:
        sys.exit(__doc__)
    lines = build(window(Path(argv[0])), labels)
    write(lines, SAMPLE)
    table(lines, labels)


if __name__ == "__main__":
    main(sys.argv[1:])
