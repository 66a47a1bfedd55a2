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
from memnun.feedback.permissions import feedback_for_user
from memnun.feedback.services.messaging import feedback_outbound_messages
from memnun.mailin.personal_fields import INBOUND_FIELDS
from memnun.mailin.selectors import inbound_for_case
from memnun.notifications.personal_fields import error_with_recipient, recipient_kind
from memnun.personaldata.policy import Interface, present

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


def _viewer(request: HttpRequest) -> User:
    user = getattr(request, "auth", None)
    assert isinstance(user, User)
    return user


@router.get(
    "/feedback/{reference}/messages/outbound",
    response={200: OutboundListOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=StaffToken(),
    summary="Every message sent (or being sent) for a case, with its delivery status",
    description="Recipients are masked for every role (the case's reveal shows them whole).",
)
def outbound_messages(request: HttpRequest, reference: str) -> Any:
    viewer = _viewer(request)
    feedback = feedback_for_user(user=viewer, reference=reference).feedback
    items = [
        {
            "id": m.pk,
            "kind": m.kind,
            "channel": m.channel,
            "recipient": (recipient := present(
                value=m.recipient, field=recipient_kind(m.channel), role=viewer.role,
                interface=Interface.API,
            )),
            "language": m.language,
            "subject": m.subject,
            "status": m.status,
            "attempts": m.attempts,
            "created_at": local(m.created_at),
            "next_attempt_at": local(m.next_attempt_at) if m.status in ("pending", "failed")
            else None,
            "sent_at": local(m.sent_at),
            "last_error": error_with_recipient(
                error=m.last_error, recipient=m.recipient, shown=recipient
            ),
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
    description="Sender addresses are masked for every role; subject and text are shown"
    " to the roles that work the case only.",
)
def inbound_messages(request: HttpRequest, reference: str) -> Any:
    viewer = _viewer(request)
    feedback = feedback_for_user(user=viewer, reference=reference).feedback
    items = [
        {
            "id": m.pk,
            "status": m.status,
            **{
                name: present(value=getattr(m, name), field=INBOUND_FIELDS[name],
                              role=viewer.role, interface=Interface.API)
                for name in ("from_address", "subject", "text")
            },
            "received_at": local(m.received_at),
            "attachments": [a.filename for a in m.attachments.all()],
            "notes": [str(n) for n in m.notes],
        }
        for m in inbound_for_case(feedback=feedback)
    ]
    return Status(200, {"reference": feedback.reference, "items": items})
