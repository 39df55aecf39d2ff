"""Source health: a record of every run of every source, what the next run should do, and
the warnings an operator needs ("this source used to yield posts and now yields none").

Each run becomes a line of `export/runs.jsonl` (collection metadata for downstream tools) and
updates the source's state in the store: when it last ran and succeeded, how many times in a
row it failed, when it is next due, and the entry page's validators for a conditional GET.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from monitor import SCHEMA_VERSION
from monitor.collect.sources import Source
from monitor.contracts import stats as keys
from monitor.normalize.dates import to_iso

# A quiet source is crawled less often, down to one run in this many base intervals; a failing
# one backs off twice as fast, up to this many; neither waits more than a day.
QUIET_BACKOFF = 1.5
QUIET_MAX = 8
FAILING_BACKOFF = 2.0
FAILING_MAX = 16
LONGEST_INTERVAL = 86400.0
# How many runs in a row without posts make a source that used to yield posts suspicious.
EMPTY_RUNS_WARNING = 3


def run_record(
    source: Source, stats: Mapping[str, Any], status: str, started: datetime, ended: datetime
) -> dict[str, Any]:
    """The `runs.jsonl` line for one run of one source."""
    return {
        "schema_version": SCHEMA_VERSION,
        "run_id": uuid.uuid4().hex[:16],
        "source": source.name,
        "kind": source.kind,
        "url": source.url,
        "started_at": to_iso(started),
        "ended_at": to_iso(ended),
        "status": status,
        "requests": stats.get("downloader/request_count", 0),
        "pages": stats.get(keys.PAGES, 0),
        "posts": stats.get(keys.ITEMS, 0),
        "new_posts": stats.get(keys.NEW_POSTS, 0),
        "updated_posts": stats.get(keys.UPDATED_POSTS, 0),
        "duplicates": stats.get(keys.COPIES, 0),
        "not_modified": bool(stats.get(keys.NOT_MODIFIED)),
        "errors": stats.get(keys.ERRORS, 0),
        "dates": stats.get(keys.DATED, 0),
        "dates_unparsed": stats.get(keys.UNPARSED_DATES, 0),
        "failure": stats.get(keys.FAILED),
        "error_messages": list(stats.get(keys.ERROR_MESSAGES) or []),
        "warnings": list(stats.get(keys.WARNINGS) or []),
        "last_new_post_at": stats.get(keys.LAST_NEW_POST_AT),
        "revision": 1,
    }


def next_state(
    state: Mapping[str, Any], run: Mapping[str, Any], source: Source, stats: Mapping[str, Any]
) -> dict[str, Any]:
    """A source's state after a run: counters, the adaptive interval and the next due time."""
    new = dict(state)
    failed = run["status"] == "failed"
    ended = datetime.fromisoformat(run["ended_at"])
    new["last_run"] = run["ended_at"]
    new["last_status"] = run["status"]
    new["last_run_id"] = run["run_id"]
    new["last_new_posts"] = run["new_posts"]
    new["last_posts"] = run["posts"]
    new["last_dates"] = run["dates"]
    new["last_dates_unparsed"] = run["dates_unparsed"]
    new["last_message"] = run["failure"] or (run["warnings"][0] if run["warnings"] else None)
    new["runs"] = state.get("runs", 0) + 1
    if failed:
        new["consecutive_failures"] = state.get("consecutive_failures", 0) + 1
    else:
        new["consecutive_failures"] = 0
        new["last_success"] = run["ended_at"]
        # An interrupted run never gets here: what it skipped is fetched again next time.
        new["backfilled"] = True
        validators = stats.get(keys.VALIDATORS)
        if validators:
            new["validators"] = validators
        elif not run["not_modified"]:
            new.pop("validators", None)
    if run["posts"]:
        new["ever_yielded"] = True
        new["empty_runs"] = 0
    elif not failed and not run["not_modified"]:
        new["empty_runs"] = state.get("empty_runs", 0) + 1
    if run["last_new_post_at"]:
        new["last_new_post_at"] = run["last_new_post_at"]
    interval = adapt_interval(state.get("interval"), source.every_seconds, run)
    new["interval"] = interval
    new["next_due"] = to_iso(ended + timedelta(seconds=interval))
    return new


def adapt_interval(previous: float | None, base: float, run: Mapping[str, Any]) -> float:
    """Back to `every` when a source publishes; slower while it is quiet, faster back-off while
    it fails; within [every, a bounded multiple of every, and at most a day]."""
    current = max(previous or base, base)
    if run["status"] == "failed":
        longest = min(base * FAILING_MAX, max(LONGEST_INTERVAL, base))
        return min(current * FAILING_BACKOFF, longest)
    if run["new_posts"]:
        return base
    longest = min(base * QUIET_MAX, max(LONGEST_INTERVAL, base))
    return min(current * QUIET_BACKOFF, longest)


def went_silent(state: Mapping[str, Any]) -> bool:
    """A source that used to yield posts and has yielded none for several runs."""
    return bool(state.get("ever_yielded")) and state.get("empty_runs", 0) >= EMPTY_RUNS_WARNING


def failing(state: Mapping[str, Any]) -> bool:
    """Whether the source needs an operator: its last run failed, or it went silent."""
    return state.get("last_status") == "failed" or went_silent(state)


def warnings(state: Mapping[str, Any]) -> list[str]:
    """What an operator should look at for this source, one line each."""
    found = []
    failures = state.get("consecutive_failures", 0)
    if failures:
        times = "time" if failures == 1 else "times"
        found.append(f"failed {failures} {times} in a row: {state.get('last_message')}")
    empty = state.get("empty_runs", 0)
    if went_silent(state):
        found.append(
            f"used to yield posts but the last {empty} runs yielded none "
            "(page layout changed, blocked, or channel removed?)"
        )
    dates, unparsed = state.get("last_dates", 0), state.get("last_dates_unparsed", 0)
    if dates and unparsed >= dates:
        found.append(
            f"no date parsed in the last run ({unparsed} of {dates}): check the date format"
        )
    return found


def now() -> datetime:
    return datetime.now(UTC)
