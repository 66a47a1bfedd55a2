"""The immutable business calendar: weekly open periods plus dated exceptions.

Open periods are ``(start, end)`` pairs of minutes since local midnight,
``0 <= start < end <= 1440``; 1440 means "until midnight". Periods within a day
are sorted and do not overlap (touching, e.g. 12:00-13:00 and 13:00-14:00, is
allowed). The rules for one local date, most specific first:

1. a date in ``closed_days`` is closed all day, whatever else is configured;
2. a date in ``extra_days`` uses those periods instead of the weekly pattern;
3. a date in ``half_days`` has its periods cut at that time (arife: 13:00).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Period = tuple[int, int]
Periods = tuple[Period, ...]
Span = tuple[int, int]  # an open period as UTC epoch microseconds [start, end)

MINUTES_PER_DAY = 1440
WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
STANDARD_WEEK: Mapping[str, tuple[str, ...]] = {
    key: ("09:00-18:00",) for key in WEEKDAY_KEYS[:5]
}

_PERIOD_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$", re.ASCII)
_TIME_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$", re.ASCII)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_US = timedelta(microseconds=1)
# Caches are per calendar and keyed by date; the cap only guards against a
# long-lived calendar being asked about decades of dates.
_CACHE_LIMIT = 50_000


def to_epoch_us(at: datetime) -> int:
    """Exact UTC microseconds since the epoch of an aware datetime."""
    if at.tzinfo is None:
        raise ValueError(f"aware datetime required, got naive {at.isoformat()}")
    return (at - _EPOCH) // _ONE_US


def from_epoch_us(us: int, tz: ZoneInfo) -> datetime:
    """Inverse of :func:`to_epoch_us`, as an aware datetime in ``tz``."""
    return (_EPOCH + timedelta(microseconds=us)).astimezone(tz)


def format_minutes(minute: int) -> str:
    """Minutes since midnight as ``HH:MM`` (1440 is ``24:00``)."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _fmt(period: Period) -> str:
    return f"{format_minutes(period[0])}-{format_minutes(period[1])}"


def _to_minutes(hours: str, minutes: str, text: str) -> int:
    h, m = int(hours), int(minutes)
    if m > 59 or h > 24 or (h == 24 and m):
        raise ValueError(
            f"bad time in {text!r}: hours are 00-24, minutes 00-59, "
            "and 24:00 is only allowed as a closing time"
        )
    return h * 60 + m


def parse_period(text: str) -> Period:
    """Parse ``"09:00-12:30"`` into ``(540, 750)``; ``"24:00"`` may end a period."""
    match = _PERIOD_RE.match(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(
            f"bad period {text!r}: expected 'HH:MM-HH:MM', e.g. '09:00-18:00'"
        )
    sh, sm, eh, em = match.groups()
    return _to_minutes(sh, sm, text), _to_minutes(eh, em, text)


def parse_periods(spec: str | Iterable[str]) -> Periods:
    """A list of period strings, or one comma-separated string, as minute pairs."""
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    return tuple(
        parse_period(item)
        for item in items
        if not (isinstance(item, str) and not item.strip())
    )


def parse_time(value: time | str) -> time:
    """A close time given as ``time`` or ``"HH:MM"``."""
    if isinstance(value, time):
        return value
    match = _TIME_RE.match(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"bad time {value!r}: expected 'HH:MM', e.g. '13:00'")
    hours, minutes = match.groups()
    minute = _to_minutes(hours, minutes, value)
    if minute >= MINUTES_PER_DAY:
        raise ValueError(f"bad time {value!r}: a half-day must close before 24:00")
    return time(minute // 60, minute % 60)


def _check_periods(periods: Iterable[Period], where: str) -> Periods:
    checked: list[Period] = []
    for period in periods:
        if not (
            isinstance(period, tuple)
            and len(period) == 2
            and all(type(x) is int for x in period)
        ):
            raise ValueError(
                f"{where}: period {period!r} must be a (start, end) pair of int minutes"
            )
        start, end = period
        if not 0 <= start < end <= MINUTES_PER_DAY:
            raise ValueError(
                f"{where}: period {_fmt(period)} "
                "must start before it ends, within 00:00-24:00"
            )
        if checked and start < checked[-1][1]:
            problem = (
                "must be sorted by start time" if start < checked[-1][0] else "overlap"
            )
            shown = f"{_fmt(checked[-1])} and {_fmt(period)}"
            raise ValueError(f"{where}: periods {problem} ({shown})")
        checked.append((start, end))
    return tuple(checked)


def _check_date(day: object, where: str) -> date:
    # datetime is a subclass of date but never equals one, so it would silently
    # never match a lookup.
    if not isinstance(day, date) or isinstance(day, datetime):
        raise ValueError(f"{where}: {day!r} is not a datetime.date")
    return day


@dataclass(frozen=True, slots=True)
class BusinessCalendar:
    """Open hours of an organisation in one time zone. Immutable and hashable."""

    tz: ZoneInfo
    weekly: tuple[Periods, ...]  # Monday..Sunday
    closed_days: frozenset[date] = frozenset()
    half_days: Mapping[date, time] = field(default_factory=dict, hash=False)
    extra_days: Mapping[date, Periods] = field(default_factory=dict, hash=False)
    _periods: dict[date, Periods] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )
    _spans: dict[date, tuple[Span, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        if not isinstance(self.tz, ZoneInfo):
            raise ValueError(f"tz must be a zoneinfo.ZoneInfo, got {self.tz!r}")
        if len(self.weekly) != 7:
            raise ValueError(
                f"weekly needs 7 entries (Monday..Sunday), got {len(self.weekly)}"
            )
        weekly = tuple(
            _check_periods(periods, WEEKDAY_KEYS[i])
            for i, periods in enumerate(self.weekly)
        )
        closed = frozenset(_check_date(d, "closed_days") for d in self.closed_days)
        half: dict[date, time] = {}
        for day, cut in self.half_days.items():
            _check_date(day, "half_days")
            if (
                not isinstance(cut, time)
                or cut.tzinfo is not None
                or cut.second
                or cut.microsecond
            ):
                raise ValueError(
                    f"half_days[{day}]: {cut!r} must be a naive whole-minute time"
                )
            half[day] = cut
        extra = {
            _check_date(day, "extra_days"): _check_periods(periods, f"extra day {day}")
            for day, periods in self.extra_days.items()
        }
        # Copies, so that mutating the caller's containers cannot change the
        # calendar behind its caches.
        object.__setattr__(self, "weekly", weekly)
        object.__setattr__(self, "closed_days", closed)
        object.__setattr__(self, "half_days", half)
        object.__setattr__(self, "extra_days", extra)

    @classmethod
    def from_spec(
        cls,
        *,
        tz: str | ZoneInfo = "Europe/Istanbul",
        weekly: Mapping[str, str | Iterable[str]],
        closed_days: Iterable[date] = (),
        half_days: Mapping[date, time | str] | None = None,
        extra_days: Mapping[date, str | Iterable[str]] | None = None,
    ) -> BusinessCalendar:
        """Build from strings: ``weekly={"mon": ["09:00-12:30", "13:30-18:00"], ...}``.

        Weekday keys are ``mon``..``sun``; a missing key means closed that day.
        Raises ``ValueError`` on any invalid input.
        """
        if isinstance(tz, str):
            try:
                tz = ZoneInfo(tz)
            except (ZoneInfoNotFoundError, ValueError) as exc:
                raise ValueError(f"unknown time zone {tz!r}") from exc
        days: list[Periods | None] = [None] * 7
        for key, spec in weekly.items():
            name = key.strip().lower() if isinstance(key, str) else key
            if name not in WEEKDAY_KEYS:
                raise ValueError(
                    f"unknown weekday key {key!r}; use one of {', '.join(WEEKDAY_KEYS)}"
                )
            index = WEEKDAY_KEYS.index(name)
            if days[index] is not None:
                raise ValueError(f"weekday {name!r} is given more than once")
            days[index] = parse_periods(spec)
        return cls(
            tz=tz,
            weekly=tuple(periods or () for periods in days),
            closed_days=frozenset(closed_days),
            half_days={d: parse_time(t) for d, t in (half_days or {}).items()},
            extra_days={d: parse_periods(p) for d, p in (extra_days or {}).items()},
        )

    def periods_on(self, day: date) -> Periods:
        """Open periods (minutes of day) of a local date, all exceptions applied."""
        periods = self._periods.get(day)
        if periods is None:
            _check_date(day, "periods_on")  # a datetime would miss every lookup
            if day in self.closed_days:
                periods = ()
            else:
                periods = self.extra_days.get(day)
                if periods is None:
                    periods = self.weekly[day.weekday()]
                cut = self.half_days.get(day)
                if cut is not None:
                    limit = cut.hour * 60 + cut.minute
                    periods = tuple((s, min(e, limit)) for s, e in periods if s < limit)
            if len(self._periods) >= _CACHE_LIMIT:
                self._periods.clear()
            self._periods[day] = periods
        return periods

    def spans_on(self, day: date) -> tuple[Span, ...]:
        """Open periods of a local date as UTC epoch-microsecond ``[start, end)``.

        Wall times are resolved with ``datetime.combine(..., tzinfo=tz)`` (fold=0);
        a period shortened or swallowed by a DST jump is clipped so the spans stay
        sorted and disjoint, and business time is real elapsed time.
        """
        spans = self._spans.get(day)
        if spans is None:
            result: list[Span] = []
            floor = -(2**63)
            for start, end in self.periods_on(day):
                start_us = max(self._instant_us(day, start), floor)
                end_us = self._instant_us(day, end)
                if end_us > start_us:
                    result.append((start_us, end_us))
                    floor = end_us
            spans = tuple(result)
            if len(self._spans) >= _CACHE_LIMIT:
                self._spans.clear()
            self._spans[day] = spans
        return spans

    def _instant_us(self, day: date, minute: int) -> int:
        if minute == MINUTES_PER_DAY:
            day, minute = day + timedelta(days=1), 0
        local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=self.tz)
        return to_epoch_us(local)
