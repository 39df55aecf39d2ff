"""Dates as found in pages, feeds, Telegram and X, turned into timezone-aware datetimes.

`parse_date` tries, in order: relative phrases ("منذ ساعتين", "2 hours ago", computed here
against `now`), "today"/"yesterday" words, ISO 8601, RFC 822, and only then dateparser, which
is slow (~1k dates/s) but reads Arabic with Levantine month names. Results for texts that carry
a year do not depend on `now`, so they are cached.
"""

from __future__ import annotations

import calendar
import re
import time
from datetime import UTC, datetime, timedelta, tzinfo
from datetime import timezone as FixedOffset
from email.utils import parsedate_to_datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import dateparser

from monitor.contracts.items import PostRecord

# A date field longer than this is a paragraph, not a date; dateparser's time grows with it.
MAX_LENGTH = 200
EARLIEST_YEAR = 1990
# A post dated further ahead than this is a parse error, not a clock difference.
MAX_AHEAD = timedelta(days=2)

# 'ar-SY' holds the Levantine month names (كانون الأول, شباط ...) and still reads يناير-style
# ones; languages=['ar'] misses the Levantine names and ['ar-SY', 'ar', 'en'] raises.
_LOCALES = ["ar-SY", "en"]
_X_EPOCH_MS = 1288834974657
_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Before November 2010 tweet ids were sequential (below ~3e10): their "timestamp" bits point
# into the first seconds after the X epoch, so an id that lands there carries no time.
_MIN_SNOWFLAKE_MS = 60_000

_CLEAN = str.maketrans(
    "٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹",
    "01234567890123456789",
    # Direction marks and joiners that RTL pages wrap dates in, and tatweel.
    "\u200b\u200c\u200d\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e"
    "\u2066\u2067\u2068\u2069\ufeff\u0640",
)
# For matching our own word tables only: hamza/madda alefs, taa marbuta, alef maqsura and
# short vowels vary from one site to the next ("أسبوع"/"اسبوع", "ساعة"/"ساعه").
_FOLD = str.maketrans("أإآٱةى", "ااااهي", "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652")

# Rewrites of the cleaned text before anything parses it.
_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = (
    # "2023م" / "2023 ميلادي": the Gregorian-era mark, which dateparser fails on or reads as PM.
    (re.compile(r"(?<=\d{4})\s*(?:م|ميلادي|ميلادية)(?!\w)"), ""),
)

# --- Relative dates: the vocabulary dateparser lacks or gets wrong, in one place. -------------
# dateparser returns None for "منذ ساعة", "منذ أسبوع", "منذ شهر", "اليوم الأربعاء", "أول أمس",
# and with PREFER_DAY_OF_MONTH='first' it turns "1 month ago" into the 1st of last month.
# Keys are folded (see _FOLD) when the tables are built, so write them as sites spell them.

# Words that turn a duration into a time in the past: before it (Arabic) or after it (English).
_AGO_BEFORE = frozenset({"منذ", "قبل"})
_AGO_AFTER = frozenset({"ago"})

# unit word -> (unit, the count the word itself implies: singular 1, dual 2, plural None)
_UNIT_WORDS: dict[str, tuple[str, int | None]] = {
    "ثانية": ("seconds", 1), "ثانيتين": ("seconds", 2), "ثانيتان": ("seconds", 2),
    "ثوان": ("seconds", None), "ثواني": ("seconds", None), "ثوانٍ": ("seconds", None),
    "دقيقة": ("minutes", 1), "دقيقتين": ("minutes", 2), "دقيقتان": ("minutes", 2),
    "دقائق": ("minutes", None),
    "ساعة": ("hours", 1), "ساعتين": ("hours", 2), "ساعتان": ("hours", 2),
    "ساعات": ("hours", None),
    "يوم": ("days", 1), "يومين": ("days", 2), "يومان": ("days", 2), "أيام": ("days", None),
    "أسبوع": ("weeks", 1), "أسبوعين": ("weeks", 2), "أسبوعان": ("weeks", 2),
    "أسابيع": ("weeks", None),
    "شهر": ("months", 1), "شهرين": ("months", 2), "شهران": ("months", 2),
    "أشهر": ("months", None), "شهور": ("months", None),
    "سنة": ("years", 1), "سنتين": ("years", 2), "سنتان": ("years", 2), "سنوات": ("years", None),
    "عام": ("years", 1), "عامين": ("years", 2), "عامان": ("years", 2), "أعوام": ("years", None),
    "second": ("seconds", 1), "seconds": ("seconds", None), "sec": ("seconds", 1),
    "secs": ("seconds", None), "minute": ("minutes", 1), "minutes": ("minutes", None),
    "min": ("minutes", 1), "mins": ("minutes", None), "hour": ("hours", 1),
    "hours": ("hours", None), "hr": ("hours", 1), "hrs": ("hours", None), "day": ("days", 1),
    "days": ("days", None), "week": ("weeks", 1), "weeks": ("weeks", None),
    "month": ("months", 1), "months": ("months", None), "year": ("years", 1),
    "years": ("years", None),
}  # fmt: skip

# Counts written as words ("منذ ثلاث ساعات", "an hour ago"); digits are read as they are.
_COUNT_WORDS: dict[str, int] = {
    "واحد": 1, "واحدة": 1, "اثنين": 2, "اثنتين": 2, "ثلاث": 3, "ثلاثة": 3, "أربع": 4,
    "أربعة": 4, "خمس": 5, "خمسة": 5, "ست": 6, "ستة": 6, "سبع": 7, "سبعة": 7, "ثماني": 8,
    "ثمانية": 8, "ثمان": 8, "تسع": 9, "تسعة": 9, "عشر": 10, "عشرة": 10,
    "a": 1, "an": 1, "one": 1,
}  # fmt: skip

# Words (of up to three tokens) that name a day relative to today -> days back.
_DAY_WORDS: dict[str, int] = {
    "اليوم": 0, "أمس": 1, "البارحة": 1, "أول أمس": 2, "أول من أمس": 2,
    "today": 0, "yesterday": 1,
}  # fmt: skip

# A weekday after a day word ("اليوم الأربعاء") adds nothing and stops dateparser.
_WEEKDAYS = frozenset(
    {"الأحد", "الإثنين", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت"}
    | {name.lower() for name in calendar.day_name}
)
# ---------------------------------------------------------------------------------------------

_EPOCH_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
# Searched in folded text: "10:30", "T10:30", "10 م", "10 صباحا", "الساعة 10".
_TIME_OF_DAY = re.compile(r"\d:\d\d|\d\s*(?:ص|م|صباحا|مساء|am|pm)(?!\w)|الساعه\s*\d")
# An offset written after a time: "08:15:00 +02:00", "10:30 GMT", "10:30 UTC+0300".
_OFFSET = re.compile(
    r"\d:\d\d(?::\d\d)?\s*(?P<utc>GMT|UTC)?\s*(?:(?P<sign>[+-])(?P<hh>\d\d):?(?P<mm>\d\d))?$",
    re.IGNORECASE,
)


def _fold(text: str) -> str:
    return text.translate(_FOLD).lower()


_UNITS = {_fold(word): meaning for word, meaning in _UNIT_WORDS.items()}
_COUNTS = {_fold(word): count for word, count in _COUNT_WORDS.items()}
_DAYS = {_fold(words): days_back for words, days_back in _DAY_WORDS.items()}
_WEEKDAY_NAMES = frozenset(map(_fold, _WEEKDAYS))


_PLAIN_ISO = re.compile(
    r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d{1,6})?)?(?:Z|[+-]\d\d:\d\d)?", re.ASCII
)


def parse_date(
    raw: str | None, *, timezone: str = "Asia/Damascus", now: datetime | None = None
) -> datetime | None:
    """tz-aware datetime for a date as found in a page/feed, or None when nothing parses.

    A text with an explicit offset keeps it; one without gets `timezone`. Relative texts
    ("منذ ساعتين", "أمس") count back from `now` (default: the current time; a naive `now` is
    read as UTC); "اليوم"/"أمس" alone mean midnight of that day. Dates before 1990 or more
    than two days after `now` are rejected. Never raises on bad text; an unknown `timezone`
    name raises ZoneInfoNotFoundError (a configuration error, not bad input).
    """
    zone = ZoneInfo(timezone)
    now = _aware_now(now)
    # The usual form in feeds and exports, read as the steps below would read it.
    found = _from_iso(raw, zone) if isinstance(raw, str) and _PLAIN_ISO.fullmatch(raw) else None
    if found is None:
        text = _normalize(raw)
        if text is None:
            return None
        found = _parse_normalized(text, zone, now)
    if found is None or found.year < EARLIEST_YEAR or found > now + MAX_AHEAD:
        return None
    return found


def is_date_only(raw: str) -> bool:
    """True when the text names a day but no time of day ("December 19, 2023",
    "19 كانون الأول 2023", "أمس"); False for times, durations and texts that do not parse."""
    text = _normalize(raw)
    if text is None or _TIME_OF_DAY.search(_fold(text)) or _duration(text) is not None:
        return False
    found = parse_date(raw)
    return found is not None and found.time() == datetime.min.time()


def x_status_time(status_id: int | str) -> datetime:
    """UTC creation time of an X/Twitter post, read from its snowflake id.

    Raises ValueError for an id that is not a number or predates snowflakes (November 2010).
    """
    ms = int(status_id) >> 22
    if ms < _MIN_SNOWFLAKE_MS:
        raise ValueError(f"not a snowflake id: {status_id!r}")
    return _UNIX_EPOCH + timedelta(milliseconds=ms + _X_EPOCH_MS)


def from_struct_time(value: time.struct_time) -> datetime:
    """UTC-aware datetime for feedparser's `*_parsed` structs (already converted to UTC, so
    the feed's own offset is lost: parse the raw string when it matters)."""
    # tm_sec can be 60 (leap second), which datetime refuses.
    return datetime(*value[:5], min(value.tm_sec, 59), tzinfo=UTC)


def instant(value: str | None) -> datetime | None:
    """A stored ISO 8601 time as an instant (UTC when it carries no offset), or None: stored
    times carry the offset they were published with, so they are compared as instants."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def post_instant(post: PostRecord) -> datetime | None:
    """When a post was published, else when it was collected: what a timeline sorts on."""
    return instant(post.get("published_at")) or instant(post.get("collected_at"))


def to_iso(dt: datetime) -> str:
    """ISO 8601 with offset, to the second: 2023-12-19T10:15:00+03:00.

    Raises ValueError for a naive datetime: the records promise an offset.
    """
    if dt.utcoffset() is None:
        raise ValueError(f"naive datetime has no offset: {dt!r}")
    return dt.isoformat(timespec="seconds")


def _aware_now(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    return now if now.tzinfo else now.replace(tzinfo=UTC)


def _normalize(raw: str | None) -> str | None:
    """The text with Western digits, single spaces and no direction marks; None when it
    cannot be a date (not a string, empty, too long, bare digits such as an epoch)."""
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if len(text) > MAX_LENGTH:
        return None
    text = " ".join(text.translate(_CLEAN).split())
    for pattern, replacement in _REWRITES:
        text = pattern.sub(replacement, text)
    if not text or _EPOCH_DIGITS.fullmatch(text):
        return None
    return text


def _parse_normalized(text: str, zone: ZoneInfo, now: datetime) -> datetime | None:
    duration = _duration(text)
    if duration is not None:
        return _ago(now, *duration, zone)
    text = _named_day(text, now, zone) or text
    if _YEAR.search(text):
        return _parse_absolute(text, zone)
    return _parse_text(text, zone, now)


def _duration(text: str) -> tuple[int, str] | None:
    """(count, unit) for "منذ ساعتين", "قبل 5 دقائق", "2 hours ago"; None for other texts."""
    words = _fold(text).split()
    if not 2 <= len(words) <= 3:
        return None
    if words[0] in _AGO_BEFORE:
        words = words[1:]
    elif words[-1] in _AGO_AFTER:
        words = words[:-1]
    else:
        return None
    *count_word, unit_word = words
    unit, count = _UNITS.get(unit_word, ("", None))
    if count_word:
        word = count_word[0]
        count = int(word) if word.isdigit() else _COUNTS.get(word)
    return (count, unit) if unit and count is not None else None


def _ago(now: datetime, count: int, unit: str, zone: ZoneInfo) -> datetime | None:
    try:
        if unit in ("months", "years"):
            return _months_before(now.astimezone(zone), count * (12 if unit == "years" else 1))
        return (now - timedelta(**{unit: count})).astimezone(zone)
    except (OverflowError, ValueError):
        return None


def _months_before(local: datetime, months: int) -> datetime:
    # Calendar months, keeping the day where it exists (31 March, one month back: 28/29 Feb).
    year, month0 = divmod(local.year * 12 + local.month - 1 - months, 12)
    day = min(local.day, calendar.monthrange(year, month0 + 1)[1])
    return local.replace(year=year, month=month0 + 1, day=day)


def _named_day(text: str, now: datetime, zone: ZoneInfo) -> str | None:
    """The text with its leading day word replaced by that day's date and weekday names
    dropped ("أمس 10:30 م" -> "19/12/2023 10:30 م"); None when no day word leads."""
    tokens = text.split()
    folded = [_fold(token).strip(",،-") for token in tokens]
    for size in (3, 2, 1):
        days_back = _DAYS.get(" ".join(folded[:size]))
        if days_back is not None:
            break
    else:
        return None
    day = now.astimezone(zone).date() - timedelta(days=days_back)
    rest = [t for t, f in zip(tokens[size:], folded[size:], strict=True) if f not in _WEEKDAY_NAMES]
    return " ".join([f"{day:%d/%m/%Y}", *rest])


@lru_cache(maxsize=8192)
def _parse_absolute(text: str, zone: ZoneInfo) -> datetime | None:
    # With a year in the text the result does not depend on `now`.
    return _parse_text(text, zone, None)


def _parse_text(text: str, zone: ZoneInfo, now: datetime | None) -> datetime | None:
    return _from_iso(text, zone) or _from_rfc822(text, zone) or _from_dateparser(text, zone, now)


def _from_iso(text: str, zone: ZoneInfo) -> datetime | None:
    try:
        found = datetime.fromisoformat(text)
    except ValueError:
        return None
    return found if found.tzinfo else found.replace(tzinfo=zone)


def _from_rfc822(text: str, zone: ZoneInfo) -> datetime | None:
    try:
        found = parsedate_to_datetime(text)
    except (TypeError, ValueError, OverflowError, IndexError):
        return None
    # The email parser drops a "+02:00" offset (RFC 822 has no colon) and returns naive.
    return found if found.tzinfo else found.replace(tzinfo=_explicit_offset(text) or zone)


def _from_dateparser(text: str, zone: ZoneInfo, now: datetime | None) -> datetime | None:
    settings: dict[str, object] = {
        "TIMEZONE": zone.key,
        "RETURN_AS_TIMEZONE_AWARE": True,
        # Syrian pages write 05/06/2023 for 5 June; with the 'en' locale it would be 6 May.
        "DATE_ORDER": "DMY",
        "PREFER_DAY_OF_MONTH": "first",
        # A yearless "30 كانون الأول" read in January is last December, not next.
        "PREFER_DATES_FROM": "past",
    }
    if now is not None:
        # dateparser reads a naive base as wall time in TIMEZONE; an aware one it mishandles.
        settings["RELATIVE_BASE"] = now.astimezone(zone).replace(tzinfo=None)
    try:
        found = dateparser.parse(text, locales=_LOCALES, settings=settings)
    except Exception:
        # Garbage in means None out, whatever dateparser trips over.
        return None
    # dateparser converts an offset found in the text to TIMEZONE: put the text's offset back.
    return found.astimezone(_explicit_offset(text) or zone) if found else None


def _explicit_offset(text: str) -> tzinfo | None:
    match = _OFFSET.search(text)
    if match is None:
        return None
    if match["sign"]:
        minutes = int(match["hh"]) * 60 + int(match["mm"])
        if minutes >= 24 * 60:
            return None
        return FixedOffset(timedelta(minutes=minutes if match["sign"] == "+" else -minutes))
    return UTC if match["utc"] else None
