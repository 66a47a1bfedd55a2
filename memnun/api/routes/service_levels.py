"""Acknowledgements and the fair work queue: thin adapters to the feedback services."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Status
from pydantic import BaseModel, Field

from memnun.accounts.models import User
from memnun.api.auth import StaffToken
from memnun.api.errors import ErrorOut
from memnun.api.presenters import local
from memnun.feedback.models import Feedback
from memnun.feedback.permissions import feedback_for_user
from memnun.feedback.selectors.queue import QUEUE_PAGE_DEFAULT, QUEUE_PAGE_MAX, queue_page
from memnun.feedback.services.acknowledgement import feedback_acknowledge

router = Router()

AckMethodCode = Literal["email", "sms", "phone", "letter", "in_person"]
ObligationCode = Literal["acknowledgement", "first_response", "resolution", "update"]


class AcknowledgementIn(BaseModel):
    method: AckMethodCode
    sent_at: datetime | None = Field(
        default=None,
        description="When it was given, with offset; default now. Never in the future, never"
        " before the feedback was received.",
    )


class AcknowledgementRecordedOut(BaseModel):
    due_at: datetime | None
    sent_at: datetime | None
    on_time: bool | None
    method: AckMethodCode


class AcknowledgementResultOut(BaseModel):
    reference: str
    acknowledgement: AcknowledgementRecordedOut


def _staff(request: HttpRequest) -> User:
    user = getattr(request, "auth", None)  # set by StaffToken
    assert isinstance(user, User)
    return user


@router.post(
    "/feedback/{reference}/acknowledgement",
    response={
        200: AcknowledgementResultOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut,
        404: ErrorOut, 409: ErrorOut, 413: ErrorOut, 415: ErrorOut, 422: ErrorOut,
    },
    auth=StaffToken(),
    tags=["feedback"],
    summary="Record an acknowledgement given by hand",
    description=(
        "Agents, handlers, reviewers, quality managers and administrators; not auditors (403)."
        " A case outside the caller's office answers 404; one already acknowledged, 409."
        " A late acknowledgement is recorded and shows `on_time: false`."
    ),
)
def acknowledgement_record(
    request: HttpRequest, reference: str, payload: AcknowledgementIn
) -> Any:
    user = _staff(request)
    feedback = feedback_for_user(user=user, reference=reference).feedback
    feedback = feedback_acknowledge(
        actor=user, feedback=feedback, method=payload.method, sent_at=payload.sent_at
    )
    return Status(
        200,
        {
            "reference": feedback.reference,
            "acknowledgement": {
                "due_at": local(feedback.ack_due_at),
                "sent_at": local(feedback.ack_sent_at),
                "on_time": feedback.ack_on_time,
                "method": feedback.ack_method,
            },
        },
    )


class QueueQuery(BaseModel):
    office: str | None = Field(default=None, max_length=32)
    limit: int = Field(default=QUEUE_PAGE_DEFAULT, ge=1, le=QUEUE_PAGE_MAX)
    cursor: str | None = Field(default=None, max_length=400)


class QueueItemOut(BaseModel):
    reference: str
    type: str
    status: str
    office: str
    received_at: datetime
    due_at: datetime | None
    due: ObligationCode | None


class QueueOut(BaseModel):
    items: list[QueueItemOut]
    next: str | None


def _queue_item(feedback: Feedback) -> dict[str, Any]:
    return {
        "reference": feedback.reference,
        "type": feedback.type,
        "status": feedback.status,
        "office": feedback.office.code,
        "received_at": local(feedback.received_at),
        "due_at": local(feedback.next_due_at),
        "due": feedback.next_due_kind or None,
    }


@router.get(
    "/queue",
    response={200: QueueOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    auth=StaffToken(),
    tags=["feedback"],
    summary="Open feedback in fair order",
    description=(
        "Earliest running deadline (`due_at`) first, then earliest received, then the case's"
        " row order; no attribute of the customer changes the order. Cases with no running"
        " deadline (waiting for the customer, or all met) come last. Pass `next` back as"
        " `cursor` for the following page. Office-bound roles see their own office;"
        " asking for another answers 403, an unknown office or a bad cursor 422."
    ),
)
def queue(request: HttpRequest, query: Query[QueueQuery]) -> Any:
    page = queue_page(
        user=_staff(request), office=query.office, limit=query.limit, cursor=query.cursor
    )
    return Status(200, {"items": [_queue_item(f) for f in page.items], "next": page.next})
