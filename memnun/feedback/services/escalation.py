"""Escalations (RA-flow): every rise of a case on the ladder, with its reason, audited.

`escalation_write` is the only code that raises `Feedback.escalation_level`: the
customer's rejection (customer_answers.py) and the reopening (lifecycle.py) call
it inside their own transaction, and the two moves of `moves.py` that only
escalate, `feedback_escalate` (one level up, with a reason) and
`feedback_refer_external` (the ladder's external level: which body, since when),
are their own transactions. Each writes an `Escalation` row, which the case's
timeline and the escalations report show, and a `feedback.escalated` event.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.feedback import moves
from memnun.feedback.errors import Conflict, FieldErrors
from memnun.feedback.escalation import external_level, next_internal_level
from memnun.feedback.escalation_codes import EscalationReason, ExternalBody
from memnun.feedback.escalation_models import Escalation
from memnun.feedback.models import Feedback
from memnun.feedback.permissions import require
from memnun.feedback.services.common import case_audit, case_lock, ensure_status, now_or


def escalation_write(
    *, feedback: Feedback, reason: str, to_level: int, by: User | None, at: datetime,
    text: str = "", external_body: str = "", referred_on: date | None = None,
) -> Escalation:
    """Raise a locked case to `to_level` with its reason, recorded and audited.

    Called inside the caller's transaction. The words (`text`) stay in the row, not in
    the audit event (they may hold personal data).
    """
    before = feedback.escalation_level
    feedback.escalation_level = to_level
    feedback.save(update_fields=["escalation_level"])
    row = Escalation.objects.create(
        feedback=feedback, reason=reason, from_level=before, to_level=to_level,
        text=text.strip(), external_body=external_body, referred_on=referred_on, by=by, at=at,
    )
    case_audit(
        actor=by, action="feedback.escalated", feedback=feedback,
        data={"escalation_id": row.pk, "reason": reason,
              "before": {"escalation_level": before}, "after": {"escalation_level": to_level},
              "external_body": external_body or None,
              "referred_on": referred_on.isoformat() if referred_on else None},
    )
    return row


def escalation_on_return(
    *, feedback: Feedback, reason: str, by: User | None, at: datetime, text: str = ""
) -> Escalation | None:
    """The customer rejected a resolution or the case was reopened: the ladder's next
    internal level; nothing when the case already stands at the top of it."""
    to_level = next_internal_level(feedback.escalation_level)
    if to_level == feedback.escalation_level:
        return None
    return escalation_write(
        feedback=feedback, reason=reason, to_level=to_level, by=by, at=at, text=text
    )


def feedback_escalate(
    *, actor: User, feedback: Feedback, reason: str, now: datetime | None = None
) -> Escalation:
    """One level up the ladder by a reviewer or a quality manager, saying why; the status
    stays. At the top internal level, refer the case to an external body instead."""
    require(actor, moves.ESCALATE.action, feedback)
    if not reason.strip():
        raise FieldErrors({"reason": [_("Say why the case is escalated.")]})
    at = now_or(now)
    with transaction.atomic():
        feedback = case_lock(feedback)
        ensure_status(feedback, moves.ESCALATE.sources, _("Only an open case can be escalated."))
        if not moves.higher_level_above(feedback=feedback, actor=actor, now=at):
            raise Conflict(_(
                "The case is at the top of the escalation ladder: record a referral to an"
                " external body instead."
            ))
        return escalation_write(
            feedback=feedback, reason=EscalationReason.MANUAL,
            to_level=next_internal_level(feedback.escalation_level), by=actor, at=at,
            text=reason,
        )


def feedback_refer_external(
    *, actor: User, feedback: Feedback, body: str, referred_on: date, note: str = "",
    now: datetime | None = None,
) -> Escalation:
    """Record that the customer was pointed to, or took the case to, an external body
    (the consumer arbitration committee, a court, an ISO 10003 provider): the case stands
    at the ladder's external level from then on. The status stays."""
    require(actor, moves.REFER_EXTERNAL.action, feedback)
    at = now_or(now)
    errors: dict[str, list[str]] = {}
    if body not in ExternalBody.values:
        errors["body"] = [_("Say which external body.")]
    if referred_on > timezone.localdate(at):
        errors["referred_on"] = [_("The referral date cannot be in the future.")]
    if errors:
        raise FieldErrors(errors)
    with transaction.atomic():
        feedback = case_lock(feedback)
        ensure_status(
            feedback, moves.REFER_EXTERNAL.sources,
            _("This case cannot be referred to an external body."),
        )
        if not moves.not_merged(feedback=feedback, actor=actor, now=at):
            raise Conflict(_("This case was merged into another: refer that one."))
        external = external_level()
        if external is None:
            raise Conflict(_("The escalation ladder has no external level."))
        return escalation_write(
            feedback=feedback, reason=EscalationReason.EXTERNAL_REFERRAL,
            to_level=max(external.order, feedback.escalation_level), by=actor, at=at,
            text=note, external_body=body, referred_on=referred_on,
        )
