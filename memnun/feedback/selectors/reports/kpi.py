"""The KPI figures of a period, read from the raw cases in aggregate.

Counts, breakdowns, tables and means are the *counters*: one aggregate query
of conditional COUNTs and SUMs. Durations are histograms of the stored report
facts (`durations.py`); volume over time, compensation and the per-handler
satisfaction are one grouped query each; the backlog is "now" (`backlog.py`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.aggregates import Aggregate
from django.utils import timezone

from memnun.accounts.models import User
from memnun.dbrouting import replica_reads
from memnun.feedback.codes import CompensationStatus
from memnun.feedback.models import Compensation, Feedback
from memnun.feedback.selectors.reports.backlog import backlog, handler_name, handler_sort_key
from memnun.feedback.selectors.reports.catalogue import (
    CATALOGUE,
    DURATIONS,
    Kind,
    Metric,
    mean,
)
from memnun.feedback.selectors.reports.durations import (
    MEDIAN,
    P90,
    duration_figures,
    histogram,
    hours,
    percentile,
)
from memnun.feedback.selectors.reports.over_time import over_time, received_per_day
from memnun.feedback.selectors.reports.scope import (
    Period,
    ReportFilters,
    filtered_cases,
    report_scope,
)

# A counter's name: (metric code, key, part); "" where the metric has none.
CounterName = tuple[str, str, str]
Keys = Mapping[str, Mapping[str, object]]


def breakdown_keys() -> dict[str, Mapping[str, object]]:
    """Each metric's keys, read once per answer so that the query and the answer agree."""
    return {m.code: m.keys() if m.keys else {} for m in CATALOGUE}


def counters(keys: Keys) -> dict[CounterName, Aggregate]:
    """Every conditional count and sum the catalogue's counted figures are made of."""
    found: dict[CounterName, Aggregate] = {}
    for metric in CATALOGUE:
        cases = metric.cases() if metric.cases else Q()
        if metric.kind is Kind.COUNT:
            found[(metric.code, "", "")] = Count("pk", filter=cases)
        elif metric.kind is Kind.MEAN:
            found[(metric.code, "", "sum")] = Sum(metric.field, filter=cases)
            found[(metric.code, "", "n")] = Count("pk", filter=cases)
        elif metric.kind is Kind.BREAKDOWN:
            for key, value in keys[metric.code].items():
                found[(metric.code, key, "")] = Count(
                    "pk", filter=cases & Q(**{metric.field: value})
                )
        elif metric.kind is Kind.TABLE:
            for key, value in keys[metric.code].items():
                for name, part in metric.parts.items():
                    where = part.cases() & Q(**{metric.field: value})
                    found[(metric.code, key, name)] = (
                        Sum(part.total, filter=where) if part.total
                        else Count("pk", filter=where)
                    )
    return found


def counter_names(keys: Keys) -> list[CounterName]:
    """The names `counters` gives, without building the aggregates (the rollup's reads)."""
    names: list[CounterName] = []
    for metric in CATALOGUE:
        if metric.kind is Kind.COUNT:
            names.append((metric.code, "", ""))
        elif metric.kind is Kind.MEAN:
            names += [(metric.code, "", "sum"), (metric.code, "", "n")]
        elif metric.kind is Kind.BREAKDOWN:
            names += [(metric.code, key, "") for key in keys[metric.code]]
        elif metric.kind is Kind.TABLE:
            names += [(metric.code, key, part) for key in keys[metric.code]
                      for part in metric.parts]
    return names


def counters_read(cases: QuerySet[Feedback], keys: Keys) -> dict[CounterName, int]:
    """The counters over `cases`, in one aggregate query (a missing sum reads 0)."""
    wanted = counters(keys)
    aliases = {f"c{i}": name for i, name in enumerate(wanted)}
    row = cases.order_by().aggregate(
        **{alias: wanted[name] for alias, name in aliases.items()}
    )
    return {name: row[alias] or 0 for alias, name in aliases.items()}


def compensation_granted(cases: QuerySet[Feedback]) -> dict[str, Any]:
    row = Compensation.objects.filter(
        feedback__in=cases.order_by().values("pk"), status=CompensationStatus.APPROVED
    ).aggregate(count=Count("pk"), amount=Sum("amount"))
    return {"count": row["count"], "amount": amount_text(row["amount"])}


def amount_text(amount: Decimal | int | None) -> str:
    return f"{Decimal(amount or 0):.2f}"


def satisfaction_by_handler(cases: QuerySet[Feedback]) -> list[dict[str, Any]]:
    rows = (
        cases.filter(survey__isnull=False).order_by()
        .values("assignee__username", "assignee__first_name", "assignee__last_name")
        .annotate(responses=Count("pk"), score=Sum("survey__score"))
    )
    found = [
        {"handler": row["assignee__username"],
         "name": handler_name(row["assignee__first_name"], row["assignee__last_name"],
                            row["assignee__username"]),
         "responses": row["responses"], "mean": mean(row["score"], row["responses"])}
        for row in rows
    ]
    found.sort(key=lambda row: handler_sort_key(row, "responses"))
    return found


def _place(answer: dict[str, Any], code: str, value: object) -> None:
    *parents, leaf = code.split(".")
    for part in parents:
        answer = answer.setdefault(part, {})
    answer[leaf] = value


def _counted(metric: Metric, counts: Mapping[CounterName, int], keys: Keys) -> object:
    code = metric.code
    if metric.kind is Kind.COUNT:
        return counts[(code, "", "")]
    if metric.kind is Kind.MEAN:
        return mean(counts[(code, "", "sum")], counts[(code, "", "n")])
    if metric.kind is Kind.BREAKDOWN:
        return {key: counts[(code, key, "")] for key in keys[code]}
    assert metric.kind is Kind.TABLE and metric.row is not None
    return {
        key: metric.row({name: counts[(code, key, name)] for name in metric.parts})
        for key in keys[code]
    }


_COUNTED = {Kind.COUNT, Kind.MEAN, Kind.BREAKDOWN, Kind.TABLE}


def kpi_answer(
    *, period: Period, scoped: ReportFilters, keys: Keys,
    counts: Mapping[CounterName, int], per_day: Mapping[date, int],
    durations: Mapping[str, Mapping[int, int]], compensation: dict[str, Any],
    by_handler: list[dict[str, Any]], now_figures: dict[str, Any],
) -> dict[str, Any]:
    """The answer, from its parts: the raw path and the rollup give the same parts."""
    answer: dict[str, Any] = {
        "from": period.start.isoformat(), "to": period.end.isoformat(),
        "filters": scoped.given(),
    }
    decisions = durations["decision"]
    for metric in CATALOGUE:
        value: object
        if metric.kind in _COUNTED:
            value = _counted(metric, counts, keys)
        elif metric.kind is Kind.RATE:
            continue  # once every other figure is placed
        elif metric.kind is Kind.DURATION:
            value = duration_figures(durations[metric.code.rsplit(".", 1)[1]])
        elif metric.kind is Kind.BUSINESS_HOURS:
            q = MEDIAN if metric.code.endswith(".median") else P90
            value = hours(percentile(decisions, q))
        elif metric.kind is Kind.OVER_TIME:
            value = over_time(period, per_day)
        elif metric.kind is Kind.COMPENSATION:
            value = compensation[metric.code.rsplit(".", 1)[1]]
        elif metric.kind is Kind.BY_HANDLER:
            value = by_handler
        else:
            value = now_figures[metric.code.rsplit(".", 1)[1]]
        _place(answer, metric.code, value)
    for metric in CATALOGUE:
        if metric.kind is Kind.RATE:
            assert metric.derive is not None
            _place(answer, metric.code, metric.derive(answer))
    return answer


def kpi_raw(
    *, period: Period, scoped: ReportFilters, now_figures: dict[str, Any]
) -> dict[str, Any]:
    """Every figure from the raw cases (any filter; slower over long periods)."""
    first, after = period.bounds()
    cases = filtered_cases(scoped).filter(received_at__gte=first, received_at__lt=after)
    keys = breakdown_keys()
    return kpi_answer(
        period=period, scoped=scoped, keys=keys,
        counts=counters_read(cases, keys),
        per_day=received_per_day(cases),
        durations={name: histogram(cases, fact) for name, fact in DURATIONS.items()},
        compensation=compensation_granted(cases),
        by_handler=satisfaction_by_handler(cases),
        now_figures=now_figures,
    )


@dataclass
class KpiReads:
    """What several KPI reads of one page share (the dashboard's figures, its Pareto and
    its objectives): one "now", one catch-up of the rollup, one backlog per filter scope
    (the backlog is "now": the same in every answer over the same filters)."""

    now: datetime = field(default_factory=timezone.now)
    caught_up: bool = False
    backlogs: dict[ReportFilters, dict[str, Any]] = field(default_factory=dict)

    def catch_up(self) -> None:
        from memnun.feedback.services.report_rollup import rollup_catch_up

        if not self.caught_up:
            rollup_catch_up()
            self.caught_up = True

    def backlog(self, scoped: ReportFilters) -> dict[str, Any]:
        if scoped not in self.backlogs:
            self.backlogs[scoped] = backlog(filtered_cases(scoped), now=self.now)
        return self.backlogs[scoped]


@replica_reads
def kpi_periods(
    *, periods: Sequence[Period], filters: ReportFilters, viewer: User,
    now: datetime | None = None, raw: bool = False, catch_up: bool = True,
    reads: KpiReads | None = None,
) -> list[dict[str, Any]]:
    """The KPI answer of each period, for the same filters and reader (a trend).

    The cost shared by the periods is paid once: the reader's scope, the rollup's
    catch-up (unless `catch_up` is False: the caller has just caught up) and the
    backlog, which is "now" and the same in every answer; with `reads`, once for
    every call given the same `reads` (its "now" then stands for `now`).
    """
    from memnun.feedback.selectors.reports.rollup import kpi_rollup

    if reads is None:
        reads = KpiReads(now=now or timezone.now(), caught_up=not catch_up)
    scoped = report_scope(filters=filters, viewer=viewer)
    rolled = not (raw or scoped.brand is not None or scoped.category is not None)
    if rolled:
        reads.catch_up()
    now_figures = reads.backlog(scoped)
    read = kpi_rollup if rolled else kpi_raw
    return [read(period=period, scoped=scoped, now_figures=now_figures) for period in periods]


@replica_reads
def kpi(
    *, period: Period, filters: ReportFilters, viewer: User, now: datetime | None = None,
    raw: bool = False, reads: KpiReads | None = None,
) -> dict[str, Any]:
    """The KPI answer of `GET /api/v1/reports/kpi` (api-v1.md, Reports; docs/reports.md).

    Read from the rollup, caught up first, unless a brand or category filter is given
    (the rollup has no such cells: those read the raw cases, slower) or `raw` is asked.
    """
    return kpi_periods(periods=[period], filters=filters, viewer=viewer, now=now, raw=raw,
                       reads=reads)[0]
