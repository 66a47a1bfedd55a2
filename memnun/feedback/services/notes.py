"""Internal notes (never shown to the customer), messages to the customer, and files.

Messages are recorded here; delivering them (e-mail, SMS) is the notifications
worker's job.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.feedback.attachments import AttachmentRefused, attachment_prepare, attachment_save
from memnun.feedback.errors import FieldErrors
from memnun.feedback.models import Attachment, CaseMessage, Feedback
from memnun.feedback.permissions import Action, require
from memnun.feedback.services.common import case_audit, case_lock, note_write, now_or
from memnun.feedback.services.involvement import ensure_not_involved

BODY_LIMIT = 10_000


def _body(body: str) -> str:
    if not body.strip():
        raise FieldErrors({"body": [_("Write something.")]})
    if len(body) > BODY_LIMIT:
        message = _("Keep it under %(limit)s characters.") % {"limit": BODY_LIMIT}
        raise FieldErrors({"body": [message]})
    return body


def _write(
    *, actor: User, feedback: Feedback, body: str, visible: bool, now: datetime | None
) -> CaseMessage:
    at = now_or(now)
    with transaction.atomic():
        feedback = case_lock(feedback)
        if visible:
            # Speaking for the company to the customer is handling the case.
            ensure_not_involved(feedback, actor)
        message = note_write(
            feedback=feedback, author=actor, body=body, visible_to_customer=visible, at=at
        )
        assert message is not None
        case_audit(
            actor=actor,
            action="feedback.message_sent" if visible else "feedback.note_added",
            feedback=feedback, data={"message_id": message.pk},
        )
    return message


def note_add(
    *, actor: User, feedback: Feedback, body: str, now: datetime | None = None
) -> CaseMessage:
    """An internal note: for staff only, never on the tracking page."""
    require(actor, Action.ADD_NOTE, feedback)
    return _write(actor=actor, feedback=feedback, body=_body(body), visible=False, now=now)


def message_send(
    *, actor: User, feedback: Feedback, body: str, now: datetime | None = None
) -> CaseMessage:
    """A message to the customer: shown on the tracking page, delivered by notifications."""
    require(actor, Action.MESSAGE_CUSTOMER, feedback)
    return _write(actor=actor, feedback=feedback, body=_body(body), visible=True, now=now)


def attachment_add(
    *, actor: User, feedback: Feedback, filename: str, content_type: str, content: bytes
) -> Attachment:
    """A file added to a case by staff (a scan, a photo); its type is read from its bytes."""
    require(actor, Action.ADD_ATTACHMENT, feedback)
    try:
        prepared = attachment_prepare(
            filename=filename, declared_type=content_type, content=content
        )
    except AttachmentRefused as exc:
        raise FieldErrors({"content_base64": [exc.message]}) from None
    with transaction.atomic():
        feedback = case_lock(feedback)
        row = Attachment(feedback=feedback)
        attachment_save(row=row, prepared=prepared)
        case_audit(
            actor=actor, action="feedback.attachment_added", feedback=feedback,
            data={"attachment_id": row.pk, "content_type": row.content_type, "size": row.size,
                  "sha256": row.sha256},
        )
    return row
