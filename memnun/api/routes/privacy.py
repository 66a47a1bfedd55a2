"""Personal data on a case (api-v1.md "Personal data (version 1, part 2)"): the customer's
consents through their tracking code, and the case's disclosure log for staff.

Thin adapters: the consents and disclosures services decide; a disclosure without
a live consent to third-party sharing is their 409.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest, JsonResponse
from ninja import Router, Status
from pydantic import BaseModel, Field, StrictBool

from memnun.accounts.models import User
from memnun.api.auth import StaffToken
from memnun.api.errors import ErrorOut
from memnun.api.presenters import local
from memnun.api.tracking_guard import tracked_feedback
from memnun.feedback.permissions import feedback_for_user
from memnun.feedback.privacy_codes import ConsentChannel, ConsentPurpose
from memnun.feedback.privacy_models import Disclosure
from memnun.feedback.services.consents import consents_customer_set
from memnun.feedback.services.disclosures import disclosure_record, disclosures_list

router = Router()

_TRACK_ERRORS: dict[int, Any] = {code: ErrorOut for code in (400, 404, 409, 413, 415, 422, 429)}
_STAFF_ERRORS: dict[int, Any] = {code: ErrorOut for code in (400, 401, 403, 404, 409, 413, 422)}


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
