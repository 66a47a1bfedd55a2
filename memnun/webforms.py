"""What the two web interfaces (the customer portal and the staff desk) share:
multi-file uploads, the brand list with "other", turning a feedback form into the
intake service's input, PDFs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from memnun.feedback.attachments import (
    count_problem,
    size_problem,
    upload_request_max_bytes,
    upload_request_problem,
)
from memnun.feedback.services.intake import AttachmentInput, CustomerInput, IntakeInput
from memnun.organisation.models import Brand

# The "other" choice of the brand list: not a slug, so never a brand's code.
OTHER_BRAND = "*other"


class _OptionsIterator(forms.models.ModelChoiceIterator):
    """A select's rows in one ordinary query. Django reads them with `.iterator()`, which
    on PostgreSQL is a server-side cursor (DECLARE, FETCH, CLOSE: three round trips, about
    a millisecond for a page's select) meant for huge tables; options are a few rows."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class OptionsField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A choice of one configuration row (an office, a category) from a select."""

    iterator = _OptionsIterator


class OptionsMultipleField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """A choice of several configuration rows."""

    iterator = _OptionsIterator


class ServiceErrors(forms.Form):
    """A form that shows a service's `FieldErrors` beside its own fields.

    `SERVICE_FIELDS` maps a service's field name ("customer.email") to the form's
    field; unmapped names go to the field named like their last part, and an
    error about no field of the form goes to the top of the form.
    """

    SERVICE_FIELDS: dict[str, str] = {}

    def add_service_errors(self, fields: dict[str, list[str]]) -> None:
        for name, messages in fields.items():
            target: str | None = self.SERVICE_FIELDS.get(name, name.rsplit(".", 1)[-1])
            if name.startswith("attachments"):
                target = "attachments"
            if target not in self.fields:
                target = None
            for message in messages:
                self.add_error(target, message)


# Never copy what is on the customer's device into a case (KVKK K13): said on both intake forms.
DEVICE_CONTENT_WARNING = _(
    "Do not copy photos, messages or other content from the device into the description "
    "or notes; describe the fault instead."
)


class ConsentFields(forms.Form):
    """The optional purposes' explicit consents: never pre-ticked, never required (K2)."""

    third_party_sharing = forms.BooleanField(
        label=_("You may share my feedback with the brand of my device or an insurer "
                "(optional)."),
        required=False,
    )
    survey = forms.BooleanField(
        label=_("You may send me a short satisfaction survey by SMS or e-mail when my case "
                "is closed (optional)."),
        required=False,
    )


# The intake service's customer and consent fields, as both feedback forms name them.
INTAKE_SERVICE_FIELDS: dict[str, str] = {
    "customer.name": "name",
    "customer.email": "email",
    "customer.phone": "phone",
    "customer.address": "address",
    "customer.preferred_contact": "preferred_contact",
    "customer.language": "language",
    "customer": "email",
    "consent.privacy_notice": "privacy_notice",
    "consent.third_party_sharing": "third_party_sharing",
    "consent.survey": "survey",
}


class AttachmentField(forms.FileField):
    """One uploaded file, refused by its size before its bytes are read; the services
    check its content (feedback/attachments.py)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        problem = size_problem(upload.size) if upload else None
        if problem:
            raise forms.ValidationError(problem)
        return upload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(AttachmentField):
    """Several files in one field (photos, a scan); the intake service checks each one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        problem = count_problem(len(files))
        if problem:
            raise forms.ValidationError(problem)
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class UploadGuardMiddleware:
    """An upload through a web page is refused (413) before the form reads it: by its
    Content-Length when it is larger than any form takes, and by Django's own limits
    (`DATA_UPLOAD_MAX_NUMBER_FILES`, `DATA_UPLOAD_MAX_MEMORY_SIZE`) while it is parsed,
    its files streamed to temporary files. Nothing is saved. Sits before the CSRF check,
    which would otherwise read the body first; the API guards its own door."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        content_type = request.META.get("CONTENT_TYPE", "").lower()
        if (
            request.method == "POST"
            and content_type.startswith("multipart/form-data")
            and not request.path.startswith("/api/")
        ):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > upload_request_max_bytes():
                return _upload_refused(request, upload_request_problem())
            try:
                request.POST  # noqa: B018 — parsed here, under the limits, not by the CSRF check
            except TooManyFilesSent:
                problem = count_problem(settings.ATTACHMENT_MAX_COUNT + 1)
                return _upload_refused(request, problem or upload_request_problem())
            except (RequestDataTooBig, TooManyFieldsSent):
                return _upload_refused(request, upload_request_problem())
        return self.get_response(request)


def _upload_refused(request: HttpRequest, message: str) -> HttpResponse:
    back = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = ""
    return render(request, "upload_refused.html", {"message": message, "back": back}, status=413)


def _brand_choices() -> list[tuple[str, Any]]:
    brands = [(b.code, b.name) for b in Brand.objects.filter(is_active=True)]
    return [("", _("Not about a device")), *brands, (OTHER_BRAND, _("Other (write it below)"))]


class BrandFields(forms.Form):
    """The active brands plus "other", and a plain text field for the other one.

    No script needed (the CSP allows none inline): the text is used when "other"
    is chosen, or when nothing is chosen and a brand is written anyway.
    """

    brand = forms.ChoiceField(label=_("Brand"), required=False, choices=_brand_choices)
    brand_other = forms.CharField(
        label=_("Other brand"), required=False, max_length=100,
        help_text=_("If the brand is not in the list, choose “Other” and write it here."),
    )

    def clean_brand_other(self) -> str:
        text = str(self.cleaned_data.get("brand_other") or "").strip()
        if self.cleaned_data.get("brand") == OTHER_BRAND and not text:
            raise forms.ValidationError(_("Write the brand's name."))
        return text


def _brand_text(data: dict[str, Any]) -> str:
    chosen = data.get("brand") or ""
    return chosen if chosen and chosen != OTHER_BRAND else data.get("brand_other", "")


def intake_input(*, channel: str, data: dict[str, Any]) -> IntakeInput:
    """A feedback form's cleaned data as the intake service takes it."""
    return IntakeInput(
        type=data["type"],
        channel=channel,
        office=data["office"].code if data.get("office") else None,
        received_at=data.get("received_at"),
        subject=data["subject"],
        description=data["description"],
        remedy_sought=data.get("remedy_sought", ""),
        brand=_brand_text(data),
        product=data.get("product", ""),
        imei=data.get("imei", ""),
        device_serial=data.get("device_serial", ""),
        repair_order=data.get("repair_order", ""),
        customer=CustomerInput(
            name=data.get("name", ""),
            email=data.get("email", ""),
            phone=data.get("phone", ""),
            preferred_contact=data.get("preferred_contact", ""),
            language=data["language"],
            address=data.get("address", ""),
        ),
        privacy_notice=bool(data.get("privacy_notice")),
        third_party_sharing=bool(data.get("third_party_sharing")),
        survey=bool(data.get("survey")),
        attachments=[
            AttachmentInput(f.name, f.content_type or "", f.read())
            for f in data.get("attachments") or []
        ],
    )


def pdf_response(*, html: str, base_url: str, filename: str) -> HttpResponse:
    """An HTML page rendered to a PDF download (WeasyPrint)."""
    from weasyprint import HTML

    pdf = HTML(string=html, base_url=base_url).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
