"""The process audit pages' forms (desk/views_process_audit.py): they shape input;
services/process_audit.py judges it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from memnun.desk.forms import _text
from memnun.feedback.process_audit_codes import FindingKind, Outcome
from memnun.organisation.models import Office
from memnun.webforms import ServiceErrors

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanForm(ServiceErrors):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    period_from = forms.DateField(label=_("Closed from"), widget=_DATE, required=False)
    period_to = forms.DateField(label=_("Closed until"), widget=_DATE, required=False)
    offices = forms.MultipleChoiceField(
        label=_("Offices"), required=False, widget=forms.CheckboxSelectMultiple,
    )
    per_office = forms.IntegerField(label=_("Cases per office"), required=False, initial=5)
    per_handler = forms.IntegerField(label=_("Cases per handler"), required=False, initial=2)
    seed = forms.IntegerField(
        label=_("Seed"), required=False,
        help_text=_("Leave empty for a random one; the same seed draws the same sample."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["offices"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(o.code, o.name) for o in Office.objects.filter(is_active=True)]


class ConfirmForm(ServiceErrors):
    outcome = forms.ChoiceField(label=_("Auditor's outcome"), choices=Outcome.choices)
    note = _text(_("Note (needed to correct the records' result)"), required=False, rows=2,
                 limit=2000)


class FindingForm(ServiceErrors):
    SERVICE_FIELDS = {"case": "reference"}

    kind = forms.ChoiceField(
        label=_("Kind"), choices=FindingKind.choices, widget=forms.RadioSelect,
        initial=FindingKind.OBSERVATION,
    )
    reference = forms.ChoiceField(label=_("Case"), required=False)
    text = _text(_("Finding"), required=False, limit=5000)

    def __init__(
        self, *args: Any, cases: Sequence[tuple[str, str]] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reference"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("The audit as a whole")), *cases]


class EmptyForm(ServiceErrors):
    """A step with nothing to fill in (draw the sample, finish the audit)."""


class ReportForm(forms.Form):
    by = forms.ChoiceField(
        label=_("Over time by"), required=False,
        choices=[("plan", _("Audit")), ("month", _("Month the cases closed"))],
    )
