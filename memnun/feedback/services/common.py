"""What the case-work services share: the row lock, the audit event, internal notes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.utils import timezone

from memnun.accounts.models import User
from memnun.audit.chain import audit_record
from memnun.feedback.codes import Status
from memnun.feedback.errors import Conflict
from memnun.feedback.models import CaseMessage, Feedback
from memnun.feedback.services.obligations import obligations_customer_told


def now_or(now: datetime | None) -> datetime:
    return now if now is not None else timezone.now()


def case_lock(feedback: Feedback) -> Feedback:
    """The case's row, re-read under a lock: the state every check in the transaction sees."""
    return Feedback.objects.select_for_update().get(pk=feedback.pk)


def cases_lock(*cases: Feedback) -> list[Feedback]:
    """Several cases locked in id order, so that two merges never wait on each other."""
    ids = sorted({c.pk for c in cases})
    rows = Feedback.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    locked = {f.pk: f for f in rows}
    return [locked[c.pk] for c in cases]


def ensure_status(feedback: Feedback, allowed: Iterable[str], message: str) -> None:
    if feedback.status not in set(allowed):
        raise Conflict(message)


def status_label(status: str) -> str:
    return str(Status(status).label)


def case_audit(
    *, actor: User | None, action: str, feedback: Feedback, data: dict[str, Any]
) -> None:
    """An audit event about a case. Free text stays out (it may hold personal data):
    events point at the row that holds it (a note, a proposal) instead."""
    audit_record(
        actor=actor.username if actor is not None else "",
        action=action,
        object_type="feedback",
        object_id=feedback.reference,
        data=data,
    )


def note_write(
    *, feedback: Feedback, author: User | None, body: str, visible_to_customer: bool,
    at: datetime,
) -> CaseMessage | None:
    """A message or internal note; nothing for a blank body."""
    body = body.strip()
    if not body:
        return None
    message = CaseMessage.objects.create(
        feedback=feedback, author=author, body=body,
        visible_to_customer=visible_to_customer, created_at=at,
    )
    if visible_to_customer:
        # A written word to the customer is a response and an update.
        obligations_customer_told(feedback=feedback, at=at, substantive=True)
    return message
