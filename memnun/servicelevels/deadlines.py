"""Deadlines: when an obligation falls due, on a calendar, under a target."""

from __future__ import annotations

from datetime import datetime, timedelta

from memnun.servicelevels.calendar import BusinessCalendar
from memnun.servicelevels.clock import add_business_minutes
from memnun.servicelevels.store import Target, calendar_get, target_get


def due_at(*, target: Target, calendar: BusinessCalendar, start: datetime) -> datetime:
    """Immediate targets are due after a clock-time grace; others in business minutes.

    A start outside business hours counts from the next opening.
    """
    if target.mode == "immediate":
        return start + timedelta(minutes=target.minutes)
    return add_business_minutes(calendar, start, target.minutes)


def deadline_for(*, keys: list[str], calendar_code: str | None, start: datetime) -> datetime:
    return due_at(target=target_get(keys), calendar=calendar_get(calendar_code), start=start)
