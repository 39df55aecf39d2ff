import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from monitor.normalize.dates import (
    from_struct_time,
    is_date_only,
    parse_date,
    to_iso,
    x_status_time,
)

DAMASCUS = ZoneInfo("Asia/Damascus")


@pytest.fixture
def now() -> datetime:
    # Wednesday 20 December 2023, 15:00 in Damascus (UTC+3 all year since October 2022).
    return datetime(2023, 12, 20, 12, 0, tzinfo=UTC)


def iso(raw: str | None, now: datetime, **kwargs: str) -> str | None:
    found = parse_date(raw, now=now, **kwargs)
    return to_iso(found) if found else None


# Every Levantine month, with the weekday sites print and Arabic-Indic digits.
@pytest.mark.parametrize(
    ("raw", "day"),
    [
        ("الأحد ١٥ كانون الثاني ٢٠٢٣", date(2023, 1, 15)),
        ("الثلاثاء ١٤ شباط ٢٠٢٣", date(2023, 2, 14)),
        ("الثلاثاء ٢١ آذار ٢٠٢٣", date(2023, 3, 21)),
        ("الاثنين ١٧ نيسان ٢٠٢٣", date(2023, 4, 17)),
        ("الخميس ٢٥ أيار ٢٠٢٣", date(2023, 5, 25)),
        ("الخميس ٨ حزيران ٢٠٢٣", date(2023, 6, 8)),
        ("الثلاثاء ٤ تموز ٢٠٢٣", date(2023, 7, 4)),
        ("الأربعاء ٣٠ آب ٢٠٢٣", date(2023, 8, 30)),
        ("الثلاثاء ١٢ أيلول ٢٠٢٣", date(2023, 9, 12)),
        ("الخميس ١٩ تشرين الأول ٢٠٢٣", date(2023, 10, 19)),
        ("الخميس ٢٣ تشرين الثاني ٢٠٢٣", date(2023, 11, 23)),
        ("الأربعاء ٢٠ كانون الأول ٢٠٢٣", date(2023, 12, 20)),
    ],
)
def test_levantine_months_with_weekday(raw: str, day: date, now: datetime) -> None:
    assert parse_date(raw, now=now) == datetime.combine(day, datetime.min.time(), DAMASCUS)


# Spellings without hamza or madda, and Persian digits, as found in the wild.
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("25 ايار 2023", "2023-05-25T00:00:00+03:00"),
        ("21 اذار 2023", "2023-03-21T00:00:00+03:00"),
        ("12 ايلول 2023", "2023-09-12T00:00:00+03:00"),
        ("30 اب 2023", "2023-08-30T00:00:00+03:00"),
        ("19 تشرين الاول 2023", "2023-10-19T00:00:00+03:00"),
        ("20 كانون الاول 2023", "2023-12-20T00:00:00+03:00"),
        ("۲۱ آذار ۲۰۲۳", "2023-03-21T00:00:00+03:00"),
        ("كانون الثاني 2023", "2023-01-01T00:00:00+03:00"),
    ],
)
def test_levantine_variants(raw: str, expected: str, now: datetime) -> None:
    assert iso(raw, now) == expected


@pytest.mark.parametrize(
    ("raw", "month"),
    [
        ("١٥ يناير ٢٠٢٣", 1),
        ("15 فبراير 2023", 2),
        ("15 مارس 2023", 3),
        ("15 أبريل 2023", 4),
        ("15 ابريل 2023", 4),
        ("15 مايو 2023", 5),
        ("15 يونيو 2023", 6),
        ("15 يونيه 2023", 6),
        ("15 يوليو 2023", 7),
        ("15 يوليه 2023", 7),
        ("15 أغسطس 2023", 8),
        ("15 سبتمبر 2023", 9),
        ("15 أكتوبر 2023", 10),
        ("15 نوفمبر 2023", 11),
        ("الجمعة 15 ديسمبر 2023", 12),
    ],
)
def test_egyptian_months(raw: str, month: int, now: datetime) -> None:
    assert parse_date(raw, now=now) == datetime(2023, month, 15, tzinfo=DAMASCUS)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("الأربعاء، 20 كانون الأول 2023 - 10:30", "2023-12-20T10:30:00+03:00"),
        ("\u200f٢٠ كانون الأول، ٢٠٢٣ - ١٠:٣٠\u200f", "2023-12-20T10:30:00+03:00"),
        ("20 كانون الأول 2023 10:30 ص", "2023-12-20T10:30:00+03:00"),
        ("20 كانون الأول 2023 10:30 م", "2023-12-20T22:30:00+03:00"),
        ("20 كانون الأول 2023 الساعة 10:30 مساءً", "2023-12-20T22:30:00+03:00"),
        ("20 كانون الأول 2023م", "2023-12-20T00:00:00+03:00"),
        ("السبت 20 تشرين الثاني 2021 - 12:05 ص", "2021-11-20T00:05:00+02:00"),
        ("2023/12/20", "2023-12-20T00:00:00+03:00"),
        ("20-12-2023", "2023-12-20T00:00:00+03:00"),
        ("05/06/2023", "2023-06-05T00:00:00+03:00"),
        ("December 19, 2023", "2023-12-19T00:00:00+03:00"),
        ("Tue, 19 Dec 2023 08:15:00 +0200", "2023-12-19T08:15:00+02:00"),
        ("20 كانون الأول 2023 10:30 +0200", "2023-12-20T10:30:00+02:00"),
        ("30 كانون الأول", "2022-12-30T00:00:00+03:00"),
    ],
)
def test_formats(raw: str, expected: str, now: datetime) -> None:
    assert iso(raw, now) == expected


def test_source_timezone_applies_to_arabic_text(now: datetime) -> None:
    assert iso("20 كانون الأول 2023 10:30", now, timezone="Africa/Cairo") == (
        "2023-12-20T10:30:00+02:00"
    )


@pytest.mark.parametrize(
    ("raw", "back"),
    [
        ("منذ ساعة", timedelta(hours=1)),
        ("قبل ساعة", timedelta(hours=1)),
        ("منذ ساعتين", timedelta(hours=2)),
        ("منذ 3 ساعات", timedelta(hours=3)),
        ("منذ ٣ ساعات", timedelta(hours=3)),
        ("منذ ثلاث ساعات", timedelta(hours=3)),
        ("منذ دقيقة", timedelta(minutes=1)),
        ("قبل 5 دقائق", timedelta(minutes=5)),
        ("منذ يوم", timedelta(days=1)),
        ("منذ يومين", timedelta(days=2)),
        ("منذ أسبوع", timedelta(weeks=1)),
        ("منذ اسبوعين", timedelta(weeks=2)),
        ("منذ شهر", timedelta(days=30)),
        ("2 hours ago", timedelta(hours=2)),
        ("an hour ago", timedelta(hours=1)),
        ("1 month ago", timedelta(days=30)),
    ],
)
def test_relative(raw: str, back: timedelta, now: datetime) -> None:
    assert parse_date(raw, now=now) == now - back


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("اليوم", "2023-12-20T00:00:00+03:00"),
        ("اليوم الأربعاء", "2023-12-20T00:00:00+03:00"),
        ("أمس", "2023-12-19T00:00:00+03:00"),
        ("امس", "2023-12-19T00:00:00+03:00"),
        ("البارحة", "2023-12-19T00:00:00+03:00"),
        ("أول أمس", "2023-12-18T00:00:00+03:00"),
        ("أمس، 10:30 م", "2023-12-19T22:30:00+03:00"),
        ("yesterday", "2023-12-19T00:00:00+03:00"),
    ],
)
def test_day_words(raw: str, expected: str, now: datetime) -> None:
    assert iso(raw, now) == expected


def test_relative_texts_follow_now(now: datetime) -> None:
    later = now + timedelta(days=30)
    for raw in ("منذ ساعة", "أمس", "30 كانون الأول"):
        assert parse_date(raw, now=now) != parse_date(raw, now=later)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2023-12-19T10:15:00Z", "2023-12-19T10:15:00+00:00"),
        ("2023-12-19T10:15:00+02:00", "2023-12-19T10:15:00+02:00"),
        ("2023-12-19T10:15:00.123456+0300", "2023-12-19T10:15:00+03:00"),
        ("2023-12-19T10:15:00", "2023-12-19T10:15:00+03:00"),
        ("2023-12-19 10:15", "2023-12-19T10:15:00+03:00"),
        ("2023-12-19", "2023-12-19T00:00:00+03:00"),
        # Before October 2022 Syria kept winter time, UTC+2.
        ("2021-01-10T10:00:00", "2021-01-10T10:00:00+02:00"),
        ("Tue, 19 Dec 2023 08:15:00 GMT", "2023-12-19T08:15:00+00:00"),
        ("Tue, 19 Dec 2023 08:15:00", "2023-12-19T08:15:00+03:00"),
        ("Tue, 19 Dec 2023 08:15:00 +02:00", "2023-12-19T08:15:00+02:00"),
    ],
)
def test_iso_and_rfc822(raw: str, expected: str, now: datetime) -> None:
    assert iso(raw, now) == expected


def test_naive_iso_takes_the_source_timezone(now: datetime) -> None:
    assert iso("2023-12-19T10:15:00", now, timezone="Europe/Berlin") == (
        "2023-12-19T10:15:00+01:00"
    )


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "   ",
        "garbage",
        "لا يوجد تاريخ",
        "1703000000",
        "1703000000.5",
        "٢٠٢٣",
        "99:99",
        "32 كانون الأول 2023",
        "منذ 99999999999 سنة",
        "20 كانون الأول 2023 " + "ـ" * 300,
        "x" * 100_000,
        12345,
    ],
)
def test_bad_input_is_none(raw: str | None, now: datetime) -> None:
    assert parse_date(raw, now=now) is None


@pytest.mark.parametrize(
    "raw",
    ["1 كانون الثاني 2091", "2091-01-01T00:00:00Z", "2023-12-23", "1985-06-01", "منذ 40 سنة"],
)
def test_implausible_years_are_none(raw: str, now: datetime) -> None:
    assert parse_date(raw, now=now) is None


def test_tomorrow_is_tolerated(now: datetime) -> None:
    # A source whose clock or timezone is a little ahead still gets its date.
    assert iso("2023-12-21", now) == "2023-12-21T00:00:00+03:00"


def test_now_defaults_to_the_current_time() -> None:
    found = parse_date("منذ ساعة")
    assert found is not None
    assert abs(datetime.now(UTC) - timedelta(hours=1) - found) < timedelta(minutes=1)


def test_seed_tweet_date() -> None:
    # The Daraa 24 tweet quoted in seed/jasim-agreement.txt is signed "December 19, 2023".
    assert parse_date("December 19, 2023") == datetime(2023, 12, 19, tzinfo=DAMASCUS)
    assert is_date_only("December 19, 2023")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("December 19, 2023", True),
        ("19 كانون الأول 2023", True),
        ("الثلاثاء ١٩ كانون الأول ٢٠٢٣", True),
        ("2023-12-19", True),
        ("أمس", True),
        ("اليوم الأربعاء", True),
        ("2023-12-19T00:00:00Z", False),
        ("2023-12-19T10:15:00+03:00", False),
        ("Tue, 19 Dec 2023 08:15:00 +0200", False),
        ("الأربعاء، 20 كانون الأول 2023 - 10:30", False),
        ("أمس 10 صباحًا", False),
        ("منذ ساعتين", False),
        ("منذ يومين", False),
        ("garbage", False),
        ("", False),
    ],
)
def test_is_date_only(raw: str, expected: bool) -> None:
    assert is_date_only(raw) is expected


@pytest.mark.parametrize(
    ("status_id", "expected"),
    [
        # The X API docs' sample tweet, created_at "Wed Oct 10 20:19:24 +0000 2018".
        (1050118621198921728, datetime(2018, 10, 10, 20, 19, 24, 211000, tzinfo=UTC)),
        ("1050118621198921728", datetime(2018, 10, 10, 20, 19, 24, 211000, tzinfo=UTC)),
        (1737099519245131836, datetime(2023, 12, 19, 13, 16, 13, 793000, tzinfo=UTC)),
    ],
)
def test_x_status_time(status_id: int | str, expected: datetime) -> None:
    assert x_status_time(status_id) == expected


@pytest.mark.parametrize("status_id", [20, "abc", -1])
def test_x_status_time_rejects_non_snowflakes(status_id: int | str) -> None:
    with pytest.raises(ValueError):
        x_status_time(status_id)


def test_from_struct_time() -> None:
    parsed = time.struct_time((2023, 12, 19, 8, 15, 0, 1, 353, 0))
    assert from_struct_time(parsed) == datetime(2023, 12, 19, 8, 15, tzinfo=UTC)


def test_from_struct_time_leap_second() -> None:
    parsed = time.struct_time((2016, 12, 31, 23, 59, 60, 5, 366, 0))
    assert from_struct_time(parsed) == datetime(2016, 12, 31, 23, 59, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    ("dt", "expected"),
    [
        (datetime(2023, 12, 19, 10, 15, 0, 123456, tzinfo=DAMASCUS), "2023-12-19T10:15:00+03:00"),
        (datetime(2021, 1, 10, 10, 0, tzinfo=DAMASCUS), "2021-01-10T10:00:00+02:00"),
        (datetime(2023, 12, 19, 7, 15, tzinfo=UTC), "2023-12-19T07:15:00+00:00"),
    ],
)
def test_to_iso(dt: datetime, expected: str) -> None:
    assert to_iso(dt) == expected


def test_to_iso_rejects_naive() -> None:
    with pytest.raises(ValueError):
        to_iso(datetime(2023, 12, 19, 10, 15))
