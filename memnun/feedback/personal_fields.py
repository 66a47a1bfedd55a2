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
# The free texts in rows beside the case, by their lookup from it: messages and notes,
# the customer's comments on a resolution and in the survey, questions and answers, the
# reasons given for an escalation or a referral.
RELATED_TEXT_FIELDS: dict[str, PersonalField] = {
    "messages__body": MESSAGE_TEXT,
    "escalations__text": MESSAGE_TEXT,
    "customer_answers__comment": MESSAGE_TEXT,
    "survey__comment": MESSAGE_TEXT,
    "questions__question": MESSAGE_TEXT,
    "questions__answer": MESSAGE_TEXT,
}
# The customer row is the person: whatever is added to it later is theirs.
PERSON_RELATION = "customer"

# What a reveal shows whole (customer fields first, as the pages list them).
IDENTIFYING_FIELDS: dict[str, PersonalField] = CUSTOMER_FIELDS | DEVICE_FIELDS


def personal_lookups() -> dict[str, PersonalField]:
    """Every declared personal field as a lookup from a case (`customer__email`, `imei`, …)."""
    return (
        {f"{PERSON_RELATION}__{name}": kind for name, kind in CUSTOMER_FIELDS.items()}
        | DEVICE_FIELDS | CASE_TEXT_FIELDS | RELATED_TEXT_FIELDS
    )


def lookup_is_personal(lookup: str) -> bool:
    """Whether a lookup from a case reads personal data: a declared field, or the person."""
    return lookup in personal_lookups() or lookup.split("__")[0] == PERSON_RELATION


def identifying_values(feedback: Feedback) -> dict[str, str]:
    """The case's identifying personal data, whole (for the policy or a reveal)."""
    customer = feedback.customer
    return {
        **{name: str(getattr(customer, name)) for name in CUSTOMER_FIELDS},
        **{name: str(getattr(feedback, name)) for name in DEVICE_FIELDS},
    }


def case_text_values(feedback: Feedback) -> dict[str, str]:
    return {name: str(getattr(feedback, name)) for name in CASE_TEXT_FIELDS}
