"""Surges: the category × office pairs whose complaints of a week rose above their norm.

The page only translates: the week and office asked for into the surge rule's
selector (`surges_for`, the rule that also alerts the quality managers), and
its findings into rows with names and a link to the cases counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from memnun.desk.common import refusals_as_http, staff_user
from memnun.desk.forms import SurgeWeekForm
from memnun.desk.report_filters import code_names, office_choices
from memnun.feedback.codes import Status
from memnun.feedback.selectors.reports.periods import last_complete_week
from memnun.feedback.selectors.reports.surges import (
    SurgeFound,
    surge_cases,
    surge_history_weeks,
    surge_min_cases,
    surges_for,
)
from memnun.organisation.models import Category, Office

# The weeks the page offers: the last complete ones, latest first.
WEEKS_OFFERED = 12


@dataclass(frozen=True)
class SurgeRow:
    office: str
    category: str
    count: int
    mean: float
    threshold: float
    history: tuple[int, ...]
    cases_url: str


def _weeks() -> list[tuple[str, str]]:
    last = last_complete_week(now=timezone.now())
    mondays = [last - timedelta(days=7 * back) for back in range(WEEKS_OFFERED)]
    return [
        (monday.isoformat(),
         f"{monday:%d.%m.%Y} – {monday + timedelta(days=6):%d.%m.%Y}")
        for monday in mondays
    ]


def _rows(found: list[SurgeFound]) -> list[SurgeRow]:
    office_codes = dict(Office.objects.values_list("pk", "code"))
    category_codes = dict(Category.objects.values_list("pk", "code"))
    offices, categories = code_names("office"), code_names("category")
    rows = []
    for surge in found:
        office, category = office_codes[surge.office_id], category_codes[surge.category_id]
        query = urlencode(
            {"week": surge.week_start.isoformat(), "office": office, "category": category}
        )
        rows.append(SurgeRow(
            office=offices.get(office, office), category=categories.get(category, category),
            count=surge.count, mean=round(surge.mean, 1), threshold=round(surge.threshold, 1),
            history=surge.history, cases_url=f"{reverse('desk:surge_cases')}?{query}",
        ))
    return rows


@require_GET
@login_required
def surges(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    with refusals_as_http():
        offices, everyone = office_choices(viewer=user)
    weeks = _weeks()
    form = SurgeWeekForm(request.GET or None, weeks=weeks, offices=offices, everyone=everyone)
    context: dict[str, Any] = {
        "form": form, "min_cases": surge_min_cases(), "history_weeks": surge_history_weeks(),
    }
    if form.is_bound and not form.is_valid():
        return render(request, "desk/surges/report.html", context, status=400)
    data = form.cleaned_data if form.is_bound else {}
    week = date.fromisoformat(data.get("week") or weeks[0][0])
    with refusals_as_http():
        found = surges_for(week=week, office=data.get("office") or None, viewer=user)
    context |= {"week": week, "week_end": week + timedelta(days=6), "rows": _rows(found)}
    return render(request, "desk/surges/report.html", context)


@require_GET
@login_required
def surge_cases_list(request: HttpRequest) -> HttpResponse:
    """The complaints one surge counted (the queue cannot filter by category and week)."""
    user = staff_user(request)
    try:
        week = date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        raise Http404 from None
    office, category = request.GET.get("office", ""), request.GET.get("category", "")
    if week.weekday() != 0 or not office or not category:
        raise Http404
    with refusals_as_http():
        cases = surge_cases(week=week, office=office, category=category, viewer=user)
    return render(request, "desk/surges/cases.html", {
        "week": week, "week_end": week + timedelta(days=6),
        "office": code_names("office").get(office, office),
        "category": code_names("category").get(category, category),
        "cases": [(c.reference, c.received_at, Status(c.status).label) for c in cases],
    })
