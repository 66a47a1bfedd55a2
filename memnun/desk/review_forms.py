"""The management review pages' forms (desk/views_reviews.py): they shape input;
services/management_review.py judges it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from memnun.accounts.models import User
from memnun.desk.forms import _text
from memnun.feedback.objectives_models import Objective, ObjectiveStatus
from memnun.feedback.review_models import DecisionAction
from memnun.feedback.selectors.reports.objectives import objective_metric_label
from memnun.feedback.services.management_review import ReviewInput
from memnun.webforms import ServiceErrors

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReviewForm(ServiceErrors):
    meeting_on = forms.DateField(label=_("Meeting date"), widget=_DATE, required=False)
    period_from = forms.DateField(label=_("Period reviewed, from"), widget=_DATE,
                                  required=False)
    period_to = forms.DateField(label=_("Period reviewed, to"), widget=_DATE, required=False)
    attendees = forms.MultipleChoiceField(
        label=_("Attendees (staff)"), required=False, widget=forms.CheckboxSelectMultiple,
    )
    other_attendees = _text(_("Other attendees"), required=False, rows=2, limit=2000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["attendees"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [
            (u.username, u.display_name)
            for u in User.objects.filter(is_active=True).order_by("first_name", "username")
        ]

    def data_input(self) -> ReviewInput:
        d = self.cleaned_data
        return ReviewInput(
            meeting_on=d.get("meeting_on"), period_from=d.get("period_from"),
            period_to=d.get("period_to"), attendees=tuple(d.get("attendees") or ()),
            other_attendees=d.get("other_attendees") or "",
        )


class DecisionForm(ServiceErrors):
    text = _text(_("Decision"), required=False, limit=5000)
    action = forms.ChoiceField(
        label=_("Resulting action"), choices=DecisionAction.choices, widget=forms.RadioSelect,
        initial=DecisionAction.CAPA,
    )
    objective = forms.TypedChoiceField(
        label=_("Objective changed (for an objective change)"), required=False, coerce=int,
        empty_value=None,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["objective"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "—")] + [
            (o.pk, f"{objective_metric_label(o.metric)} · {o.get_direction_display()} "
                   f"{o.target}" + (f" · {o.office.name}" if o.office else ""))
            for o in Objective.objects.exclude(status=ObjectiveStatus.RETIRED)
            .select_related("office")
        ]


class PackForm(ServiceErrors):
    language = forms.ChoiceField(
        label=_("Language of the pack"), widget=forms.RadioSelect,
        choices=[("tr", _("Turkish")), ("en", _("English"))], initial="tr",
    )


class EmptyForm(ServiceErrors):
    """A button's form: nothing to fill in."""
