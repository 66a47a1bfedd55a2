"""Built-in service levels, used until an administrator stores their own.

These carry the published promises: web, e-mail, phone and face-to-face
feedback is acknowledged at once; fax, letter, front-office forms, social
media, dealer and employee reports within 6 business hours.
"""

from __future__ import annotations

from typing import Final

STANDARD_CALENDAR: Final = "standard"
STANDARD_WEEK: Final = {d: ["09:00-18:00"] for d in ("mon", "tue", "wed", "thu", "fri")}
STANDARD_TIMEZONE: Final = "Europe/Istanbul"

# key → (mode, minutes, warn at %). Immediate targets: minutes are a clock-time grace.
DEFAULT_TARGETS: Final[dict[str, tuple[str, int, int]]] = {
    "ack:web": ("immediate", 10, 50),
    "ack:email": ("immediate", 10, 50),
    "ack:phone": ("immediate", 10, 50),
    "ack:front_office": ("immediate", 10, 50),
    "ack:fax": ("business", 6 * 60, 80),
    "ack:letter": ("business", 6 * 60, 80),
    "ack:social_media": ("business", 6 * 60, 80),
    "ack:dealer": ("business", 6 * 60, 80),
    "ack:employee": ("business", 6 * 60, 80),
    # Resolution: complaints 10 business days of 9 hours; safety cases 2 days.
    "resolution:complaint": ("business", 10 * 9 * 60, 80),
    "resolution:safety": ("business", 2 * 9 * 60, 50),
    "resolution:suggestion": ("business", 15 * 9 * 60, 80),
    "resolution:compliment": ("business", 5 * 9 * 60, 80),
    "resolution:request": ("business", 10 * 9 * 60, 80),
    # First response to the customer after acknowledgement, and updates while open.
    "first_response": ("business", 2 * 9 * 60, 80),
    "update": ("business", 5 * 9 * 60, 80),
}
