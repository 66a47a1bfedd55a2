"""Property tests: the clock against a naive minute-by-minute reference.

Random calendars have random weekly periods (breaks, Saturday mornings,
midnight closes), closed days, half days and extra working days inside a
four-week window. Zones are DST-free so that wall minutes are real minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from memnun.servicelevels.calendar import BusinessCalendar, Periods
from memnun.servicelevels.clock import (
    add_business_minutes,
    business_minutes_between,
    business_seconds_between,
    is_open,
    next_opening,
)

BASE = date(2026, 11, 2)  # a Monday
WINDOW_DAYS = 28
START_DAYS = 21
MAX_MINUTES = 5 * 9 * 60  # five working days of 09:00-18:00
# Whole working days and hours often land exactly on a closing time.
minute_counts = st.one_of(
    st.integers(0, MAX_MINUTES), st.sampled_from([0, 1, 60, 180, 240, 360, 540, 1080])
)
# The brute-force comparisons get 200 examples, the cheap invariants 100; the
# file stays around five seconds.
THOROUGH = settings(max_examples=200, deadline=None)
FAST = settings(max_examples=100, deadline=None)

TEMPLATES: list[Periods] = [
    (),
    ((540, 1080),),
    ((540, 750), (810, 1080)),  # lunch 12:30-13:30
    ((540, 780),),  # Saturday morning
    ((540, 720), (720, 1080)),  # touching periods
    ((0, 1440),),
    ((1080, 1440),),  # open until midnight
    ((0, 1), (1439, 1440)),
]


@st.composite
def periods(draw: st.DrawFn) -> Periods:
    if draw(st.booleans()):
        return draw(st.sampled_from(TEMPLATES))
    cuts = sorted(set(draw(st.lists(st.integers(0, 1440), min_size=2, max_size=6))))
    if len(cuts) % 2:
        cuts.pop()
    return tuple((cuts[i], cuts[i + 1]) for i in range(0, len(cuts), 2))


window_days = st.integers(0, WINDOW_DAYS).map(lambda n: BASE + timedelta(days=n))


@dataclass(frozen=True)
class Raw:
    """The generated rules, read directly by the reference implementation."""

    tz: ZoneInfo
    weekly: tuple[Periods, ...]
    closed: frozenset[date]
    half: dict[date, time]
    extra: dict[date, Periods]

    def calendar(self) -> BusinessCalendar:
        return BusinessCalendar(
            self.tz, self.weekly, self.closed, self.half, self.extra
        )

    def open_minutes(self, day: date) -> list[bool]:
        """Open flag for each minute of a local day, computed the slow way."""
        flags = [False] * 1440
        if day in self.closed:
            return flags
        todays = self.extra[day] if day in self.extra else self.weekly[day.weekday()]
        for start, end in todays:
            for minute in range(start, end):
                flags[minute] = True
        if day in self.half:
            cut = self.half[day].hour * 60 + self.half[day].minute
            for minute in range(cut, 1440):
                flags[minute] = False
        return flags


@st.composite
def raws(draw: st.DrawFn) -> Raw:
    weekly = draw(st.lists(periods(), min_size=7, max_size=7))
    if sum(e - s for day in weekly for s, e in day) < 180:
        # At least 3 open hours a week, so that the reference walk stays short.
        weekly[0] = ((540, 1080),)
    return Raw(
        tz=ZoneInfo(draw(st.sampled_from(["Europe/Istanbul", "UTC", "Asia/Kolkata"]))),
        weekly=tuple(weekly),
        closed=frozenset(draw(st.lists(window_days, max_size=8))),
        half=draw(
            st.dictionaries(
                window_days,
                st.integers(0, 1439).map(lambda m: time(m // 60, m % 60)),
                max_size=5,
            )
        ),
        extra=draw(st.dictionaries(window_days, periods(), max_size=5)),
    )


class Reference:
    """Obviously-correct business clock: walks one wall-clock minute at a time."""

    def __init__(self, raw: Raw) -> None:
        self.raw = raw
        self.days: dict[date, list[bool]] = {}

    def is_open(self, day: date, minute: int) -> bool:
        if day not in self.days:
            self.days[day] = self.raw.open_minutes(day)
        return self.days[day][minute]

    def add(self, start: datetime, minutes: int) -> datetime:
        day, minute = start.date(), start.hour * 60 + start.minute
        done = 0
        for _ in range(400 * 1440):
            if minutes == 0 and self.is_open(day, minute):
                break
            if minutes and self.is_open(day, minute):
                done += 1
            minute += 1
            if minute == 1440:
                day, minute = day + timedelta(days=1), 0
            if minutes and done == minutes:
                break
        else:
            raise AssertionError("reference walked too far")
        return datetime.combine(
            day, time(minute // 60, minute % 60), tzinfo=self.raw.tz
        )

    def closing_after(self, start: datetime, closings: int) -> datetime:
        """The instant of the ``closings``-th open-to-closed change after start."""
        at, was_open = start, False
        while True:
            now_open = self.is_open(at.date(), at.hour * 60 + at.minute)
            if was_open and not now_open:
                closings -= 1
                if closings == 0:
                    return at
            was_open = now_open
            at += timedelta(minutes=1)

    def count(self, start: datetime, end: datetime) -> int:
        at, total = start, 0
        while at < end:
            total += self.is_open(at.date(), at.hour * 60 + at.minute)
            at += timedelta(minutes=1)
        return total


@st.composite
def starts(draw: st.DrawFn, raw: Raw) -> datetime:
    """A whole-minute local start, often exactly on a period boundary."""
    day = BASE + timedelta(days=draw(st.integers(0, START_DAYS)))
    edges = sorted(
        {m for p in (*raw.weekly, *raw.extra.values()) for s, e in p for m in (s, e)}
    )
    edges = [m for m in edges if m < 1440] or [0]
    minute = draw(st.one_of(st.integers(0, 1439), st.sampled_from(edges)))
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=raw.tz)


@THOROUGH
@given(st.data(), raws(), minute_counts)
def test_matches_brute_force(data: st.DataObject, raw: Raw, minutes: int) -> None:
    cal, ref = raw.calendar(), Reference(raw)
    start = data.draw(starts(raw))
    due = add_business_minutes(cal, start, minutes)
    expected = ref.add(start, minutes)
    assert due == expected
    assert due.tzinfo is raw.tz
    assert next_opening(cal, start) == ref.add(start, 0)
    assert is_open(cal, start) == ref.is_open(
        start.date(), start.hour * 60 + start.minute
    )
    assert business_minutes_between(cal, start, due) == minutes
    assert business_minutes_between(
        cal, start, expected + timedelta(minutes=97)
    ) == ref.count(start, expected + timedelta(minutes=97))


@THOROUGH
@given(st.data(), raws(), st.integers(1, 6))
def test_deadline_exactly_at_a_closing_is_that_closing(
    data: st.DataObject, raw: Raw, closings: int
) -> None:
    ref = Reference(raw)
    start = data.draw(starts(raw))
    closing = ref.closing_after(start, closings)
    minutes = ref.count(start, closing)
    assert add_business_minutes(raw.calendar(), start, minutes) == closing


@FAST
@given(st.data(), raws(), minute_counts, st.integers(0, 59_999_999))
def test_round_trip_with_seconds_and_utc(
    data: st.DataObject, raw: Raw, minutes: int, extra_us: int
) -> None:
    cal = raw.calendar()
    start = (data.draw(starts(raw)) + timedelta(microseconds=extra_us)).astimezone(UTC)
    due = add_business_minutes(cal, start, minutes)
    assert business_seconds_between(cal, start, due) == minutes * 60
    assert due >= start


@FAST
@given(st.data(), raws(), minute_counts)
def test_deadline_lies_in_open_hours(
    data: st.DataObject, raw: Raw, minutes: int
) -> None:
    cal, ref = raw.calendar(), Reference(raw)
    due = add_business_minutes(cal, data.draw(starts(raw)), minutes)
    if minutes == 0:
        assert ref.is_open(due.date(), due.hour * 60 + due.minute)
    else:
        # The minute that ends at the deadline was open: the deadline is inside
        # a period or exactly at its end, never in closed time.
        before = due - timedelta(minutes=1)
        assert ref.is_open(before.date(), before.hour * 60 + before.minute)


@FAST
@given(st.data(), raws(), minute_counts, st.integers(0, 3 * 1440))
def test_monotonic_in_start(
    data: st.DataObject, raw: Raw, minutes: int, gap: int
) -> None:
    cal = raw.calendar()
    first = data.draw(starts(raw))
    second = first + timedelta(minutes=gap)
    assert add_business_minutes(cal, first, minutes) <= add_business_minutes(
        cal, second, minutes
    )


@FAST
@given(
    st.data(),
    raws(),
    st.integers(0, MAX_MINUTES // 2),
    st.integers(1, MAX_MINUTES // 2),
)
def test_additive(data: st.DataObject, raw: Raw, a: int, b: int) -> None:
    # b > 0: with b == 0 a deadline at a closing time would move to the next opening.
    cal = raw.calendar()
    start = data.draw(starts(raw))
    assert add_business_minutes(
        cal, add_business_minutes(cal, start, a), b
    ) == add_business_minutes(cal, start, a + b)
