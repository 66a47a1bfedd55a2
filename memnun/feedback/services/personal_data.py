"""Revealing a customer's personal data to staff, who see it masked (KVKK).

Always with a reason, always logged; and a customer's file opened, logged too.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.feedback.errors import FieldErrors
from memnun.feedback.models import Attachment, Feedback
from memnun.feedback.permissions import Action, require
from memnun.feedback.personal_fields import IDENTIFYING_FIELDS, identifying_values
from memnun.feedback.selectors.attachments import attachment_for_staff
from memnun.feedback.services.common import case_audit
from memnun.personaldata.policy import Interface

REASON_LIMIT = 500


def personal_data_reveal(*, actor: User, feedback: Feedback, reason: str) -> dict[str, str]:
    """The whole identifying values (by field name), and an audit event saying who saw
    which fields of which case and why.

    The event names the fields, never their values. The reason is kept in the
    audit trail itself (unlike case texts): the log of who saw personal data
    must outlive the data.
    """
    require(actor, Action.REVEAL_PERSONAL_DATA, feedback)
    reason = reason.strip()
    if not reason:
        raise FieldErrors({"reason": [_("Say why you need the customer's personal data.")]})
    if len(reason) > REASON_LIMIT:
        raise FieldErrors(
            {"reason": [_("Keep the reason under %(limit)s characters.") % {"limit": REASON_LIMIT}]}
        )
    with transaction.atomic():
        case_audit(
            actor=actor, action="personal_data.revealed", feedback=feedback,
            data={"reason": reason, "fields": list(IDENTIFYING_FIELDS)},
        )
    return identifying_values(feedback)


def attachment_open(
    *, actor: User, reference: str, attachment_id: int, interface: Interface
) -> Attachment:
    """A customer's file for a member of staff who may open it, the download recorded:
    a file (a receipt, a photo) holds personal data that cannot be masked."""
    attachment = attachment_for_staff(user=actor, reference=reference, attachment_id=attachment_id)
    with transaction.atomic():
        case_audit(
            actor=actor, action="attachment.downloaded", feedback=attachment.feedback,
            data={"attachment": attachment.pk, "interface": str(interface)},
        )
    return attachment
