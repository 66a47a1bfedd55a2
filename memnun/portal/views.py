"""Customer pages: thin views over the intake service and the tracking selectors."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from memnun.feedback.errors import Conflict, FieldErrors
from memnun.feedback.intake_limit import web_intake_throttled
from memnun.feedback.models import Feedback
from memnun.feedback.privacy_codes import ConsentChannel
from memnun.feedback.references import reference_parse
from memnun.feedback.selectors.expectation import feedback_expectation
from memnun.feedback.selectors.policy import policy_current
from memnun.feedback.selectors.questions import question_open
from memnun.feedback.selectors.resolution import resolution_awaiting_answer
from memnun.feedback.selectors.tracking import messages_for_customer, survey_open
from memnun.feedback.services.consents import consents_customer_set, consents_state
from memnun.feedback.services.customer_answers import customer_answer_record, survey_record
from memnun.feedback.services.intake import feedback_record
from memnun.feedback.services.privacy_notice import notice_current
from memnun.feedback.services.questions import question_answer
from memnun.feedback.tracking_access import (
    Outcome,
    tracking_link_reference,
    tracking_lookup,
)
from memnun.organisation.models import Office
from memnun.portal.access import access_grant, access_has
from memnun.portal.forms import (
    AnswerForm,
    FeedbackForm,
    QuestionAnswerForm,
    SurveyForm,
    TrackConsentsForm,
    TrackForm,
)
from memnun.portal.timeline import timeline_for
from memnun.ratelimit.clients import client_address
from memnun.webforms import intake_input, pdf_response

_RECEIPT = "memnun_receipt"
_SUBMITTED = "memnun_submitted"


def home(request: HttpRequest) -> HttpResponse:
    offices = Office.objects.filter(is_active=True).order_by("code")
    return render(request, "portal/home.html", {"offices": offices})


def _notice(request: HttpRequest) -> dict[str, Any]:
    notice = notice_current()
    return {"notice": notice, "notice_text": notice.in_language(request.LANGUAGE_CODE[:2])}


def privacy(request: HttpRequest) -> HttpResponse:
    """The privacy notice in force, in full, in the visitor's language (KVKK Art. 10)."""
    return render(request, "portal/privacy.html", _notice(request))


def policy(request: HttpRequest) -> HttpResponse:
    """The published complaints-handling policy (ISO 10002 5.3), in the visitor's language."""
    return render(request, "portal/policy.html", {"version": policy_current()})


@require_http_methods(["GET", "POST"])
def feedback_new(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        form = FeedbackForm(
            initial={
                "submission": uuid.uuid4().hex,
                "language": request.LANGUAGE_CODE[:2],
            }
        )
        return render(request, "portal/feedback_form.html", {"form": form, **_notice(request)})
    form = FeedbackForm(request.POST, request.FILES)
    submitted: dict[str, str] = request.session.get(_SUBMITTED, {})
    submission = request.POST.get("submission", "")
    if submission and submission in submitted:
        # A second click or a reload of the same form: show the first receipt again.
        return redirect("portal:receipt")
    status = 200
    if form.is_valid():
        if form.cleaned_data.get("website"):
            # Only bots fill the hidden field; tell them nothing.
            return redirect("portal:home")
        if web_intake_throttled(client=client_address(request)):
            form.add_error(
                None,
                _("Too many submissions from your connection. Please wait a minute and try again."),
            )
            status = 429
        else:
            try:
                result = feedback_record(
                    data=intake_input(channel="web", data=form.cleaned_data),
                    actor=None,
                )
            except FieldErrors as exc:
                form.add_service_errors(exc.fields)
                status = 422
            else:
                reference = result.feedback.reference
                submitted[submission] = reference
                request.session[_SUBMITTED] = dict(list(submitted.items())[-10:])
                request.session[_RECEIPT] = {"reference": reference, "code": result.tracking_code}
                access_grant(request, reference)
                return redirect("portal:receipt")
    else:
        status = 422
    if status == 422 and not form.errors:
        status = 200
    return render(
        request, "portal/feedback_form.html", {"form": form, **_notice(request)}, status=status
    )


def _expectations(feedback: Feedback) -> dict[str, Any]:
    expect = feedback_expectation(feedback=feedback)
    return {"expect": expect, "out_of_hours": expect.taken_in_at > feedback.received_at}


def _receipt_context(request: HttpRequest) -> dict[str, Any]:
    receipt = request.session.get(_RECEIPT)
    if not receipt:
        raise Http404
    feedback = Feedback.objects.select_related("office", "office__calendar").get(
        reference=receipt["reference"]
    )
    return {
        "feedback": feedback,
        "tracking_code": receipt["code"],
        **_expectations(feedback),
        "track_url": request.build_absolute_uri(reverse("portal:track")),
    }


def receipt(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/receipt.html", _receipt_context(request))


def receipt_pdf(request: HttpRequest) -> HttpResponse:
    return pdf_response(
        html=render_to_string("portal/receipt_pdf.html", _receipt_context(request), request),
        base_url=request.build_absolute_uri("/"), filename="memnun-receipt.pdf",
    )


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        form = TrackForm(initial={"reference": request.GET.get("reference", "")})
        return render(request, "portal/track_form.html", {"form": form})
    form = TrackForm(request.POST)
    status = 422
    if form.is_valid():
        result = tracking_lookup(
            reference=form.cleaned_data["reference"],
            code=form.cleaned_data["code"],
            client=client_address(request),
        )
        if result.outcome is Outcome.FOUND and result.feedback is not None:
            access_grant(request, result.feedback.reference)
            return redirect("portal:track_detail", reference=result.feedback.reference)
        if result.outcome is Outcome.THROTTLED:
            form.add_error(
                None,
                _(
                    "Too many attempts. For your security, please try again in an hour, open"
                    " the link in the e-mail or text message we sent you, or call us."
                ),
            )
            status = 429
        else:
            form.add_error(
                None,
                _(
                    "We could not find feedback with this reference number "
                    "and tracking code. Please check both and try again."
                ),
            )
            status = 404
    return render(request, "portal/track_form.html", {"form": form}, status=status)


def _opened(request: HttpRequest, reference: str, purpose: str) -> str | None:
    """The canonical reference if this browser may see the case; a signed link opens it."""
    canonical = reference_parse(reference)
    if canonical is None:
        return None
    token = request.GET.get("t")
    if token and tracking_link_reference(token=token, purpose=purpose) == canonical:
        access_grant(request, canonical)
    return canonical if access_has(request, canonical) else None


def _to_track_form(reference: str) -> HttpResponse:
    return redirect(f"{reverse('portal:track')}?reference={reference_parse(reference) or ''}")


def track_detail(request: HttpRequest, reference: str) -> HttpResponse:
    canonical = _opened(request, reference, "track")
    if canonical is None:
        return _to_track_form(reference)
    if "t" in request.GET:
        # A clean address: the token does not stay in the history or a referrer.
        return HttpResponseRedirect(reverse("portal:track_detail", args=[canonical]))
    feedback = Feedback.objects.select_related("office", "office__calendar").get(
        reference=canonical
    )
    return render(
        request,
        "portal/track_detail.html",
        {
            "feedback": feedback,
            "timeline": timeline_for(feedback),
            "customer_messages": messages_for_customer(feedback),
            "awaiting": resolution_awaiting_answer(feedback),
            "answer_form": AnswerForm(),
            "question": question_open(feedback=feedback),
            "question_form": QuestionAnswerForm(),
            "survey_open": survey_open(feedback),
            "survey_form": SurveyForm(),
            "consents_form": TrackConsentsForm(
                initial=consents_state(feedback=feedback), prefix="consents"
            ),
            **_expectations(feedback),
        },
    )


def _back_to_case(canonical: str, anchor: str) -> HttpResponse:
    return HttpResponseRedirect(f"{reverse('portal:track_detail', args=[canonical])}#{anchor}")


@require_http_methods(["GET", "POST"])
def agreement(request: HttpRequest, reference: str) -> HttpResponse:
    """The customer accepts or rejects the resolution (a rejection reopens the case)."""
    canonical = _opened(request, reference, "agreement")
    if canonical is None:
        return _to_track_form(reference)
    response = _back_to_case(canonical, "answer")
    if request.method == "GET":  # the link in our message lands on the case's answer form
        return response
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether you accept the resolution."))
        return response
    feedback = Feedback.objects.get(reference=canonical)
    accept = form.cleaned_data["answer"] == "accept"
    try:
        customer_answer_record(
            feedback=feedback, accept=accept, comment=form.cleaned_data["comment"]
        )
    except (Conflict, FieldErrors) as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(
            request,
            _("Thank you. We have recorded that you accept the resolution.")
            if accept
            else _(
                "Thank you. We will look at your case again, one level higher, and "
                "come back to you."
            ),
        )
    return response


@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, reference: str) -> HttpResponse:
    """After closure: how satisfied the customer was with the handling, once."""
    canonical = _opened(request, reference, "survey")
    if canonical is None:
        return _to_track_form(reference)
    response = _back_to_case(canonical, "survey")
    if request.method == "GET":
        return response
    form = SurveyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a score from 1 to 5."))
        return response
    try:
        survey_record(
            feedback=Feedback.objects.get(reference=canonical),
            score=int(form.cleaned_data["score"]),
            comment=form.cleaned_data["comment"],
        )
    except (Conflict, FieldErrors) as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Thank you for rating how we handled your feedback."))
    return response


@require_http_methods(["GET", "POST"])
def question(request: HttpRequest, reference: str) -> HttpResponse:
    """The customer answers the question the case waits on; the clocks run again."""
    canonical = _opened(request, reference, "question")
    if canonical is None:
        return _to_track_form(reference)
    response = _back_to_case(canonical, "question")
    if request.method == "GET":  # the link in our message lands on the question
        return response
    form = QuestionAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write your answer."))
        return response
    try:
        question_answer(
            feedback=Feedback.objects.get(reference=canonical),
            answer=form.cleaned_data["answer"],
        )
    except (Conflict, FieldErrors) as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Thank you. We have your answer and carry on with your case."))
    return response


@require_POST
def consents(request: HttpRequest, reference: str) -> HttpResponse:
    """The customer gives or withdraws their consents (K2): each change recorded with its time."""
    canonical = _opened(request, reference, "track")
    if canonical is None:
        return _to_track_form(reference)
    form = TrackConsentsForm(request.POST, prefix="consents")
    form.is_valid()  # two optional boxes: always valid
    consents_customer_set(
        feedback=Feedback.objects.get(reference=canonical),
        changes={name: bool(form.cleaned_data.get(name)) for name in form.fields},
        channel=ConsentChannel.TRACKING_PAGE,
    )
    messages.success(request, _("Thank you. We have recorded your choices."))
    return _back_to_case(canonical, "consents")
