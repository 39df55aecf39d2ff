"""DedupePipeline: marks copies of earlier posts (`duplicate_of`), across channels."""

from __future__ import annotations

from monitor.contracts.items import PostRecord
from pipelines.base import SessionPipeline


class DedupePipeline(SessionPipeline):
    """Exact and near-duplicate matching text within a time window; see monitor.story.copies."""

    def process_item(self, item: PostRecord) -> PostRecord:
        record = self.session.engine.dedupe(item)
        if record.get("duplicate_of"):
            self.stats.inc_value("monitor/dedupe/copies")
        return record
