"""Messages of a case, for staff: what was sent, how delivery went, what the customer wrote."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from pydantic import BaseModel

from memnun.accounts.models import User
from memnun.api.auth import StaffToken
from memnun.api.errors import ErrorOut
from memnun.api.presenters import local
from memnun.feedback.masking import mask_email, mask_name, mask_tail
from memnun.feedback.permissions import feedback_for_user, sees_personal_data
from memnun.feedback.services.messaging import feedback_outbound_messages
from memnun.mailin.selectors import inbound_for_case

router = Router(tags=["messages"])


class OutboundOut(BaseModel):
    id: int
    kind: str
    channel: str
    recipient: str
    language: str
    subject: str
    status: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None
    sent_at: datetime | None
    last_error: str
    message_id: str


class OutboundListOut(BaseModel):
    reference: str
    items: list[OutboundOut]


class InboundOut(BaseModel):
    id: int
    status: str
    from_address: str
    subject: str
    text: str
    received_at: datetime
    attachments: list[str]
    notes: list[str]


class InboundListOut(BaseModel):
    reference: str
    items: list[InboundOut]


def _mask_recipient(channel: str, recipient: str) -> str:
    if channel == "email":
        return mask_email(recipient)
    if channel == "sms":
        return mask_tail(recipient)
    return mask_name(recipient)


def _viewer(request: HttpRequest) -> User:
    user = getattr(request, "auth", None)
    assert isinstance(user, User)
    return user


@router.get(
    "/feedback/{reference}/messages/outbound",
    response={200: OutboundListOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=StaffToken(),
    summary="Every message sent (or being sent) for a case, with its delivery status",
    description="Recipients are masked for roles that do not see personal data (auditors).",
)
def outbound_messages(request: HttpRequest, reference: str) -> Any:
    viewer = _viewer(request)
    feedback = feedback_for_user(user=viewer, reference=reference).feedback
    reveal = sees_personal_data(viewer)
    items = [
        {
            "id": m.pk,
            "kind": m.kind,
            "channel": m.channel,
            "recipient": m.recipient if reveal else _mask_recipient(m.channel, m.recipient),
            "language": m.language,
            "subject": m.subject,
            "status": m.status,
            "attempts": m.attempts,
            "created_at": local(m.created_at),
            "next_attempt_at": local(m.next_attempt_at) if m.status in ("pending", "failed")
            else None,
            "sent_at": local(m.sent_at),
            "last_error": m.last_error,
            "message_id": m.message_id,
        }
        for m in feedback_outbound_messages(feedback=feedback)
    ]
    return Status(200, {"reference": feedback.reference, "items": items})


@router.get(
    "/feedback/{reference}/messages/inbound",
    response={200: InboundListOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=StaffToken(),
    summary="E-mails the customer sent about a case",
    description="Sender addresses are masked for roles that do not see personal data.",
)
def inbound_messages(request: HttpRequest, reference: str) -> Any:
    viewer = _viewer(request)
    feedback = feedback_for_user(user=viewer, reference=reference).feedback
    reveal = sees_personal_data(viewer)
    items = [
        {
            "id": m.pk,
            "status": m.status,
            "from_address": m.from_address if reveal else mask_email(m.from_address),
            "subject": m.subject,
            "text": m.text,
            "received_at": local(m.received_at),
            "attachments": [a.filename for a in m.attachments.all()],
            "notes": [str(n) for n in m.notes],
        }
        for m in inbound_for_case(feedback=feedback)
    ]
    return Status(200, {"reference": feedback.reference, "items": items})
