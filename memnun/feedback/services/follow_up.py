"""A customer who comes back after the reopening window: new feedback, linked to the old."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.feedback.codes import Closure, LinkKind, Status
from memnun.feedback.errors import Conflict
from memnun.feedback.models import Feedback, FeedbackLink
from memnun.feedback.moves import reopen_window_open
from memnun.feedback.permissions import Action, require
from memnun.feedback.services.common import case_audit, case_lock
from memnun.feedback.services.intake import (
    CustomerInput,
    IntakeInput,
    IntakeResult,
    feedback_record,
)


def feedback_follow_up(
    *, actor: User, feedback: Feedback, channel: str, description: str
) -> IntakeResult:
    """Record the customer's return about a closed case as new feedback, `reopened_as` linked.

    The new case copies the old one's customer, office, type, subject and
    product; it gets its own reference and tracking code and starts as `created`.
    Within the reopening window the case is reopened instead (`feedback_reopen`).
    """
    require(actor, Action.FOLLOW_UP, feedback)
    with transaction.atomic():
        old = case_lock(feedback)
        if old.status != Status.CLOSED:
            raise Conflict(_("This case is still open: work on it instead."))
        if old.closure == Closure.MERGED:
            raise Conflict(_("This case was merged into another: follow that one up."))
        if reopen_window_open(feedback=old, actor=actor, now=timezone.now()):
            raise Conflict(
                _("This case was closed less than %(days)s days ago: reopen it instead.")
                % {"days": settings.MEMNUN_REOPEN_DAYS}
            )
        customer = old.customer
        result = feedback_record(
            actor=actor,
            data=IntakeInput(
                type=old.type, channel=channel, office=old.office.code, subject=old.subject,
                description=description, remedy_sought=old.remedy_sought,
                brand=old.brand_text or (old.brand.name if old.brand else ""),
                product=old.product,
                device_serial=old.device_serial, imei=old.imei, repair_order=old.repair_order,
                customer=CustomerInput(
                    name=customer.name, email=customer.email, phone=customer.phone,
                    preferred_contact=customer.preferred_contact, language=customer.language,
                    address=customer.address,
                ),
                # The legal basis is the complaint itself; the notice was acknowledged before.
                # Consents are not copied: they belong to the old case, and are asked anew.
                privacy_notice=True,
            ),
        )
        FeedbackLink.objects.create(
            from_feedback=old, to_feedback=result.feedback, kind=LinkKind.REOPENED_AS,
            created_by=actor, created_at=result.feedback.recorded_at,
        )
        case_audit(
            actor=actor, action="feedback.followed_up", feedback=old,
            data={"new": result.feedback.reference},
        )
    return result
