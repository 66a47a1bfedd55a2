"""The KPI dashboard: the report selectors' figures for a period, as tables and charts.

The page only translates: the period and filters from the query string into
the selectors' terms, and their answers (the same `kpi` and `pareto` the API
calls) into labelled rows, charts and links to the cases behind a figure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from memnun.desk.charts import bar_chart, pareto_chart, svg_data_uri
from memnun.desk.common import staff_user
from memnun.desk.forms import ReportForm
from memnun.desk.views_objectives import objectives_panel
from memnun.feedback.codes import Channel, Closure, FeedbackType, Status
from memnun.feedback.errors import FieldErrors, NotPermitted
from memnun.feedback.permissions import reports_office_scope
from memnun.feedback.selectors.reports import PARETO_KEYS, Period, ReportFilters, kpi, pareto
from memnun.feedback.selectors.reports.catalogue import METRICS, acknowledgement_rate
from memnun.feedback.selectors.reports.periods import (
    DEFAULT_PRESET,
    Preset,
    period_preset,
    report_today,
)
from memnun.feedback.selectors.reports.scope import period_check

DEFAULT_PARETO = "category"
# The filters the work queue can apply (views_queue.py); the queue lists open cases only.
_QUEUE_FILTERS = ("office", "channel", "type", "status")


@dataclass(frozen=True)
class Row:
    label: str
    value: object
    url: str | None = None


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    src: str


def _pareto_by() -> list[tuple[str, str]]:
    return [(key, str(pareto_key.title)) for key, pareto_key in PARETO_KEYS.items()]


def _labels(key: str) -> Mapping[str, str]:
    labels = PARETO_KEYS[key].labels
    return dict(labels()) if labels else {}


def _period(form: ReportForm) -> Period | None:
    data = form.cleaned_data
    preset = Preset(data.get("period") or DEFAULT_PRESET)
    if preset is not Preset.CUSTOM:
        return period_preset(preset=preset, today=report_today(now=timezone.now()))
    try:
        return period_check(start=data["start"], end=data["end"])
    except FieldErrors as exc:
        form.add_service_errors(exc.fields)
        return None


def _queue_link(filters: ReportFilters) -> Callable[..., str | None]:
    """Links to the queue with the figure's filters, while the queue can apply them all."""
    given = filters.given()
    if set(given) - set(_QUEUE_FILTERS):
        return lambda **_extra: None

    def link(**extra: str) -> str | None:
        if extra.get("status") == Status.CLOSED:
            return None  # the queue lists open cases only
        return f"{reverse('desk:queue')}?{urlencode({**given, **extra})}"

    return link


def _breakdown(
    counts: Mapping[str, int], names: Callable[[str], str], link: Callable[[str], str | None]
) -> list[Row]:
    return [Row(names(code), count, link(code)) for code, count in counts.items()]


def _figures(answer: dict[str, Any], filters: ReportFilters, offices: Mapping[str, str]) -> (
    dict[str, Any]
):
    link = _queue_link(filters)
    received, ack = answer["received"], answer["acknowledgement"]
    satisfaction, hours = answer["satisfaction"], answer["resolution_business_hours"]
    return {
        "total": received["total"],
        "by_channel": _breakdown(
            received["by_channel"], lambda c: str(Channel(c).label), lambda c: link(channel=c)),
        "by_type": _breakdown(
            received["by_type"], lambda c: str(FeedbackType(c).label), lambda c: link(type=c)),
        "by_office": _breakdown(
            received["by_office"], lambda c: offices.get(c, c), lambda c: link(office=c)),
        "acknowledgement": [
            Row(str(METRICS[f"acknowledgement.{key}"].label), ack[key])
            for key in ("on_time", "late", "pending")
        ],
        "ack_rate": acknowledgement_rate(on_time=ack["on_time"], late=ack["late"]),
        "status": _breakdown(
            answer["status"], lambda c: str(Status(c).label), lambda c: link(status=c)),
        "closed": _breakdown(answer["closed"], lambda c: str(Closure(c).label), lambda c: None),
        "outcomes": [
            Row(str(METRICS[code].label), answer[code])
            for code in ("rejected_by_customer", "reopened")
        ],
        "satisfaction": satisfaction,
        "distribution": [Row(score, n) for score, n in satisfaction["distribution"].items()],
        "hours": [
            Row(str(METRICS[f"resolution_business_hours.{key}"].label), hours[key])
            for key in ("median", "p90")
        ],
    }


def _charts(figures: dict[str, Any], answer_pareto: dict[str, Any], by_label: str) -> (
    list[Chart]
):
    def bars(id: str, title: str, rows: list[Row]) -> Chart:
        svg = bar_chart(title=title, series=_("Cases"), labels=[r.label for r in rows],
                        values=[int(str(r.value)) for r in rows])
        return Chart(id, title, svg_data_uri(svg))

    items = answer_pareto["items"]
    pareto_svg = pareto_chart(
        title=_("Complaints by %(key)s") % {"key": by_label}, count_label=_("Complaints"),
        cumulative_label=_("Cumulative share"), labels=[i["label"] for i in items],
        counts=[i["count"] for i in items], cumulative=[i["cumulative"] for i in items],
    )
    return [
        bars("channel", _("Received by channel"), figures["by_channel"]),
        bars("acknowledgement", _("Acknowledgement"), figures["acknowledgement"]),
        Chart("pareto", _("Complaints by %(key)s") % {"key": by_label},
              svg_data_uri(pareto_svg)),
        bars("satisfaction", _("Satisfaction scores"), figures["distribution"]),
    ]


@require_GET
@login_required
def reports(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    try:
        # Who may read reports, and which office a reviewer is held to: the permission matrix.
        own_office = reports_office_scope(user=user, office=None)
    except NotPermitted as exc:
        raise PermissionDenied(exc.detail) from exc
    offices = _labels("office")
    office_choices = [
        (code, name) for code, name in sorted(offices.items(), key=lambda item: item[1])
        if own_office is None or code == own_office
    ]
    pareto_by = _pareto_by()
    form = ReportForm(
        request.GET or {"period": DEFAULT_PRESET}, offices=office_choices,
        everyone=own_office is None, pareto_by=pareto_by,
        brands=sorted(_labels("brand").items(), key=lambda item: item[1]),
        categories=sorted(_labels("category").items(), key=lambda item: item[1]),
    )
    context: dict[str, Any] = {"form": form, "filtered": bool(request.GET)}
    period = _period(form) if form.is_valid() else None
    if period is None:
        return render(request, "desk/reports.html", context, status=400)
    data = form.cleaned_data
    filters = ReportFilters(**{
        name: data.get(name) or None for name in ("office", "channel", "type", "brand", "category")
    })
    by = data.get("by") or DEFAULT_PARETO
    try:
        answer = kpi(period=period, filters=filters, viewer=user)
        answer_pareto = pareto(period=period, by=by, filters=filters, viewer=user)
    except NotPermitted as exc:
        raise PermissionDenied(exc.detail) from exc
    except FieldErrors as exc:
        form.add_service_errors(exc.fields)
        return render(request, "desk/reports.html", context, status=400)
    scoped = ReportFilters(**answer["filters"])
    figures = _figures(answer, scoped, offices)
    by_label = dict(pareto_by)[by]
    context |= {
        "period": period, "figures": figures, "pareto": answer_pareto, "by_label": by_label,
        "pareto_rows": [
            {**item, "share_pct": round(item["share"] * 100, 1),
             "cumulative_pct": round(item["cumulative"] * 100, 1)}
            for item in answer_pareto["items"]
        ],
        "charts": {chart.id: chart for chart in _charts(figures, answer_pareto, by_label)},
        "links": bool(_queue_link(scoped)()),
        **objectives_panel(user),
    }
    return render(request, "desk/reports.html", context)
