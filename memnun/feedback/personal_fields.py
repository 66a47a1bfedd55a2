"""Which fields of a case are which kind of personal data: declared once, here.

Every interface shows these fields through `memnun.personaldata.policy`; the
reveal (`services/personal_data.py`) shows the identifying ones whole.
"""

from __future__ import annotations

from memnun.feedback.models import Feedback
from memnun.personaldata.fields import PersonalField

P = PersonalField

CUSTOMER_FIELDS: dict[str, PersonalField] = {
    "name": P.NAME,
    "email": P.EMAIL,
    "phone": P.PHONE,
    "address": P.ADDRESS,
}
DEVICE_FIELDS: dict[str, PersonalField] = {
    "imei": P.IMEI,
    "device_serial": P.SERIAL,
    # A repair order number leads to the person at the service centre.
    "repair_order": P.REPAIR_ORDER,
}
CASE_TEXT_FIELDS: dict[str, PersonalField] = {
    "subject": P.FREE_TEXT,
    "description": P.FREE_TEXT,
    "remedy_sought": P.FREE_TEXT,
}
# CaseMessage.body (messages and internal notes) and CustomerAnswer.comment.
MESSAGE_TEXT = P.FREE_TEXT

# What a reveal shows whole (customer fields first, as the pages list them).
IDENTIFYING_FIELDS: dict[str, PersonalField] = CUSTOMER_FIELDS | DEVICE_FIELDS


def identifying_values(feedback: Feedback) -> dict[str, str]:
    """The case's identifying personal data, whole (for the policy or a reveal)."""
    customer = feedback.customer
    return {
        **{name: str(getattr(customer, name)) for name in CUSTOMER_FIELDS},
        **{name: str(getattr(feedback, name)) for name in DEVICE_FIELDS},
    }


def case_text_values(feedback: Feedback) -> dict[str, str]:
    return {name: str(getattr(feedback, name)) for name in CASE_TEXT_FIELDS}
