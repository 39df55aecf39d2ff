"""StoryPipeline: each post through the story engine into the store and the change logs."""

from __future__ import annotations

from monitor.contracts import stats as keys
from monitor.contracts.items import PostRecord
from monitor.store.records import sort_time
from pipelines.base import SessionPipeline, run_stats


class StoryPipeline(SessionPipeline):
    """Copies (`duplicate_of`), story threads (`thread_id`) and follow-up links
    (`follows_up`), each with its evidence (see monitor.story.engine); then the post is kept
    once in the store, with the earlier posts the engine changed, and every committed revision
    goes to `export/posts.jsonl` and `export/threads.jsonl`. A post seen again is stored again
    only if it changed (a new revision)."""

    def process_item(self, item: PostRecord) -> PostRecord:
        result = self.session.ingest(item)
        record = result.record
        stats = run_stats(self.crawler, item)
        if stats is None:
            return record
        if item.get("duplicate_of"):
            stats.inc_value(keys.COPIES)
        stats.inc_value(keys.STORED[result.status])
        if result.status == "new" and item.get("published_at"):
            stats.max_value(keys.LAST_NEW_POST_AT, sort_time(item))
        return record
