"""People involved in what a feedback is about: recorded, and kept from handling it."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.feedback.codes import Status
from memnun.feedback.errors import Conflict, FieldErrors
from memnun.feedback.models import Feedback, InvolvedPerson
from memnun.feedback.permissions import Action, require
from memnun.feedback.services.common import case_audit, case_lock, now_or


def involvement_of(feedback: Feedback, user: User) -> InvolvedPerson | None:
    return InvolvedPerson.objects.filter(feedback=feedback, user=user).first()


def ensure_not_involved(feedback: Feedback, user: User) -> None:
    """Objectivity (ISO 10002): nobody involved in the subject handles or decides it."""
    involved = involvement_of(feedback, user)
    if involved is not None:
        raise Conflict(
            _(
                "%(user)s is involved in what this feedback is about (%(role)s) and may not"
                " handle or decide it."
            )
            % {"user": user.username, "role": involved.role_in_subject}
        )


def staff_by_username(username: str, *, field: str) -> User:
    user = User.objects.filter(username=username.strip()).select_related("office").first()
    if user is None:
        raise FieldErrors({field: [_("No member of staff has this username.")]})
    return user


def involved_person_record(
    *, actor: User, feedback: Feedback, username: str, role_in_subject: str,
    now: datetime | None = None,
) -> InvolvedPerson:
    """Record that a member of staff took part in the subject (the technician on the repair)."""
    require(actor, Action.RECORD_INVOLVED, feedback)
    user = staff_by_username(username, field="username")
    if not role_in_subject.strip():
        raise FieldErrors({"role_in_subject": [_("Say how this person was involved.")]})
    at = now_or(now)
    with transaction.atomic():
        feedback = case_lock(feedback)
        if involvement_of(feedback, user) is not None:
            raise Conflict(_("This person is already recorded as involved."))
        if feedback.assignee_id == user.pk and feedback.status != Status.CLOSED:
            raise Conflict(
                _("This person is the case's assignee: assign the case to someone else first.")
            )
        involved = InvolvedPerson.objects.create(
            feedback=feedback, user=user, role_in_subject=role_in_subject.strip()[:200],
            recorded_by=actor, recorded_at=at,
        )
        case_audit(
            actor=actor, action="feedback.involved_recorded", feedback=feedback,
            data={"user": user.username, "involved_id": involved.pk},
        )
    return involved
