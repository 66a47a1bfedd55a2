"""Which fields of a received e-mail are which kind of personal data."""

from __future__ import annotations

from memnun.personaldata.fields import PersonalField

P = PersonalField

INBOUND_FIELDS: dict[str, PersonalField] = {
    "from_address": P.EMAIL,
    "from_name": P.NAME,
    "subject": P.FREE_TEXT,
    "text": P.FREE_TEXT,
    # The raw headers name the sender and everyone copied.
    "headers": P.FREE_TEXT,
}
