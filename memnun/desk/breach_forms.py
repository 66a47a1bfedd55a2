"""The breach register's forms (desk/views_breaches.py): they shape input;
dataprotection/services/breaches.py judges it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from memnun.dataprotection.categories import category_choices
from memnun.desk.forms import _moment, _text
from memnun.organisation.models import Office
from memnun.webforms import ServiceErrors


class BreachForm(ServiceErrors):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    description = _text(_("What happened"), required=False, limit=10_000)
    detected_at = _moment(_("Detected at"))
    aware_at = _moment(
        _("Aware at"), _("When the company became aware of the breach: the 72 hours to notify "
                         "the Board start here."),
    )
    data_categories = forms.MultipleChoiceField(
        label=_("Data categories"), required=False, widget=forms.CheckboxSelectMultiple,
    )
    offices = forms.MultipleChoiceField(
        label=_("Affected offices"), required=False, widget=forms.CheckboxSelectMultiple,
    )
    window_from = _moment(_("Affected from"))
    window_to = _moment(_("Affected until"))
    consequences = _text(_("Likely consequences"), required=False, limit=5000)
    measures = _text(_("Measures taken"), required=False, limit=5000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = self.fields["data_categories"]
        assert isinstance(categories, forms.MultipleChoiceField)
        categories.choices = category_choices()
        offices = self.fields["offices"]
        assert isinstance(offices, forms.MultipleChoiceField)
        offices.choices = [(o.code, o.name) for o in Office.objects.filter(is_active=True)]


class BoardForm(ServiceErrors):
    notified_at = _moment(_("Board notified at"))
    board_reference = forms.CharField(label=_("Board's reference"), max_length=100,
                                      required=False)
    late_reason = _text(
        _("Reasons for the delay (needed after 72 hours)"), required=False, rows=3, limit=5000,
    )


class MeasuresForm(ServiceErrors):
    consequences = _text(_("Likely consequences"), required=False, limit=5000)
    measures = _text(_("Measures taken"), required=False, limit=5000)


class StepForm(ServiceErrors):
    """A step with nothing to fill in (notify the people, close)."""
