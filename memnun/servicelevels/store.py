"""Calendars and targets from the database, cached per process.

Both go through `memnun.configcache` (its docstring gives the bounds: at once in
this process, within 2 s in the others). Built calendars are also kept by version,
so a calendar whose rows did not change is not rebuilt when its entry expires.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date

from django.db.models import F
from django.utils import timezone

from memnun.configcache import config_changed, config_clear, config_get, config_watch
from memnun.servicelevels.calendar import BusinessCalendar
from memnun.servicelevels.defaults import (
    DEFAULT_TARGETS,
    STANDARD_TIMEZONE,
    STANDARD_WEEK,
)
from memnun.servicelevels.models import (
    Calendar,
    CalendarDay,
    DayKind,
    OpeningPeriod,
    ServiceTarget,
    TargetMode,
)
from memnun.servicelevels.signals import calendar_edited, target_edited
from memnun.servicelevels.turkish_holidays import turkish_public_holidays

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_cache: dict[tuple[str, int, int], BusinessCalendar] = {}
_lock = threading.Lock()

config_watch(Calendar, OpeningPeriod, CalendarDay, ServiceTarget)
# `calendar_changed` and `target_changed` bump versions with `.update()`, which sends no
# post_save: their own signals say so.
calendar_edited.connect(config_changed, weak=False, dispatch_uid="configcache:calendar_edited")
target_edited.connect(config_changed, weak=False, dispatch_uid="configcache:target_edited")


def _years(today: date) -> range:
    # Holidays for the cases still open and those due in the next years.
    return range(today.year - 2, today.year + 4)


def _build(row: Calendar | None, today: date) -> BusinessCalendar:
    closed: set[date] = set()
    half: dict[date, str] = {}
    if row is None or row.turkish_holidays:
        tr_closed, tr_half = turkish_public_holidays(_years(today))
        closed |= tr_closed
        half.update({d: t.strftime("%H:%M") for d, t in tr_half.items()})
    if row is None:
        return BusinessCalendar.from_spec(
            tz=STANDARD_TIMEZONE, weekly=STANDARD_WEEK, closed_days=closed, half_days=half
        )
    weekly: dict[str, list[str]] = {}
    for period in row.periods.all():
        weekly.setdefault(_WEEKDAYS[period.weekday], []).append(
            f"{period.opens:%H:%M}-{period.closes:%H:%M}"
        )
    extra: dict[date, str] = {}
    for day in row.days.all():
        if day.kind == DayKind.CLOSED:
            closed.add(day.date)
            half.pop(day.date, None)
        elif day.kind == DayKind.HALF_DAY and day.closes is not None:
            half[day.date] = f"{day.closes:%H:%M}"
        elif day.kind == DayKind.WORKING and day.opens and day.closes:
            # An organisation's own working day overrides a public holiday on that date.
            closed.discard(day.date)
            half.pop(day.date, None)
            extra[day.date] = f"{day.opens:%H:%M}-{day.closes:%H:%M}"
    return BusinessCalendar.from_spec(
        tz=row.timezone, weekly=weekly, closed_days=closed, half_days=half, extra_days=extra
    )


def calendar_get(code: str | None) -> BusinessCalendar:
    """The business calendar by code; the built-in standard one when none is stored."""
    today = timezone.localdate()
    return config_get(("calendar", code or "", today.year), lambda: _calendar_load(code, today))


def _calendar_load(code: str | None, today: date) -> BusinessCalendar:
    row = Calendar.objects.filter(code=code).first() if code else None
    key = (row.code if row else "", row.version if row else 0, today.year)
    cached = _cache.get(key)
    if cached is not None:
        return cached
    if row is not None:
        row = Calendar.objects.prefetch_related("periods", "days").get(pk=row.pk)
    built = _build(row, today)
    with _lock:
        _cache[key] = built
    return built


def calendar_changed(*, calendar: Calendar, actor: str = "") -> None:
    """Mark a calendar as changed so that every process rebuilds it, and say so.

    Call inside the transaction that changed it: listeners recompute deadlines
    in the same transaction (see ``memnun.servicelevels.signals``).
    """
    Calendar.objects.filter(pk=calendar.pk).update(version=F("version") + 1)
    calendar.refresh_from_db(fields=["version"])
    calendar_edited.send(sender=Calendar, calendar=calendar, actor=actor)


def target_changed(*, key: str, actor: str = "") -> None:
    """Bump a stored target's version (if it still exists) and announce the change."""
    ServiceTarget.objects.filter(key=key).update(version=F("version") + 1)
    target_edited.send(sender=ServiceTarget, key=key, actor=actor)


def calendar_cache_clear() -> None:
    """Forget every built calendar (tests whose rolled-back rows reuse versions)."""
    with _lock:
        _cache.clear()
    config_clear()


@dataclass(frozen=True)
class Target:
    """A service target as the deadline rules use it, stored or built in."""

    key: str
    mode: TargetMode
    minutes: int
    warn_at_percent: int


def target_get(keys: list[str]) -> Target:
    """The first target found among keys (most specific first), stored or built in."""
    return config_get(("target", *keys), lambda: _target_load(keys))


def _target_load(keys: list[str]) -> Target:
    stored = {t.key: t for t in ServiceTarget.objects.filter(key__in=keys)}
    for key in keys:
        if key in stored:
            t = stored[key]
            return Target(t.key, TargetMode(t.mode), t.minutes, t.warn_at_percent)
        if key in DEFAULT_TARGETS:
            mode, minutes, warn = DEFAULT_TARGETS[key]
            return Target(key, mode, minutes, warn)
    raise LookupError(f"no service target for any of {keys}")
