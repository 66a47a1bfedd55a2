"""Business time to the microsecond: what a paused case's deadline is moved by."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from memnun.servicelevels.calendar import STANDARD_WEEK, BusinessCalendar
from memnun.servicelevels.clock import (
    add_business_minutes,
    add_business_time,
    business_time_between,
)

IST = ZoneInfo("Europe/Istanbul")
CAL = BusinessCalendar.from_spec(weekly=STANDARD_WEEK)
FIRST = datetime(2026, 11, 2, tzinfo=IST)  # a Monday


def test_seconds_carry_across_the_night() -> None:
    start = datetime(2026, 11, 20, 17, 59, 30, tzinfo=IST)  # Friday
    assert add_business_time(CAL, start, timedelta(seconds=45)) == datetime(
        2026, 11, 23, 9, 0, 15, tzinfo=IST
    )


def test_a_negative_duration_is_refused() -> None:
    with pytest.raises(ValueError, match="duration"):
        add_business_time(CAL, FIRST, timedelta(seconds=-1))


def test_time_between_is_open_time_only() -> None:
    a = datetime(2026, 11, 20, 17, 0, tzinfo=IST)
    b = datetime(2026, 11, 23, 10, 0, 0, 5, tzinfo=IST)
    assert business_time_between(CAL, a, b) == timedelta(hours=2, microseconds=5)
    assert business_time_between(CAL, b, a) == timedelta(0)


starts = st.integers(0, 21 * 24 * 3600).map(lambda s: FIRST + timedelta(seconds=s))


@settings(max_examples=150, deadline=None)
@given(starts, st.integers(0, 5 * 540))
def test_agrees_with_whole_minutes(start: datetime, minutes: int) -> None:
    assert add_business_time(CAL, start, timedelta(minutes=minutes)) == add_business_minutes(
        CAL, start, minutes
    )


@settings(max_examples=150, deadline=None)
@given(starts, st.integers(0, 5 * 540 * 60 * 1000).map(lambda ms: timedelta(milliseconds=ms)))
def test_between_inverts_add(start: datetime, duration: timedelta) -> None:
    end = add_business_time(CAL, start, duration)
    assert business_time_between(CAL, start, end) == duration
