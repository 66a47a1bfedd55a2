"""The period and filters of a report page, read from the query string (GET).

The dashboard and the analysis pages (repeat clusters, surges) take the same
`ReportForm` and its period presets; here the form is built for a viewer (a
reviewer is offered their own office only) and turned into the selectors'
`Period` and `ReportFilters`: one home for every report page.
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest
from django.utils import timezone

from memnun.accounts.models import User
from memnun.desk.forms import ReportForm
from memnun.feedback.errors import FieldErrors
from memnun.feedback.permissions import reports_office_scope
from memnun.feedback.selectors.reports.pareto import PARETO_KEYS
from memnun.feedback.selectors.reports.periods import (
    DEFAULT_PRESET,
    Preset,
    period_preset,
    report_today,
)
from memnun.feedback.selectors.reports.scope import Period, ReportFilters, period_check

FILTERS = ("office", "channel", "type", "brand", "category")


def code_names(key: str) -> dict[str, str]:
    """Each code of a coded key (office, brand, category) with its name in the language."""
    labels = PARETO_KEYS[key].labels
    return dict(labels()) if labels else {}


def _sorted_labels(key: str) -> list[tuple[str, str]]:
    return sorted(code_names(key).items(), key=lambda item: item[1])


def office_choices(*, viewer: User) -> tuple[list[tuple[str, str]], bool]:
    """The offices a viewer may pick (NotPermitted without reports), and whether all."""
    own = reports_office_scope(user=viewer, office=None)
    offices = [(code, name) for code, name in _sorted_labels("office") if own in (None, code)]
    return offices, own is None


def report_form(
    request: HttpRequest, *, viewer: User, pareto_by: list[tuple[str, str]] | None = None
) -> ReportForm:
    """The report form for a viewer (NotPermitted without reports); without `pareto_by`
    (the dashboard's Pareto keys) it has no Pareto key field."""
    offices, everyone = office_choices(viewer=viewer)
    form = ReportForm(
        request.GET or {"period": DEFAULT_PRESET}, offices=offices, everyone=everyone,
        pareto_by=pareto_by or [], brands=_sorted_labels("brand"),
        categories=_sorted_labels("category"),
    )
    if pareto_by is None:
        del form.fields["by"]
    return form


def report_period(form: ReportForm) -> Period | None:
    """The period of a valid form: a preset's dates, or the custom ones (None if wrong)."""
    data = form.cleaned_data
    preset = Preset(data.get("period") or DEFAULT_PRESET)
    if preset is not Preset.CUSTOM:
        return period_preset(preset=preset, today=report_today(now=timezone.now()))
    try:
        return period_check(start=data["start"], end=data["end"])
    except FieldErrors as exc:
        form.add_service_errors(exc.fields)
        return None


def report_filters(form: forms.Form) -> ReportFilters:
    """The filters of a valid form (the dashboard's, or the list of a figure's cases)."""
    return ReportFilters(**{name: form.cleaned_data.get(name) or None for name in FILTERS})
