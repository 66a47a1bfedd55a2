"""Training records (ISO 10002 4.14): who completed which complaints-handling course, when,
and until when it counts. The assignment rule (services/assignment.py) reads them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.audit.chain import audit_record
from memnun.feedback.errors import FieldErrors
from memnun.feedback.permissions import Action, require
from memnun.feedback.services.common import now_or
from memnun.feedback.services.involvement import staff_by_username
from memnun.governance.models import TrainingRecord


@dataclass(frozen=True)
class TrainingInput:
    username: str
    course: str
    completed_on: date | None
    expires_on: date | None = None
    evidence: str = ""


def training_record(
    *, actor: User, data: TrainingInput, now: datetime | None = None
) -> TrainingRecord:
    """Record a completed training of a member of staff."""
    require(actor, Action.MANAGE_TRAINING)
    at = now_or(now)
    errors: dict[str, list[str]] = {}
    if not data.course.strip():
        errors["course"] = [_("Name the course.")]
    if data.completed_on is None:
        errors["completed_on"] = [_("Give the date the course was completed.")]
    elif data.completed_on > timezone.localdate(at):
        errors["completed_on"] = [_("A training is recorded once it is completed.")]
    elif data.expires_on is not None and data.expires_on <= data.completed_on:
        errors["expires_on"] = [_("The training must expire after it was completed.")]
    if errors:
        raise FieldErrors(errors)
    assert data.completed_on is not None
    member = staff_by_username(data.username, field="username")
    with transaction.atomic():
        record = TrainingRecord.objects.create(
            user=member, course=data.course.strip(), completed_on=data.completed_on,
            expires_on=data.expires_on, evidence=data.evidence.strip(), recorded_by=actor,
            recorded_at=at,
        )
        audit_record(
            actor=actor.username, action="training.recorded", object_type="training_record",
            object_id=str(record.pk),
            data={"user": member.username, "course": record.course,
                  "completed_on": record.completed_on.isoformat(),
                  "expires_on": record.expires_on.isoformat() if record.expires_on else None},
        )
    return record
