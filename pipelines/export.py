"""ExportPipeline: follows the store's committed changes into `export/posts.jsonl`."""

from __future__ import annotations

from monitor.contracts.items import PostRecord
from pipelines.base import SessionPipeline


class ExportPipeline(SessionPipeline):
    """Appends a line per new revision once the store has committed it (monitor.store.changelog)."""

    def process_item(self, item: PostRecord) -> PostRecord:
        written = self.session.export()
        if written:
            self.stats.inc_value("monitor/export/lines", written)
        return item
