"""Desk forms: they collect and shape input; every rule is the services'.

`ServiceErrors.add_service_errors` (`memnun.webforms`) puts a service's `FieldErrors` beside the
field they are about (dotted service names mapped to this form's fields).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from memnun.feedback.capa_codes import ResponseType
from memnun.feedback.codes import (
    PUBLIC_CHANNELS,
    AckMethod,
    AnswerChannel,
    Channel,
    Closure,
    CompensationKind,
    ContactMethod,
    FeedbackType,
    Language,
    Severity,
    Status,
)
from memnun.feedback.escalation_codes import ExternalBody
from memnun.feedback.privacy_codes import ConsentPurpose, DataCategory
from memnun.feedback.selectors import work_filters as wf
from memnun.feedback.selectors.reports.periods import DEFAULT_PRESET, Preset
from memnun.feedback.services.customer_answers import STAFF_CHANNELS
from memnun.organisation.models import Category, Office, RootCauseCategory
from memnun.webforms import (
    DEVICE_CONTENT_WARNING,
    INTAKE_SERVICE_FIELDS,
    AttachmentField,
    BrandFields,
    MultipleFileField,
    OptionsField,
    ServiceErrors,
)

_DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _text(label: Any, *, required: bool = True, rows: int = 3, limit: int = 10_000) -> Any:
    return forms.CharField(
        label=label, required=required, max_length=limit,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _moment(label: Any, help_text: Any = "") -> forms.DateTimeField:
    """A time typed in Europe/Istanbul (the site's time zone) with a datetime-local input."""
    return forms.DateTimeField(
        label=label, required=False, help_text=help_text, input_formats=[_DATETIME_LOCAL],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=_DATETIME_LOCAL),
    )


# --- Finding cases ---------------------------------------------------------------------------


def _choices(form: forms.Form, name: str, choices: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def _blank(label: Any, choices: Any) -> list[tuple[str, Any]]:
    return [("", label), *choices]


class QueueFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, max_length=200,
        help_text=_("Reference number, customer name, phone, e-mail or IMEI."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    office = forms.ChoiceField(label=_("Office"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_blank(_("Every status"), Status.choices)
    )
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=_blank(_("Every type"), FeedbackType.choices)
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=_blank(_("Every channel"), Channel.choices)
    )
    # The work filters: their rules are feedback/selectors/work_filters.py's.
    assigned = forms.ChoiceField(
        label=_("Assigned"), required=False, choices=_blank(_("Anyone"), wf.Assigned.choices)
    )
    deadline = forms.ChoiceField(
        label=_("Deadline"), required=False,
        choices=_blank(_("Any deadline"), wf.DeadlineFilter.choices),
    )
    waiting = forms.ChoiceField(
        label=_("Waiting"), required=False, choices=_blank(_("Either way"), wf.Waiting.choices)
    )
    answered = forms.ChoiceField(
        label=_("Answered"), required=False, choices=_blank(_("Either way"), wf.Answered.choices)
    )
    safety = forms.ChoiceField(
        label=_("Safety"), required=False, choices=_blank(_("Every case"), wf.Safety.choices)
    )
    repeat = forms.ChoiceField(
        label=_("Repeat"), required=False, choices=_blank(_("Every case"), wf.Repeat.choices)
    )

    def __init__(self, *args: Any, offices: list[Office], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if offices:
            _choices(self, "office", _blank(
                _("All offices"), [(o.code, o.name) for o in offices]
            ))
        else:
            del self.fields["office"]


# --- Reports ---------------------------------------------------------------------------------


class ReportForm(ServiceErrors):
    """The dashboard's period and filters (GET); the codes are the report API's."""

    SERVICE_FIELDS = {"from": "start", "to": "end"}

    period = forms.ChoiceField(
        label=_("Period"), required=False, choices=Preset.choices, initial=DEFAULT_PRESET,
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For custom dates: the first day, included."),
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For custom dates: the last day, included."),
    )
    office = forms.ChoiceField(label=_("Office"), required=False)
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=_blank(_("Every channel"), Channel.choices)
    )
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=_blank(_("Every type"), FeedbackType.choices)
    )
    brand = forms.ChoiceField(label=_("Brand"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    by = forms.ChoiceField(label=_("Pareto by"), required=False)

    def __init__(
        self, *args: Any, offices: Sequence[tuple[str, str]], everyone: bool,
        pareto_by: Sequence[tuple[str, Any]], brands: Sequence[tuple[str, str]],
        categories: Sequence[tuple[str, str]], **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # A reviewer's figures are their office's: the one choice offered.
        _choices(self, "office", _blank(_("All offices"), offices) if everyone else offices)
        _choices(self, "brand", _blank(_("Every brand"), brands))
        _choices(self, "category", _blank(_("Every category"), categories))
        _choices(self, "by", pareto_by)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("period") == Preset.CUSTOM:
            for name in ("start", "end"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("Give both dates of a custom period."))
        return data


class SurgeWeekForm(forms.Form):
    """The surges page's week (a Monday, among the last complete weeks) and office (GET)."""

    week = forms.ChoiceField(label=_("Week"), required=False)
    office = forms.ChoiceField(label=_("Office"), required=False)

    def __init__(
        self, *args: Any, weeks: Sequence[tuple[str, str]], offices: Sequence[tuple[str, str]],
        everyone: bool, **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "week", weeks)
        _choices(self, "office", _blank(_("All offices"), offices) if everyone else offices)


class ReportCasesForm(ServiceErrors):
    """The cases behind a figure: the dashboard's link, `?metric=&key=&from=&to=&office=…`.

    Codes are checked by the drill selector (unknown ones are its FieldErrors);
    this form only shapes them. `from` and `to` are the report API's names.
    """

    metric = forms.CharField(label=_("Figure"), max_length=100)
    key = forms.CharField(label=_("Key"), required=False, max_length=100)
    office = forms.CharField(label=_("Office"), required=False, max_length=50)
    channel = forms.CharField(label=_("Channel"), required=False, max_length=50)
    type = forms.CharField(label=_("Type"), required=False, max_length=50)
    brand = forms.CharField(label=_("Brand"), required=False, max_length=50)
    category = forms.CharField(label=_("Category"), required=False, max_length=50)
    cursor = forms.CharField(label=_("Page"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword: the two dates are added by name.
        self.fields["from"] = forms.DateField(label=_("From"))
        self.fields["to"] = forms.DateField(label=_("To"))


# --- Recording feedback ----------------------------------------------------------------------


class IntakeForm(ServiceErrors, BrandFields):
    type = forms.ChoiceField(
        label=_("Type"), choices=FeedbackType.choices, widget=forms.RadioSelect,
        initial=FeedbackType.COMPLAINT,
    )
    office = OptionsField(
        label=_("Office"), queryset=Office.objects.filter(is_active=True),
        to_field_name="code", required=False, empty_label=_("My office"),
    )
    received_at = _moment(
        _("Received at"),
        _("Istanbul time. Leave empty for now; set it when the feedback came earlier."),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = _text(_("Description"), rows=6, limit=20_000)
    remedy_sought = _text(_("What the customer asks for"), required=False, limit=5000)
    product = forms.CharField(label=_("Product or model"), required=False, max_length=200)
    imei = forms.CharField(label=_("IMEI"), required=False, max_length=20)
    device_serial = forms.CharField(label=_("Serial number"), required=False, max_length=64)
    repair_order = forms.CharField(label=_("Repair order number"), required=False, max_length=64)
    name = forms.CharField(label=_("Customer's name"), required=False, max_length=200)
    email = forms.CharField(
        label=_("E-mail"), required=False, max_length=254, widget=forms.EmailInput
    )
    phone = forms.CharField(
        label=_("Phone"), required=False, max_length=40,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    address = forms.CharField(
        label=_("Postal address"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    preferred_contact = forms.ChoiceField(
        label=_("How to reply"), required=False,
        choices=_blank(_("As the channel allows"), ContactMethod.choices),
    )
    language = forms.ChoiceField(label=_("Language for replies"), choices=Language.choices)
    attachments = MultipleFileField(
        label=_("Files (a scan, photos)"), required=False,
        help_text=_("Up to 5 files: JPEG, PNG, GIF, WebP or PDF."),
    )
    privacy_notice = forms.BooleanField(
        label=_("The privacy notice was given to the customer."), required=False
    )
    third_party_sharing = forms.BooleanField(
        label=_("The customer agrees to share this feedback with the brand or an insurer "
                "(optional)."),
        required=False,
    )
    survey = forms.BooleanField(
        label=_("The customer agrees to a satisfaction survey by SMS or e-mail (optional)."),
        required=False,
    )

    SERVICE_FIELDS = INTAKE_SERVICE_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].max_count = settings.ATTACHMENT_MAX_COUNT  # type: ignore[attr-defined]
        self.fields["description"].help_text = DEVICE_CONTENT_WARNING


# --- Working a case --------------------------------------------------------------------------


class RevealForm(ServiceErrors):
    reason = forms.CharField(
        label=_("Why do you need the customer's details?"), max_length=500,
        help_text=_("Recorded in the audit trail with your name."),
    )


class AssessmentFields(ServiceErrors):
    """The initial assessment's fields, given at the start and when it is revised."""

    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    category = OptionsField(
        label=_("Category"), queryset=Category.objects.filter(is_active=True),
        to_field_name="code", required=False, empty_label=_("Not set"),
    )
    safety_hazard = forms.BooleanField(label=_("Safety hazard"), required=False)
    immediate_action = forms.BooleanField(label=_("Immediate action needed"), required=False)


class StartForm(AssessmentFields):
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)
    note = _text(_("Note (internal)"), required=False, rows=2)

    def __init__(self, *args: Any, candidates: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "assignee", _blank(_("Automatic (round robin)"), candidates))


# The propose form's CAPA choice that opens a new CAPA from the case.
NEW_CAPA = "new"


class ProposeForm(ServiceErrors):
    root_cause_category = OptionsField(
        label=_("Root cause category"), queryset=RootCauseCategory.objects.filter(is_active=True),
        to_field_name="code", required=False, empty_label=_("Not set"),
    )
    root_cause = _text(_("Root cause"), required=False)
    corrective_action = _text(_("Corrective action"), required=False)
    response_type = forms.ChoiceField(label=_("Response type"), required=False)
    response_justification = _text(
        _("Justification (required for \"no action\")"), required=False, rows=2
    )
    capa = forms.ChoiceField(label=_("Corrective action record (CAPA)"), required=False)
    resolution = _text(
        _("Resolution (the message to the customer, with its reasons)"), rows=5
    )
    note = _text(_("Note (internal)"), required=False, rows=2)

    def __init__(
        self, *args: Any, complaint: bool = False, capas: Sequence[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # Required of a complaint here; the API's callers may still leave it out (R7.7).
        self.fields["response_type"].required = complaint
        _choices(self, "response_type", _blank(_("Choose the response"), ResponseType.choices))
        if capas is None:
            del self.fields["capa"]
        else:
            _choices(self, "capa", [
                ("", _("No CAPA")), (NEW_CAPA, _("Open a new CAPA from this case")), *capas,
            ])


class ApproveForm(ServiceErrors):
    note = _text(_("Note (optional)"), required=False, rows=2)


class SendBackForm(ServiceErrors):
    reason = _text(_("Why is it sent back?"))
    SERVICE_FIELDS = {"send_back_reason": "reason"}


class CustomerAnswerForm(ServiceErrors):
    accept = forms.TypedChoiceField(
        label=_("The customer's answer"), widget=forms.RadioSelect,
        choices=[("yes", _("Agrees")), ("no", _("Rejects"))], coerce=lambda v: v == "yes",
    )
    channel = forms.ChoiceField(label=_("Given by"))
    comment = _text(_("Comment"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from memnun.feedback.codes import AnswerChannel

        _choices(self, "channel", [
            (c.value, c.label) for c in AnswerChannel if c.value in STAFF_CHANNELS
        ])


class AskCustomerForm(ServiceErrors):
    question = _text(
        _("Question to the customer"), limit=5000,
    )


class QuestionAnswerForm(ServiceErrors):
    """The customer's answer to the open question, as staff heard it."""

    answer = _text(_("The customer's answer"), limit=5000)
    channel = forms.ChoiceField(label=_("Given by"))

    def __init__(self, *args: Any, question: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["answer"].help_text = _("The question: %(question)s") % {"question": question}
        _choices(self, "channel", [
            (c.value, c.label) for c in AnswerChannel if c.value in STAFF_CHANNELS
        ])


class CloseForm(ServiceErrors):
    closure = forms.ChoiceField(label=_("How it closes"), widget=forms.RadioSelect)
    external_recourse = _text(
        _("External recourse the customer is told of (when options are exhausted)"),
        required=False,
    )
    note = _text(_("Note (internal)"), required=False, rows=2)

    def __init__(self, *args: Any, closures: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "closure", [(c, Closure(c).label) for c in closures])


class ReopenForm(ServiceErrors):
    reason = _text(_("Why is it reopened?"))
    SERVICE_FIELDS = {"note": "reason"}


class EscalateForm(ServiceErrors):
    reason = _text(_("Why is it escalated?"))


class ReferExternalForm(ServiceErrors):
    body = forms.ChoiceField(label=_("External body"), choices=ExternalBody.choices)
    referred_on = forms.DateField(
        label=_("Referred on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("When the customer was pointed there or took the case there."),
    )
    note = _text(_("Note"), required=False)


class BodyForm(ServiceErrors):
    body = _text(_("Text"), rows=4)


class NoteForm(BodyForm):
    body = _text(_("Internal note"), rows=3)


class MessageForm(BodyForm):
    body = _text(_("Message to the customer"), rows=4)


class InvolvedForm(ServiceErrors):
    username = forms.CharField(label=_("Username of the member of staff"), max_length=150)
    role_in_subject = forms.CharField(label=_("How they were involved"), max_length=200)


class AcknowledgeForm(ServiceErrors):
    method = forms.ChoiceField(label=_("How it was given"), choices=AckMethod.choices)
    sent_at = _moment(_("When"), _("Istanbul time. Leave empty for now."))


class CompensationForm(ServiceErrors):
    kind = forms.ChoiceField(label=_("Kind"), choices=CompensationKind.choices)
    amount = forms.DecimalField(
        label=_("Amount (TRY)"), min_value=0, max_digits=12, decimal_places=2
    )
    legal_basis = _text(_("Legal basis"))


class CompensationDecisionForm(ServiceErrors):
    compensation = forms.ChoiceField(label=_("Compensation"))
    approve = forms.TypedChoiceField(
        label=_("Decision"), widget=forms.RadioSelect,
        choices=[("yes", _("Approve")), ("no", _("Reject"))], coerce=lambda v: v == "yes",
    )
    reason = _text(_("Reason"), required=False, rows=2)

    def __init__(self, *args: Any, pending: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "compensation", pending)


class ReassignForm(ServiceErrors):
    assignee = forms.ChoiceField(label=_("New assignee"), required=False)

    def __init__(self, *args: Any, candidates: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "assignee", _blank(_("Automatic (round robin)"), candidates))


class AssessForm(AssessmentFields):
    """Revising the assessment while the case is worked."""


class FileForm(ServiceErrors):
    SERVICE_FIELDS = {"content_base64": "file"}
    file = AttachmentField(label=_("File (JPEG, PNG, GIF, WebP or PDF)"))


class FollowUpForm(ServiceErrors):
    channel = forms.ChoiceField(
        label=_("How the customer came back"),
        choices=[(c.value, c.label) for c in Channel if c not in PUBLIC_CHANNELS],
    )
    description = _text(_("What the customer says now"), rows=5, limit=20_000)


class OtherCaseForm(ServiceErrors):
    SERVICE_FIELDS = {"into": "reference", "target": "reference"}
    reference = forms.CharField(label=_("Reference number of the other case"), max_length=40)


# --- Personal data on a case (KVKK) ----------------------------------------------------------


class ConsentForm(ServiceErrors):
    """What the customer said about a consent, recorded by staff on their word."""

    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    decision = forms.ChoiceField(
        label=_("The customer"), widget=forms.RadioSelect,
        choices=[("grant", _("gives consent")), ("withdraw", _("withdraws consent"))],
    )


class DisclosureForm(ServiceErrors):
    """Giving the case to a third party: refused without the customer's live consent."""

    recipient = forms.CharField(
        label=_("Recipient"), max_length=200,
        help_text=_("The company it goes to: a brand, an insurer, a courier."),
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=500)
    categories = forms.MultipleChoiceField(
        label=_("What is given"), choices=DataCategory.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    SERVICE_FIELDS = {"data": "categories"}
