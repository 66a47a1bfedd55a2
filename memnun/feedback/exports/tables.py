"""What an export covers and who may have it: a request (`ExportSpec`) becomes a `Table`.

- a KPI or Pareto report: whoever may read the reports, of the offices they may
  read (`reports_office_scope`, through the report selectors);
- the cases a report counts (`report_cases`): the same;
- the work queue's cases with its filters (open cases, office, status, type,
  channel): whoever may see the queue, scoped as the queue is (another office
  is refused, an office-bound user without an office gets nothing).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.feedback.codes import Channel, FeedbackType, Status
from memnun.feedback.errors import FieldErrors, NotPermitted
from memnun.feedback.export_models import ExportFormat, ExportKind
from memnun.feedback.exports.columns import CASE_HEADER, case_rows
from memnun.feedback.exports.report_rows import (
    KPI_HEADER,
    PARETO_HEADER,
    kpi_rows,
    pareto_rows,
)
from memnun.feedback.exports.writers import Cell
from memnun.feedback.models import Feedback
from memnun.feedback.permissions import Action, may
from memnun.feedback.selectors.queue import queue_office
from memnun.feedback.selectors.reports import PARETO_KEYS, Period, ReportFilters, kpi, pareto
from memnun.feedback.selectors.reports.scope import period_check, report_cases
from memnun.feedback.selectors.search import CaseFilters, cases_filtered


class Source:
    """Where a case list comes from."""

    REPORT = "report"
    QUEUE = "queue"


REPORT_FILTERS = ("office", "channel", "type", "brand", "category")
QUEUE_FILTERS = ("office", "status", "type", "channel")


@dataclass(frozen=True)
class ExportSpec:
    """An export request in codes only: kept as the `Export` row's params and audited."""

    kind: str
    format: str
    source: str = Source.REPORT  # case lists only
    start: date | None = None  # the report's period (not for the queue)
    end: date | None = None
    filters: Mapping[str, str] = field(default_factory=dict)
    by: str = ""  # Pareto only

    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = {"filters": dict(self.filters)}
        if self.kind == ExportKind.CASES:
            params["source"] = self.source
        if self.start is not None and self.end is not None:
            params |= {"from": self.start.isoformat(), "to": self.end.isoformat()}
        if self.by:
            params["by"] = self.by
        return params

    @classmethod
    def from_params(cls, *, kind: str, format: str, params: Mapping[str, Any]) -> ExportSpec:
        start, end = params.get("from"), params.get("to")
        return cls(
            kind=kind, format=format, source=params.get("source", Source.REPORT),
            start=date.fromisoformat(start) if start else None,
            end=date.fromisoformat(end) if end else None,
            filters=dict(params.get("filters", {})), by=params.get("by", ""),
        )

    def file_name(self) -> str:
        parts = ["memnun", self.kind]
        if self.kind == ExportKind.CASES:
            parts.append(self.source)
        if self.by:
            parts.append(self.by)
        if self.start and self.end:
            parts += [self.start.isoformat(), self.end.isoformat()]
        return "-".join(parts) + f".{self.format}"


@dataclass(frozen=True)
class Table:
    title: str
    header: list[str]
    total: int
    rows: Iterable[list[Cell]]


def spec_check(spec: ExportSpec) -> None:
    """FieldErrors for a request no export answers (the codes of filters are checked later)."""
    errors: dict[str, list[str]] = {}
    if spec.kind not in ExportKind.values:
        errors["kind"] = [_("Unknown export.")]
    if spec.format not in ExportFormat.values:
        errors["format"] = [_("Choose CSV or XLSX.")]
    if spec.kind == ExportKind.PARETO and spec.by not in PARETO_KEYS:
        errors["by"] = [_("Choose what to group the complaints by.")]
    if spec.kind == ExportKind.CASES and spec.source not in (Source.REPORT, Source.QUEUE):
        errors["source"] = [_("Unknown list of cases.")]
    report = spec.kind != ExportKind.CASES or spec.source == Source.REPORT
    allowed = REPORT_FILTERS if report else QUEUE_FILTERS
    if set(spec.filters) - set(allowed):
        errors["filters"] = [_("Unknown filter.")]
    if report:
        if spec.start is None or spec.end is None:
            errors["from"] = [_("Give the period's first and last day.")]
        else:
            try:
                period_check(start=spec.start, end=spec.end)
            except FieldErrors as exc:
                errors |= exc.fields
    if errors:
        raise FieldErrors(errors)


def _period(spec: ExportSpec) -> Period:
    assert spec.start is not None and spec.end is not None
    return Period(start=spec.start, end=spec.end)


def _report_filters(spec: ExportSpec) -> ReportFilters:
    return ReportFilters(**{name: spec.filters.get(name) or None for name in REPORT_FILTERS})


def queue_cases(*, user: User, filters: Mapping[str, str]) -> QuerySet[Feedback]:
    """The open cases the work queue would list with these filters (in any order)."""
    if not may(user, Action.VIEW):
        raise NotPermitted(_("Your role may not see the work queue."))
    known = {"status": Status.values, "type": FeedbackType.values, "channel": Channel.values}
    errors = {
        name: [_("Unknown code: %(code)s.") % {"code": filters[name]}]
        for name, codes in known.items() if filters.get(name) and filters[name] not in codes
    }
    if errors:
        raise FieldErrors(errors)
    # The queue's own scope: another office than one's own is refused, not emptied.
    office = queue_office(user=user, office=filters.get("office") or None)
    cases = cases_filtered(user=user, filters=CaseFilters(
        office=office.code if office else "", status=filters.get("status", ""),
        type=filters.get("type", ""), channel=filters.get("channel", ""),
    ))
    return cases.exclude(status=Status.CLOSED)


def export_cases(*, spec: ExportSpec, viewer: User) -> QuerySet[Feedback]:
    if spec.source == Source.QUEUE:
        return queue_cases(user=viewer, filters=spec.filters)
    cases, _scoped = report_cases(period=_period(spec), filters=_report_filters(spec),
                                  viewer=viewer)
    return cases


def export_table(*, spec: ExportSpec, viewer: User) -> Table:
    """The rows the request covers, as the viewer may have them (NotPermitted, FieldErrors)."""
    spec_check(spec)
    if spec.kind == ExportKind.KPI:
        kpi_table = kpi_rows(kpi(period=_period(spec), filters=_report_filters(spec),
                                 viewer=viewer))
        return Table("KPI", KPI_HEADER, len(kpi_table), kpi_table)
    if spec.kind == ExportKind.PARETO:
        answer = pareto(period=_period(spec), by=spec.by, filters=_report_filters(spec),
                        viewer=viewer)
        pareto_table = pareto_rows(answer)
        return Table("Pareto", PARETO_HEADER, len(pareto_table), pareto_table)
    cases = export_cases(spec=spec, viewer=viewer)
    return Table("Cases", CASE_HEADER, cases.count(), case_rows(cases))
