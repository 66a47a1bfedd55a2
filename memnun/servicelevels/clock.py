"""Business-time arithmetic on aware datetimes.

Every function accepts aware datetimes in any zone (UTC included) and returns
aware datetimes in the calendar's zone. Open periods are half-open
``[start, end)``: open at 09:00:00, already closed at 18:00:00. Business time is
real elapsed time inside open periods, kept to the microsecond.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from memnun.servicelevels.calendar import BusinessCalendar, from_epoch_us, to_epoch_us

MAX_SEARCH_DAYS = 3660  # ten years without a single open minute means misconfiguration
_US_PER_MINUTE = 60_000_000
_ONE_DAY = timedelta(days=1)
_ONE_US = timedelta(microseconds=1)


def _advance(cal: BusinessCalendar, pos: int, day: date, remaining: int) -> int:
    """Instant (epoch µs) when ``remaining`` open µs after ``pos`` have elapsed.

    ``remaining == 0`` yields the next open instant at or after ``pos``.
    """
    idle_days = 0
    while True:
        found = False
        for start, end in cal.spans_on(day):
            if end <= pos:
                continue
            found = True
            if start > pos:
                pos = start
            available = end - pos
            # "<=" so that a deadline landing exactly on a closing time is that
            # closing instant, not the next opening.
            if remaining <= available:
                return pos + remaining
            remaining -= available
            pos = end
        if found:
            idle_days = 0
        else:
            idle_days += 1
            if idle_days > MAX_SEARCH_DAYS:
                raise ValueError(
                    f"calendar has no open hours in the {MAX_SEARCH_DAYS} days "
                    f"after {from_epoch_us(pos, cal.tz).isoformat()}"
                )
        day += _ONE_DAY


def is_open(cal: BusinessCalendar, at: datetime) -> bool:
    """Whether ``at`` falls inside an open period."""
    pos = to_epoch_us(at)
    return any(s <= pos < e for s, e in cal.spans_on(at.astimezone(cal.tz).date()))


def next_opening(cal: BusinessCalendar, at: datetime) -> datetime:
    """``at`` itself if open then, else the start of the next open period.

    Raises ``ValueError`` if the calendar does not open within ``MAX_SEARCH_DAYS``.
    """
    pos = to_epoch_us(at)
    return from_epoch_us(_advance(cal, pos, at.astimezone(cal.tz).date(), 0), cal.tz)


def add_business_minutes(
    cal: BusinessCalendar, start: datetime, minutes: int
) -> datetime:
    """The instant ``minutes`` business minutes after ``start`` (the deadline).

    Conventions:

    * Received outside business hours, the clock starts at the next opening.
    * A deadline landing exactly on a closing time is that closing instant:
      360 minutes from Friday 12:00 with 09:00-18:00 is Friday 18:00, not
      Monday 09:00.
    * Time is continuous: seconds and microseconds of an in-hours ``start``
      carry over (10:15:42 + 60 minutes = 11:15:42).
    * ``minutes == 0`` gives :func:`next_opening`.
    """
    if minutes < 0:
        raise ValueError(f"minutes must be >= 0, got {minutes}")
    pos = to_epoch_us(start)
    day = start.astimezone(cal.tz).date()
    return from_epoch_us(_advance(cal, pos, day, minutes * _US_PER_MINUTE), cal.tz)


def add_business_time(cal: BusinessCalendar, start: datetime, duration: timedelta) -> datetime:
    """Like :func:`add_business_minutes`, for a duration kept to the microsecond.

    Used where business time is measured rather than configured: a deadline
    pushed back by exactly the open time a case spent paused.
    """
    amount = duration // _ONE_US
    if amount < 0:
        raise ValueError(f"duration must be >= 0, got {duration}")
    pos = to_epoch_us(start)
    day = start.astimezone(cal.tz).date()
    return from_epoch_us(_advance(cal, pos, day, amount), cal.tz)


def _business_us_between(cal: BusinessCalendar, a: datetime, b: datetime) -> int:
    pos, stop = to_epoch_us(a), to_epoch_us(b)
    total = 0
    if stop <= pos:
        return total
    day, last = a.astimezone(cal.tz).date(), b.astimezone(cal.tz).date()
    while day <= last:
        for start, end in cal.spans_on(day):
            if end <= pos:
                continue
            if start >= stop:
                return total
            if start > pos:
                pos = start
            end = min(end, stop)
            total += end - pos
            pos = end
        day += _ONE_DAY
    return total


def business_seconds_between(cal: BusinessCalendar, a: datetime, b: datetime) -> float:
    """Open time between two instants in seconds; 0 if ``b <= a``.

    Exact for whole seconds, so
    ``business_seconds_between(cal, s, add_business_minutes(cal, s, n)) == n * 60``.
    """
    return _business_us_between(cal, a, b) / 1_000_000


def business_minutes_between(cal: BusinessCalendar, a: datetime, b: datetime) -> int:
    """Whole business minutes between two instants (floored); 0 if ``b <= a``."""
    return _business_us_between(cal, a, b) // _US_PER_MINUTE


def business_time_between(cal: BusinessCalendar, a: datetime, b: datetime) -> timedelta:
    """Open time between two instants, exact to the microsecond; zero if ``b <= a``.

    The inverse of :func:`add_business_time` for a start inside open hours.
    """
    return timedelta(microseconds=_business_us_between(cal, a, b))


def business_days_later(cal: BusinessCalendar, start: datetime, days: int) -> datetime:
    """The opening of the ``days``-th open day after ``start``'s local date.

    Counts whole open days, not hours: asked on a Monday, three business days
    later is Thursday's opening (Friday's if Tuesday is a holiday). ``days`` < 1
    is refused. Raises ``ValueError`` if the calendar stops opening.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    day = start.astimezone(cal.tz).date()
    counted = idle = 0
    while True:
        day += _ONE_DAY
        spans = cal.spans_on(day)
        if spans:
            counted, idle = counted + 1, 0
            if counted == days:
                return from_epoch_us(spans[0][0], cal.tz)
        else:
            idle += 1
            if idle > MAX_SEARCH_DAYS:
                raise ValueError(f"calendar has no open hours after {day.isoformat()}")
