"""Intake, tracking and case reads: thin adapters between HTTP and the feedback services."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import AuthenticationError, HttpError
from pydantic import BaseModel, Field

from memnun.accounts.lockout import lockout_response
from memnun.accounts.models import User
from memnun.accounts.tokens import token_issue
from memnun.accounts.two_factor import Step, otp_check, two_factor_step
from memnun.api.auth import StaffToken, optional_staff
from memnun.api.case_presenters import case_body
from memnun.api.case_schemas import CaseOut
from memnun.api.errors import ErrorOut, error_response
from memnun.api.idempotency import run_idempotent
from memnun.api.presenters import feedback_created_body, tracking_body
from memnun.api.schemas import (
    FeedbackCreatedOut,
    FeedbackIn,
    TokenIn,
    TokenOut,
    TrackOut,
)
from memnun.api.tracking_guard import tracked_feedback
from memnun.feedback.errors import FieldErrors
from memnun.feedback.intake_limit import web_intake_throttled
from memnun.feedback.permissions import feedback_for_user
from memnun.feedback.privacy_codes import ConsentChannel
from memnun.feedback.services.intake import (
    AttachmentInput,
    CustomerInput,
    IntakeInput,
    feedback_record,
)
from memnun.ratelimit.clients import client_address

router = Router()

_ERRORS_4XX: dict[int, Any] = {
    code: ErrorOut for code in (400, 401, 403, 413, 415, 422, 429)
}


@router.post(
    "/auth/token",
    response={200: TokenOut, **_ERRORS_4XX},
    tags=["auth"],
    summary="Exchange a staff user's password (and one-time code) for a bearer token",
)
def auth_token(request: HttpRequest, payload: TokenIn) -> Any:
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        return lockout_response(request)
    if not isinstance(user, User) or not user.is_active:
        raise AuthenticationError(401, _("Wrong username or password."))
    step = two_factor_step(user=user)
    if step == Step.ENROL:
        return error_response(
            403,
            _("Your role signs in with two-factor: set it up at the desk first."),
        )
    if step == Step.VERIFY:
        if not payload.otp:
            return error_response(
                401,
                _("A one-time code is required."),
                fields={"otp": [_("Enter the one-time code.")]},
            )
        if otp_check(user=user, code=payload.otp) is None:
            return error_response(
                401,
                _("The one-time code is wrong."),
                fields={"otp": [_("The code is wrong or expired.")]},
            )
    issued = token_issue(user=user)
    return Status(200, {"token": issued.token, "expires_at": issued.expires_at})


def _decode_attachments(payload: FeedbackIn) -> list[AttachmentInput]:
    files: list[AttachmentInput] = []
    problems: dict[str, list[str]] = {}
    for i, item in enumerate(payload.attachments):
        try:  # every undecodable file is reported, not just the first
            content = item.content(field=f"attachments.{i}.content_base64")
        except FieldErrors as exc:
            problems.update(exc.fields)
            continue
        files.append(AttachmentInput(item.filename, item.content_type, content))
    if problems:
        raise FieldErrors(problems)
    return files


def _intake_input(payload: FeedbackIn) -> IntakeInput:
    c = payload.customer
    return IntakeInput(
        type=payload.type,
        channel=payload.channel,
        office=payload.office,
        subject=payload.subject,
        description=payload.description,
        remedy_sought=payload.remedy_sought,
        brand=payload.brand or "",
        product=payload.product or "",
        device_serial=payload.device_serial or "",
        imei=payload.imei or "",
        repair_order=payload.repair_order or "",
        customer=CustomerInput(
            name=c.name, email=c.email, phone=c.phone,
            preferred_contact=c.preferred_contact, language=c.language, address=c.address,
        ),
        privacy_notice=payload.consent.privacy_notice,
        third_party_sharing=payload.consent.third_party_sharing,
        survey=payload.consent.survey,
        consent_channel=ConsentChannel.API,
        received_at=payload.received_at,
        attachments=_decode_attachments(payload),
    )


@router.post(
    "/feedback",
    response={201: FeedbackCreatedOut, **_ERRORS_4XX},
    tags=["feedback"],
    summary="Record feedback from any channel",
    description=(
        "Anyone may post `channel: web` (rate-limited per client); other channels need a staff"
        " token. Send an `Idempotency-Key` header to make retries safe."
    ),
    openapi_extra={"security": [{"StaffToken": []}, {}]},
)
def feedback_create(request: HttpRequest, payload: FeedbackIn) -> Any:
    actor = optional_staff(request)
    scope = f"user:{actor.pk}" if actor else f"client:{client_address(request)}"

    def create() -> tuple[int, dict[str, Any]]:
        if actor is None and web_intake_throttled(client=client_address(request)):
            message = _("Too many submissions from this address. Try again in a minute.")
            raise HttpError(429, message)
        result = feedback_record(data=_intake_input(payload), actor=actor)
        return 201, feedback_created_body(
            result.feedback, result.tracking_code, obligations=result.obligations
        )

    outcome = run_idempotent(request, scope=scope, create=create)
    if isinstance(outcome, JsonResponse):
        return outcome
    return Status(*outcome)


class TrackQuery(BaseModel):
    code: str = Field(default="", max_length=40)


@router.get(
    "/track/{reference}",
    response={200: TrackOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    tags=["tracking"],
    summary="A customer follows their feedback with its reference and tracking code",
)
def track(request: HttpRequest, reference: str, query: Query[TrackQuery]) -> Any:
    feedback = tracked_feedback(request, reference, query.code)
    if isinstance(feedback, JsonResponse):
        return feedback
    return Status(200, tracking_body(feedback))


@router.get(
    "/feedback/{reference}",
    response={200: CaseOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=StaffToken(),
    tags=["feedback"],
    summary="The whole case, for staff",
)
def feedback_detail(request: HttpRequest, reference: str) -> Any:
    user = getattr(request, "auth", None)
    assert isinstance(user, User)
    access = feedback_for_user(user=user, reference=reference)
    return Status(200, case_body(access, viewer=user))
