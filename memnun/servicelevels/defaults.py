"""Built-in service levels, used until an administrator stores their own.

These carry the published promises: web, e-mail, phone and face-to-face
feedback is acknowledged at once; fax, letter, front-office forms, social
media, dealer and employee reports within 6 business hours.
"""

from __future__ import annotations

from typing import Final

from memnun.servicelevels.models import TargetMode

IMMEDIATE: Final = TargetMode.IMMEDIATE
BUSINESS: Final = TargetMode.BUSINESS

STANDARD_CALENDAR: Final = "standard"
STANDARD_WEEK: Final = {d: ["09:00-18:00"] for d in ("mon", "tue", "wed", "thu", "fri")}
STANDARD_TIMEZONE: Final = "Europe/Istanbul"

# key → (mode, minutes, warn at %). Immediate targets: minutes are a clock-time grace,
# one minute at most (the time the acknowledgement takes to reach the mail server).
DEFAULT_TARGETS: Final[dict[str, tuple[TargetMode, int, int]]] = {
    "ack:web": (IMMEDIATE, 1, 50),
    "ack:email": (IMMEDIATE, 1, 50),
    "ack:phone": (IMMEDIATE, 1, 50),
    "ack:front_office": (IMMEDIATE, 1, 50),
    "ack:fax": (BUSINESS, 6 * 60, 80),
    "ack:letter": (BUSINESS, 6 * 60, 80),
    "ack:social_media": (BUSINESS, 6 * 60, 80),
    "ack:dealer": (BUSINESS, 6 * 60, 80),
    "ack:employee": (BUSINESS, 6 * 60, 80),
    # Resolution: complaints 10 business days of 9 hours; safety cases 2 days.
    "resolution:complaint": (BUSINESS, 10 * 9 * 60, 80),
    "resolution:safety": (BUSINESS, 2 * 9 * 60, 50),
    "resolution:suggestion": (BUSINESS, 15 * 9 * 60, 80),
    "resolution:compliment": (BUSINESS, 5 * 9 * 60, 80),
    "resolution:request": (BUSINESS, 10 * 9 * 60, 80),
    # First response to the customer after acknowledgement, and updates while open.
    "first_response": (BUSINESS, 2 * 9 * 60, 80),
    "update": (BUSINESS, 5 * 9 * 60, 80),
}
