"""The three kinds of page, as HTML: the index of threads, a thread's timeline, and the
pointer left where a thread's page was when the thread merged into another."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from monitor.contracts.items import PostRecord, ThreadRecord
from monitor.normalize.dates import instant, post_instant
from monitor.site.activity import Activity, activity
from monitor.site.direction import Direction, direction
from monitor.site.labels import STATUS_HINT, platform_label
from monitor.site.place_names import PlaceNames
from monitor.site.render import render
from monitor.site.scan import ThreadScan, search_fold
from monitor.site.timeline import Lookup, PageOf, timeline
from monitor.site.times import When, local_date, when, zone_name

UNTITLED = "(untitled thread)"


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class ThreadRow:
    id: str
    title: str
    title_dir: Direction
    status: str
    href: str | None  # None: no page yet (a build limited by `since` or thread ids)
    post_count: int
    first: When | None
    last: When | None
    places: list[str]
    sources: list[str]
    platforms: list[tuple[str, str]]  # (code, label)
    activity: Activity


def thread_page(
    record: ThreadRecord,
    posts: Sequence[PostRecord],
    tz: ZoneInfo,
    names: PlaceNames,
    lookup: Lookup,
    page_of: PageOf,
) -> str:
    entries = timeline(posts, tz, lookup, page_of)
    moments = [m for p in posts if (m := post_instant(p)) is not None]
    title = record.get("title") or UNTITLED
    first, last = _span(record, moments, tz)
    platforms = Counter(p["platform"] for p in posts)
    return render(
        "thread.html.j2",
        root="../",
        page_title=title,
        record=record,
        title=title,
        title_dir=direction(title),
        entries=entries,
        post_count=len(posts),
        copies=sum(len(e.copies) for e in entries),
        first=first,
        last=last,
        places=[names.label(p) for p in names.named(record.get("places") or [])],
        sources=sorted({p["source"] for p in posts}),
        platforms=[(code, platform_label(code)) for code, _ in platforms.most_common()],
        activity=activity(moments, tz),
        status_hint=STATUS_HINT,
        zone=zone_name(tz),
        tz=tz.key,
    )


def index_page(
    records: Mapping[str, ThreadRecord],
    scans: Mapping[str, ThreadScan],
    tz: ZoneInfo,
    names: PlaceNames,
    has_page: Mapping[str, bool],
) -> str:
    """Every listed thread, the most recently active first, with what the filters need as
    JSON in the page (a page opened from file:// cannot fetch a file beside it)."""
    ordered = sorted(records.values(), key=_recency, reverse=True)
    rows: list[ThreadRow] = []
    data: list[dict[str, Any]] = []
    places: Counter[str] = Counter()
    sources: Counter[str] = Counter()
    platforms: Counter[str] = Counter()
    for record in ordered:
        tid = record["thread_id"]
        summary = scans[tid]
        title = record.get("title") or UNTITLED
        first, last = _span(record, summary.moments, tz)
        thread_sources = sorted(summary.sources | set(record.get("sources") or []))
        thread_platforms = sorted(summary.platforms)
        named = names.named(record.get("places") or [])
        lineage = list(dict.fromkeys(a for p in named for a in names.lineage(p)))
        places.update(lineage)
        sources.update(thread_sources)
        platforms.update(thread_platforms)
        rows.append(
            ThreadRow(
                id=tid,
                title=title,
                title_dir=direction(title),
                status=record.get("status") or "",
                href=f"threads/{tid}.html" if has_page.get(tid) else None,
                post_count=len(summary.posts),
                first=first,
                last=last,
                places=[names.label(p) for p in named],
                sources=thread_sources,
                platforms=[(code, platform_label(code)) for code in thread_platforms],
                activity=activity(summary.moments, tz),
            )
        )
        moments = sorted(summary.moments)
        data.append(
            {
                "id": tid,
                "places": lineage,
                "sources": thread_sources,
                "platforms": thread_platforms,
                "first": local_date(moments[0], tz) if moments else "",
                "last": local_date(moments[-1], tz) if moments else "",
                "text": " ".join([search_fold(title), *summary.words]),
            }
        )
    newest = max((m for s in scans.values() for m in s.moments), default=None)
    return render(
        "index.html.j2",
        root="",
        page_title="Story threads",
        rows=rows,
        data=data,
        place_options=_options(places, names.label),
        source_options=_options(sources, str),
        platform_options=_options(platforms, platform_label),
        newest=when(newest, tz) if newest else None,
        status_hint=STATUS_HINT,
        zone=zone_name(tz),
        tz=tz.key,
    )


def merged_page(thread_id: str, into: str) -> str:
    title = f"Thread {thread_id}"
    return render("merged.html.j2", root="../", page_title=title, thread_id=thread_id, into=into)


def _span(
    record: ThreadRecord, moments: Sequence[datetime], tz: ZoneInfo
) -> tuple[When | None, When | None]:
    """The thread's first and last post times: the record's, else its posts'."""
    first = instant(record.get("first_seen")) or min(moments, default=None)
    last = instant(record.get("last_seen")) or max(moments, default=None)
    return (when(first, tz) if first else None, when(last, tz) if last else None)


def _recency(record: ThreadRecord) -> tuple[float, str]:
    moment = instant(record.get("last_seen"))
    return (moment.timestamp() if moment else float("-inf"), record["thread_id"])


def _options(counts: Counter[str], label: Any) -> list[Option]:
    options = [Option(value, str(label(value)), count) for value, count in counts.items()]
    return sorted(options, key=lambda o: o.label.casefold())
