"""Personal data on a case (api-v1.md "Personal data (version 1, part 2)"): the customer's
consents through their tracking code, the case's disclosure log for staff, and the data
subjects' requests (record, export, erase) for the personal-data contact.

Thin adapters: the consents and disclosures services decide; a disclosure without
a live consent to third-party sharing is their 409.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest, JsonResponse
from ninja import Router, Status
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from memnun.accounts.models import User
from memnun.api.auth import StaffToken
from memnun.api.errors import ErrorOut
from memnun.api.presenters import local
from memnun.api.tracking_guard import tracked_feedback
from memnun.dataprotection.models import SubjectRequest
from memnun.dataprotection.services.subject_requests import (
    request_erase,
    request_export,
    request_get,
    request_record,
)
from memnun.feedback.permissions import feedback_for_user
from memnun.feedback.privacy_codes import ConsentChannel, ConsentPurpose
from memnun.feedback.privacy_models import Disclosure
from memnun.feedback.services.consents import consents_customer_set
from memnun.feedback.services.disclosures import disclosure_record, disclosures_list

router = Router()

_TRACK_ERRORS: dict[int, Any] = {code: ErrorOut for code in (400, 404, 409, 413, 415, 422, 429)}
_STAFF_ERRORS: dict[int, Any] = {
    code: ErrorOut for code in (400, 401, 403, 404, 409, 413, 415, 422)
}


class ConsentsIn(BaseModel):
    code: str = Field(max_length=40)
    third_party_sharing: StrictBool | None = Field(
        default=None, description="Sharing the case with a third party (a brand, an insurer)."
    )
    survey: StrictBool | None = Field(
        default=None, description="A satisfaction survey by SMS or e-mail."
    )


class ConsentsOut(BaseModel):
    third_party_sharing: bool
    survey: bool


DataCode = Literal["contact", "device", "description", "attachments"]


class DisclosureIn(BaseModel):
    recipient: str = Field(min_length=1, max_length=200)
    purpose: str = Field(min_length=1, max_length=500)
    data: list[DataCode] = Field(min_length=1, max_length=4)


class DisclosureOut(BaseModel):
    id: int
    at: datetime
    recipient: str
    purpose: str
    data: list[str]
    basis: Literal["consent", "processor"]
    by: str | None = Field(description="Who recorded it; null for a message's carrier.")


class DisclosuresOut(BaseModel):
    items: list[DisclosureOut]


def _user(request: HttpRequest) -> User:
    user = getattr(request, "auth", None)
    assert isinstance(user, User)
    return user


def _disclosure(row: Disclosure) -> dict[str, Any]:
    return {
        "id": row.pk, "at": local(row.at), "recipient": row.recipient, "purpose": row.purpose,
        "data": row.data, "basis": row.basis, "by": row.by.username if row.by else None,
    }


@router.post(
    "/track/{reference}/consents",
    response={200: ConsentsOut, **_TRACK_ERRORS},
    tags=["tracking"],
    summary="The customer grants or withdraws a consent",
    description="Either purpose may be left out (unchanged). Each grant or withdrawal is"
    " recorded with its time; the answer is every purpose's state.",
)
def track_consents(request: HttpRequest, reference: str, payload: ConsentsIn) -> Any:
    found = tracked_feedback(request, reference, payload.code)
    if isinstance(found, JsonResponse):
        return found
    changes: dict[str, bool] = {
        purpose: value
        for purpose, value in (
            (ConsentPurpose.THIRD_PARTY_SHARING, payload.third_party_sharing),
            (ConsentPurpose.SURVEY, payload.survey),
        )
        if value is not None
    }
    state = consents_customer_set(feedback=found, changes=changes, channel=ConsentChannel.API)
    return Status(200, state)


@router.post(
    "/feedback/{reference}/disclosures",
    response={201: DisclosureOut, **_STAFF_ERRORS},
    auth=StaffToken(),
    tags=["cases"],
    summary="Record that the case is given to a third party",
    description="409 with the reason when no legal basis is on record (no live consent to"
    " third-party sharing). Roles: handler, reviewer, quality, privacy.",
)
def disclosure_create(request: HttpRequest, reference: str, payload: DisclosureIn) -> Any:
    user = _user(request)
    feedback = feedback_for_user(user=user, reference=reference).feedback
    row = disclosure_record(
        actor=user, feedback=feedback, recipient=payload.recipient, purpose=payload.purpose,
        data=payload.data,
    )
    return Status(201, _disclosure(row))


@router.get(
    "/feedback/{reference}/disclosures",
    response={200: DisclosuresOut, **_STAFF_ERRORS},
    auth=StaffToken(),
    tags=["cases"],
    summary="The case's disclosure log: to whom its data was given",
)
def disclosure_list(request: HttpRequest, reference: str) -> Any:
    user = _user(request)
    feedback = feedback_for_user(user=user, reference=reference).feedback
    return Status(200, {"items": [
        _disclosure(row) for row in disclosures_list(actor=user, feedback=feedback)
    ]})


# --- Data subjects' requests (roles privacy and admin) -------------------------------------

RightCode = Literal["access", "rectification", "erasure", "objection", "information"]
_REQUEST_ERRORS: dict[int, Any] = {
    code: ErrorOut for code in (400, 401, 403, 404, 409, 413, 415, 422)
}


class SubjectIn(BaseModel):
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=40)


class SubjectRequestIn(BaseModel):
    right: RightCode
    subject: SubjectIn
    identity_check: str = Field(max_length=2000, description="How the person was identified.")


class SubjectRequestOut(BaseModel):
    id: int
    right: RightCode
    status: Literal["open", "answered", "refused"]
    received_at: datetime
    due_at: datetime
    cases: list[str]


class ExportMessageOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    at: str | None
    channel: str
    body: str


class ExportDisclosureOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    recipient: str
    purpose: str
    at: str | None


class ExportCaseOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    reference: str
    received_at: str | None
    channel: str
    subject: str
    description: str
    customer: dict[str, str]
    messages: list[ExportMessageOut]
    disclosures: list[ExportDisclosureOut]


class ExportOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    subject: dict[str, str]
    cases: list[ExportCaseOut]


class KeptOut(BaseModel):
    reference: str
    reason: str


class ErasureOut(BaseModel):
    anonymised: list[str]
    kept: list[KeptOut]


def _request_out(row: SubjectRequest) -> dict[str, Any]:
    return {
        "id": row.pk, "right": row.right, "status": row.status,
        "received_at": local(row.received_at), "due_at": local(row.due_at),
        "cases": [c.reference for c in row.cases.order_by("received_at", "id")],
    }


@router.post(
    "/privacy/requests",
    response={201: SubjectRequestOut, **_REQUEST_ERRORS},
    auth=StaffToken(),
    tags=["privacy"],
    summary="Record a data subject's request",
    description="The answer is due 30 days after receipt; `cases` are every feedback whose"
    " customer has that e-mail (compared without case) or phone. Roles: privacy, admin.",
)
def subject_request_create(request: HttpRequest, payload: SubjectRequestIn) -> Any:
    row = request_record(
        actor=_user(request), right=payload.right, email=payload.subject.email,
        phone=payload.subject.phone, identity_check=payload.identity_check,
    )
    return Status(201, _request_out(row))


@router.get(
    "/privacy/requests/{request_id}/export",
    response={200: ExportOut, **_REQUEST_ERRORS},
    auth=StaffToken(),
    tags=["privacy"],
    summary="Everything held about the person of a request",
    description="All the organisation holds about that person (the request's cases), nothing"
    " about anyone else. Roles: privacy, admin.",
)
def subject_request_export(request: HttpRequest, request_id: int) -> Any:
    user = _user(request)
    row = request_get(user=user, request_id=request_id)
    return Status(200, request_export(actor=user, request=row))


@router.post(
    "/privacy/requests/{request_id}/erase",
    response={200: ErasureOut, **_REQUEST_ERRORS},
    auth=StaffToken(),
    tags=["privacy"],
    summary="Erase the person's data by anonymising their cases",
    description="A case still being handled is kept, with the reason; a closed case is"
    " anonymised in place, keeping every report figure. 409 when the request is answered"
    " or asks for no erasure. Roles: privacy, admin.",
)
def subject_request_erase(request: HttpRequest, request_id: int) -> Any:
    user = _user(request)
    row = request_get(user=user, request_id=request_id)
    done = request_erase(actor=user, request=row)
    return Status(200, {"anonymised": done.anonymised, "kept": done.kept})
