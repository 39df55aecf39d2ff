"""`monitor eval`: replay a labelled file and score the engine against its gold labels.

A labelled line is a raw item plus `gold_thread` (a story id), `gold_duplicate_of` and
`gold_follows_up` (URLs of other posts in the file, or null). Scores:
- threads: B-cubed precision, recall and F1 over posts (each post's cluster against its story);
- copies: precision and recall of (copy, original) pairs;
- follow-ups: precision and recall of (post, report it continues) pairs, and how many of the
  found pairs also have the gold link type.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from monitor.replay import ReplayReport, replay
from monitor.storage import open_store
from monitor.urls import canonical_url, post_id


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

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def load_labelled(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def evaluate(
    lines: list[dict[str, Any]], data_dir: Path | None = None
) -> tuple[Scores, list[dict]]:
    """Replay the lines into a data dir (a temporary one by default) and score the result."""
    with tempfile.TemporaryDirectory(prefix="monitor-eval-") as temp:
        target = data_dir or Path(temp)
        report = ReplayReport()
        replay(enumerate(lines, start=1), target, report)
        store = open_store(target)
        try:
            predicted = {record["id"]: record for record in store.iter_posts()}
        finally:
            store.close()
    return score(lines, predicted), _mistakes(lines, predicted)


def _gold(lines: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Gold labels by post id (a post listed twice, e.g. a feed item and an embed, once)."""
    gold: dict[str, dict[str, Any]] = {}
    for line in lines:
        pid = _id(line["url"])
        gold.setdefault(
            pid,
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


def score(lines: list[dict[str, Any]], predicted: dict[str, dict[str, Any]]) -> Scores:
    gold = _gold(lines)
    ids = [pid for pid in gold if pid in predicted]
    precision, recall = _bcubed(
        {pid: gold[pid]["thread"] for pid in ids}, {pid: predicted[pid]["thread_id"] for pid in ids}
    )
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
    return Scores(
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


def _bcubed(gold: dict[str, Any], found: dict[str, Any]) -> tuple[float, float]:
    """B-cubed precision and recall (Bagga & Baldwin 1998), averaged over items."""
    by_gold: dict[Any, set[str]] = {}
    by_found: dict[Any, set[str]] = {}
    for item in gold:
        by_gold.setdefault(gold[item], set()).add(item)
        by_found.setdefault(found[item], set()).add(item)
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


def _mistakes(lines: list[dict[str, Any]], predicted: dict[str, dict[str, Any]]) -> list[dict]:
    """Each wrong copy or follow-up decision, for a reader to see why."""
    gold = _gold(lines)
    urls = {pid: g["url"] for pid, g in gold.items()}
    mistakes = []
    for pid, g in gold.items():
        p = predicted.get(pid)
        if p is None:
            mistakes.append({"url": g["url"], "problem": "not stored"})
            continue
        for field in ("duplicate_of", "follows_up"):
            if g[field] != p.get(field):
                mistakes.append(
                    {
                        "url": g["url"],
                        "field": field,
                        "gold": urls.get(g[field], g[field]),
                        "found": urls.get(p.get(field), p.get(field)),
                        "evidence": p.get("link_evidence"),
                    }
                )
    return mistakes
