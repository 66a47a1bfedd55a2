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
