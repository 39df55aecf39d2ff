"""Follow-up links: the report each post continues (`follows_up`, `link_type`,
`link_evidence`).

Evidence, strongest first: a reply, a link to or an embed of a known post, a follow-up marker
("متابعة للخبر السابق", "تحديث", ... in `monitor/data/followup_markers.tsv`), and, with none
of these, the publisher's own earlier report in the same thread (an `update`). Targets are
originals published before the post. A post that arrives before the report it continues
waits for it and is linked when it comes, with a new revision.
"""

from __future__ import annotations

import bisect
from typing import cast

from monitor.contracts.items import LinkType, PostRecord
from monitor.normalize.urls import post_id
from monitor.story.config import LinksConfig
from monitor.story.memory import Known, Memory

ALL_PUBLISHERS = ""

# (time, arrival, post id) in time order; ties in time go by arrival: of two posts stamped
# the same minute, the one that came second is the later
Timeline = list[tuple[float, int, str]]


class Links:
    """The link stage, and what it keeps of each open thread: its posts in time order, overall
    and per publisher, and its posts that carry a marker."""

    def __init__(self, memory: Memory, config: LinksConfig):
        self.memory = memory
        self.config = config
        self.embedded: dict[str, list[str]] = {}  # page id → posts embedded in it
        self.waiting: dict[str, set[str]] = {}  # unseen post id → posts that point at it
        # thread → [(time, post id)] of its posts that carry a marker, in time order
        self.marked: dict[str, list[tuple[float, str]]] = {}
        # thread → publisher (or ALL_PUBLISHERS) → its posts there
        self.timelines: dict[str, dict[str, Timeline]] = {}

    def link(self, record: PostRecord, known: Known) -> None:
        """Link a new post to the report it continues, and the posts that waited for it."""
        target, link_type, evidence = self.find(known)
        known.follows_up, known.link_type, known.link_evidence = target, link_type, evidence
        record["follows_up"], record["link_type"], record["link_evidence"] = (
            target,
            link_type,
            evidence,
        )
        for waiter in sorted(self.waiting.pop(known.id, ())):
            self.relink(waiter)
        page = record.get("embedded_in")
        if page:
            self.embedded_in(post_id(page), known.id)

    def joined(self, known: Known) -> None:
        """A post joined its thread: place it, and look again at the posts it may precede."""
        self.place(known)
        self.relink_later(known)
        if known.marker:
            self.note_marker(known)

    def find(self, known: Known) -> tuple[str | None, LinkType | None, str | None]:
        """(target, link_type, evidence) by the first evidence that holds: a reply, a link, an
        embed, a marker (→ the publisher's latest earlier post in the thread, else anyone's),
        or none but the thread itself (→ the publisher's latest earlier post there, an
        `update`). Targets are originals, published before the post."""
        if known.duplicate_of and not known.reply_to:
            return None, None, None  # a copy repeats its original; it continues nothing
        memory = self.memory
        marker_type = cast(LinkType, known.marker.link_type) if known.marker else None
        if known.reply_to:
            target = self._earlier(known, post_id(known.reply_to))
            if target:
                return target, marker_type or "reply", f"reply to {known.reply_to}"
        linked = [t for url in known.links if (t := self._earlier(known, post_id(url)))]
        if linked:
            target = max(linked, key=lambda pid: (memory.known[pid].time, pid))
            return target, marker_type or "follow_up", f"links to {memory.known[target].url}"
        embedded = [
            t for pid in self.embedded.get(known.id, []) if (t := self._earlier(known, pid))
        ]
        if embedded:
            target = max(embedded, key=lambda pid: (memory.known[pid].time, pid))
            return target, marker_type or "follow_up", f"embeds {memory.known[target].url}"
        if not known.thread:
            return None, None, None
        timelines = self.timelines.get(known.thread, {})
        own = self._latest_in(timelines.get(known.publisher, []), known)
        if known.marker:
            target = own or self._latest_in(timelines.get(ALL_PUBLISHERS, []), known)
            if target:
                return target, marker_type, f'marker "{known.marker.text}"'
        if own and self.config.same_publisher:
            return own, "update", "same publisher, same story"
        return None, None, None

    def relink(self, post: str) -> None:
        """Work a remembered post's link out again; a change is a new revision of it."""
        known = self.memory.known.get(post)
        if known is None:
            return
        target, link_type, evidence = self.find(known)
        if (target, link_type, evidence) != (
            known.follows_up,
            known.link_type,
            known.link_evidence,
        ):
            known.follows_up, known.link_type, known.link_evidence = target, link_type, evidence
            self.memory.update(post, follows_up=target, link_type=link_type, link_evidence=evidence)

    def relink_later(self, known: Known) -> None:
        """Posts that arrived before this one but were published after it may continue it:
        marked posts of the thread, and the publisher's next post there. In the usual case
        (posts arriving in time order) none is later and nothing is looked at."""
        thread_id = known.thread or ""
        remembered = self.memory.known
        followers = self.marked.get(thread_id, [])
        later = bisect.bisect_right(followers, (known.time, "\uffff"))
        for _, member in followers[later:]:
            if member in remembered:
                self.relink(member)
        own = self.timelines.get(thread_id, {}).get(known.publisher, [])
        after = bisect.bisect_right(own, (known.time, known.arrival, "\uffff"))
        if after < len(own) and own[after][2] in remembered:
            self.relink(own[after][2])

    def place(self, known: Known) -> None:
        """Keep each thread's posts in time order, overall and per publisher."""
        timelines = self.timelines.setdefault(known.thread or "", {})
        for key in (ALL_PUBLISHERS, known.publisher):
            bisect.insort(timelines.setdefault(key, []), (known.time, known.arrival, known.id))

    def note_marker(self, known: Known) -> None:
        bisect.insort(self.marked.setdefault(known.thread or "", []), (known.time, known.id))

    def embedded_in(self, page: str, post: str) -> None:
        posts = self.embedded.setdefault(page, [])
        if post not in posts:
            posts.append(post)
            if page in self.memory.known:
                self.relink(page)

    def merge(self, into: str, gone: str) -> None:
        """Thread `gone` moved into `into`. A publisher's posts from both threads now form one
        timeline: each moved post, and the post after it there, may continue another post than
        before; and marked posts look at everyone's posts in the thread."""
        remembered = self.memory.known
        timelines = self.timelines.pop(gone, {})
        target = self.timelines.setdefault(into, {})
        moved_posts: set[str] = set()
        for key, posts in timelines.items():
            target[key] = sorted([*target.get(key, []), *posts])
            for *_, post in posts:
                moved_posts.add(post)
                if post in remembered:
                    remembered[post].thread = into
        self.marked[into] = sorted([*self.marked.get(into, []), *self.marked.pop(gone, [])])
        relink: set[str] = set()
        for key in timelines:
            if key == ALL_PUBLISHERS:
                continue
            timeline = target[key]
            for index, (*_, post) in enumerate(timeline):
                if post in moved_posts:
                    relink.add(post)
                    if index + 1 < len(timeline):
                        relink.add(timeline[index + 1][2])
        relink.update(post for _, post in self.marked[into])
        for post in sorted(relink):
            self.relink(post)

    def forget(self, post: str) -> None:
        self.embedded.pop(post, None)
        self.waiting.pop(post, None)

    def forget_thread(self, thread_id: str) -> None:
        self.marked.pop(thread_id, None)
        self.timelines.pop(thread_id, None)

    def _earlier(self, known: Known, other: str) -> str | None:
        """`other`'s original if it is known and published before `known`; else None, and
        `known` waits for it (a reply that arrived before its parent)."""
        remembered = self.memory.known
        target = remembered.get(other)
        if target is None:
            self.waiting.setdefault(other, set()).add(known.id)
            return None
        root = self.memory.root(other)
        if root not in remembered:
            root = other  # its original is older than the engine remembers
        if root == known.id or remembered[root].time > known.time:
            return None
        return root

    def _latest_in(self, timeline: Timeline, known: Known) -> str | None:
        """The latest post of `timeline` published before `known` (as its original)."""
        remembered, root = self.memory.known, self.memory.root
        index = bisect.bisect_left(timeline, (known.time, -1, ""))
        while index > 0:
            index -= 1
            other = timeline[index][2]
            if other in remembered and other != known.id and root(other) != known.id:
                return root(other)
        return None
