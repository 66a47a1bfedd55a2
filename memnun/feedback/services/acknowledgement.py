"""Recording that the customer was told their feedback was taken in (ele alındı bilgisi).

Two doors, one record: `feedback_acknowledge` when a member of staff gave it
by hand (a phone call back, a letter) — it checks their permission itself —
and `feedback_acknowledge_delivered` when the worker handed the automatic
message to the mail system (web and e-mail channels): no person acts there,
so no permission is asked. The time recorded is when it left us.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.audit.chain import audit_record
from memnun.feedback.codes import AckMethod, ObligationKind
from memnun.feedback.errors import Conflict, FieldErrors
from memnun.feedback.models import Feedback
from memnun.feedback.permissions import Action, require
from memnun.feedback.services.obligations import obligation_meet
from memnun.feedback.services.privacy_notice import notice_given_with_acknowledgement

# The audit trail's actor when no person gave it (the mail worker).
SYSTEM_ACTOR = "system"


def _check(*, feedback: Feedback, method: str, sent_at: datetime, now: datetime) -> None:
    fields: dict[str, list[str]] = {}
    if method not in AckMethod.values:
        fields["method"] = [_("Unknown acknowledgement method.")]
    if sent_at.tzinfo is None:
        fields["sent_at"] = [_("Give the time with its offset, e.g. +03:00.")]
    elif sent_at > now:
        fields["sent_at"] = [_("The acknowledgement cannot be in the future.")]
    elif sent_at < feedback.received_at:
        fields["sent_at"] = [_("The acknowledgement cannot be before the feedback was received.")]
    if fields:
        raise FieldErrors(fields)


def feedback_acknowledge(
    *, actor: User, feedback: Feedback, method: str, sent_at: datetime | None = None
) -> Feedback:
    """A member of staff records the acknowledgement they gave; a late one is kept, and
    shows as late.

    `sent_at` defaults to now; it may be earlier (given by hand, recorded later),
    never in the future nor before receipt. A second acknowledgement is a
    Conflict: the first one is what the customer got.
    """
    require(actor, Action.ACKNOWLEDGE, feedback)
    return _acknowledgement_record(
        feedback=feedback, method=method, sent_at=sent_at, actor_name=actor.username
    )


def feedback_acknowledge_delivered(
    *, feedback: Feedback, method: str, sent_at: datetime
) -> Feedback:
    """The worker's acknowledgement: the automatic message reached the provider at `sent_at`.

    Recorded under the system actor; a Conflict when the case was acknowledged
    already (by hand, or by an earlier delivery).
    """
    return _acknowledgement_record(
        feedback=feedback, method=method, sent_at=sent_at, actor_name=SYSTEM_ACTOR
    )


def _acknowledgement_record(
    *, feedback: Feedback, method: str, sent_at: datetime | None, actor_name: str
) -> Feedback:
    now = timezone.now()
    sent_at = sent_at or now
    _check(feedback=feedback, method=method, sent_at=sent_at, now=now)
    with transaction.atomic():
        # The case row only: FOR UPDATE would lock the joined office too, which every
        # intake's commit needs (its foreign key check) while this waits for the audit chain.
        locked = (
            Feedback.objects.select_for_update(of=("self",)).select_related("office")
            .get(pk=feedback.pk)
        )
        if locked.ack_sent_at is not None:
            raise Conflict(
                _("This feedback was already acknowledged at %(at)s.")
                % {"at": timezone.localtime(locked.ack_sent_at).strftime("%Y-%m-%d %H:%M")}
            )
        obligation_meet(feedback=locked, kind=ObligationKind.ACKNOWLEDGEMENT, at=sent_at)
        # Where the customer wrote first, the privacy notice goes with the acknowledgement.
        notice_given_with_acknowledgement(feedback=locked, at=sent_at)
        locked.ack_method = method
        locked.save(update_fields=["ack_method"])
        audit_record(
            actor=actor_name,
            action="feedback.acknowledged",
            object_type="feedback",
            object_id=locked.reference,
            data={
                "before": {"ack_sent_at": None, "ack_method": ""},
                "after": {
                    "ack_sent_at": sent_at,
                    "ack_method": method,
                    "ack_due_at": locked.ack_due_at,
                    "on_time": locked.ack_on_time,
                    # The privacy notice it carried, for a customer who wrote first.
                    "privacy_notice_at": locked.privacy_notice_at,
                },
            },
        )
    return locked
