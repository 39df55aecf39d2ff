"""The consumer's side of a run: what storing its items counted, and its record.

A run's end comes down the stream behind every item the run sent. `monitor ingest` counts,
per source, what storing those items did (new posts, copies, dates), and when the run's end
comes, records the run and the source's next state as `monitor crawl` does on one machine,
then lets the leader begin the source's next run (`release`).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from monitor.cluster import keys
from monitor.cluster.runs import RELEASE, RunEnd
from monitor.collect import health
from monitor.collect.runs import RunStats
from monitor.contracts import stats as stat_keys
from monitor.contracts.items import PostRecord
from monitor.store.records import sort_time
from monitor.store.session import Session

if TYPE_CHECKING:
    import redis

    from monitor.store.base import SaveResult

ABANDONED = "abandoned"


class RunCounts:
    """What storing each source's items did since its last run's end."""

    def __init__(self) -> None:
        self._counts: defaultdict[str, RunStats] = defaultdict(RunStats)

    def count(self, record: PostRecord, result: SaveResult) -> None:
        stats = self._counts[record["source"]]
        stats.inc_value(stat_keys.STORED[result.status])
        if record.get("duplicate_of"):
            stats.inc_value(stat_keys.COPIES)
        if record["published_raw"]:
            stats.inc_value(stat_keys.DATED)
            if record["published_at"] is None:
                stats.inc_value(stat_keys.UNPARSED_DATES)
        if result.status == "new" and record.get("published_at"):
            stats.max_value(stat_keys.LAST_NEW_POST_AT, sort_time(record))

    def take(self, source: str) -> dict[str, Any]:
        counted = self._counts.pop(source, None)
        return counted.get_stats() if counted is not None else {}


def record_run(session: Session, end: RunEnd, counted: dict[str, Any]) -> bool:
    """Record the run and the source's next state; False if it was recorded before (its
    end delivered twice)."""
    from monitor.collect.crawl import SourceReport

    store = session.store
    if store.revision_seq(end.run_id, 1, "run") is not None:
        return False
    stats = {**end.stats, **counted}
    if stats.get("finish_reason") == ABANDONED:
        stats["finish_reason"] = "shutdown"  # interrupted: due again, from the same state
        stats[stat_keys.WARNINGS] = [
            *(stats.get(stat_keys.WARNINGS) or []),
            "the run was on too long (requests lost?) and was ended by the leader",
        ]
    report = SourceReport.from_stats(end.source, stats)
    run = health.run_record(end.source, stats, report.status, end.started, end.ended)
    run["run_id"] = end.run_id
    state = store.get_source_state(end.source.name)
    if report.status == "interrupted":
        new_state = {**state, "last_run": run["ended_at"], "last_status": "interrupted"}
    else:
        new_state = health.next_state(state, run, end.source, stats)
    session.record_run(run, new_state)
    return True


def release(client: redis.Redis, ended: list[tuple[str, str]]) -> None:
    """The runs are recorded: their sources may be begun again."""
    script = client.register_script(RELEASE)
    for source, run_id in ended:
        script(keys=[keys.RUNNING], args=[source, run_id])
