"""The repeat clusters report: feedback joined by a shared IMEI, phone, e-mail or repair order.

The page only translates: the dashboard's period and filters into the
selector's terms (`repeat_clusters`), and its clusters into rows with names
and links to the cases. The shared values are never shown, only their kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from memnun.desk.common import refusals_as_http, staff_user
from memnun.desk.report_filters import (
    code_names,
    report_filters,
    report_form,
    report_period,
)
from memnun.feedback.errors import FieldErrors
from memnun.feedback.selectors.repeats import repeat_window_days
from memnun.feedback.selectors.reports.repeat_clusters import Cluster, repeat_clusters

PAGE_SIZE = 50
TEMPLATE = "desk/repeat_clusters/report.html"


@dataclass(frozen=True)
class ClusterRow:
    size: int
    matches: list[str]
    first_received: datetime
    last_received: datetime
    offices: list[str]
    brands: list[str]
    categories: list[str]
    references: tuple[str, ...]


def _rows(clusters: list[Cluster]) -> list[ClusterRow]:
    offices, brands, categories = code_names("office"), code_names("brand"), code_names("category")
    return [
        ClusterRow(
            size=c.size, matches=c.match_labels, first_received=c.first_received,
            last_received=c.last_received,
            offices=[offices.get(code, code) for code in c.offices],
            brands=[brands.get(code, code) for code in c.brands],
            categories=[categories.get(code, code) for code in c.categories],
            references=c.references,
        )
        for c in clusters
    ]


@require_GET
@login_required
def repeat_clusters_report(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    with refusals_as_http():
        form = report_form(request, viewer=user)
    context: dict[str, Any] = {
        "form": form, "filtered": bool(request.GET), "window_days": repeat_window_days(),
    }
    period = report_period(form) if form.is_valid() else None
    if period is None:
        return render(request, TEMPLATE, context, status=400)
    try:
        with refusals_as_http():
            clusters, _scoped = repeat_clusters(
                period=period, filters=report_filters(form), viewer=user
            )
    except FieldErrors as exc:
        form.add_service_errors(exc.fields)
        return render(request, TEMPLATE, context, status=400)
    page = Paginator(clusters, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context |= {
        "period": period, "page": page, "rows": _rows(list(page.object_list)),
        "total": len(clusters), "cases": sum(c.size for c in clusters),
        "query": query.urlencode(),
    }
    return render(request, TEMPLATE, context)
