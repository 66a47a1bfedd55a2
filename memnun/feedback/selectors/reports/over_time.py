"""Volume received over time: cases per day, week or month of the period, in Istanbul.

The answer has the shape of the KPI's `received.over_time` (issue 10's
decided shape): `{"unit": "day"|"week"|"month", "points": [{"start":
"YYYY-MM-DD", "count": n}, ...]}`, every unit of the period present (0 when
none). The dashboard reads `received.over_time` from the KPI answer when it
is there and asks this function otherwise; the KPI may take this over.

One GROUP BY on the Istanbul date truncated to the unit (the database does
the time-zone arithmetic), over the report's cases.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek

from memnun.accounts.models import User
from memnun.feedback.models import Feedback
from memnun.feedback.selectors.reports.scope import (
    REPORT_TIMEZONE,
    Period,
    ReportFilters,
    report_cases,
)

# A month of days and half a year of weeks still read as bars; longer goes by month.
_MAX_DAYS = 31
_MAX_WEEKS_DAYS = 7 * 26

_TRUNC = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}


def over_time_unit(period: Period) -> str:
    """day up to a month, week up to half a year, month beyond."""
    days = (period.end - period.start).days + 1
    if days <= _MAX_DAYS:
        return "day"
    if days <= _MAX_WEEKS_DAYS:
        return "week"
    return "month"


def unit_start(day: date, unit: str) -> date:
    """The first day of the unit holding `day` (a week starts on Monday)."""
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    return day


def unit_after(start: date, unit: str) -> date:
    """The first day of the next unit."""
    if unit == "week":
        return start + timedelta(days=7)
    if unit == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start + timedelta(days=1)


def received_over_time(*, cases: QuerySet[Feedback], period: Period) -> dict[str, Any]:
    """The report's cases counted per unit of the period (see the module's docstring)."""
    unit = over_time_unit(period)
    trunc = _TRUNC[unit]("received_at", tzinfo=REPORT_TIMEZONE)
    rows = cases.annotate(unit_start=trunc).values("unit_start").annotate(n=Count("pk"))
    counts: dict[date, int] = {}
    for row in rows.order_by():
        start = row["unit_start"]
        day = start.astimezone(REPORT_TIMEZONE).date() if hasattr(start, "astimezone") else start
        counts[day] = counts.get(day, 0) + row["n"]
    points = []
    start = unit_start(period.start, unit)
    while start <= period.end:
        points.append({"start": start.isoformat(), "count": counts.get(start, 0)})
        start = unit_after(start, unit)
    return {"unit": unit, "points": points}


def received_over_time_report(
    *, period: Period, filters: ReportFilters, viewer: User
) -> dict[str, Any]:
    """`received.over_time` for the report's reader: the cases they may count, per unit."""
    cases, _scoped = report_cases(period=period, filters=filters, viewer=viewer)
    return received_over_time(cases=cases, period=period)
