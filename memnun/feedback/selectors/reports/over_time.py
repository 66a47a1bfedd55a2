"""Volume received over time: cases per day, week or month of the period, in Istanbul.

The one home of the KPI's `received.over_time` (issue 10's decided shape):
`{"unit": "day"|"week"|"month", "points": [{"start": "YYYY-MM-DD", "count":
n}, ...]}`, every unit of the period present (0 when none), each `start` the
first day of its unit inside the period (a period starting on a Wednesday
has its first week start then).

The series is built from the cases received per Istanbul day: the raw path
counts them with one GROUP BY on the Istanbul date (`received_per_day`), the
rollup sums its day cells; both hand the days to `over_time`. The dashboard
and the API read the series from the KPI answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate

from memnun.feedback.models import Feedback
from memnun.feedback.selectors.reports.scope import REPORT_TIMEZONE, Period

# A month of days and half a year of weeks still read as bars; longer goes by month.
_MAX_DAYS = 31
_MAX_WEEKS_DAYS = 7 * 26


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
        return unit_start(start, unit) + timedelta(days=7)
    if unit == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start + timedelta(days=1)


def over_time(period: Period, per_day: Mapping[date, int]) -> dict[str, Any]:
    """`received.over_time` from the counts per Istanbul day (days without cases absent)."""
    unit = over_time_unit(period)
    points: dict[date, int] = {}
    day = period.start
    while day <= period.end:
        start = max(unit_start(day, unit), period.start)
        points[start] = points.get(start, 0) + per_day.get(day, 0)
        day += timedelta(days=1)
    return {"unit": unit,
            "points": [{"start": start.isoformat(), "count": n} for start, n in points.items()]}


def received_per_day(cases: QuerySet[Feedback]) -> dict[date, int]:
    """The cases counted per Istanbul day of receipt (one GROUP BY; days without none)."""
    rows = (
        cases.order_by().annotate(day=TruncDate("received_at", tzinfo=REPORT_TIMEZONE))
        .values_list("day").annotate(n=Count("pk"))
    )
    return dict(rows)
