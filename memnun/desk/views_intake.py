"""Assisted intake: staff record feedback that came by phone, in person, on paper or online.

The form collects; `feedback_record` decides and records, with the signed-in
member of staff as the one who took it. Afterwards the case shows a receipt
(reference number and tracking code, the code only this once) to print or
download as a PDF.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_http_methods

from memnun.desk.common import refusals_as_http, staff_user
from memnun.desk.forms import IntakeForm
from memnun.desk.views_case import RECEIPT_SESSION
from memnun.feedback.codes import Channel
from memnun.feedback.errors import FieldErrors
from memnun.feedback.permissions import feedback_visible_to
from memnun.feedback.privacy_codes import NOTICE_GIVEN_BY_CHANNEL
from memnun.feedback.selectors.expectation import feedback_expectation
from memnun.feedback.services.intake import (
    feedback_record,
)
from memnun.feedback.services.privacy_notice import notice_current
from memnun.webforms import intake_input, pdf_response

# Every channel but the public web form, in the order the desk lists them.
STAFF_CHANNELS = [
    Channel.PHONE, Channel.FRONT_OFFICE, Channel.EMAIL, Channel.FAX, Channel.LETTER,
    Channel.SOCIAL_MEDIA, Channel.DEALER, Channel.EMPLOYEE,
]


@require_GET
@login_required
def intake_index(request: HttpRequest) -> HttpResponse:
    return render(request, "desk/intake_index.html", {"channels": STAFF_CHANNELS})


def _page(request: HttpRequest, channel: str, form: IntakeForm) -> dict[str, Any]:
    """The form, and the privacy notice as this channel gives it (K1): the script read out on
    the phone, the summary to hand over in person, or word that it goes with the
    acknowledgement where the customer wrote first."""
    notice = notice_current()
    return {
        "form": form,
        "channel_label": Channel(channel).label,
        "notice": notice,
        "notice_text": notice.in_language(request.LANGUAGE_CODE[:2]),
        "notice_given": NOTICE_GIVEN_BY_CHANNEL[Channel(channel)],
    }


@require_http_methods(["GET", "POST"])
@login_required
def intake(request: HttpRequest, channel: str) -> HttpResponse:
    if channel not in STAFF_CHANNELS:
        raise Http404
    user = staff_user(request)
    if request.method == "GET":
        form = IntakeForm(initial={
            "office": user.office.code if user.office else None,
            "language": request.LANGUAGE_CODE[:2],
        })
        return render(request, "desk/intake.html", _page(request, channel, form))
    form = IntakeForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            with refusals_as_http():
                data = intake_input(channel=channel, data=form.cleaned_data)
                result = feedback_record(data=data, actor=user)
        except FieldErrors as exc:
            form.add_service_errors(exc.fields)
        else:
            reference = result.feedback.reference
            request.session[RECEIPT_SESSION] = {
                "reference": reference, "code": result.tracking_code,
            }
            return redirect("desk:receipt", reference=reference)
    return render(request, "desk/intake.html", _page(request, channel, form), status=422)


def _receipt_context(request: HttpRequest, reference: str) -> dict[str, Any]:
    receipt = request.session.get(RECEIPT_SESSION) or {}
    if receipt.get("reference") != reference:
        raise Http404
    feedback = (
        feedback_visible_to(staff_user(request))
        .select_related("office", "office__calendar")
        .filter(reference=reference)
        .first()
    )
    if feedback is None:
        raise Http404
    return {
        "feedback": feedback,
        "tracking_code": receipt["code"],
        "expect": feedback_expectation(feedback=feedback),
        "track_url": f"{settings.PUBLIC_URL}/track/",
    }


@require_GET
@login_required
def receipt(request: HttpRequest, reference: str) -> HttpResponse:
    return render(request, "desk/receipt.html", _receipt_context(request, reference))


@require_GET
@login_required
def receipt_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    context = _receipt_context(request, reference)
    response = pdf_response(
        html=render_to_string("desk/receipt_pdf.html", context, request),
        base_url=request.build_absolute_uri("/"), filename=f"memnun-{reference}.pdf",
    )
    response["Cache-Control"] = "no-store"
    return response
