"""BusinessCalendar construction: valid specs and helpful errors for bad ones."""

from __future__ import annotations

import pickle
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from memnun.servicelevels.calendar import (
    STANDARD_WEEK,
    BusinessCalendar,
    parse_period,
)

IST = ZoneInfo("Europe/Istanbul")


def test_from_spec_builds_minute_periods() -> None:
    cal = BusinessCalendar.from_spec(
        weekly={"Mon": ["09:00-12:30", "13:30-18:00"], "sat": "9:00-13:00", "sun": []},
        closed_days=[date(2026, 1, 2)],
        half_days={date(2026, 1, 6): "12:00", date(2026, 1, 7): time(10, 0)},
        extra_days={date(2026, 1, 4): "10:00-12:00, 13:00-15:00"},
    )
    assert cal.tz == IST
    assert cal.weekly[0] == ((540, 750), (810, 1080))
    assert cal.weekly[1] == ()
    assert cal.weekly[5] == ((540, 780),)
    assert cal.periods_on(date(2026, 1, 5)) == ((540, 750), (810, 1080))  # Monday
    assert cal.periods_on(date(2026, 1, 4)) == ((600, 720), (780, 900))  # extra Sunday
    assert cal.periods_on(date(2026, 1, 2)) == ()


def test_period_parsing_allows_midnight_close() -> None:
    assert parse_period("18:00-24:00") == (1080, 1440)
    assert parse_period(" 09:00 - 17:30 ") == (540, 1050)


def test_half_day_cuts_inside_and_after_a_break() -> None:
    cal = BusinessCalendar.from_spec(
        weekly={"mon": ["09:00-12:00", "13:00-18:00"]},
        half_days={date(2026, 11, 23): "12:30", date(2026, 11, 30): "14:00"},
    )
    assert cal.periods_on(date(2026, 11, 23)) == ((540, 720),)
    assert cal.periods_on(date(2026, 11, 30)) == ((540, 720), (780, 840))


def test_half_day_applies_to_extra_day_and_closed_day_wins() -> None:
    day = date(2026, 11, 21)
    cal = BusinessCalendar.from_spec(
        weekly=STANDARD_WEEK,
        half_days={day: "11:00"},
        extra_days={day: "09:00-13:00", date(2026, 11, 22): "09:00-13:00"},
        closed_days=[date(2026, 11, 22)],
    )
    assert cal.periods_on(day) == ((540, 660),)
    assert cal.periods_on(date(2026, 11, 22)) == ()


def test_calendar_is_immutable_hashable_and_picklable() -> None:
    half = {date(2026, 1, 6): time(13)}
    cal = BusinessCalendar.from_spec(weekly=STANDARD_WEEK, half_days=half)
    half[date(2026, 1, 7)] = time(13)  # the calendar keeps its own copy
    assert date(2026, 1, 7) not in cal.half_days
    with pytest.raises(AttributeError):
        cal.tz = ZoneInfo("UTC")  # type: ignore[misc]
    cal.periods_on(date(2026, 1, 6))  # fill the cache; must not affect equality
    same = BusinessCalendar.from_spec(
        weekly=STANDARD_WEEK, half_days={date(2026, 1, 6): "13:00"}
    )
    assert cal == same and hash(cal) == hash(same)
    assert pickle.loads(pickle.dumps(cal)) == cal


BAD_SPECS: list[tuple[str, dict[str, Any], str]] = [
    (
        "overlap",
        {"weekly": {"mon": ["09:00-13:00", "12:00-18:00"]}},
        r"mon: periods overlap",
    ),
    (
        "unsorted",
        {"weekly": {"tue": ["13:00-18:00", "09:00-12:00"]}},
        r"tue: periods must be sorted",
    ),
    ("reversed", {"weekly": {"mon": ["18:00-09:00"]}}, r"must start before it ends"),
    (
        "empty period",
        {"weekly": {"mon": ["09:00-09:00"]}},
        r"must start before it ends",
    ),
    (
        "start at 24:00",
        {"weekly": {"mon": ["24:00-24:00"]}},
        r"must start before it ends",
    ),
    ("am/pm", {"weekly": {"mon": ["9am-5pm"]}}, r"bad period '9am-5pm'.*HH:MM-HH:MM"),
    ("hour 25", {"weekly": {"mon": ["09:00-25:00"]}}, r"bad time in '09:00-25:00'"),
    ("minute 60", {"weekly": {"mon": ["09:60-10:00"]}}, r"minutes 00-59"),
    ("24:30", {"weekly": {"mon": ["09:00-24:30"]}}, r"24:00 is only allowed"),
    ("single time", {"weekly": {"mon": ["09:00"]}}, r"bad period '09:00'"),
    ("not a string", {"weekly": {"mon": [900]}}, r"bad period 900"),
    (
        "english day name",
        {"weekly": {"monday": ["09:00-18:00"]}},
        r"unknown weekday key 'monday'; use one of mon, tue",
    ),
    (
        "turkish day name",
        {"weekly": {"pzt": ["09:00-18:00"]}},
        r"unknown weekday key 'pzt'",
    ),
    (
        "duplicate day",
        {"weekly": {"mon": "09:00-12:00", "MON": "13:00-14:00"}},
        r"more than once",
    ),
    (
        "unknown zone",
        {"tz": "Europe/Ankara", "weekly": {}},
        r"unknown time zone 'Europe/Ankara'",
    ),
    (
        "half day string",
        {"weekly": STANDARD_WEEK, "half_days": {date(2026, 1, 6): "1pm"}},
        r"bad time '1pm'.*HH:MM",
    ),
    (
        "half day at 24:00",
        {"weekly": STANDARD_WEEK, "half_days": {date(2026, 1, 6): "24:00"}},
        r"must close before 24:00",
    ),
    (
        "half day with seconds",
        {"weekly": STANDARD_WEEK, "half_days": {date(2026, 1, 6): time(13, 0, 30)}},
        r"whole-minute",
    ),
    (
        "datetime as closed day",
        {"weekly": STANDARD_WEEK, "closed_days": [datetime(2026, 1, 6)]},
        r"closed_days: .* is not a datetime.date",
    ),
    (
        "bad extra day",
        {
            "weekly": STANDARD_WEEK,
            "extra_days": {date(2026, 1, 3): ["10:00-12:00", "11:00-13:00"]},
        },
        r"extra day 2026-01-03: periods overlap \(10:00-12:00 and 11:00-13:00\)",
    ),
]


@pytest.mark.parametrize(
    ("kwargs", "message"), [c[1:] for c in BAD_SPECS], ids=[c[0] for c in BAD_SPECS]
)
def test_bad_spec_raises_helpful_value_error(
    kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        BusinessCalendar.from_spec(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weekly": ((),) * 6}, r"weekly needs 7 entries"),
        ({"weekly": (((540, 1441),),) + ((),) * 6}, r"mon: period 09:00-24:01"),
        ({"weekly": ([540, 1080],) + ((),) * 6}, r"must be a \(start, end\) pair"),
        (
            {"weekly": ((),) * 7, "tz": "Europe/Istanbul"},
            r"tz must be a zoneinfo.ZoneInfo",
        ),
    ],
)
def test_direct_construction_is_validated(kwargs: dict[str, Any], message: str) -> None:
    kwargs.setdefault("tz", IST)
    with pytest.raises(ValueError, match=message):
        BusinessCalendar(**kwargs)


def test_periods_on_rejects_a_datetime() -> None:
    cal = BusinessCalendar.from_spec(weekly=STANDARD_WEEK)
    with pytest.raises(ValueError, match=r"is not a datetime\.date"):
        cal.periods_on(datetime(2026, 1, 5, 10))
