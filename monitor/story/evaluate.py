"""`monitor eval`: replay a labelled file and score the engine against its gold labels.

A labelled line is a raw item plus `gold_thread` (a story id), `gold_duplicate_of` and
`gold_follows_up` (URLs of other posts in the file, or null). A line whose `gold_thread` is
null is a *distractor*: a post of the stream that belongs to no labelled story, kept so that
stories meet the traffic around them; it is not scored itself, but one that joins a labelled
story's thread counts against that story's precision. A line with `gold_skip` true (an
article that is partly about a labelled story) is left out of the scores altogether. Scores:
- threads: B-cubed precision, recall and F1 over the labelled posts (each post's cluster
  against its story);
- copies: precision and recall of (copy, original) pairs among labelled posts;
- follow-ups: precision and recall of (post, report it continues) pairs, and how many of the
  found pairs also have the gold link type.
"""

from __future__ import annotations

import gzip
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import orjson

from monitor.collect.replay import ReplayReport, replay
from monitor.contracts.items import RawItem
from monitor.normalize.urls import canonical_url, post_id
from monitor.store import open_store
from monitor.story.config import EngineConfig


@dataclass(frozen=True)
class Scores:
    posts: int
    thread_precision: float
    thread_recall: float
    thread_f1: float
    duplicate_precision: float
    duplicate_recall: float
    duplicate_pairs: int
    followup_precision: float
    followup_recall: float
    followup_pairs: int
    link_type_accuracy: float
    # headline pairs (`gold_pair`, `gold_stance`): a changed fact is no copy, a paraphrase is
    # one story
    stance_pairs: int = 0
    disagree_copied: float = 0.0
    agree_together: float = 1.0

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def load_labelled(path: Path) -> list[dict[str, Any]]:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return [orjson.loads(line) for line in data.splitlines() if line.strip()]


@dataclass(frozen=True)
class StoryScore:
    """How one labelled story came out: over how many threads its posts spread, how many
    other posts share its main thread, and what it costs the whole file's B-cubed scores
    (`lost_precision` + `lost_recall` are this story's share of 1 − P and 1 − R)."""

    story: str
    posts: int
    threads: int
    main_thread: str
    in_main: int
    strangers: int
    precision: float
    recall: float
    lost_precision: float
    lost_recall: float
    title: str

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Evaluation:
    scores: Scores
    mistakes: list[dict[str, Any]]
    stories: list[StoryScore]


def evaluate(
    lines: list[dict[str, Any]],
    data_dir: Path | None = None,
    config: EngineConfig | None = None,
) -> Evaluation:
    """Replay the lines into a data dir (a temporary one by default) and score the result."""
    with tempfile.TemporaryDirectory(prefix="monitor-eval-") as temp:
        target = data_dir or Path(temp)
        report = ReplayReport()
        # (a labelled line is a raw item with gold labels besides, which replay leaves alone)
        items = cast("list[RawItem]", lines)
        replay(enumerate(items, start=1), target, report, engine_config=config)
        store = open_store(target)
        try:
            predicted = {record["id"]: record for record in store.iter_posts()}
        finally:
            store.close()
    gold, skipped = _gold(lines), _skipped(lines)
    return Evaluation(
        score(lines, predicted),
        _mistakes(lines, gold, skipped, predicted),
        _story_scores(gold, skipped, predicted),
    )


def _story_scores(
    gold: dict[str, dict[str, Any]], skipped: set[str], predicted: Mapping[str, Mapping[str, Any]]
) -> list[StoryScore]:
    """Each labelled story's part in the thread scores, the costliest first: where a low F1
    comes from (a large story split into many threads, a small one inside a topic's blob)."""
    members, threads = _clusters(gold, skipped, predicted)
    labelled = sum(map(len, members.values())) or 1
    rows = []
    for story, posts in members.items():
        spread = Counter(predicted[pid]["thread_id"] for pid in posts)
        main = _most_common(spread)
        in_main = spread[main]
        precision = sum(
            spread[predicted[pid]["thread_id"]] / len(threads[predicted[pid]["thread_id"]])
            for pid in posts
        )
        recall = sum(spread[predicted[pid]["thread_id"]] / len(posts) for pid in posts)
        first = min(posts, key=lambda pid: predicted[pid].get("published_at") or "")
        rows.append(
            StoryScore(
                story=story,
                posts=len(posts),
                threads=len(spread),
                main_thread=main,
                in_main=in_main,
                strangers=len(threads[main]) - in_main,
                precision=precision / len(posts),
                recall=recall / len(posts),
                lost_precision=(len(posts) - precision) / labelled,
                lost_recall=(len(posts) - recall) / labelled,
                title=(predicted[first].get("title") or predicted[first].get("text") or "")[:80],
            )
        )
    rows.sort(key=lambda row: (-(row.lost_precision + row.lost_recall), row.story))
    return rows


def _gold(lines: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Gold labels of the labelled posts by id (a post listed twice, e.g. a feed item and an
    embed, once); distractors and skipped lines are not in it."""
    gold: dict[str, dict[str, Any]] = {}
    for line in lines:
        if line.get("gold_thread") is None or line.get("gold_skip"):
            continue
        pid = _id(line["url"])
        gold.setdefault(
            cast(str, pid),  # (a labelled line has a url)
            {
                "thread": line.get("gold_thread"),
                "duplicate_of": _id(line.get("gold_duplicate_of")),
                "follows_up": _id(line.get("gold_follows_up")),
                "link_type": line.get("gold_link_type"),
                "url": line["url"],
            },
        )
    return gold


def _id(url: str | None) -> str | None:
    return post_id(canonical_url(url)) if url else None


def _skipped(lines: Iterable[dict[str, Any]]) -> set[str]:
    return {_id(line["url"]) for line in lines if line.get("gold_skip")}  # type: ignore[misc]


def score(lines: list[dict[str, Any]], predicted: Mapping[str, Mapping[str, Any]]) -> Scores:
    gold = _gold(lines)
    ids = [pid for pid in gold if pid in predicted]
    skipped = _skipped(lines)
    # every post of the stream but the skipped ones: a distractor in a story's thread counts
    found = {pid: record["thread_id"] for pid, record in predicted.items() if pid not in skipped}
    precision, recall = _bcubed({pid: gold[pid]["thread"] for pid in ids}, found)
    gold_dups = {(pid, g["duplicate_of"]) for pid, g in gold.items() if g["duplicate_of"]}
    found_dups = {
        (pid, p["duplicate_of"])
        for pid, p in predicted.items()
        if p.get("duplicate_of") and pid in gold
    }
    gold_links = {(pid, g["follows_up"]) for pid, g in gold.items() if g["follows_up"]}
    found_links = {
        (pid, p["follows_up"])
        for pid, p in predicted.items()
        if p.get("follows_up") and pid in gold
    }
    right_links = gold_links & found_links
    typed = sum(
        1 for pid, _ in right_links if predicted[pid]["link_type"] == gold[pid]["link_type"]
    )
    pairs = _stance_pairs(lines, predicted)
    return Scores(
        **pairs,
        posts=len(ids),
        thread_precision=precision,
        thread_recall=recall,
        thread_f1=_f1(precision, recall),
        duplicate_precision=_ratio(len(gold_dups & found_dups), len(found_dups)),
        duplicate_recall=_ratio(len(gold_dups & found_dups), len(gold_dups)),
        duplicate_pairs=len(gold_dups),
        followup_precision=_ratio(len(right_links), len(found_links)),
        followup_recall=_ratio(len(right_links), len(gold_links)),
        followup_pairs=len(gold_links),
        link_type_accuracy=_ratio(typed, len(right_links)),
    )


def _stance_pairs(
    lines: list[dict[str, Any]], predicted: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    """For lines in headline pairs: the share of `disagree` pairs whose second headline was
    marked a copy of the first, and of `agree` pairs whose two headlines share a thread."""
    sides: dict[Any, list[dict[str, Any]]] = {}
    for line in lines:
        if line.get("gold_pair") is not None:
            sides.setdefault(line["gold_pair"], []).append(line)
    copied = disagree = together = agree = 0
    for first, second in (pair for pair in sides.values() if len(pair) == 2):
        a, b = predicted.get(_id(first["url"]) or ""), predicted.get(_id(second["url"]) or "")
        if a is None or b is None:
            continue
        if first.get("gold_stance") == "disagree":
            disagree += 1
            copied += b.get("duplicate_of") == a["id"] or a.get("duplicate_of") == b["id"]
        elif first.get("gold_stance") == "agree":
            agree += 1
            together += a["thread_id"] == b["thread_id"]
    return {
        "stance_pairs": disagree + agree,
        "disagree_copied": _ratio(copied, disagree) if disagree else 0.0,
        "agree_together": _ratio(together, agree),
    }


def _bcubed(gold: dict[str, Any], found: dict[str, Any]) -> tuple[float, float]:
    """B-cubed precision and recall (Bagga & Baldwin 1998), averaged over the items of `gold`;
    `found` may hold more items (distractors), which enlarge the clusters they are in."""
    by_gold: dict[Any, set[str]] = {}
    by_found: dict[Any, set[str]] = {}
    for item in gold:
        by_gold.setdefault(gold[item], set()).add(item)
    for item, cluster in found.items():
        by_found.setdefault(cluster, set()).add(item)
    precision = recall = 0.0
    for item in gold:
        same_gold, same_found = by_gold[gold[item]], by_found[found[item]]
        both = len(same_gold & same_found)
        precision += both / len(same_found)
        recall += both / len(same_gold)
    count = len(gold) or 1
    return precision / count, recall / count


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def _clusters(
    gold: dict[str, dict[str, Any]], skipped: set[str], predicted: Mapping[str, Mapping[str, Any]]
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """The stored labelled posts by story, and every stored post but the skipped ones by
    thread (distractors count in the threads they joined)."""
    stories: dict[str, list[str]] = {}
    threads: dict[str, list[str]] = {}
    for pid, g in gold.items():
        if pid in predicted:
            stories.setdefault(g["thread"], []).append(pid)
    for pid, record in predicted.items():
        if pid not in skipped:
            threads.setdefault(record["thread_id"], []).append(pid)
    return stories, threads


def _most_common(counts: Counter[Any]) -> Any:
    """The most frequent value (ties: the greatest as text, so the choice is stable)."""
    return max(counts, key=lambda value: (counts[value], str(value)))


def _mistakes(
    lines: list[dict[str, Any]],
    gold: dict[str, dict[str, Any]],
    skipped: set[str],
    predicted: Mapping[str, Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """Each wrong thread, copy or follow-up decision, with the engine's evidence for it.

    Threads: a story's posts outside the thread that holds most of them are `split`; posts
    of other stories (or distractors) in a thread that mostly holds one story are `joined`."""
    # (a line without a url is listed too, under None)
    urls: dict[str | None, str] = {pid: g["url"] for pid, g in gold.items()}
    urls.update({_id(line["url"]): line["url"] for line in lines})
    mistakes: list[dict[str, Any]] = []
    for pid, g in gold.items():
        if pid not in predicted:
            mistakes.append({"url": g["url"], "problem": "not stored"})
    mistakes += _thread_mistakes(gold, predicted, urls, skipped)
    for pid, g in gold.items():
        p = predicted.get(pid)
        if p is None:
            continue
        for field in ("duplicate_of", "follows_up"):
            if g[field] != p.get(field):
                evidence = p.get("duplicate_evidence") if field == "duplicate_of" else None
                mistakes.append(
                    {
                        "url": g["url"],
                        "field": field,
                        "gold": urls.get(g[field], g[field]),
                        "found": urls.get(p.get(field), p.get(field)),
                        "evidence": (evidence or {}).get("summary") or p.get("link_evidence"),
                    }
                )
    return mistakes


def _thread_mistakes(
    gold: dict[str, dict[str, Any]],
    predicted: Mapping[str, Mapping[str, Any]],
    urls: dict[str | None, str],
    skipped: set[str],
) -> list[dict[str, Any]]:
    stories, threads = _clusters(gold, skipped, predicted)
    story_thread = {
        story: _most_common(Counter(predicted[pid]["thread_id"] for pid in members))
        for story, members in stories.items()
    }
    mistakes = []
    for story, members in sorted(stories.items()):
        for pid in members:
            thread = predicted[pid]["thread_id"]
            if thread != story_thread[story]:
                mistakes.append(
                    _thread_mistake("split", pid, story, thread, predicted, urls)
                    | {"story_thread": story_thread[story]}
                )
    for thread, members in sorted(threads.items()):
        labelled = [gold[pid]["thread"] for pid in members if pid in gold]
        if not labelled:
            continue
        story = _most_common(Counter(labelled))
        for pid in members:
            own = gold[pid]["thread"] if pid in gold else None
            if own != story:
                mistakes.append(
                    _thread_mistake("joined", pid, own, thread, predicted, urls)
                    | {"thread_story": story}
                )
    return mistakes


def _thread_mistake(
    problem: str,
    pid: str,
    story: str | None,
    thread: str,
    predicted: Mapping[str, Mapping[str, Any]],
    urls: dict[str | None, str],
) -> dict[str, Any]:
    record = predicted[pid]
    return {
        "url": urls.get(pid, record.get("url")),
        "problem": problem,
        "story": story,
        "thread": thread,
        "title": (record.get("title") or record.get("text") or "")[:100],
        "evidence": (record.get("thread_evidence") or {}).get("summary"),
    }
