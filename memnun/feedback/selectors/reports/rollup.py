"""The KPI figures read from the rollup (services/report_rollup.py keeps it exact).

The same parts as the raw path (`kpi.kpi_answer`), read from a few hundred rows
a day instead of the cases: the counters are column sums over the day cells
(grouped by channel, type or office where a figure breaks down by one),
brand, category and handler figures come from their day tables, and the
durations from the monthly histograms of the whole months in the period plus
the daily ones of its edges. Channel and type filters narrow the cells; the
brand, category and handler tables and the histograms have no channel or type,
so under those filters these parts are read from the raw cases (slower).
The backlog is "now", read from the open cases once per `kpi_periods` call.

The Pareto by office, brand and category (`pareto_rolled`) reads the same cells and
the brand and category day tables' complaints, when the filters allow it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from memnun.feedback.codes import FeedbackType
from memnun.feedback.models import (
    Feedback,
    ReportBrandDay,
    ReportCategoryDay,
    ReportDay,
    ReportDuration,
    ReportHandlerDay,
    ReportMonth,
)
from memnun.feedback.selectors.reports.backlog import handler_name, handler_sort_key
from memnun.feedback.selectors.reports.catalogue import DURATIONS, mean
from memnun.feedback.selectors.reports.cells import counter_column
from memnun.feedback.selectors.reports.durations import histogram
from memnun.feedback.selectors.reports.kpi import (
    CounterName,
    amount_text,
    breakdown_keys,
    counter_names,
    kpi_answer,
    satisfaction_by_handler,
)
from memnun.feedback.selectors.reports.scope import Period, ReportFilters, filtered_cases
from memnun.organisation.models import Brand, Category, Office

_SIDE_FIELDS = {"received.by_brand": "brand", "received.by_category": "category",
                "satisfaction.by_category": "category"}


def _office_q(scoped: ReportFilters) -> Q:
    return Q(office__code=scoped.office) if scoped.office else Q()


def _cell_filter(scoped: ReportFilters) -> Q:
    lookups = {"channel": scoped.channel, "type": scoped.type}
    return _office_q(scoped) & Q(**{k: v for k, v in lookups.items() if v is not None})


_CELL_KEY = ("office_id", "channel", "type")


def _cell_sums(
    period: Period, scoped: ReportFilters, columns: set[str]
) -> dict[tuple[int, str, str], dict[str, int]]:
    """The columns summed per (office, channel, type): whole months from the month cells,
    the edge days from the day cells (a few thousand rows for a year)."""
    months, edges = _months(period)
    where = _cell_filter(scoped)
    sources: list[QuerySet[Any]] = []
    if months:
        sources.append(ReportMonth.objects.filter(where, month__in=months))
    if edges:
        span = Q()
        for first, last in edges:
            span |= Q(day__gte=first, day__lte=last)
        sources.append(ReportDay.objects.filter(where & span))
    found: dict[tuple[int, str, str], dict[str, int]] = {}
    for rows in sources:
        grouped = rows.order_by().values(*_CELL_KEY).annotate(
            **{name: Sum(name) for name in columns})
        for row in grouped:
            sums = found.setdefault(tuple(row[k] for k in _CELL_KEY),
                                    dict.fromkeys(columns, 0))
            for name in columns:
                sums[name] += row[name] or 0
    return found


def _side_rows(
    period: Period, scoped: ReportFilters, raw: QuerySet[Feedback] | None
) -> dict[str, dict[object, dict[str, int]]]:
    """Per brand and per category: received, responses, score (from the day tables or raw)."""
    brands: QuerySet[Any, dict[str, Any]]
    categories: QuerySet[Any, dict[str, Any]]
    if raw is not None:
        surveyed = Q(survey__isnull=False)
        brands = raw.values("brand_id").annotate(received=Count("pk"))
        categories = raw.values("category_id").annotate(
            received=Count("pk"), responses=Count("pk", filter=surveyed),
            score=Sum("survey__score", filter=surveyed))
    else:
        where = Q(_office_q(scoped), day__gte=period.start, day__lte=period.end)
        brands = ReportBrandDay.objects.filter(where).order_by().values("brand_id").annotate(
            received=Sum("received"))
        categories = ReportCategoryDay.objects.filter(where).order_by().values(
            "category_id").annotate(received=Sum("received"), responses=Sum("responses"),
                                    score=Sum("score"))
    return {
        "brand": {row["brand_id"]: {"received": row["received"] or 0} for row in brands},
        "category": {row["category_id"]: {k: row[k] or 0 for k in
                                          ("received", "responses", "score")}
                     for row in categories},
    }


def _handlers(period: Period, scoped: ReportFilters) -> list[dict[str, Any]]:
    rows = (
        ReportHandlerDay.objects.filter(_office_q(scoped), day__gte=period.start,
                                        day__lte=period.end).order_by()
        .values("assignee__username", "assignee__first_name", "assignee__last_name")
        .annotate(responses=Sum("responses"), score=Sum("score"))
    )
    found = [
        {"handler": row["assignee__username"],
         "name": handler_name(row["assignee__first_name"], row["assignee__last_name"],
                            row["assignee__username"]),
         "responses": row["responses"], "mean": mean(row["score"], row["responses"])}
        for row in rows if row["responses"]
    ]
    found.sort(key=lambda row: handler_sort_key(row, "responses"))
    return found


def _months(period: Period) -> tuple[list[date], list[tuple[date, date]]]:
    """The whole calendar months inside the period, and the day ranges left at its edges."""
    months: list[date] = []
    edges: list[tuple[date, date]] = []
    day = period.start
    while day <= period.end:
        following = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
        last = min(following - timedelta(days=1), period.end)
        if day.day == 1 and last == following - timedelta(days=1):
            months.append(day)
        else:
            edges.append((day, last))
        day = following
    return months, edges


def _durations(period: Period, scoped: ReportFilters) -> dict[str, dict[int, int]]:
    months, edges = _months(period)
    span = Q(month__in=months) if months else Q(pk__in=[])
    for first, last in edges:
        span |= Q(day__gte=first, day__lte=last)
    rows = (
        ReportDuration.objects.filter(span, _office_q(scoped)).order_by()
        .values_list("measure", "value").annotate(total=Sum("n"))
    )
    found: dict[str, dict[int, int]] = {measure: {} for measure in DURATIONS}
    for measure, value, total in rows:
        found[measure][value] = total
    return found


def kpi_rollup(
    *, period: Period, scoped: ReportFilters, now_figures: dict[str, Any]
) -> dict[str, Any]:
    """Every figure, from the rollup (brand and category filters are not answered here)."""
    assert scoped.brand is None and scoped.category is None
    keys = breakdown_keys()
    wanted = counter_names(keys)
    placed: dict[CounterName, tuple[str, str | None]] = {}
    for name in wanted:
        if name[0] not in _SIDE_FIELDS:
            placed[name] = counter_column(*name)
    columns = {stored for stored, _ in placed.values()} | {
        "compensation_count", "compensation_cents"}
    cells = _cell_sums(period, scoped, columns)
    totals = dict.fromkeys(columns, 0)
    sums: dict[str, dict[object, dict[str, int]]] = {dim: {} for dim in _CELL_KEY}
    for cell, row in cells.items():
        for counted, value in row.items():
            totals[counted] += value
        for dim, dim_value in zip(_CELL_KEY, cell, strict=True):
            per = sums[dim].setdefault(dim_value, dict.fromkeys(columns, 0))
            for counted, n in row.items():
                per[counted] += n

    filtered = filtered_cases(scoped)
    first, after = period.bounds()
    narrowed = scoped.channel is not None or scoped.type is not None
    raw = filtered.filter(received_at__gte=first, received_at__lt=after).order_by()
    side = _side_rows(period, scoped, raw if narrowed else None)

    counts: dict[CounterName, int] = {}
    for name in wanted:
        code, key, part = name
        if code in _SIDE_FIELDS:
            table = side[_SIDE_FIELDS[code]]
            counts[name] = table.get(keys[code][key], {}).get(part or "received", 0)
            continue
        stored, by = placed[name]
        if by is None:
            counts[name] = totals[stored]
        else:
            counts[name] = sums[by].get(keys[code][key], {}).get(stored, 0)

    per_day = dict(
        ReportDay.objects.filter(_cell_filter(scoped), day__gte=period.start,
                                 day__lte=period.end).order_by()
        .values_list("day").annotate(n=Sum("received_total"))
    )
    if narrowed:
        durations = {name: histogram(raw, fact) for name, fact in DURATIONS.items()}
        by_handler = satisfaction_by_handler(raw)
    else:
        durations = _durations(period, scoped)
        by_handler = _handlers(period, scoped)
    compensation = {"count": totals["compensation_count"],
                    "amount": amount_text(Decimal(totals["compensation_cents"]) / 100)}
    return kpi_answer(
        period=period, scoped=scoped, keys=keys, counts=counts, per_day=per_day,
        durations=durations, compensation=compensation, by_handler=by_handler,
        now_figures=now_figures,
    )


# The Pareto keys the rollup holds: the day table counting complaints per key value
# (with the office), and the report filters it can also apply. The office is a cell
# dimension beside channel and type; brand and category have a table each.
_PARETO_FILTERS: dict[str, frozenset[str]] = {
    "office": frozenset({"office", "channel", "type"}),
    "brand": frozenset({"office", "brand", "type"}),
    "category": frozenset({"office", "category", "type"}),
}


def pareto_rollable(*, by: str, scoped: ReportFilters) -> bool:
    """Whether the rollup holds this Pareto: not for another key, a filter its table has
    not, or a type other than complaint (the raw cases are counted then)."""
    allowed = _PARETO_FILTERS.get(by)
    return (allowed is not None and set(scoped.given()) <= allowed
            and scoped.type in (None, FeedbackType.COMPLAINT))


def pareto_rolled(*, by: str, period: Period, scoped: ReportFilters) -> dict[str | None, int]:
    """Complaints per code of `by` (None: no value) from the rollup, only the codes with
    complaints (`pareto_rollable` first)."""
    assert pareto_rollable(by=by, scoped=scoped)
    counted: dict[int | None, int]
    if by == "office":
        complaints = replace(scoped, type=FeedbackType.COMPLAINT)
        counted = {}
        for (office_id, _channel, _type), row in _cell_sums(
                period, complaints, {"received_total"}).items():
            counted[office_id] = counted.get(office_id, 0) + row["received_total"]
        codes = dict(Office.objects.values_list("pk", "code"))
    else:
        table: type[ReportBrandDay | ReportCategoryDay]
        table, model = ((ReportBrandDay, Brand) if by == "brand"
                        else (ReportCategoryDay, Category))
        where = Q(_office_q(scoped), day__gte=period.start, day__lte=period.end)
        if getattr(scoped, by) is not None:
            where &= Q(**{f"{by}__code": getattr(scoped, by)})
        counted = dict(
            table.objects.filter(where).order_by().values_list(f"{by}_id")
            .annotate(n=Sum("complaints"))
        )
        codes = dict(model.objects.values_list("pk", "code"))
    return {(None if pk is None else codes[pk]): n for pk, n in counted.items() if n}
