"""Objectives in the desk (R6.2): each approved objective's actual against its target,
met or missed, with its trend; the form to draft one; approve and retire.

The figures are `selectors/reports/objectives.py`'s, the writes
`services/objectives.py`'s; who may do what is the permission matrix's. The page
only translates. `objectives_panel` builds the context of the dashboard's panel
(`desk/objectives/_panel.html`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from memnun.accounts.models import User
from memnun.desk.charts import svg_data_uri, trend_chart
from memnun.desk.common import refusals_as_http, staff_user
from memnun.feedback.errors import Conflict, FieldErrors, NotPermitted
from memnun.feedback.objectives_models import (
    Direction,
    Objective,
    ObjectiveStatus,
    PeriodUnit,
)
from memnun.feedback.permissions import Action, may
from memnun.feedback.selectors.reports.kpi import KpiReads
from memnun.feedback.selectors.reports.objectives import (
    ObjectiveProgress,
    objective_brands,
    objective_for_user,
    objective_metric_label,
    objective_metrics,
    objective_offices,
    objective_owners,
    objectives_progress,
    objectives_visible_to,
)
from memnun.feedback.selectors.reports.periods import report_today
from memnun.feedback.selectors.reports.scope import Period
from memnun.feedback.services.objectives import (
    ObjectiveInput,
    objective_approve,
    objective_change_check,
    objective_create,
    objective_edit,
    objective_retire,
)
from memnun.webforms import ServiceErrors

_LIST = "desk:objectives"


class ObjectiveForm(ServiceErrors):
    metric = forms.ChoiceField(label=gettext_lazy("Figure"))
    direction = forms.ChoiceField(
        label=gettext_lazy("The figure should be"), choices=Direction.choices,
        widget=forms.RadioSelect, initial=Direction.AT_LEAST,
    )
    target = forms.CharField(
        label=gettext_lazy("Target"), max_length=20,
        help_text=gettext_lazy("A number in the figure's own unit: a percentage, business "
                               "hours, a score or a count."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    period_unit = forms.ChoiceField(
        label=gettext_lazy("Measured each"), choices=PeriodUnit.choices,
        widget=forms.RadioSelect, initial=PeriodUnit.MONTH,
    )
    office = forms.ChoiceField(label=gettext_lazy("Office"), required=False)
    brand = forms.ChoiceField(label=gettext_lazy("Brand"), required=False)
    owner = forms.ChoiceField(label=gettext_lazy("Owner"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices("metric", [
            (m.code, str(m.label)) for m in objective_metrics()])
        self._choices("office", [("", _("Every office")),
                                 *objective_offices().values_list("code", "name")])
        self._choices("brand", [("", _("Every brand")),
                                *objective_brands().values_list("code", "name")])
        self._choices("owner", [("", _("Choose the owner"))] + [
            (u.username, _person(u)) for u in objective_owners()])

    def _choices(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def to_input(self) -> ObjectiveInput:
        data = self.cleaned_data
        return ObjectiveInput(
            metric=data["metric"], target=data["target"], direction=data["direction"],
            period_unit=data["period_unit"], owner=data["owner"],
            office=data.get("office") or None, brand=data.get("brand") or None,
        )


def _person(user: User) -> str:
    name = user.display_name
    return name if name == user.username else f"{name} ({user.username})"


def period_label(period: Period) -> str:
    """A month ("Nis 2025") or a quarter ("2025 Ç2"), as the trend's axis names them."""
    if period.start.month == period.end.month:
        return date_format(period.start, "M Y")
    return _("Q%(quarter)d %(year)d") % {
        "quarter": (period.start.month - 1) // 3 + 1, "year": period.start.year}


def _number(value: Decimal | None) -> str:
    """4.5, 13, 98.25 (no trailing zeros), with the language's decimal separator."""
    if value is None:
        return "—"
    return number_format(Decimal(f"{value.normalize():f}"))


def _scope(objective: Objective) -> str:
    parts = [objective.office.name if objective.office else _("Every office")]
    if objective.brand:
        parts.append(objective.brand.name)
    return " · ".join(parts)


def _summary(objective: Objective) -> dict[str, Any]:
    return {
        "objective": objective, "label": objective_metric_label(objective.metric),
        "target": f"{Direction(objective.direction).symbol} {_number(objective.target)}",
        "scope": _scope(objective),
        "unit": objective.get_period_unit_display(), "owner": _person(objective.owner),
    }


def _measured(progress: ObjectiveProgress, *, chart: bool) -> dict[str, Any]:
    objective = progress.objective
    row = _summary(objective) | {
        "actual": _number(progress.actual), "verdict": progress.verdict,
        "verdict_label": progress.verdict_label, "period": period_label(progress.period),
        "trend": [
            {"period": period_label(p.period), "value": _number(p.value)}
            for p in progress.trend
        ],
    }
    if chart and progress.trend:
        title = _("%(figure)s, last %(count)d periods") % {
            "figure": row["label"], "count": len(progress.trend)}
        svg = trend_chart(
            title=title, series=row["label"], labels=[p["period"] for p in row["trend"]],
            values=[None if p.value is None else float(p.value) for p in progress.trend],
            target_label=_("Target"), target=float(objective.target),
        )
        row["chart"] = {"title": title, "src": svg_data_uri(svg)}
    return row


def _today() -> date:
    return report_today(now=timezone.now())


def objectives_panel(user: User, *, reads: KpiReads | None = None) -> dict[str, Any]:
    """The dashboard panel's context: each approved objective's actual against its target
    this period (no trend). Empty for a role that reads no reports. `reads`: the
    dashboard's own KPI reads, whose catch-up and backlog the objectives share."""
    try:
        progress = objectives_progress(viewer=user, today=_today(), trend=False, reads=reads)
    except NotPermitted:
        return {"objective_rows": []}
    return {"objective_rows": [_measured(p, chart=False) for p in progress]}


@require_http_methods(["GET"])
@login_required
def objectives(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    with refusals_as_http():
        visible = list(objectives_visible_to(user))
    # Only the approved ones are measured (the selector's rule).
    progress = objectives_progress(viewer=user, today=_today(), objectives=visible)
    return render(request, "desk/objectives/list.html", {
        "measured": [_measured(p, chart=True) for p in progress],
        "drafts": [_summary(o) for o in visible if o.status == ObjectiveStatus.DRAFT],
        "retired": [_summary(o) for o in visible if o.status == ObjectiveStatus.RETIRED],
        "may_manage": may(user, Action.MANAGE_OBJECTIVES),
        "may_approve": may(user, Action.APPROVE_OBJECTIVES),
    })


def _objective(user: User, pk: int) -> Objective:
    with refusals_as_http():
        return objective_for_user(user=user, pk=pk)


def _initial(objective: Objective) -> dict[str, Any]:
    return {
        "metric": objective.metric, "direction": objective.direction,
        "target": _number(objective.target), "period_unit": objective.period_unit,
        "office": objective.office.code if objective.office else "",
        "brand": objective.brand.code if objective.brand else "",
        "owner": objective.owner.username,
    }


@require_http_methods(["GET", "POST"])
@login_required
def objective_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = staff_user(request)
    if not may(user, Action.MANAGE_OBJECTIVES):
        raise PermissionDenied(_("Your role may not set objectives."))
    objective = _objective(user, pk) if pk is not None else None
    if objective is not None:
        try:
            objective_change_check(objective)
        except Conflict as exc:
            messages.error(request, exc.detail)
            return redirect(_LIST)
    if request.method == "POST":
        form = ObjectiveForm(request.POST)
    else:
        form = ObjectiveForm(initial=_initial(objective) if objective else {})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                with refusals_as_http():
                    if objective is None:
                        objective_create(actor=user, data=form.to_input())
                        messages.success(request, _("The objective is saved as a draft: top "
                                                    "management approves it."))
                    else:
                        objective_edit(actor=user, objective=objective, data=form.to_input())
                        messages.success(request, _("The draft objective is changed."))
                    return redirect(_LIST)
            except FieldErrors as exc:
                form.add_service_errors(exc.fields)
            except Conflict as exc:
                form.add_error(None, exc.detail)
                status = 409
    return render(request, "desk/objectives/form.html",
                  {"form": form, "objective": objective}, status=status)


def _decide(request: HttpRequest, pk: int, *, approve: bool) -> HttpResponse:
    user = staff_user(request)
    objective = _objective(user, pk)
    try:
        with refusals_as_http():
            if approve:
                objective_approve(actor=user, objective=objective)
                messages.success(
                    request, _("The objective is approved: it is measured from now on.")
                )
            else:
                objective_retire(actor=user, objective=objective)
                messages.success(request, _("The objective is retired."))
    except Conflict as exc:
        messages.error(request, exc.detail)
    return redirect(_LIST)


@require_POST
@login_required
def objective_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, approve=True)


@require_POST
@login_required
def objective_retire_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, approve=False)
