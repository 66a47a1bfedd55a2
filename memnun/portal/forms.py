"""The customer's feedback form. Validation rules live in the intake service; this only collects."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from memnun.feedback.codes import ContactMethod, FeedbackType, Language
from memnun.organisation.models import Office
from memnun.webforms import (
    DEVICE_CONTENT_WARNING,
    INTAKE_SERVICE_FIELDS,
    BrandFields,
    ConsentFields,
    MultipleFileField,
    OptionsField,
    ServiceErrors,
)


class FeedbackForm(ServiceErrors, ConsentFields, BrandFields):
    type = forms.ChoiceField(
        label=_("What would you like to tell us?"),
        choices=FeedbackType.choices,
        widget=forms.RadioSelect,
        initial=FeedbackType.COMPLAINT,
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(
        label=_("Tell us what happened"), max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}), help_text=DEVICE_CONTENT_WARNING,
    )
    remedy_sought = forms.CharField(
        label=_("What would you like us to do?"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    office = OptionsField(
        label=_("Nearest office"),
        queryset=Office.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
        empty_label=_("No preference"),
    )
    product = forms.CharField(label=_("Product or model"), required=False, max_length=200)
    imei = forms.CharField(
        label=_("IMEI (optional)"),
        required=False,
        max_length=20,
        help_text=_("15 digits; dial *#06# on the phone to see it."),
    )
    device_serial = forms.CharField(
        label=_("Serial number (optional)"), required=False, max_length=64
    )
    repair_order = forms.CharField(
        label=_("Repair order number (optional)"), required=False, max_length=64
    )
    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.CharField(
        label=_("E-mail"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    address = forms.CharField(
        label=_("Postal address (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )
    preferred_contact = forms.ChoiceField(
        label=_("How should we reach you?"),
        widget=forms.RadioSelect,
        choices=[
            (ContactMethod.EMAIL, _("E-mail")),
            (ContactMethod.PHONE, _("Phone")),
            (ContactMethod.SMS, _("SMS")),
        ],
        initial=ContactMethod.EMAIL,
    )
    language = forms.ChoiceField(label=_("Language for our replies"), choices=Language.choices)
    attachments = MultipleFileField(
        label=_("Photos or documents (optional)"),
        required=False,
        help_text=_("Up to 5 files: JPEG, PNG, GIF, WebP or PDF."),
    )
    privacy_notice = forms.BooleanField(
        label=_("I have read the privacy notice."),
        required=False,
    )
    # A field people never see: bots fill it in.
    website = forms.CharField(required=False, label=_("Leave this empty"))
    submission = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].max_count = settings.ATTACHMENT_MAX_COUNT  # type: ignore[attr-defined]

    # Field names of the intake service mapped onto this form's fields.
    SERVICE_FIELDS = INTAKE_SERVICE_FIELDS


class TrackForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference number"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "numeric", "placeholder": "26-000123-4"}
        ),
    )
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "placeholder": "ABCD-EFGH",
            }
        ),
    )


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Do you accept this resolution?"),
        choices=[("accept", _("Yes, I accept it")), ("reject", _("No, I do not accept it"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class QuestionAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class SurveyForm(forms.Form):
    score = forms.ChoiceField(
        label=_("How satisfied are you with how we handled your feedback?"),
        choices=[
            ("5", _("5 – very satisfied")),
            ("4", _("4 – satisfied")),
            ("3", _("3 – neutral")),
            ("2", _("2 – dissatisfied")),
            ("1", _("1 – very dissatisfied")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything you would like to add? (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TrackConsentsForm(ConsentFields):
    """The customer gives or withdraws their consents on the tracking page; the boxes show
    what they said last (unticked until they say yes)."""
