"""Named deadline cases on the demo calendar (Mon-Fri 09:00-18:00, Istanbul).

Expected values are worked out by hand from the holiday dates that
``holidays`` 0.108 lists for TR (see test_turkish_holidays.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from memnun.servicelevels.calendar import BusinessCalendar
from memnun.servicelevels.clock import (
    add_business_minutes,
    business_minutes_between,
    business_seconds_between,
    is_open,
    next_opening,
)
from memnun.servicelevels.turkish_holidays import calendar_with_turkish_holidays

IST = ZoneInfo("Europe/Istanbul")
SIX_HOURS = 360
DEMO = calendar_with_turkish_holidays(years=range(2025, 2029))


def ist(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=IST)


CASES = [
    # Fax on Friday evening: the clock starts Monday 09:00.
    ("fax friday evening", ist(2026, 11, 20, 20), ist(2026, 11, 23, 15)),
    ("friday afternoon", ist(2026, 11, 20, 15), ist(2026, 11, 23, 12)),
    ("ends exactly at close", ist(2026, 11, 20, 12), ist(2026, 11, 20, 18)),
    ("saturday", ist(2026, 11, 21, 10, 30), ist(2026, 11, 23, 15)),
    ("sunday", ist(2026, 11, 22, 23, 59), ist(2026, 11, 23, 15)),
    ("exactly at closing", ist(2026, 11, 19, 18), ist(2026, 11, 20, 15)),
    ("exactly at opening", ist(2026, 11, 19, 9), ist(2026, 11, 19, 15)),
    # 28 Ekim half day (closes 13:00), 29 Ekim Cumhuriyet Bayramı closed.
    ("28 ekim 10:00", ist(2026, 10, 28, 10), ist(2026, 10, 30, 12)),
    ("28 ekim 07:00", ist(2026, 10, 28, 7), ist(2026, 10, 30, 11)),
    ("28 ekim after 13:00", ist(2026, 10, 28, 14), ist(2026, 10, 30, 15)),
    # Ramazan Bayramı 2026: arife Thu 19 Mar (half), bayram Fri 20 - Sun 22 Mar.
    ("ramazan arife 11:00", ist(2026, 3, 19, 11), ist(2026, 3, 23, 13)),
    ("ramazan ends at arife close", ist(2026, 3, 18, 16), ist(2026, 3, 19, 13)),
    # Kurban Bayramı 2026: arife Tue 26 May (half), bayram Wed 27 - Sat 30 May.
    ("kurban 2026 arife 12:00", ist(2026, 5, 26, 12), ist(2026, 6, 1, 14)),
    ("kurban 2026 day before arife", ist(2026, 5, 25, 17), ist(2026, 6, 1, 10)),
    # Kurban Bayramı 2027: arife Sat 15 May, bayram Sun 16 - Wed 19 May
    # (19 May is also Atatürk'ü Anma); Friday work resumes Thursday 20 May.
    ("kurban 2027 friday before", ist(2027, 5, 14, 15), ist(2027, 5, 20, 12)),
    # Ramazan Bayramı 2027: arife Mon 8 Mar (half), bayram Tue 9 - Thu 11 Mar.
    ("ramazan 2027 arife 10:00", ist(2027, 3, 8, 10), ist(2027, 3, 12, 12)),
    # Yılbaşı: 1 h on Thu 31 Dec, Fri 1 Jan closed, weekend, 5 h on Mon 4 Jan.
    ("new year", ist(2026, 12, 31, 17), ist(2027, 1, 4, 14)),
    # 23 Nisan 2026 is a Thursday.
    ("23 nisan", ist(2026, 4, 22, 15), ist(2026, 4, 24, 12)),
    # 1 Mayıs 2026 Friday: Thursday 15:00 -> 3 h, then Monday 4 May.
    ("1 mayis", ist(2026, 4, 30, 15), ist(2026, 5, 4, 12)),
]


@pytest.mark.parametrize(
    ("start", "due"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_six_business_hours(start: datetime, due: datetime) -> None:
    result = add_business_minutes(DEMO, start, SIX_HOURS)
    assert result == due
    assert result.tzinfo is IST
    # Same wall time and offset, not just the same instant.
    assert result.isoformat() == due.isoformat()


def test_half_day_ends_exactly_at_its_close() -> None:
    assert add_business_minutes(DEMO, ist(2026, 10, 28, 9), 240) == ist(
        2026, 10, 28, 13
    )


def test_case_dates_fall_on_expected_weekdays() -> None:
    assert date(2026, 11, 20).strftime("%A") == "Friday"
    assert date(2027, 1, 1).strftime("%A") == "Friday"
    assert [date(2027, 1, d).weekday() for d in (2, 3, 4)] == [5, 6, 0]
    assert date(2026, 10, 28).strftime("%A") == "Wednesday"


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 1),
        date(2026, 4, 23),
        date(2026, 5, 1),
        date(2026, 5, 19),
        date(2026, 7, 15),
        date(2027, 8, 30),
        date(2026, 10, 29),
        date(2026, 3, 20),
        date(2026, 5, 27),
        date(2027, 5, 17),
    ],
)
def test_public_holidays_are_closed(day: date) -> None:
    assert day.weekday() < 5  # otherwise the test would prove nothing
    assert DEMO.periods_on(day) == ()
    assert not is_open(
        DEMO, datetime.combine(day, datetime.min.time(), IST) + timedelta(hours=12)
    )


def test_half_days_cut_at_13() -> None:
    for day in (
        date(2026, 10, 28),
        date(2026, 3, 19),
        date(2026, 5, 26),
        date(2027, 3, 8),
    ):
        assert DEMO.periods_on(day) == ((9 * 60, 13 * 60),)
    assert is_open(DEMO, ist(2026, 10, 28, 12, 59, 59))
    assert not is_open(DEMO, ist(2026, 10, 28, 13))


LUNCH = BusinessCalendar.from_spec(
    weekly={
        **{
            d: ["09:00-12:00", "13:00-18:00"]
            for d in ("mon", "tue", "wed", "thu", "fri")
        },
        "sat": "09:00-13:00",
    },
)


@pytest.mark.parametrize(
    ("start", "minutes", "due"),
    [
        (ist(2026, 11, 20, 11), 360, ist(2026, 11, 20, 18)),  # 1 h + 5 h, Friday
        (ist(2026, 11, 20, 11, 30), 360, ist(2026, 11, 21, 9, 30)),  # into Saturday
        (ist(2026, 11, 21, 12), 120, ist(2026, 11, 23, 10)),  # Saturday noon
        (ist(2026, 11, 23, 12, 15), 60, ist(2026, 11, 23, 14)),  # received at lunch
        (ist(2026, 11, 23, 11), 60, ist(2026, 11, 23, 12)),  # ends at lunch start
        (ist(2026, 11, 23, 11), 61, ist(2026, 11, 23, 13, 1)),  # crosses lunch
    ],
)
def test_lunch_break_and_saturday(start: datetime, minutes: int, due: datetime) -> None:
    assert add_business_minutes(LUNCH, start, minutes) == due


def test_lunch_break_between() -> None:
    assert (
        business_minutes_between(LUNCH, ist(2026, 11, 23, 11), ist(2026, 11, 23, 14))
        == 120
    )
    assert not is_open(LUNCH, ist(2026, 11, 23, 12, 30))
    assert next_opening(LUNCH, ist(2026, 11, 23, 12, 30)) == ist(2026, 11, 23, 13)


def test_extra_working_saturday_is_used() -> None:
    cal = calendar_with_turkish_holidays(
        years=[2026], extra_days={date(2026, 11, 21): ["10:00-14:00"]}
    )
    assert add_business_minutes(cal, ist(2026, 11, 20, 15), SIX_HOURS) == ist(
        2026, 11, 21, 13
    )


def test_organisation_closure_is_skipped() -> None:
    cal = calendar_with_turkish_holidays(
        years=[2026], extra_closed=[date(2026, 11, 23)]
    )
    assert add_business_minutes(cal, ist(2026, 11, 20, 15), SIX_HOURS) == ist(
        2026, 11, 24, 12
    )


def test_holiday_beats_extra_day() -> None:
    cal = calendar_with_turkish_holidays(
        years=[2026], extra_days={date(2026, 10, 29): ["09:00-18:00"]}
    )
    assert cal.periods_on(date(2026, 10, 29)) == ()


def test_utc_input_matches_local_input() -> None:
    utc_start = datetime(2026, 11, 20, 17, tzinfo=UTC)
    assert utc_start == ist(2026, 11, 20, 20)
    result = add_business_minutes(DEMO, utc_start, SIX_HOURS)
    assert result.isoformat() == "2026-11-23T15:00:00+03:00"
    assert result == add_business_minutes(DEMO, ist(2026, 11, 20, 20), SIX_HOURS)
    assert next_opening(DEMO, utc_start).isoformat() == "2026-11-23T09:00:00+03:00"
    assert is_open(DEMO, datetime(2026, 11, 20, 6, tzinfo=UTC))  # 09:00 Istanbul
    assert not is_open(DEMO, datetime(2026, 11, 20, 5, 59, tzinfo=UTC))


def test_minutes_between_friday_and_monday() -> None:
    assert (
        business_minutes_between(DEMO, ist(2026, 11, 20, 17), ist(2026, 11, 23, 10))
        == 120
    )
    assert (
        business_minutes_between(DEMO, ist(2026, 11, 23, 10), ist(2026, 11, 20, 17))
        == 0
    )
    assert (
        business_seconds_between(
            DEMO, ist(2026, 11, 20, 17, 59, 30), ist(2026, 11, 23, 9)
        )
        == 30
    )


def test_seconds_of_start_are_kept() -> None:
    start = ist(2026, 11, 20, 10, 15, 42).replace(microsecond=123456)
    assert add_business_minutes(DEMO, start, 60) == start + timedelta(hours=1)
    late = ist(2026, 11, 20, 17, 30, 30)
    assert add_business_minutes(DEMO, late, 60) == ist(2026, 11, 23, 9, 30, 30)


def test_zero_minutes_is_next_opening() -> None:
    assert add_business_minutes(DEMO, ist(2026, 11, 20, 10), 0) == ist(2026, 11, 20, 10)
    assert add_business_minutes(DEMO, ist(2026, 11, 20, 18), 0) == ist(2026, 11, 23, 9)
    assert next_opening(DEMO, ist(2026, 11, 20, 18)) == ist(2026, 11, 23, 9)


def test_never_open_calendar_raises() -> None:
    never = BusinessCalendar.from_spec(weekly={})
    with pytest.raises(ValueError, match="calendar has no open hours"):
        next_opening(never, ist(2026, 1, 1))
    with pytest.raises(ValueError, match="calendar has no open hours"):
        add_business_minutes(never, ist(2026, 1, 1), 1)


def test_naive_datetime_and_negative_minutes_are_rejected() -> None:
    with pytest.raises(ValueError, match="aware datetime required"):
        add_business_minutes(DEMO, datetime(2026, 11, 20, 10), 60)
    with pytest.raises(ValueError, match="minutes must be >= 0"):
        add_business_minutes(DEMO, ist(2026, 11, 20, 10), -1)


def test_midnight_close_and_around_the_clock() -> None:
    cal = BusinessCalendar.from_spec(
        weekly={"mon": "18:00-24:00", "tue": "00:00-06:00"}
    )
    # Monday 23:00 + 3 h: one hour to midnight, then Tuesday 00:00-02:00.
    assert add_business_minutes(cal, ist(2026, 11, 23, 23), 180) == ist(2026, 11, 24, 2)
    assert add_business_minutes(cal, ist(2026, 11, 23, 23), 60) == ist(2026, 11, 24)


def test_dst_zone_counts_real_elapsed_time() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    every_day = {
        d: "00:00-24:00" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    }
    cal = BusinessCalendar.from_spec(tz=berlin, weekly=every_day)
    spring = datetime(2026, 3, 29, tzinfo=berlin)  # clocks jump 02:00 -> 03:00
    next_day = datetime(2026, 3, 30, tzinfo=berlin)
    assert business_minutes_between(cal, spring, next_day) == 23 * 60
    assert add_business_minutes(cal, spring, 24 * 60) == datetime(
        2026, 3, 30, 1, tzinfo=berlin
    )
    autumn = datetime(2026, 10, 25, tzinfo=berlin)  # 03:00 -> 02:00, a 25 h day
    assert business_minutes_between(cal, autumn, autumn + timedelta(days=1)) == 25 * 60
    # A 01:00-04:00 period on the spring-forward day lasts two real hours.
    night = BusinessCalendar.from_spec(tz=berlin, weekly={"sun": "01:00-04:00"})
    ((start_us, end_us),) = night.spans_on(date(2026, 3, 29))
    assert end_us - start_us == 2 * 3600 * 10**6
    assert add_business_minutes(night, spring, 120) == datetime(
        2026, 3, 29, 4, tzinfo=berlin
    )
