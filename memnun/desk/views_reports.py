"""The KPI dashboard and the cases behind each figure.

The pages only translate: the period and filters from the query string into
the selectors' terms, and their answers (the same `kpi` and `pareto` the API
calls, `drill.cases_behind` for a figure's cases) into labelled tables,
charts and links. A change of filter refreshes the figures in place (htmx);
without script the form is a plain GET.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from memnun.accounts.models import User
from memnun.desk.case_rows import case_row
from memnun.desk.charts import bar_chart, pareto_chart, rate_chart, svg_data_uri, volume_chart
from memnun.desk.common import refusals_as_http, staff_user
from memnun.desk.forms import ReportCasesForm
from memnun.desk.report_figures import (
    Figures,
    Names,
    Table,
    dashboard_url,
    drill_url,
    key_namer,
    over_time_rows,
    sections,
)
from memnun.desk.report_filters import code_names, report_filters, report_form, report_period
from memnun.desk.views_objectives import objectives_panel
from memnun.feedback.errors import FieldErrors
from memnun.feedback.permissions import reports_office_scope
from memnun.feedback.selectors.reports import PARETO_KEYS, Period, ReportFilters, kpi, pareto
from memnun.feedback.selectors.reports.catalogue import METRICS
from memnun.feedback.selectors.reports.drill import (
    cases_behind,
    cases_cursor_decode,
    cases_cursor_encode,
    cases_page,
)
from memnun.feedback.selectors.reports.kpi import KpiReads
from memnun.feedback.selectors.reports.objectives import objective_target
from memnun.feedback.selectors.reports.scope import period_check

DEFAULT_PARETO = "category"
CASES_PAGE = 50


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    src: str
    table: str  # the id of the table holding its numbers


def _pareto_by() -> list[tuple[str, str]]:
    return [(key, str(pareto_key.title)) for key, pareto_key in PARETO_KEYS.items()]


def _names() -> Names:
    return Names(offices=code_names("office"), brands=code_names("brand"),
                 categories=code_names("category"))


def acknowledgement_objective(
    *, period: Period, filters: ReportFilters, viewer: User
) -> float | None:
    """The target (%) of an approved objective for `acknowledgement.rate` over this scope.

    Given a target, the rate chart draws it as a dashed line and the page names it
    (`ack_objective` in the template). Only an objective measured over the same office and
    brand counts: another scope's target says nothing about this figure.
    """
    target = objective_target(metric="acknowledgement.rate", filters=filters)
    return None if target is None else float(target)


def _ack_rates(answer: Mapping[str, Any]) -> tuple[list[str], list[float | None], str]:
    """The on-time rate per channel when the answer has it, else the one overall rate."""
    ack = answer["acknowledgement"]
    by_channel = ack.get("by_channel")
    if isinstance(by_channel, Mapping) and by_channel:
        name = key_namer("acknowledgement.by_channel", _names())
        return ([name(c) for c in by_channel], [v.get("rate") for v in by_channel.values()],
                "acknowledgement-by-channel")
    return [_("All channels")], [ack["rate"]], "acknowledgement-figures"


def _rows_values(table: Table | None) -> tuple[list[str], list[float]]:
    if table is None:
        return [], []
    return [r.label for r in table.rows], [float(str(r.cells[0])) for r in table.rows]


def _charts(
    answer: Mapping[str, Any], found: Mapping[str, Any], over_time: tuple[list[str], Table],
    answer_pareto: Mapping[str, Any], by_label: str, objective: float | None,
) -> dict[str, list[Chart]]:
    def table(section: str, id: str) -> Table | None:
        held = found.get(section)
        return next((t for t in held.tables if t.id == id), None) if held else None

    charts: dict[str, list[Chart]] = {}
    labels, points = over_time
    title = _("Received over time")
    charts["received"] = [Chart("over-time", title, svg_data_uri(volume_chart(
        title=title, series=_("Cases"), labels=labels,
        counts=[int(str(r.cells[0])) for r in points.rows])), points.id)]
    channels = table("received", "received-by-channel")
    if channels is not None:
        title = str(METRICS["received.by_channel"].label)
        names, values = _rows_values(channels)
        charts["received"].append(Chart("channel", title, svg_data_uri(bar_chart(
            title=title, series=_("Cases"), labels=names, values=values)), channels.id))
    names, rates, held_in = _ack_rates(answer)
    title = _("Acknowledged on time (%)")
    charts["acknowledgement"] = [Chart("acknowledgement", title, svg_data_uri(rate_chart(
        title=title, series=_("On time"), labels=names, rates=rates, objective=objective,
        objective_label=_("Objective"))), held_in)]
    distribution = table("satisfaction", "satisfaction-distribution")
    if distribution is not None:
        title = str(METRICS["satisfaction.distribution"].label)
        names, values = _rows_values(distribution)
        charts["satisfaction"] = [Chart("satisfaction", title, svg_data_uri(bar_chart(
            title=title, series=_("Responses"), labels=names, values=values)), distribution.id)]
    items = answer_pareto["items"]
    title = _("Complaints by %(key)s") % {"key": by_label}
    charts["pareto"] = [Chart("pareto", title, svg_data_uri(pareto_chart(
        title=title, count_label=_("Complaints"), cumulative_label=_("Cumulative share"),
        labels=[i["label"] for i in items], counts=[i["count"] for i in items],
        cumulative=[i["cumulative"] for i in items])), "pareto")]
    return charts


# Pareto keys that are also report filters: a bar's complaints are the received complaints
# with that filter added, so the link lists exactly the bar's count.
_PARETO_FILTERS = frozenset({"category", "brand", "office"})


def _pareto_url(
    by: str, item: Mapping[str, Any], period: Period, filters: ReportFilters
) -> str | None:
    if by not in _PARETO_FILTERS or item["key"] is None or not item["count"]:
        return None
    if getattr(filters, by) not in (None, item["key"]) or filters.type not in (None, "complaint"):
        return None
    narrowed = ReportFilters(**{**filters.given(), by: item["key"]})
    return drill_url(code="received.by_type", key="complaint", period=period, filters=narrowed)


def _render(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        # htmx swaps only successful answers: the figures' errors come back as 200 as well.
        return render(request, "desk/_report_figures.html", context)
    return render(request, "desk/reports.html", context, status=status)


@require_GET
@login_required
@vary_on_headers("HX-Request")
def reports(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    pareto_by = _pareto_by()
    with refusals_as_http():
        form = report_form(request, viewer=user, pareto_by=pareto_by)
    context: dict[str, Any] = {"form": form, "filtered": bool(request.GET)}
    period = report_period(form) if form.is_valid() else None
    if period is None:
        return _render(request, context, status=400)
    filters = report_filters(form)
    by = form.cleaned_data.get("by") or DEFAULT_PARETO
    # One "now", one catch-up and one backlog per scope for the figures, the Pareto and
    # the objectives' panel.
    reads = KpiReads()
    try:
        with refusals_as_http():
            answer = kpi(period=period, filters=filters, viewer=user, reads=reads)
            answer_pareto = pareto(period=period, by=by, filters=filters, viewer=user,
                                   reads=reads)
    except FieldErrors as exc:
        form.add_service_errors(exc.fields)
        return _render(request, context, status=400)
    scoped = ReportFilters(**answer["filters"])
    figures = Figures(period=period, filters=scoped, names=_names())
    found = sections(answer, figures)
    over_time_table = over_time_rows(answer["received"]["over_time"], figures)
    if "received" in found:
        found["received"].tables.insert(0, over_time_table[1])
    by_label = dict(pareto_by)[by]
    objective = acknowledgement_objective(period=period, filters=scoped, viewer=user)
    charts = _charts(answer, found, over_time_table, answer_pareto, by_label, objective)
    for section_id, part in found.items():
        part.charts = charts.get(section_id, [])
    ack = answer["acknowledgement"]
    context |= {
        "period": period, "answer": answer, "sections": list(found.values()),
        "total": answer["received"]["total"],
        "total_url": figures.url("received.total"),
        "ack_rate": ack["rate"],
        # The objectives slice's hook: the target of `acknowledgement.rate`, None without one.
        "ack_objective": objective,
        "satisfaction": answer["satisfaction"],
        "pareto": answer_pareto, "by_label": by_label, "pareto_charts": charts["pareto"],
        "pareto_rows": [
            {**item, "share_pct": round(item["share"] * 100, 1),
             "cumulative_pct": round(item["cumulative"] * 100, 1),
             "url": _pareto_url(by, item, period, scoped)}
            for item in answer_pareto["items"]
        ],
        **objectives_panel(user, reads=reads),
    }
    return _render(request, context)


def _drill_title(code: str, key: str, names: Names) -> str:
    label = str(METRICS[code].label)
    if not key:
        return label
    return f"{label}: {key_namer(code, names)(key)}"


def _page_url(params: Mapping[str, str], cursor: str | None = None) -> str:
    query = {k: v for k, v in params.items() if v and k != "cursor"}
    if cursor:
        query["cursor"] = cursor
    return f"{reverse('desk:report_cases')}?{urlencode(query)}"


@require_GET
@login_required
def report_cases_list(request: HttpRequest) -> HttpResponse:
    """The cases behind one figure, the latest received first, in pages."""
    user = staff_user(request)
    # Who may read reports, and which office a reviewer is held to: the permission matrix.
    with refusals_as_http():
        reports_office_scope(user=user, office=None)
    form = ReportCasesForm(request.GET)
    context: dict[str, Any] = {"form": form}
    if not form.is_valid():
        return render(request, "desk/report_cases.html", context, status=400)
    data = form.cleaned_data
    try:
        with refusals_as_http():
            period = period_check(start=data["from"], end=data["to"])
            filters = report_filters(form)
            cases = cases_behind(code=data["metric"], key=data["key"] or None, period=period,
                                 filters=filters, viewer=user)
            after = cases_cursor_decode(data["cursor"]) if data["cursor"] else None
    except FieldErrors as exc:
        form.add_service_errors(exc.fields)
        return render(request, "desk/report_cases.html", context, status=400)
    items, next_key = cases_page(cases, after=after, limit=CASES_PAGE)
    now = timezone.now()
    params = {k: str(v) for k, v in request.GET.items()}
    scoped = ReportFilters(**{
        **filters.given(), "office": reports_office_scope(user=user, office=filters.office),
    })
    context |= {
        "title": _drill_title(data["metric"], data["key"], _names()),
        "definition": METRICS[data["metric"]].definition,
        "period": period,
        "filters": _filter_labels(scoped, _names()),
        "rows": [case_row(f, now, user.role) for f in items],
        "office": None,
        "next_url": _page_url(params, cases_cursor_encode(next_key)) if next_key else None,
        "first_url": _page_url(params) if after else None,
        "dashboard_url": dashboard_url(period=period, filters=scoped),
    }
    return render(request, "desk/report_cases.html", context)


def _filter_labels(filters: ReportFilters, names: Names) -> Sequence[tuple[str, str]]:
    """The filters in force, as the page names them (the heading says what is listed)."""
    given = filters.given()
    shown: dict[str, tuple[str, Callable[[str], str]]] = {
        "office": (_("Office"), lambda c: names.offices.get(c, c)),
        "channel": (_("Channel"), key_namer("by_channel", names)),
        "type": (_("Type"), key_namer("by_type", names)),
        "brand": (_("Brand"), lambda c: names.brands.get(c, c)),
        "category": (_("Category"), lambda c: names.categories.get(c, c)),
    }
    return [(str(shown[k][0]), shown[k][1](v)) for k, v in given.items()]
