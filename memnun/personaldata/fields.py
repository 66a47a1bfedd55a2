"""The kinds of personal data memnun holds."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any


class PersonalField(StrEnum):
    NAME = "name"
    EMAIL = "email"
    PHONE = "phone"
    ADDRESS = "address"  # postal address
    IMEI = "imei"
    SERIAL = "serial"  # a device's serial number
    REPAIR_ORDER = "repair_order"
    # The customer's own words (subject, description, remedy sought) and the
    # messages about them: they may name anyone, so they cannot be masked, only
    # shown whole or not at all.
    FREE_TEXT = "free_text"


# The kinds that identify a person or their device: masked by default, whole
# only through an audited reveal.
IDENTIFYING = frozenset(PersonalField) - {PersonalField.FREE_TEXT}

# How a model declares a field: its kind, or a function of the row giving it
# (an outbound message's recipient is an address, a number or a name by channel).
FieldKind = PersonalField | Callable[[Any], PersonalField]
