"""The KPI figures of a period: one aggregate query, and the business hours case by case."""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from typing import Any

from django.db.models import Avg, Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.aggregates import Aggregate

from memnun.accounts.models import User
from memnun.feedback.codes import Status
from memnun.feedback.models import Feedback, StageChange
from memnun.feedback.selectors.reports.catalogue import CATALOGUE, Kind, Metric
from memnun.feedback.selectors.reports.scope import Period, ReportFilters, report_cases
from memnun.servicelevels.calendar import BusinessCalendar
from memnun.servicelevels.clock import business_seconds_between
from memnun.servicelevels.store import calendar_get

_SECONDS_PER_HOUR = 3600


def _alias(code: str, key: str = "") -> str:
    return "__".join(filter(None, [code.replace(".", "__"), key]))


def _aggregates(metric: Metric, keys: Mapping[str, object]) -> dict[str, Aggregate]:
    cases = metric.cases() if metric.cases else Q()
    if metric.kind is Kind.COUNT:
        return {_alias(metric.code): Count("pk", filter=cases)}
    if metric.kind is Kind.MEAN:
        return {_alias(metric.code): Avg(metric.field, filter=cases)}
    if metric.kind is Kind.BREAKDOWN:
        return {
            _alias(metric.code, key): Count("pk", filter=cases & Q(**{metric.field: value}))
            for key, value in keys.items()
        }
    return {}


def _place(answer: dict[str, Any], code: str, value: object) -> None:
    *parents, leaf = code.split(".")
    for part in parents:
        answer = answer.setdefault(part, {})
    answer[leaf] = value


def resolution_hours(cases: QuerySet[Feedback]) -> list[float]:
    """Business hours from receipt to the first approval, of each case that reached resolved.

    Computed in Python, one case at a time, because business time depends on
    each office's calendar; the rows are streamed (two timestamps and a
    calendar code each), so memory stays bounded, but the time grows with the
    number of resolved cases in the period.
    """
    first_approval = (
        StageChange.objects.filter(feedback=OuterRef("pk"), status=Status.RESOLVED)
        .order_by("at", "pk").values("at")[:1]
    )
    rows = (
        cases.annotate(approved_at=Subquery(first_approval))
        .filter(approved_at__isnull=False)
        .values_list("received_at", "approved_at", "office__calendar__code")
    )
    calendars: dict[str | None, BusinessCalendar] = {}
    hours = []
    for received_at, approved_at, code in rows.iterator(chunk_size=2000):
        if code not in calendars:
            calendars[code] = calendar_get(code)
        seconds = business_seconds_between(calendars[code], received_at, approved_at)
        hours.append(seconds / _SECONDS_PER_HOUR)
    return hours


def _percentile_90(values: list[float]) -> float:
    if len(values) == 1:
        return values[0]
    # "inclusive": linear between the nearest ranks, as a spreadsheet's PERCENTILE.
    return statistics.quantiles(values, n=10, method="inclusive")[-1]


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def kpi(*, period: Period, filters: ReportFilters, viewer: User) -> dict[str, Any]:
    """The KPI answer of `GET /api/v1/reports/kpi` (api-v1.md, Reports)."""
    cases, scoped = report_cases(period=period, filters=filters, viewer=viewer)
    # Each breakdown's keys read once, so that the query and the answer agree.
    keys = {m.code: m.keys() if m.keys else {} for m in CATALOGUE}
    aggregates: dict[str, Aggregate] = {}
    for metric in CATALOGUE:
        aggregates |= _aggregates(metric, keys[metric.code])
    row = cases.aggregate(**aggregates)
    hours = resolution_hours(cases)
    measured = {
        "resolution_business_hours.median": statistics.median(hours) if hours else None,
        "resolution_business_hours.p90": _percentile_90(hours) if hours else None,
    }
    answer: dict[str, Any] = {
        "from": period.start.isoformat(), "to": period.end.isoformat(),
        "filters": scoped.given(),
    }
    for metric in CATALOGUE:
        if metric.kind is Kind.BREAKDOWN:
            value: object = {key: row[_alias(metric.code, key)] for key in keys[metric.code]}
        elif metric.kind is Kind.MEAN:
            value = _rounded(row[_alias(metric.code)])
        elif metric.kind is Kind.BUSINESS_HOURS:
            value = _rounded(measured[metric.code])
        else:
            value = row[_alias(metric.code)]
        _place(answer, metric.code, value)
    return answer
