"""One pass over the store's posts: what the index needs of each thread (its platforms, its
activity, the words a search looks in) and what tells whether a thread's page is stale."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from monitor.contracts.items import PostRecord
from monitor.normalize.dates import post_instant
from monitor.normalize.matching import fold
from monitor.store.base import StoreView

# What a search looks in, per thread: its title, then the distinct words of its posts' titles
# and texts, folded as the engine folds them, up to this many characters. (The index carries
# no whole texts: a store of 100k posts would make a page of hundreds of megabytes.) Every
# post's lead (its title and first words) comes before the rest of any text: in a thread of many
# long reports, the first few texts would otherwise fill it, and a later post's words (an
# English update on an Arabic story) could not be found.
SEARCH_CHARS = 2000
LEAD_WORDS = 25
_WORD = re.compile(r"\w+")
_URL = re.compile(r"https?://\S+", re.IGNORECASE)
# What decides a post's part in its thread's page: (id, revision, follows_up, duplicate_of).
PostKey = tuple[str, int, str | None, str | None]


@dataclass
class ThreadScan:
    thread_id: str
    posts: list[PostKey] = field(default_factory=list)
    moments: list[datetime] = field(default_factory=list)
    platforms: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)
    leads: WordSet = field(default_factory=lambda: WordSet())
    rest: WordSet = field(default_factory=lambda: WordSet())

    def add(self, post: PostRecord) -> None:
        self.posts.append(post_key(post))
        moment = post_instant(post)
        if moment is not None:
            self.moments.append(moment)
        self.platforms.add(post["platform"])
        self.sources.add(post["source"])
        if not post.get("duplicate_of"):  # a copy repeats its original's words
            text = f"{post.get('title') or ''} {post.get('text') or ''}"
            words = _WORD.findall(search_fold(_URL.sub(" ", text)))
            self.leads.add(words[:LEAD_WORDS])
            self.rest.add(words[LEAD_WORDS:])

    @property
    def words(self) -> list[str]:
        """The distinct words a search looks in: the posts' leads, then the rest."""
        found = WordSet()
        found.add(self.leads.words)
        found.add(self.rest.words)
        return list(found.words)


@dataclass
class WordSet:
    """Distinct words in the order they came, up to SEARCH_CHARS characters."""

    words: dict[str, None] = field(default_factory=dict)
    chars: int = 0

    def add(self, words: Iterable[str]) -> None:
        for word in words:
            if self.chars >= SEARCH_CHARS:
                return
            if word not in self.words:
                self.words[word] = None
                self.chars += len(word) + 1


@dataclass
class Scan:
    threads: dict[str, ThreadScan]
    thread_of: dict[str, str]  # post id → its thread

    def newest(self) -> datetime | None:
        return max((max(t.moments) for t in self.threads.values() if t.moments), default=None)


def scan(store: StoreView) -> Scan:
    threads: dict[str, ThreadScan] = {}
    thread_of: dict[str, str] = {}
    for post in store.iter_posts():
        thread_id = post.get("thread_id")
        if not thread_id:
            continue
        thread_of[post["id"]] = thread_id
        summary = threads.get(thread_id)
        if summary is None:
            summary = threads[thread_id] = ThreadScan(thread_id)
        summary.add(post)
    return Scan(threads, thread_of)


def post_key(post: PostRecord) -> PostKey:
    return (post["id"], post["revision"], post.get("follows_up"), post.get("duplicate_of"))


def search_fold(text: str) -> str:
    """Text as the search compares it: the engine's folding (diacritics, tatweel, alef and
    hamza forms, ى, ة, digits), then lower case. `assets/site.js` folds the query the same way."""
    return fold(text).lower()
