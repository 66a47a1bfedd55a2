"""The forms of the data subjects' requests (desk/views_subject_requests.py): they shape
input; dataprotection/services/subject_requests.py judges it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from memnun.dataprotection.models import SubjectRight
from memnun.desk.forms import _moment, _text
from memnun.feedback.codes import Language
from memnun.webforms import ServiceErrors


class RequestForm(ServiceErrors):
    SERVICE_FIELDS = {"subject.email": "email", "subject.phone": "phone", "subject": "email"}

    right = forms.ChoiceField(label=_("Right asked for"), choices=SubjectRight.choices)
    email = forms.CharField(label=_("The person's e-mail"), max_length=254, required=False)
    phone = forms.CharField(label=_("The person's phone"), max_length=40, required=False,
                            help_text=_("At least one of the e-mail and the phone: the cases "
                                        "are found by them."))
    identity_check = _text(
        _("How the identity was checked"), required=False, limit=2000,
    )
    language = forms.ChoiceField(label=_("Language of the answer"), choices=Language.choices)
    received_at = _moment(
        _("Received at"), _("Leave empty for now. The answer is due 30 days after receipt."),
    )


class RectifyForm(ServiceErrors):
    field = forms.ChoiceField(label=_("What to correct"), choices=[
        ("name", _("Name")), ("email", _("E-mail")), ("phone", _("Phone")),
        ("address", _("Postal address")),
    ])
    value = forms.CharField(label=_("Correct value"), max_length=1000, required=False)


class EraseForm(ServiceErrors):
    confirm = forms.BooleanField(
        label=_("I confirm: anonymise every closed case of this person. This cannot be "
                "undone."),
        required=True,
    )


class AnswerForm(ServiceErrors):
    answer = _text(_("Reasoned answer"), required=False, rows=6, limit=20_000)
    refuse = forms.BooleanField(label=_("The request is refused (give the reasons above)"),
                                required=False)
