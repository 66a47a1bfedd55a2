"""Objectives against their targets: the actual of the current period, met or missed, and
the trend over the last 12 periods (R6.2).

An objective's figure is the `kpi()` answer's value at the metric's code (its dotted
place in the answer), for a calendar month or quarter in Istanbul (`periods.py`), with
the objective's office and brand as the report's filters: the same number the
dashboard and `GET /api/v1/reports/kpi` give for that period and those filters. The
current period is the one holding today (so far); the trend is the 12 periods ending
with it, oldest first. Only approved objectives are measured.

Objectives are read by whoever reads reports, within the same office scope: a
reviewer sees the objectives of their own office only (not those of the whole
organisation, whose figure they may not read).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from memnun.accounts.models import User
from memnun.dbrouting import replica_reads
from memnun.feedback.errors import NotFound
from memnun.feedback.objectives_models import Objective, ObjectiveStatus, PeriodUnit
from memnun.feedback.permissions import reports_office_scope
from memnun.feedback.selectors.reports.catalogue import CATALOGUE, METRICS, Kind, Metric
from memnun.feedback.selectors.reports.drill import answer_at
from memnun.feedback.selectors.reports.kpi import KpiReads, kpi_periods
from memnun.feedback.selectors.reports.periods import Preset, period_preset
from memnun.feedback.selectors.reports.scope import Period, ReportFilters
from memnun.organisation.models import Brand, Office

TREND_PERIODS = 12
_PRESETS = {PeriodUnit.MONTH: Preset.MONTH, PeriodUnit.QUARTER: Preset.QUARTER}


def objective_metrics() -> list[Metric]:
    """The catalogue's figures an objective may name: one number each, not a breakdown."""
    return [metric for metric in CATALOGUE if metric.kind is not Kind.BREAKDOWN]


def objective_owners() -> QuerySet[User]:
    """Who may own an objective: active staff (the form's choices, the service's check)."""
    return User.objects.filter(is_active=True).order_by("first_name", "last_name", "username")


def objective_offices() -> QuerySet[Office]:
    """The offices an objective may be scoped to: the active ones."""
    return Office.objects.filter(is_active=True).order_by("name")


def objective_brands() -> QuerySet[Brand]:
    """The brands an objective may be scoped to: the active ones."""
    return Brand.objects.filter(is_active=True).order_by("name")


def objective_metric_label(code: str) -> str:
    metric = METRICS.get(code)
    return str(metric.label) if metric else code


def objectives_visible_to(viewer: User) -> QuerySet[Objective]:
    """Every objective the viewer may read (NotPermitted for a role without reports)."""
    own_office = reports_office_scope(user=viewer, office=None)
    objectives = Objective.objects.select_related(
        "office", "brand", "owner", "approved_by", "created_by")
    if own_office is not None:
        objectives = objectives.filter(office__code=own_office)
    return objectives


def objective_for_user(*, user: User, pk: int) -> Objective:
    """One objective the user may read; NotFound outside their scope."""
    objective = objectives_visible_to(user).filter(pk=pk).first()
    if objective is None:
        raise NotFound(_("No such objective."))
    return objective


def objective_periods(*, unit: str, today: date, count: int = TREND_PERIODS) -> list[Period]:
    """The `count` calendar months or quarters ending with the one holding `today`,
    oldest first."""
    preset = _PRESETS[PeriodUnit(unit)]
    periods = [period_preset(preset=preset, today=today)]
    while len(periods) < count:
        periods.append(period_preset(preset=preset, today=periods[-1].start - timedelta(days=1)))
    return periods[::-1]


def objective_filters(objective: Objective) -> ReportFilters:
    return ReportFilters(
        office=objective.office.code if objective.office else None,
        brand=objective.brand.code if objective.brand else None,
    )


def figure_at(answer: dict[str, Any], code: str) -> Decimal | None:
    """The number at `code`'s dotted place in a KPI answer; None when there is none
    (no data: a mean without responses, or no such scalar in the answer)."""
    value = answer_at(answer, code)  # ABSENT when the answer has no such place
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    return Decimal(str(value))


class Verdict(models.TextChoices):
    MET = "met", gettext_lazy("Met")
    MISSED = "missed", gettext_lazy("Missed")
    NO_DATA = "no_data", gettext_lazy("No data")


@dataclass(frozen=True)
class TrendPoint:
    period: Period
    value: Decimal | None


@dataclass(frozen=True)
class ObjectiveProgress:
    objective: Objective
    period: Period  # the current one
    actual: Decimal | None
    verdict: Verdict
    trend: list[TrendPoint]  # oldest first, ending with the current period; [] when not asked

    @property
    def verdict_label(self) -> str:
        return str(self.verdict.label)


def verdict_of(objective: Objective, actual: Decimal | None) -> Verdict:
    if actual is None:
        return Verdict.NO_DATA
    return Verdict.MET if objective.met_by(actual) else Verdict.MISSED


class _Figures:
    """KPI answers computed once per (period, filters): objectives sharing a scope and
    a period unit share their queries. Each scope's periods are read in one trend
    (`kpi_periods`: its backlog once), and the rollup is caught up once for them all
    (`KpiReads`, which the page may share with its own figures)."""

    def __init__(self, viewer: User, reads: KpiReads) -> None:
        self.viewer = viewer
        self.answers: dict[tuple[Period, ReportFilters], dict[str, Any]] = {}
        self.reads = reads

    def values(self, objective: Objective, periods: list[Period]) -> list[Decimal | None]:
        filters = objective_filters(objective)
        missing = [period for period in periods if (period, filters) not in self.answers]
        if missing:
            answers = kpi_periods(periods=missing, filters=filters, viewer=self.viewer,
                                  reads=self.reads)
            self.answers |= {(period, filters): a for period, a in zip(missing, answers,
                                                                        strict=True)}
        return [figure_at(self.answers[(period, filters)], objective.metric)
                for period in periods]


@replica_reads
def objectives_progress(
    *, viewer: User, today: date, trend: bool = True,
    objectives: Iterable[Objective] | None = None, reads: KpiReads | None = None,
) -> list[ObjectiveProgress]:
    """Each approved objective the viewer may read, against its target in the current
    period, with its trend over the last 12 periods (unless `trend` is False).

    `reads`: what the page's other KPI reads already did (the catch-up, the backlogs)."""
    if objectives is None:
        objectives = objectives_visible_to(viewer).filter(status=ObjectiveStatus.APPROVED)
    figures = _Figures(viewer, reads or KpiReads())
    progress = []
    for objective in objectives:
        if objective.status != ObjectiveStatus.APPROVED:
            continue  # a draft or a retired objective is not measured
        periods = objective_periods(
            unit=objective.period_unit, today=today, count=TREND_PERIODS if trend else 1)
        points = [TrendPoint(period, value) for period, value in
                  zip(periods, figures.values(objective, periods), strict=True)]
        actual = points[-1].value
        progress.append(ObjectiveProgress(
            objective=objective, period=periods[-1], actual=actual,
            verdict=verdict_of(objective, actual), trend=points if trend else [],
        ))
    return progress


def objective_target(*, metric: str, filters: ReportFilters) -> Decimal | None:
    """The target of the approved objective that holds `metric` over exactly this office and
    brand scope (the dashboard draws it beside the figure); None when there is none."""
    scope: dict[str, object] = {}
    if filters.office:
        scope["office__code"] = filters.office
    else:
        scope["office__isnull"] = True
    if filters.brand:
        scope["brand__code"] = filters.brand
    else:
        scope["brand__isnull"] = True
    found = Objective.objects.filter(metric=metric, status=ObjectiveStatus.APPROVED, **scope)
    return found.order_by("-approved_at", "-pk").values_list("target", flat=True).first()
