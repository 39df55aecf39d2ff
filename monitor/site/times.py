"""Times as a reader of the site sees them: in one zone, named, with UTC on hover.

Stored times carry their own offsets (a Telegram post in UTC, a website in +03:00), so they
are compared as instants, never as strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# English month names whatever the machine's locale: the page chrome is English.
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class When:
    """A time as shown: `local` in the zone, named; `utc` for the title; `iso` for `datetime`."""

    local: str
    utc: str
    iso: str


def zone(name: str) -> ZoneInfo:
    """The IANA zone, or ValueError with a one-line reason."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone {name!r}") from error


def zone_name(tz: ZoneInfo) -> str:
    """The zone as a reader names it: "Damascus" for Asia/Damascus, "UTC" for UTC."""
    return tz.key.rsplit("/", 1)[-1].replace("_", " ")


def when(moment: datetime, tz: ZoneInfo) -> When:
    local = moment.astimezone(tz)
    utc = moment.astimezone(UTC)
    return When(
        local=f"{_day(local)} {local:%H:%M} ({zone_name(tz)})",
        utc=f"{utc:%Y-%m-%d %H:%M} UTC",
        iso=utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


def local_date(moment: datetime, tz: ZoneInfo) -> str:
    """The day in the zone, as an `<input type=date>` gives it: 2023-12-19."""
    return moment.astimezone(tz).strftime("%Y-%m-%d")


def short_day(moment: datetime) -> str:
    """19 Dec (the moment is already in the zone wanted)."""
    return f"{moment.day} {MONTHS[moment.month - 1]}"


def _day(moment: datetime) -> str:
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"
