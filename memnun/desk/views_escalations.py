"""The escalated and external cases (RA-flow) and the consistency report (RA-obj).

The pages only translate: the dashboard's period and filters into the selectors'
terms (`selectors/reports/escalations.py`, `consistency.py`), their rows into
tables with links to the cases, and the consistency check's form into its service.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from memnun.desk.common import refusals_as_http, staff_user
from memnun.desk.report_filters import report_filters, report_form, report_period
from memnun.feedback.errors import FieldErrors
from memnun.feedback.permissions import Action, may
from memnun.feedback.selectors.case import staff_name
from memnun.feedback.selectors.reports.consistency import SPREAD_RATIO, consistency_groups
from memnun.feedback.selectors.reports.escalations import escalated_cases_query, escalated_rows
from memnun.feedback.services.consistency import consistency_group_check
from memnun.webforms import ServiceErrors

PAGE_SIZE = 50


@require_GET
@login_required
def escalations(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    template = "desk/escalations/report.html"
    with refusals_as_http():
        form = report_form(request, viewer=user)
    form.fields["external"] = forms.BooleanField(
        label=gettext_lazy("External recourse only"), required=False
    )
    context: dict[str, Any] = {"form": form, "filtered": bool(request.GET)}
    period = report_period(form) if form.is_valid() else None
    if period is None:
        return render(request, template, context, status=400)
    try:
        with refusals_as_http():
            cases, _scoped = escalated_cases_query(
                period=period, filters=report_filters(form), viewer=user,
                external_only=bool(form.cleaned_data.get("external")),
            )
    except FieldErrors as exc:
        form.add_service_errors(exc.fields)
        return render(request, template, context, status=400)
    page = Paginator(cases.only("pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    rows = escalated_rows(list(page.object_list))
    context |= {
        "period": period, "page": page, "total": page.paginator.count,
        "rows": [(row, [(step, staff_name(step.by) if step.by else _("The customer"))
                        for step in row.steps]) for row in rows],
        "query": query.urlencode(),
    }
    return render(request, template, context)


class ConsistencyCheckForm(ServiceErrors):
    category = forms.CharField(widget=forms.HiddenInput)
    root_cause_category = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=gettext_lazy("What did the check find?"), max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _auto_id(category: str, root_cause_category: str) -> str:
    """Each group's form its own ids (one page holds many)."""
    return f"check-{category}-{root_cause_category}-%s"


@require_http_methods(["GET", "POST"])
@login_required
def consistency(request: HttpRequest) -> HttpResponse:
    """GET: the groups; POST (`?` the same filters): mark one group checked."""
    user = staff_user(request)
    template = "desk/consistency/report.html"
    with refusals_as_http():
        form = report_form(request, viewer=user)
    context: dict[str, Any] = {
        "form": form, "filtered": bool(request.GET), "ratio": SPREAD_RATIO,
        "may_check": may(user, Action.CHECK_CONSISTENCY),
    }
    period = report_period(form) if form.is_valid() else None
    if period is None:
        return render(request, template, context, status=400)
    filters = report_filters(form)
    bound: ConsistencyCheckForm | None = None
    status = 200
    if request.method == "POST":
        bound = ConsistencyCheckForm(
            request.POST, auto_id=_auto_id(
                request.POST.get("category", ""), request.POST.get("root_cause_category", "")
            ),
        )
        if bound.is_valid():
            try:
                with refusals_as_http():
                    consistency_group_check(
                        actor=user, period=period, filters=filters,
                        category=bound.cleaned_data["category"],
                        root_cause_category=bound.cleaned_data["root_cause_category"],
                        comment=bound.cleaned_data["comment"],
                    )
            except FieldErrors as exc:
                bound.add_service_errors(exc.fields)
            else:
                messages.success(request, _("The group is marked as checked."))
                return redirect(f"{reverse('desk:consistency')}?{request.GET.urlencode()}")
        status = 422
    try:
        with refusals_as_http():
            groups, _scoped = consistency_groups(period=period, filters=filters, viewer=user)
    except FieldErrors as exc:
        form.add_service_errors(exc.fields)
        return render(request, template, context, status=400)
    failed = (
        (bound.data.get("category"), bound.data.get("root_cause_category")) if bound else None
    )
    context |= {
        "period": period,
        "groups": [
            (g, bound if bound is not None and failed == (g.category, g.root_cause_category)
             else ConsistencyCheckForm(
                 initial={"category": g.category, "root_cause_category": g.root_cause_category},
                 auto_id=_auto_id(g.category, g.root_cause_category),
             ))
            for g in groups
        ],
        "query": urlencode(list(request.GET.items())),
    }
    return render(request, template, context, status=status)
