"""The copy stage: which earlier post a post repeats (`duplicate_of`, `duplicate_evidence`).

`duplicate_of` is always the earliest post with the content: a Telegram forward, or the same
or nearly the same matching text within the time window (`monitor.story.copies` finds them).
A post found to be older than the original its copies point at becomes their original.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from monitor.contracts.items import PostRecord
from monitor.normalize.urls import post_id
from monitor.story.config import CopiesConfig
from monitor.story.copies import DedupeIndex, Match, Signature
from monitor.story.memory import Known, Memory, earlier


class CopyStage:
    """The copy stage, with the window of recent posts' signatures and each original's
    copies."""

    def __init__(
        self,
        memory: Memory,
        config: CopiesConfig,
        keep_recent: int,
        matching_text_of: Callable[[str], str | None],
        relink: Callable[[str], None],
        now_a_copy: Callable[[str], None],
    ):
        self.memory = memory
        self.index = DedupeIndex(config, keep_recent, matching_text_of)
        self.copies: dict[str, list[str]] = {}  # original id → its copies
        # a post that stops being an original continues nothing itself: its link is redone
        self._relink = relink
        # and a thread it titled is titled again
        self._now_a_copy = now_a_copy

    def mark(self, record: PostRecord, known: Known, matching: str) -> None:
        """Mark a new post that copies an earlier one, and add it to the window."""
        signature = self.index.signature(matching)
        found = self._copy_of(record, known, signature)
        if found is not None:
            original, matched, match = found
            # (an original older than the engine's memory is no longer known: it is older)
            root = self.memory.known.get(original)
            if root is not None and earlier(known, root):
                # The "original" was published later: this post is the original of them all.
                self._promote(known.id, original, match)
            else:
                known.duplicate_of = record["duplicate_of"] = original
                record["duplicate_evidence"] = self.evidence(matched, match)
                if root is not None:
                    self.copies.setdefault(original, []).append(known.id)
        self.index.add(known.id, signature, known.time)

    def learn(self, known: Known, matching: str) -> None:
        """A stored post back in the window (a warm start)."""
        if known.duplicate_of:
            self.copies.setdefault(known.duplicate_of, []).append(known.id)
        self.index.add(known.id, self.index.signature(matching), known.time)

    def evidence(self, matched: str, match: Match | None) -> dict[str, Any]:
        """`duplicate_evidence`: how the post was found to repeat `matched`."""
        url = self.memory.known[matched].url
        if match is None:
            return {"kind": "forward", "matched": matched, "summary": f"forward of {url}"}
        evidence: dict[str, Any] = {"kind": match.kind, "matched": matched}
        if match.kind == "exact":
            evidence["summary"] = f"same text as {url}"
        elif match.kind == "near":
            evidence["jaccard"] = round(match.similarity, 3)
            evidence["summary"] = f"near-duplicate of {url} (Jaccard {match.similarity:.2f})"
        else:
            evidence["containment"] = round(match.similarity, 3)
            evidence["summary"] = f"{match.similarity:.0%} of its text is in {url}"
        return evidence

    def forget(self, post: str) -> None:
        self.copies.pop(post, None)

    def _copy_of(
        self, record: PostRecord, known: Known, signature: Signature | None
    ) -> tuple[str, str, Match | None] | None:
        """The original this post copies, the post it was found to repeat, and how (no match:
        a Telegram forward of that post), or None."""
        remembered = self.memory.known
        forwarded = record.get("forwarded_from")
        if forwarded and post_id(forwarded) in remembered:
            source = post_id(forwarded)
            return self.memory.root(source), source, None
        match = self.index.find(signature, known.time)
        if match is None or match.original not in remembered:
            return None
        return self.memory.root(match.original), match.original, match

    def _promote(self, new_original: str, old_original: str, match: Match | None) -> None:
        """`new_original` predates the post its copies pointed at: they all point at it now.
        The old original repeats it as the new post was found to repeat the old one."""
        group = [old_original, *self.copies.pop(old_original, [])]
        self.copies[new_original] = group
        mirrored = self.evidence(new_original, match)
        memory = self.memory
        for member in group:
            if member in memory.known:
                memory.known[member].duplicate_of = new_original
            if member != old_original:
                memory.update(member, duplicate_of=new_original)
                continue
            memory.update(member, duplicate_of=new_original, duplicate_evidence=mirrored)
            # The old original repeated the new one; it no longer continues anything itself.
            self._relink(member)
            self._now_a_copy(member)
