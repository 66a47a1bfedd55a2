"""What a customer can expect, in plain dates: when we take it in, when we answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from memnun.feedback.models import Feedback
from memnun.servicelevels.clock import is_open, next_opening
from memnun.servicelevels.deadlines import deadline_for
from memnun.servicelevels.store import calendar_get


@dataclass(frozen=True)
class Expectations:
    received_out_of_hours: bool
    taken_in_at: datetime
    acknowledged_by: datetime | None
    answer_by: datetime


def feedback_expectations(*, feedback: Feedback) -> Expectations:
    calendar_code = feedback.office.calendar_code
    calendar = calendar_get(calendar_code)
    return Expectations(
        received_out_of_hours=not is_open(calendar, feedback.received_at),
        taken_in_at=next_opening(calendar, feedback.received_at),
        acknowledged_by=feedback.ack_due_at,
        answer_by=deadline_for(
            keys=[f"resolution:{feedback.type}"],
            calendar_code=calendar_code,
            start=feedback.received_at,
        ),
    )
