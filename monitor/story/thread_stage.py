"""The thread stage: each post joins a story thread (`thread_id`) and says why
(`thread_evidence`).

A post joins the thread of a post it must go with whatever its words (its original, its
parent, a post it links to or embeds), else the best-scoring open thread
(`monitor.story.threads`), else a thread of its own. Two open threads found to tell one
story are merged. Thread records (`take_threads`) carry a title, places, sources and status.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from monitor import SCHEMA_VERSION
from monitor.contracts.items import PostRecord, ThreadRecord
from monitor.normalize.dates import post_instant
from monitor.normalize.matching import folded, matching_text
from monitor.normalize.places import Gazetteer
from monitor.normalize.urls import post_id
from monitor.story.config import DAY, EngineConfig
from monitor.story.copy_stage import CopyStage
from monitor.story.links import Links
from monitor.story.memory import Known, Memory, epoch, iso
from monitor.story.threads import Decision, PostSignals, Score, Thread, ThreadIndex
from monitor.story.tokens import event_families, terms


class ThreadStage:
    """The thread stage, with the open threads' index, titles and merges."""

    def __init__(
        self,
        memory: Memory,
        config: EngineConfig,
        gazetteer: Gazetteer,
        copies: CopyStage,
        links: Links,
    ):
        self.memory = memory
        self.config = config
        self.gazetteer = gazetteer
        self.copies = copies
        self.links = links
        self.index = ThreadIndex(config.threads, config.memory.keep_recent)
        self.titles: dict[str, Title] = {}
        # absorbed thread → the thread its posts moved into
        self.merged: dict[str, str] = {}
        self._merged_records: dict[str, ThreadRecord] = {}
        self._dirty: set[str] = set()

    def place(self, record: PostRecord, known: Known, matching: str) -> None:
        """Put a new post in a thread, with its evidence, and merge threads that meet."""
        signals = self.signals(record, known, matching)
        index = self.index
        vector = index.vector(signals.terms)
        forced = self._hard_thread(known)
        if forced is None:
            decision = index.choose(signals, vector)
            thread_id = decision.thread_id or f"t{known.id}"
            evidence = self._score_evidence(decision, signals, vector)
        else:
            thread_id, evidence = forced
            if thread_id not in index.threads:
                self._restore(thread_id)
        index.add(thread_id, signals, vector)
        known.thread = record["thread_id"] = thread_id
        record["thread_evidence"] = evidence
        self._note_title(thread_id, record, known)
        self._dirty.add(thread_id)
        for closed in index.take_closed():
            self._dirty.add(closed)
        self.links.joined(known)
        if index.merge_due(thread_id):
            found = index.merge_candidate(thread_id)
            if found is not None:
                self._merge(thread_id, *found, record)

    def learn(self, record: PostRecord, known: Known, matching: str) -> None:
        """A stored post back in its thread (a warm start)."""
        if known.thread:
            if known.marker:
                self.links.note_marker(known)
            self.links.place(known)
            signals = self.signals(record, known, matching)
            self.index.add(known.thread, signals, self.index.vector(signals.terms))
            self._note_title(known.thread, record, known)

    def warmed_up(self) -> None:
        """What a warm start touched is not news."""
        self._dirty.clear()
        self.index.take_closed()

    def signals(self, record: PostRecord, known: Known, matching: str) -> PostSignals:
        places = record.get("places") or []
        specific = self.gazetteer.specific_areas(places)
        governorates = list(
            dict.fromkeys(
                self.gazetteer.places[p].governorate for p in places if p in self.gazetteer.places
            )
        )
        # A news report says what it is about in its title and opening; later paragraphs
        # recall earlier events ("... weeks after a roadside bomb on the Inkhil road").
        text = self.config.text
        body = terms(matching, text.body_terms)
        words = body + body[: text.lead_terms]
        title = record.get("title")
        if title and text.title_weight:
            words += terms(matching_text(title)) * text.title_weight
        hashtags = [folded(tag) for tag in record.get("hashtags") or []]
        return PostSignals(
            id=record["id"],
            time=known.time,
            source=record["source"],
            terms=words,
            places=specific,
            governorates=governorates,
            hashtags=hashtags,
            families=event_families(words),
            has_marker=known.marker is not None,
        )

    def take_threads(self) -> list[ThreadRecord]:
        """Thread records changed since the last call; closed threads are let go."""
        records = [
            self._merged_records.pop(tid)
            if tid in self._merged_records
            else self.thread_record(tid)
            for tid in sorted(self._dirty)
        ]
        self._dirty.clear()
        for record in records:
            if record["status"] == "closed":
                self.index.forget(record["thread_id"])
                self.titles.pop(record["thread_id"], None)
                self.links.forget_thread(record["thread_id"])
        return records

    def thread_record(self, thread_id: str) -> ThreadRecord:
        thread = self.index.threads.get(thread_id)
        title = self.titles.get(thread_id)
        # the stored record is read only when it is all there is to say (a long thread's
        # record is large, and every batch of posts touches hundreds of threads)
        store = self.memory.store
        stored = store.get_thread(thread_id) if thread is None or title is None else None
        if thread is None:
            return stored or cast(ThreadRecord, {"thread_id": thread_id})
        return {
            "schema_version": SCHEMA_VERSION,
            "thread_id": thread_id,
            "title": title.text if title else stored["title"] if stored else None,
            "first_seen": iso(thread.first),
            "last_seen": iso(thread.last),
            "post_count": thread.size,
            "sources": sorted(thread.sources),
            "places": [p for p, _ in thread.places.most_common(8)]
            + [g for g, _ in thread.governorates.most_common(3) if g not in thread.places],
            "hashtags": [h for h, _ in thread.hashtags.most_common(10)],
            "status": "closed" if thread.closed else "open",
            "merged_into": None,
            "revision": None,
        }

    def _merge(self, one: str, other: str, cosine: float, record: PostRecord) -> None:
        """Two open threads tell one story: the smaller (else the younger) moves into the
        other. Its posts move (a new revision each, `thread_evidence` saying so), its record
        says where they went (`status` "merged", `merged_into`), and follow-ups are worked
        out again for the publishers now in one thread."""
        index, memory = self.index, self.memory
        a, b = index.threads[one], index.threads[other]
        into, gone = (
            (one, other) if (b.size, -b.first, other) < (a.size, -a.first, one) else (other, one)
        )
        gone_record = self.thread_record(gone)
        index.absorb(into, gone)
        self.merged[gone] = into
        self._merged_records[gone] = {
            **gone_record,
            "post_count": 0,
            "status": "merged",
            "merged_into": into,
        }
        summary = f"thread {gone} merged into {into} (their centroids' cosine {cosine:.2f})"
        moved = {"kind": "merged", "from": gone, "into": into, "cosine": _round(cosine)}

        def evidence(before: dict[str, Any] | None) -> dict[str, Any]:
            return {**moved, "summary": summary, "before": (before or {}).get("summary")}

        for stored in memory.store.thread_posts(gone):
            pending = memory.pending(stored["id"]) or stored
            if pending.get("thread_id") == gone:
                memory.update(
                    stored["id"],
                    thread_id=into,
                    thread_evidence=evidence(pending.get("thread_evidence")),
                )
        if record.get("thread_id") == gone:
            record["thread_id"] = into
            record["thread_evidence"] = evidence(record.get("thread_evidence"))
        title = self.titles.pop(gone, None)
        if title is not None and (into not in self.titles or title.key < self.titles[into].key):
            self.titles[into] = title
        self._dirty.update((into, gone))
        self.links.merge(into, gone)

    def _hard_thread(self, known: Known) -> tuple[str, dict[str, Any]] | None:
        """The thread a post must join whatever its words, and why: its original's, its
        parent's, the thread of a post it links to or embeds, of a copy of it that came
        first, or of a post that already replied to it or linked to it."""
        links, remembered = self.links, self.memory.known
        related: list[tuple[str | None, str]] = [(known.duplicate_of, "copy")]
        related += [(other, "copied_by") for other in self.copies.copies.get(known.id, [])]
        related.append((known.reply_to and post_id(known.reply_to), "reply"))
        related += [(post_id(url), "link") for url in known.links]
        related += [(other, "embeds") for other in links.embedded.get(known.id, [])]
        related += [(other, "pointed_at_by") for other in sorted(links.waiting.get(known.id, ()))]
        for other, kind in related:
            if other and other in remembered and remembered[other].thread:
                thread = self._resolve(remembered[other].thread or "")
                return thread, _forced(kind, other, remembered[other].url)
        for other, kind in related:
            stored = self.memory.store.get(other) if other else None
            if other and stored and stored.get("thread_id"):
                return self._resolve(stored["thread_id"] or ""), _forced(kind, other, stored["url"])
        return None

    def _resolve(self, thread_id: str) -> str:
        """The thread a thread's posts are in now: itself, or the one it was merged into."""
        for _ in range(64):  # a chain of merges is short; a loop in bad data must not hang
            into = self.merged.get(thread_id)
            if into is None and thread_id not in self.index.threads:
                record = self.memory.store.get_thread(thread_id)
                if record and record.get("status") == "merged":
                    into = record.get("merged_into")
            if not into or into == thread_id:
                break
            thread_id = into
        return thread_id

    def _score_evidence(
        self, decision: Decision, signals: PostSignals, vector: dict[str, float]
    ) -> dict[str, Any]:
        """`thread_evidence` of a scored decision: the score with its parts, what the post
        shares with the thread, and the runner-up; or, for a new thread, the best that fell
        short."""
        best, second, threshold = decision.best, decision.runner_up, decision.threshold
        if decision.thread_id is None or best is None:
            evidence: dict[str, Any] = {"kind": "new", "threshold": _round(threshold)}
            if best is None:
                evidence["summary"] = "new thread: no open thread shares a telling term or place"
                return evidence
            evidence["best"] = self._score_parts(best, signals, vector)
            evidence["summary"] = (
                f"new thread: the best, {best.thread_id}, scored {best.total:.2f} < {threshold:.2f}"
            )
            return evidence
        evidence = {"kind": "score", "threshold": _round(threshold)}
        evidence.update(self._score_parts(best, signals, vector))
        evidence["runner_up"] = (
            {"thread_id": second.thread_id, "score": _round(second.total)} if second else None
        )
        shared = ", ".join(evidence["shared_terms"][:4]) or "no words"
        evidence["summary"] = (
            f"score {best.total:.2f} ≥ {threshold:.2f}: cosine {best.cosine:.2f} ({shared})"
            + (f", places {best.place:+.2f}" if best.place else "")
            + (f", event {best.event:+.2f}" if best.event else "")
            + (f"; runner-up {second.thread_id} {second.total:.2f}" if second else "")
        )
        return evidence

    def _score_parts(
        self, score: Score, signals: PostSignals, vector: dict[str, float]
    ) -> dict[str, Any]:
        thread = self.index.threads[score.thread_id]
        return {
            "thread_id": score.thread_id,
            "score": _round(score.total),
            "cosine": _round(score.cosine),
            "place": _round(score.place),
            "event": _round(score.event),
            "marker": _round(score.marker),
            "fade": _round(score.fade),
            "shared_terms": self.index.shared_terms(vector, score.thread_id),
            "shared_hashtags": [tag for tag in signals.hashtags if tag in thread.hashtags][:6],
            "shared_places": [
                place.removeprefix("~") for place in signals.places if place in thread.places
            ][:6],
        }

    def _restore(self, thread_id: str) -> None:
        """Bring a thread the engine no longer holds (closed, or from an earlier run) back."""
        record = self.memory.store.get_thread(thread_id)
        first = last = self.memory.clock
        thread = Thread(id=thread_id, first=first, last=last)
        if record:
            thread.size = int(record.get("post_count") or 0)
            thread.first = epoch(record.get("first_seen")) or first
            thread.last = epoch(record.get("last_seen")) or last
            thread.sources.update(record.get("sources") or [])
            thread.places.update(p for p in record.get("places") or [] if self._is_specific(p))
            thread.hashtags.update(record.get("hashtags") or [])
        self.index.restore(thread)

    def _is_specific(self, place: str) -> bool:
        return place in self.gazetteer.places and self.gazetteer.places[place].specific

    def _note_title(self, thread_id: str, record: PostRecord, known: Known) -> None:
        candidate = _title(record, known.time, self.config.threads.title_chars)
        current = self.titles.get(thread_id)
        if candidate is not None and (current is None or candidate.key < current.key):
            self.titles[thread_id] = candidate

    def now_a_copy(self, post: str) -> None:
        """A post turned out to repeat an earlier one: a thread it titled is titled again."""
        known = self.memory.known.get(post)
        thread_id = known.thread if known else None
        title = self.titles.get(thread_id) if thread_id else None
        if thread_id is None or title is None or title.post != post:
            return
        limit, memory = self.config.threads.title_chars, self.memory
        candidates = []
        for stored in memory.store.thread_posts(thread_id):
            record = memory.pending(stored["id"]) or stored
            time = memory.known[record["id"]].time if record["id"] in memory.known else None
            found = _title(record, time if time is not None else _time(record), limit)
            if found is not None and record.get("thread_id") == thread_id:
                candidates.append(found)
        if candidates:
            self.titles[thread_id] = min(candidates, key=lambda found: found.key)
        self._dirty.add(thread_id)


@dataclass(frozen=True, slots=True)
class Title:
    """A thread's title and the post that gave it. Threads are named after their first day:
    its earliest original report, a web article's headline before a post's first line on that
    day; copies only when nothing else is there."""

    key: tuple[int, int, int, float]  # (is a copy, day, 0 for a headline, time): lowest wins
    text: str
    post: str


def _title(record: PostRecord, time: float, limit: int) -> Title | None:
    if record.get("platform") == "web" and record.get("title"):
        rank, text = 0, record["title"] or ""
    else:
        rank, text = 1, (record.get("text") or record.get("title") or "").strip().split("\n")[0]
    if not text:
        return None
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    copy = 1 if record.get("duplicate_of") else 0
    return Title((copy, int(time // DAY), rank, time), text, record["id"])


def _time(record: PostRecord) -> float:
    moment = post_instant(record)
    return moment.timestamp() if moment else 0.0


# `thread_evidence` summaries of the reasons a post joins a thread whatever its words
_FORCED = {
    "copy": "copy of {}",
    "copied_by": "{}, a copy of it, came first",
    "reply": "reply to {}",
    "link": "links to {}",
    "embeds": "embeds {}",
    "pointed_at_by": "{} replies to it or links to it",
}


def _forced(kind: str, other: str, url: str) -> dict[str, Any]:
    """`thread_evidence` of a post that joins a thread whatever its words."""
    return {"kind": kind, "post": other, "summary": _FORCED[kind].format(url)}


def _round(value: float) -> float:
    return round(value, 3)
