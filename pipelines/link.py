"""LinkPipeline: links each follow-up to the report it continues (`follows_up`)."""

from __future__ import annotations

from monitor.contracts.items import PostRecord
from pipelines.base import SessionPipeline


class LinkPipeline(SessionPipeline):
    """Replies, links, embeds, follow-up markers, and a publisher's own earlier post in the
    thread; see monitor.story.engine."""

    def process_item(self, item: PostRecord) -> PostRecord:
        return self.session.engine.link(item)
