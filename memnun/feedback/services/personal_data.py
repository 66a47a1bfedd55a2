"""Revealing a customer's personal data to staff who see it masked (KVKK).

Always with a reason, always logged.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.feedback.errors import FieldErrors
from memnun.feedback.models import Feedback
from memnun.feedback.permissions import Action, require
from memnun.feedback.services.common import case_audit

REASON_LIMIT = 500
REVEALED_FIELDS = ("name", "email", "phone", "address", "imei", "device_serial")


@dataclass(frozen=True)
class RevealedContact:
    name: str
    email: str
    phone: str
    preferred_contact: str
    language: str
    imei: str
    device_serial: str
    address: str = ""


def personal_data_reveal(*, actor: User, feedback: Feedback, reason: str) -> RevealedContact:
    """The unmasked contact details, and an audit event saying who saw them and why.

    The reason is kept in the audit trail itself (unlike case texts): the log of
    who saw personal data must outlive the data.
    """
    require(actor, Action.REVEAL_PERSONAL_DATA, feedback)
    reason = reason.strip()
    if not reason:
        raise FieldErrors({"reason": [_("Say why you need the customer's personal data.")]})
    if len(reason) > REASON_LIMIT:
        raise FieldErrors(
            {"reason": [_("Keep the reason under %(limit)s characters.") % {"limit": REASON_LIMIT}]}
        )
    customer = feedback.customer
    with transaction.atomic():
        case_audit(
            actor=actor, action="personal_data.revealed", feedback=feedback,
            data={"reason": reason, "fields": list(REVEALED_FIELDS)},
        )
    return RevealedContact(
        name=customer.name, email=customer.email, phone=customer.phone,
        preferred_contact=customer.preferred_contact, language=customer.language,
        imei=feedback.imei, device_serial=feedback.device_serial, address=customer.address,
    )
