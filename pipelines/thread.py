"""ThreadPipeline: puts each post in a story thread (`thread_id`)."""

from __future__ import annotations

from monitor.contracts.items import PostRecord
from pipelines.base import SessionPipeline


class ThreadPipeline(SessionPipeline):
    """Words, places, hashtags, replies and time against the open threads, each decision with its
    evidence (`thread_evidence`); see monitor.story.threads."""

    def process_item(self, item: PostRecord) -> PostRecord:
        return self.session.engine.thread(item)
