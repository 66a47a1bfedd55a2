"""The forms of the policy and competence pages (views_policy.py, views_competence.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from memnun.accounts.models import User
from memnun.feedback.permissions import sees_every_office
from memnun.organisation.models import Office
from memnun.webforms import ServiceErrors


def _date(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label, required=required, help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _people(form: forms.Form, people: Sequence[tuple[str, str]]) -> None:
    field = form.fields["username"]
    assert isinstance(field, forms.ChoiceField)
    field.choices = [("", _("Choose a member of staff")), *people]


class PolicyForm(ServiceErrors):
    text_tr = forms.CharField(
        label=_("Policy (Turkish)"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_('Plain text: a blank line between paragraphs, "- " at the start of a list'
                    ' item, "## " for a heading.'),
    )
    text_en = forms.CharField(
        label=_("Policy (English)"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 12}),
    )
    effective_from = _date(_("Effective from"))


class AppointmentForm(ServiceErrors):
    username = forms.ChoiceField(label=_("Representative"))
    starts_on = _date(_("From"))
    ends_on = _date(_("To"), required=False, help_text=_("Empty: until a new appointment."))
    text = forms.CharField(
        label=_("Appointment text"), max_length=5_000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The duties and the authority given with the appointment."),
    )

    def __init__(self, *args: Any, people: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _people(self, people)


class TrainingForm(ServiceErrors):
    username = forms.ChoiceField(label=_("Member of staff"))
    course = forms.CharField(label=_("Course"), max_length=200)
    completed_on = _date(_("Completed on"))
    expires_on = _date(
        _("Expires on"), required=False,
        help_text=_("The first day the training no longer counts; empty if it does not expire."),
    )
    evidence = forms.CharField(
        label=_("Evidence"), max_length=500, required=False,
        help_text=_("Where the proof is kept: a certificate number, an attendance list."),
    )

    def __init__(self, *args: Any, people: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _people(self, people)


class OfficeScopeForm(forms.Form):
    """A report's office (GET): every office, or one; a team lead's own office only."""

    office = forms.ChoiceField(label=_("Office"), required=False)

    def __init__(
        self, *args: Any, offices: Sequence[tuple[str, str]], everyone: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["office"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Every office")), *offices] if everyone else list(offices)


def office_scope_form(request: HttpRequest, user: User) -> OfficeScopeForm:
    """The office filter of the policy and capacity reports (a team lead: their office)."""
    everyone = sees_every_office(user)
    offices = Office.objects.filter(is_active=True).order_by("code")
    if not everyone:
        offices = offices.filter(pk=user.office_id or 0)
    return OfficeScopeForm(
        request.GET or None, offices=[(o.code, o.name) for o in offices], everyone=everyone,
    )


def office_chosen(form: OfficeScopeForm) -> str | None:
    """The office asked for, or None (every office, or a team lead's own)."""
    if not form.is_valid():
        return None
    return form.cleaned_data.get("office") or None


def staff_choices() -> list[tuple[str, str]]:
    """Active staff for a form's choice: (username, "Full Name (username)")."""
    return [
        (u.username, f"{u.display_name} ({u.username})")
        for u in User.objects.filter(is_active=True).order_by("first_name", "username")
    ]
