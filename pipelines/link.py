"""LinkPipeline: links each follow-up to the report it continues (`follows_up`)."""

from __future__ import annotations

from monitor.items import PostRecord
from pipelines.base import SessionPipeline


class LinkPipeline(SessionPipeline):
    """Replies, links, embeds and follow-up markers; see monitor.engine."""

    def process_item(self, item: PostRecord) -> PostRecord:
        return self.session.engine.link(item)
