"""The CAPA pages' forms (desk/views_capa.py): they shape input; services/capa.py judges it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from memnun.desk.forms import _blank, _choices, _text
from memnun.feedback.capa_codes import (
    AnalysisMethod,
    CapaKind,
    CapaSourceKind,
    CapaStatus,
    CheckResult,
    CriterionKind,
)
from memnun.feedback.services.capa import WHYS_MAX, CapaInput, SourceInput
from memnun.organisation.models import Category, Office, RootCauseCategory
from memnun.webforms import OptionsField, OptionsMultipleField, ServiceErrors

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_OTHER_SOURCES = [
    (k, label) for k, label in CapaSourceKind.choices if k != CapaSourceKind.COMPLAINT
]


class CapaFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_blank(_("Every status"), CapaStatus.choices)
    )
    office = forms.ChoiceField(label=_("Office"), required=False)
    overdue = forms.BooleanField(label=_("Only with an overdue action"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offices = [(o.code, o.name) for o in Office.objects.filter(is_active=True)]
        _choices(self, "office", _blank(_("All offices"), offices))


class CapaForm(ServiceErrors):
    """A CAPA's own fields; a new one also names its source."""

    SERVICE_FIELDS = {"whys": "why_1"}

    kind = forms.ChoiceField(
        label=_("Kind"), choices=CapaKind.choices, widget=forms.RadioSelect,
        initial=CapaKind.CORRECTIVE,
    )
    cases = forms.CharField(
        label=_("Source complaints"), required=False, max_length=2000,
        help_text=_("Reference numbers, separated by spaces or commas."),
    )
    source_kind = forms.ChoiceField(
        label=_("Other source"), required=False,
        choices=_blank(_("None (complaints only)"), _OTHER_SOURCES),
    )
    source_reference = forms.CharField(
        label=_("Which finding or decision"), required=False, max_length=200,
        help_text=_("For example: the audit report's number, the review's date and item."),
    )
    problem = _text(_("Problem"), rows=4)
    office = OptionsField(
        label=_("Office"), queryset=Office.objects.filter(is_active=True), to_field_name="code",
        required=False, empty_label=_("Every office"),
    )
    category = OptionsField(
        label=_("Category"), queryset=Category.objects.filter(is_active=True),
        to_field_name="code", required=False, empty_label=_("Not set"),
    )
    analysis_method = forms.ChoiceField(
        label=_("Root-cause analysis method"), required=False,
        choices=_blank(_("Not chosen yet"), AnalysisMethod.choices),
    )
    cause_categories = OptionsMultipleField(
        label=_("Cause categories"), queryset=RootCauseCategory.objects.filter(is_active=True),
        to_field_name="code", required=False,
    )
    findings = _text(_("Findings"), required=False, rows=4)
    criterion_kind = forms.ChoiceField(
        label=_("Effectiveness criterion"), choices=CriterionKind.choices,
        initial=CriterionKind.NO_COMPLAINTS,
    )
    criterion_days = forms.IntegerField(
        label=_("Days without a complaint"), required=False, min_value=1, max_value=3650,
    )
    criterion_weeks = forms.IntegerField(
        label=_("Weeks measured"), required=False, min_value=1, max_value=52,
    )
    criterion_level = forms.IntegerField(
        label=_("Weekly level (complaints)"), required=False, min_value=0, max_value=100_000,
    )
    criterion_text = _text(_("Criterion the quality manager judges"), required=False, rows=2)
    check_planned_on = forms.DateField(
        label=_("Effectiveness check planned for"), required=False, widget=_DATE
    )

    def __init__(self, *args: Any, new: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(1, WHYS_MAX + 1):
            self.fields[f"why_{i}"] = forms.CharField(
                label=_("Why? (%(n)s)") % {"n": i}, required=False, max_length=1000,
            )
            self.fields[f"because_{i}"] = forms.CharField(
                label=_("Because (%(n)s)") % {"n": i}, required=False, max_length=1000,
            )
        if not new:
            for name in ("cases", "source_kind", "source_reference"):
                del self.fields[name]

    def capa_input(self) -> CapaInput:
        d = self.cleaned_data
        return CapaInput(
            kind=d["kind"], problem=d["problem"],
            office=d["office"].code if d.get("office") else None,
            category=d["category"].code if d.get("category") else None,
            analysis_method=d["analysis_method"],
            whys=[(d[f"why_{i}"], d[f"because_{i}"]) for i in range(1, WHYS_MAX + 1)],
            cause_categories=[c.code for c in d["cause_categories"]],
            findings=d["findings"], criterion_kind=d["criterion_kind"],
            criterion_days=d["criterion_days"], criterion_weeks=d["criterion_weeks"],
            criterion_level=d["criterion_level"], criterion_text=d["criterion_text"],
            check_planned_on=d["check_planned_on"],
        )

    def source_input(self) -> SourceInput | None:
        kind = self.cleaned_data.get("source_kind")
        return SourceInput(kind, self.cleaned_data["source_reference"]) if kind else None

    def references(self) -> list[str]:
        raw = self.cleaned_data.get("cases", "")
        return [r for r in raw.replace(",", " ").split() if r]


class ActionForm(ServiceErrors):
    description = _text(_("Action"), rows=2, limit=2000)
    owner = forms.ChoiceField(label=_("Owner"))
    due_on = forms.DateField(label=_("Due"), widget=_DATE)

    def __init__(self, *args: Any, owners: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "owner", owners)


class ActionDoneForm(ServiceErrors):
    action = forms.IntegerField(widget=forms.HiddenInput)


class CheckForm(ServiceErrors):
    result = forms.ChoiceField(
        label=_("Result"), choices=CheckResult.choices, widget=forms.RadioSelect
    )
    notes = _text(_("Notes"), required=False, rows=3)


class CloseCapaForm(ServiceErrors):
    pass


class LinkCaseForm(ServiceErrors):
    reference = forms.CharField(label=_("Reference number of the complaint"), max_length=20)
