"""The breach clock (K11): 72 wall-clock hours from awareness to the Board's notification
(Board Decision 2019/10), and when the personal-data contact and the quality managers are
alerted on the way.

Wall-clock, not business hours: nights, weekends and holidays count. Pure functions.
"""

from __future__ import annotations

from datetime import datetime, timedelta

BOARD_HOURS = 72
# Alerts as the deadline nears, then one when it has passed.
ALERT_HOURS = (48, 66, BOARD_HOURS)


def board_due_at(aware_at: datetime) -> datetime:
    """The latest moment to notify the Board of a breach the company became aware of then."""
    return aware_at + timedelta(hours=BOARD_HOURS)


def board_late(*, aware_at: datetime, notified_at: datetime) -> bool:
    """Whether a notification at `notified_at` is late (it needs a reason then).

    At exactly 72 hours it is still on time.
    """
    return notified_at > board_due_at(aware_at)


def alert_stage(*, aware_at: datetime, now: datetime) -> int:
    """The latest alert stage reached at `now` (hours after awareness), 0 before the first."""
    reached = [h for h in ALERT_HOURS if now >= aware_at + timedelta(hours=h)]
    return max(reached, default=0)


# A data subject's request is answered within 30 days of receipt (KVKK Art. 13(2));
# calendar days, like the Board's hours.
REQUEST_DAYS = 30
# Alerts to the personal-data contact: days before the due date (0: on it, then late).
REQUEST_ALERT_DAYS = (7, 2, 0)


def request_due_at(received_at: datetime) -> datetime:
    """When the answer to a request received then is due."""
    return received_at + timedelta(days=REQUEST_DAYS)


def request_alert_stage(*, due_at: datetime, now: datetime) -> int:
    """How many of the alerts (`REQUEST_ALERT_DAYS`, in order) are due at `now`: 0 before
    the first, 3 once the due date has come."""
    return sum(1 for days in REQUEST_ALERT_DAYS if now >= due_at - timedelta(days=days))
