"""Deadlines: when an obligation falls due, on a calendar, under a target.

The one rule for both kinds of target (feedback's `deadline_rules` asks it):

* immediate targets ("at once") are due after a clock-time grace of at most a
  minute (`IMMEDIATE_GRACE_MAX`), whatever the hour, and never pause;
* business targets count open time only, plus the business time spent paused;
  a start outside business hours counts from the next opening.

The warning instant is `warn_at_percent` of the same budget.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from memnun.servicelevels.calendar import BusinessCalendar
from memnun.servicelevels.clock import add_business_time
from memnun.servicelevels.models import IMMEDIATE_GRACE_MAX_MINUTES, TargetMode
from memnun.servicelevels.store import Target

IMMEDIATE_GRACE_MAX: Final = timedelta(minutes=IMMEDIATE_GRACE_MAX_MINUTES)


@dataclass(frozen=True)
class Deadline:
    target_key: str
    due_at: datetime
    warn_at: datetime


def deadline_compute(
    *, target: Target, calendar: BusinessCalendar, started_at: datetime, paused_seconds: int = 0
) -> Deadline:
    """Due and warning instants of an obligation under a target (see the module docstring)."""
    if target.mode == TargetMode.IMMEDIATE:
        # A grace stored before the limit existed is still held to it.
        grace = min(timedelta(minutes=target.minutes), IMMEDIATE_GRACE_MAX)
        return Deadline(
            target.key, started_at + grace, started_at + grace * target.warn_at_percent / 100
        )
    budget = timedelta(minutes=target.minutes)
    paused = timedelta(seconds=paused_seconds)
    warn_share = budget * min(target.warn_at_percent, 100) / 100
    return Deadline(
        target.key,
        add_business_time(calendar, started_at, budget + paused),
        add_business_time(calendar, started_at, warn_share + paused),
    )
