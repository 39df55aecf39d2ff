"""A thread's activity as a small bar chart: posts per hour for a story told within two days,
per day for longer ones, per week beyond four months (so a bar stays wide enough to see)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from monitor.site.times import short_day

HOURLY_UNDER = timedelta(days=2)
WEEKLY_FROM = 120  # days
WIDTH = 120.0  # the chart's coordinate width; CSS scales it
HEIGHT = 24.0


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # what a reader sees on hover: "19 Dec: 5 posts"


@dataclass(frozen=True)
class Activity:
    unit: str  # "hour", "day" or "week"
    bars: tuple[Bar, ...]
    width: float = WIDTH
    height: float = HEIGHT

    @property
    def summary(self) -> str:
        busiest = max((bar for bar in self.bars), key=lambda b: b.height, default=None)
        return f"posts per {self.unit}" + (f"; busiest {busiest.label}" if busiest else "")


def activity(moments: Iterable[datetime], tz: ZoneInfo) -> Activity:
    """Bars for every unit from the first post to the last, empty ones included."""
    local = sorted(moment.astimezone(tz) for moment in moments)
    if not local:
        return Activity("day", ())
    span = local[-1] - local[0]
    unit = "hour" if span < HOURLY_UNDER else "day" if span.days < WEEKLY_FROM else "week"
    counts = Counter(_bucket(moment, unit) for moment in local)
    start, end = _bucket(local[0], unit), _bucket(local[-1], unit)
    buckets = []
    current = start
    while current <= end:
        buckets.append(current)
        current = _next(current, unit)
    most = max(counts.values())
    width = WIDTH / len(buckets)
    gap = width * 0.15 if width > 2 else 0.0
    bars = []
    for index, bucket in enumerate(buckets):
        count = counts.get(bucket, 0)
        height = HEIGHT * count / most if count else 0.0
        plural = "post" if count == 1 else "posts"
        bars.append(
            Bar(
                x=round(index * width, 2),
                y=round(HEIGHT - height, 2),
                width=round(width - gap, 2),
                height=round(height, 2),
                label=f"{_label(bucket, unit)}: {count} {plural}",
            )
        )
    return Activity(unit, tuple(bars))


def _bucket(moment: datetime, unit: str) -> datetime:
    # Naive local wall time: buckets are the reader's days and hours, and stepping through
    # them must not cross a change of offset.
    start = moment.replace(minute=0, second=0, microsecond=0, tzinfo=None)
    if unit == "hour":
        return start
    day = start.replace(hour=0)
    return day - timedelta(days=day.weekday()) if unit == "week" else day


def _next(bucket: datetime, unit: str) -> datetime:
    step = {"hour": timedelta(hours=1), "day": timedelta(days=1), "week": timedelta(weeks=1)}
    return bucket + step[unit]


def _label(bucket: datetime, unit: str) -> str:
    if unit == "hour":
        return f"{short_day(bucket)} {bucket:%H}:00"
    return ("week of " if unit == "week" else "") + short_day(bucket)
